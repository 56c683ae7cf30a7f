package dev.gpumem.measure.run;

import dev.gpumem.measure.NativeLibraries;
import dev.gpumem.measure.ProbeException;
import dev.gpumem.measure.cuda.CudaRuntime;
import dev.gpumem.measure.host.JavaCppVersions;
import dev.gpumem.measure.nvml.Nvml;
import dev.gpumem.measure.nvml.NvmlDevice;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The environment as {@code gpumem doctor} reports it: Java, library versions, which native libraries load and why
 * not, driver / CUDA / NVML versions, devices, and the environment variables that matter (secret-looking values
 * masked). Reading it creates no CUDA context (cudaRuntimeGetVersion and cudaDriverGetVersion do not) and never
 * loads DJL's engine.
 */
public final class Diagnostics {
    private static final Pattern SECRET = Pattern.compile("(?i).*(token|secret|passw|pwd|key|auth|credential|cookie"
            + "|session|private).*");
    private static final Pattern RELEVANT = Pattern.compile("(?i)(LD_LIBRARY_PATH|LD_PRELOAD|PATH|JAVA_HOME|CUDA_.*"
            + "|NVIDIA_.*|PYTORCH_.*|DJL_.*|ENGINE_CACHE_DIR|OPT_OUT_TRACKING|GPUMEM_.*|MALLOC_.*|HF_.*"
            + "|OMP_NUM_THREADS|.*(TOKEN|SECRET|PASSWORD|KEY).*)");

    /**
     * One line of the report.
     *
     * @param section e.g. "java", "native", "nvml", "device 0", "env"
     * @param key     what
     * @param value   the fact, or why it is unknown
     */
    public record Fact(String section, String key, String value) {
    }

    private Diagnostics() {
    }

    /** Gathers every fact; never throws. */
    public static List<Fact> collect() {
        List<Fact> f = new ArrayList<>();
        f.add(new Fact("java", "version", System.getProperty("java.version") + " ("
                + System.getProperty("java.vendor") + ")"));
        f.add(new Fact("java", "home", System.getProperty("java.home")));
        f.add(new Fact("os", "name", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch")));
        f.add(new Fact("os", "glibc", command("getconf", "GNU_LIBC_VERSION")));
        f.add(new Fact("libraries", "javacpp", JavaCppVersions.of("org.bytedeco", "javacpp")));
        f.add(new Fact("libraries", "javacpp cuda presets", JavaCppVersions.of("org.bytedeco", "cuda")));
        f.add(new Fact("libraries", "djl", resourceProperty("ai/djl/engine/api.properties", "djl_version")));
        for (String lib : List.of(NativeLibraries.DRIVER, NativeLibraries.RUNTIME, NativeLibraries.NVML)) {
            List<String> where = NativeLibraries.locate(lib);
            f.add(new Fact("native", lib, where.isEmpty() ? "not found" : String.join(", ", where)));
        }
        nvml(f);
        cuda(f);
        env(f, System.getenv());
        return f;
    }

    private static void nvml(List<Fact> f) {
        try (Nvml nvml = Nvml.open()) {
            f.add(new Fact("nvml", "loads", nvml.driverOnly() ? "yes (driver only, without the CUDA runtime)"
                    : "yes"));
            f.add(new Fact("nvml", "driver", nvml.driverVersion()));
            f.add(new Fact("nvml", "CUDA (driver)", nvml.cudaDriverVersion()));
            f.add(new Fact("nvml", "NVML", nvml.nvmlVersion()));
            int n = nvml.deviceCount();
            f.add(new Fact("nvml", "devices", Integer.toString(n)));
            for (int i = 0; i < n; i++) {
                NvmlDevice d = nvml.device(i);
                String section = "device " + i;
                f.add(new Fact(section, "name", d.name()));
                f.add(new Fact(section, "uuid", d.uuid()));
                NvmlDevice.MemoryV1 v1 = d.memoryV1();
                f.add(new Fact(section, "total", gib(v1.total())));
                f.add(new Fact(section, "used (v1, includes reserved)", gib(v1.used())));
                try {
                    NvmlDevice.MemoryV2 v2 = d.memoryV2();
                    f.add(new Fact(section, "used (v2)", gib(v2.used())));
                    f.add(new Fact(section, "reserved (v2)", gib(v2.reserved())));
                } catch (ProbeException e) {
                    f.add(new Fact(section, "v2", e.getMessage()));
                }
                try {
                    f.add(new Fact(section, "accounting mode", d.accountingEnabled() ? "enabled" : "disabled"));
                } catch (ProbeException e) {
                    f.add(new Fact(section, "accounting mode", e.getMessage()));
                }
                try {
                    f.add(new Fact(section, "compute processes", Integer.toString(d.processes().size())));
                } catch (ProbeException e) {
                    f.add(new Fact(section, "compute processes", e.getMessage()));
                }
            }
        } catch (ProbeException | LinkageError e) {
            f.add(new Fact("nvml", "loads", "no: " + (e instanceof ProbeException ? e.getMessage()
                    : NativeLibraries.explain(e))));
        }
    }

    private static void cuda(List<Fact> f) {
        try {
            CudaRuntime cuda = CudaRuntime.open();
            f.add(new Fact("cuda", "runtime loads", "yes"));
            f.add(new Fact("cuda", "cudaRuntimeGetVersion", Nvml.cudaVersion(cuda.runtimeVersion())));
            int driver = cuda.driverVersion();
            f.add(new Fact("cuda", "cudaDriverGetVersion", driver == 0 ? "0 (no driver)" : Nvml.cudaVersion(driver)));
        } catch (ProbeException | LinkageError e) {
            f.add(new Fact("cuda", "runtime loads", "no: " + (e instanceof ProbeException ? e.getMessage()
                    : NativeLibraries.explain(e))));
        }
    }

    static void env(List<Fact> f, Map<String, String> env) {
        for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
            if (RELEVANT.matcher(e.getKey()).matches()) {
                f.add(new Fact("env", e.getKey(), mask(e.getKey(), e.getValue())));
            }
        }
    }

    /** @return "****" for a secret-looking name, else the value with URL credentials ({@code user:pass@}) hidden */
    static String mask(String name, String value) {
        if (SECRET.matcher(name).matches()) {
            return "****";
        }
        return value.replaceAll("://[^/@\\s:]+:[^/@\\s]+@", "://****@");
    }

    private static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30));
    }

    private static String resourceProperty(String resource, String key) {
        try (InputStream in = Diagnostics.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                return "not on the class path";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty(key, "unknown");
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    private static String command(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0 ? out : "unknown";
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }
}
