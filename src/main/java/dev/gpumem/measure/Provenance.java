package dev.gpumem.measure;

import java.util.Objects;

/**
 * What produced a profile.
 *
 * @param toolVersion gpumem version
 * @param gitCommit   commit of the tool's source, or "unknown"
 * @param host        host name
 * @param startedAt   ISO-8601 UTC start time
 * @param runner      runner wire name: replay, replay-cca, djl, external
 * @param device      the device
 * @param javaVersion java.version of the measuring JVM
 */
public record Provenance(String toolVersion, String gitCommit, String host, String startedAt, String runner,
                         DeviceInfo device, String javaVersion) {
    public Provenance {
        Objects.requireNonNull(toolVersion, "toolVersion");
        Objects.requireNonNull(runner, "runner");
        Objects.requireNonNull(device, "device");
    }

    /** @return true when measured on test-double drivers: such a profile is never written under results/ */
    public boolean testDouble() {
        return device.kind() == DeviceInfo.Kind.STUB;
    }
}
