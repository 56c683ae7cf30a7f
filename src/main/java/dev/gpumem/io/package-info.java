/**
 * Serialisation and files: the only package that knows the JSON library (Jackson). Maps requests, results and
 * profiles to and from their JSON contracts, and writes every file atomically (temp file + ATOMIC_MOVE, keeping a
 * replaced file's mode); profiles under names no other run has (published without replacing, CSV first, JSON last),
 * per-run output folders, the --out write check and the temp-dir fallback. Readers refuse a bad file with a
 * {@link dev.gpumem.input.BadInputException} naming the file and the field; the numbers of profiles, samples and
 * calibrations are checked (non-negative integers within range, finite rates). Also reads the archive
 * scripts/gpu-check.sh packs on a GPU machine ({@link dev.gpumem.io.GpuCheckArchive}, the only user of
 * commons-compress) and files its admitted profiles under results/ ({@link dev.gpumem.io.ResultsFiling}). Writes the
 * job profile {@code gpumem merge} joins from a multi-node job's per-node profiles
 * ({@link dev.gpumem.io.JobProfileJson}). Also the JSON of the listings and generated inputs the CLI prints or
 * feeds itself: {@code gpumem models --json} ({@link dev.gpumem.io.ModelsJson}), the request lines {@code gpumem bench}
 * times ({@link dev.gpumem.io.BenchJson}) and the case id of a validation request line
 * ({@link dev.gpumem.io.ValidationJson}).
 * Must not: compute estimates or touch a device.
 */
package dev.gpumem.io;
