/**
 * The CPU twin of the device: host memory allocated and touched through JavaCPP's {@code Pointer.malloc} /
 * {@code memset} (core JavaCPP only, never the cuda presets), and resident memory read from /proc as the probe.
 * Owns: {@link dev.gpumem.measure.host.HostMemory}, {@link dev.gpumem.measure.host.RssProbe}, host facts, and the
 * JavaCPP artifact versions doctor reports ({@link dev.gpumem.measure.host.JavaCppVersions}).
 * Must not: load CUDA or NVML, or write files.
 */
package dev.gpumem.measure.host;
