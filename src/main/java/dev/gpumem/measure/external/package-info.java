/**
 * The external-command runner: runs any training or inference command as a child process, watches its memory
 * (NVML per process on a GPU, resident set on the CPU twin, the child and its descendants), captures its output
 * to files, enforces the timeout and stop requests, and reads the phase markers the child appends to the file named
 * in {@code GPUMEM_MARKERS} (protocol: docs/markers.md), turning them into job-wide, per-rank ({@code rank=}) and
 * baseline boundaries ({@code MarkerDispatch}); gives the child {@code GPUMEM_REQUEST} when it has a request. The
 * child runs under {@code setsid} with {@code GPUMEM_RUN_ID} set, so every process of the run is found again and
 * ended (docs/measuring-safety.md).
 * Owns: child process life cycle (start, stop, the survivors of a run), the marker protocol's parser and its
 * dispatch.
 * Must not: load native libraries, or write files other than the child's own output and marker files.
 */
package dev.gpumem.measure.external;
