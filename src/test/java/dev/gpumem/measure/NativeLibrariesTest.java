package dev.gpumem.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The cause chains below are the ones JavaCPP 1.5.14 produced (java-gpu-stack.md section 1.5). */
class NativeLibrariesTest {
    private static Throwable jniFailure(String missing) {
        UnsatisfiedLinkError cause = new UnsatisfiedLinkError("/cache/cuda-13.3-9.25-1.5.14-linux-x86_64.jar/org/"
                + "bytedeco/cuda/linux-x86_64/libjnicudart.so: " + missing
                + ": cannot open shared object file: No such file or directory");
        UnsatisfiedLinkError top = new UnsatisfiedLinkError("no jnicudart in java.library.path: /usr/lib");
        top.initCause(cause);
        return top;
    }

    @Test
    void aMissingDriverIsNamedFromTheCauseChain() {
        assertEquals("NVIDIA driver not found (libcuda.so.1 cannot be loaded)",
                NativeLibraries.explain(jniFailure("libcuda.so.1")));
    }

    @Test
    void aMissingRuntimeIsNamedFromTheCauseChain() {
        assertTrue(NativeLibraries.explain(jniFailure("libcudart.so.13"))
                .startsWith("CUDA runtime 13 not found (libcudart.so.13"));
    }

    @Test
    void aMissingNvmlIsNamed() {
        assertTrue(NativeLibraries.explain(jniFailure("libnvidia-ml.so.1")).startsWith("NVML not found"));
    }

    @Test
    void aSecondTouchAfterAFailedInitialisationStillGivesASentence() {
        String s = NativeLibraries.explain(new NoClassDefFoundError(
                "Could not initialize class org.bytedeco.cuda.global.cudart"));
        assertTrue(s.endsWith("cannot be loaded)") || s.contains("earlier in this process"), s);
    }
}
