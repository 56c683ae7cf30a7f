package dev.gpumem.gpu;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Runs everywhere (not tagged gpu): the driver check reads linker-cache text correctly. */
class GpuPresenceTest {
    @Test
    void findsNvmlInLdconfigOutput() {
        String cache = "1234 libs found in cache `/etc/ld.so.cache'\n"
                + "\tlibnvidia-ml.so.1 (libc6,x86-64) => /lib/x86_64-linux-gnu/libnvidia-ml.so.1\n"
                + "\tlibc.so.6 (libc6,x86-64) => /lib/x86_64-linux-gnu/libc.so.6\n";
        assertTrue(GpuPresence.listsNvml(cache));
    }

    @Test
    void doesNotMistakeOtherNvidiaLibrariesOrNothingForNvml() {
        assertFalse(GpuPresence.listsNvml("\tlibnvidia-ml.so (libc6,x86-64) => /x/libnvidia-ml.so\n"
                + "\tlibcuda.so.1 (libc6,x86-64) => /x/libcuda.so.1\n"));
        assertFalse(GpuPresence.listsNvml(null));
        assertFalse(GpuPresence.listsNvml(""));
    }
}
