package dev.gpumem.measure;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a failure to load the NVIDIA libraries into one sentence saying what is missing, and finds where a
 * library would be loaded from (for {@code gpumem doctor}).
 *
 * <p>The JNI error's own message hides the reason ("no jnicudart in java.library.path"); the library that is missing
 * is named further down the cause chain ("libjnicudart.so: libcuda.so.1: cannot open shared object file").
 * After a failed class initialisation a second touch in the same JVM throws {@code NoClassDefFoundError: Could not
 * initialize class ...} with no such detail; then the standard library folders and the linker cache are searched
 * to name the first library that cannot be found.
 */
public final class NativeLibraries {
    /** the NVIDIA driver's CUDA library */
    public static final String DRIVER = "libcuda.so.1";
    /** the CUDA 13 runtime (toolkit, or the nvidia/cu13 wheels) */
    public static final String RUNTIME = "libcudart.so.13";
    /** NVML, installed with the driver */
    public static final String NVML = "libnvidia-ml.so.1";

    private static final List<String> STANDARD_DIRS = List.of("/usr/local/cuda/lib64",
            "/usr/local/cuda/targets/x86_64-linux/lib", "/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib",
            "/lib/x86_64-linux-gnu", "/lib64");

    private NativeLibraries() {
    }

    /** @return one sentence: which library is missing, or what else went wrong */
    public static String explain(Throwable failure) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            all.append(' ').append(t);
        }
        String text = all.toString();
        if (text.contains(DRIVER)) {
            return "NVIDIA driver not found (" + DRIVER + " cannot be loaded)";
        }
        if (text.contains(NVML)) {
            return "NVML not found (" + NVML + ", installed with the NVIDIA driver, cannot be loaded)";
        }
        if (text.contains(RUNTIME)) {
            return "CUDA runtime 13 not found (" + RUNTIME + "; install the CUDA 13 toolkit or put the folder "
                    + "holding it on LD_LIBRARY_PATH)";
        }
        if (text.contains("GLIBC_2.3")) {
            return "the JavaCPP CUDA libraries need glibc 2.34 or newer";
        }
        if (text.contains("Could not initialize class")) {
            String missing = firstMissing(List.of(DRIVER, RUNTIME, NVML));
            if (missing != null) {
                return explain(new UnsatisfiedLinkError(missing));
            }
            return "the CUDA libraries could not be loaded earlier in this process";
        }
        String top = failure.getMessage() == null ? failure.toString() : failure.getMessage();
        return "cannot load the NVIDIA libraries: " + top.replaceAll("\\s+", " ");
    }

    /** @return the first of {@code sonames} that {@link #locate} cannot find, or null */
    static String firstMissing(List<String> sonames) {
        for (String s : sonames) {
            if (locate(s).isEmpty()) {
                return s;
            }
        }
        return null;
    }

    /**
     * @return where the dynamic linker could find {@code soname}: folders of LD_LIBRARY_PATH and the standard
     *         folders holding it, plus "ld.so.cache" when the linker cache names it; empty when nowhere
     */
    public static List<String> locate(String soname) {
        List<String> found = new ArrayList<>();
        String ldPath = System.getenv("LD_LIBRARY_PATH");
        List<String> dirs = new ArrayList<>();
        if (ldPath != null) {
            for (String d : ldPath.split(":")) {
                if (!d.isEmpty()) {
                    dirs.add(d);
                }
            }
        }
        dirs.addAll(STANDARD_DIRS);
        for (String d : dirs) {
            Path p = Path.of(d, soname);
            if (Files.exists(p) && !found.contains(p.toString())) {
                found.add(p.toString());
            }
        }
        if (inLinkerCache(soname)) {
            found.add("ld.so.cache");
        }
        return found;
    }

    private static boolean inLinkerCache(String soname) {
        try {
            byte[] cache = Files.readAllBytes(Path.of("/etc/ld.so.cache"));
            return new String(cache, StandardCharsets.ISO_8859_1).contains(soname + '\0');
        } catch (IOException e) {
            return false;
        }
    }
}
