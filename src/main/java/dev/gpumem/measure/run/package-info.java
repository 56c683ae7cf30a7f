/**
 * Puts a measurement together: picks the target (a GPU through NVML and the CUDA runtime, or the CPU twin), makes
 * the runner for a {@link dev.gpumem.measure.RunnerKind} (the factory switch where a new backend registers), runs the
 * session, and gathers the environment facts {@code gpumem doctor} prints.
 * Owns: target selection, filling a request's gpu from the device it runs on, the runner factory, environment
 * diagnostics.
 * Must not: print or format (the CLI does), read models or compute estimates (the request's model and a planner
 * are handed in), or write profiles.
 */
package dev.gpumem.measure.run;
