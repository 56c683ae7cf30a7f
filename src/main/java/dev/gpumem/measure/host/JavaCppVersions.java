package dev.gpumem.measure.host;

import java.io.IOException;

/** The versions of the JavaCPP artifacts on the class path, as JavaCPP's own {@code Loader} reads them (doctor). */
public final class JavaCppVersions {
    private JavaCppVersions() {
    }

    /**
     * @return the version of {@code group:artifact} (e.g. {@code org.bytedeco:cuda}), "unknown" when JavaCPP finds
     *     none, or "unknown (why)" when it cannot be read
     */
    public static String of(String group, String artifact) {
        try {
            String v = org.bytedeco.javacpp.Loader.getVersion(group, artifact);
            return v == null ? "unknown" : v;
        } catch (IOException | RuntimeException | LinkageError e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }
}
