package dev.gpumem.measure.nvml;

import dev.gpumem.measure.DeviceUnavailableException;
import dev.gpumem.measure.NativeLibraries;
import java.io.File;
import java.io.IOException;
import java.net.URL;
import org.bytedeco.javacpp.Loader;

/**
 * Loads JavaCPP's NVML binding. The preset inherits cudart's, so the normal load also needs the CUDA runtime and
 * the driver's libcuda (the cuda preset's @Platform links cudart). Where that fails (a driver-only machine),
 * the fallback loads only what NVML needs: with {@code org.bytedeco.javacpp.loadlibraries=false} set for the
 * moment of class initialisation, it {@code System.load}s libjnijavacpp.so and libjninvml.so as JavaCPP extracted
 * them from the jars, then initialises the NVML classes gpumem uses.
 *
 * <p>Class initialisation happens once per JVM: after a failure every later touch throws NoClassDefFoundError,
 * which {@link NativeLibraries#explain} still turns into a sentence.
 */
final class NvmlLoader {
    private static final String LOAD_LIBRARIES = "org.bytedeco.javacpp.loadlibraries";
    private static final String[] NVML_CLASSES = {
        "org.bytedeco.cuda.global.nvml", "org.bytedeco.cuda.nvml.nvmlDevice_st",
        "org.bytedeco.cuda.nvml.nvmlMemory_t", "org.bytedeco.cuda.nvml.nvmlMemory_v2_t",
        "org.bytedeco.cuda.nvml.nvmlProcessInfo_v2_t", "org.bytedeco.cuda.nvml.nvmlAccountingStats_t"};

    /** How NVML was loaded. */
    enum Route {
        /** through cudart, as JavaCPP does by default */
        WITH_CUDART,
        /** driver only: the JNI library loaded directly, without the CUDA runtime */
        DRIVER_ONLY
    }

    private NvmlLoader() {
    }

    /**
     * Makes the NVML binding usable.
     *
     * @throws DeviceUnavailableException naming the missing library
     */
    static synchronized Route load() {
        ClassLoader cl = NvmlLoader.class.getClassLoader();
        Throwable cudartFailure;
        try {
            Class.forName("org.bytedeco.cuda.global.cudart", true, cl);
            initialise(cl);
            return Route.WITH_CUDART;
        } catch (LinkageError e) {
            cudartFailure = e;
        } catch (ClassNotFoundException e) {
            throw new DeviceUnavailableException("the JavaCPP cuda classes are not on the class path", e);
        }
        try {
            loadDriverOnly(cl);
            return Route.DRIVER_ONLY;
        } catch (LinkageError | IOException e) {
            String why = NativeLibraries.explain(e);
            if (why.contains(NativeLibraries.NVML)) {
                // no NVML either: the driver is missing; say which libraries
                String cudart = NativeLibraries.explain(cudartFailure);
                throw new DeviceUnavailableException(cudart.contains(NativeLibraries.DRIVER)
                        ? "NVIDIA driver not found (" + NativeLibraries.DRIVER + " and " + NativeLibraries.NVML
                        + " cannot be loaded)" : why, e);
            }
            throw new DeviceUnavailableException(why, e);
        } catch (ClassNotFoundException e) {
            throw new DeviceUnavailableException("the JavaCPP cuda classes are not on the class path", e);
        }
    }

    private static void loadDriverOnly(ClassLoader cl) throws IOException, ClassNotFoundException {
        String platform = Loader.getPlatform();
        String previous = System.getProperty(LOAD_LIBRARIES);
        System.setProperty(LOAD_LIBRARIES, "false");
        try {
            System.load(extract(cl, "org/bytedeco/javacpp/" + platform + "/libjnijavacpp.so").getPath());
            System.load(extract(cl, "org/bytedeco/cuda/" + platform + "/libjninvml.so").getPath());
            initialise(cl);
        } finally {
            if (previous == null) {
                System.clearProperty(LOAD_LIBRARIES);
            } else {
                System.setProperty(LOAD_LIBRARIES, previous);
            }
        }
    }

    private static File extract(ClassLoader cl, String resource) throws IOException {
        URL url = cl.getResource(resource);
        if (url == null) {
            throw new IOException(resource + " is not on the class path (the linux-x86_64 natives jar is missing)");
        }
        return Loader.cacheResource(url);
    }

    private static void initialise(ClassLoader cl) throws ClassNotFoundException {
        for (String name : NVML_CLASSES) {
            Class.forName(name, true, cl);
        }
    }
}
