package dev.gpumem.measure.host;

import dev.gpumem.measure.DeviceInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Facts about the host read from /proc: memory totals, CPU model, page size. */
public final class HostFacts {
    private HostFacts() {
    }

    /** @return a CPU device description: the CPU model and physical memory */
    public static DeviceInfo cpuDevice() {
        return new DeviceInfo(DeviceInfo.Kind.CPU, cpuModel(), null, meminfoBytes("MemTotal"), null, null, null,
                null);
    }

    /** @return the "model name" of /proc/cpuinfo, or "cpu" */
    static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or unreadable: fall through
        }
        return "cpu";
    }

    /** @return a /proc/meminfo field in bytes (its kB are 1024 B), or -1 */
    public static long meminfoBytes(String field) {
        try {
            return parseMeminfo(Files.readAllLines(Path.of("/proc/meminfo")), field);
        } catch (IOException e) {
            return -1;
        }
    }

    static long parseMeminfo(List<String> lines, String field) {
        for (String line : lines) {
            if (line.startsWith(field + ":")) {
                String[] parts = line.substring(field.length() + 1).trim().split("\\s+");
                return Long.parseLong(parts[0]) * 1024L;
            }
        }
        return -1;
    }

    /** @return the kernel page size in bytes (KernelPageSize of /proc/self/smaps), 4096 when unreadable */
    public static long pageSize() {
        try (var lines = Files.lines(Path.of("/proc/self/smaps"))) {
            return lines.filter(l -> l.startsWith("KernelPageSize:")).findFirst()
                    .map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024L).orElse(4096L);
        } catch (IOException | RuntimeException e) {
            return 4096L;
        }
    }
}
