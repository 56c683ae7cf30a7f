/**
 * Closes the loop between estimate and measurement: the signed error of an {@link dev.gpumem.estimate.Estimate}
 * against a {@link dev.gpumem.measure.Profile} per phase and level ({@link Comparison}), error statistics
 * ({@link ErrorStats}, the same as validation/score.py), the published-case scoring ({@link ValidationScorer}),
 * the fit of device-level constants from real GPU profiles ({@link Calibrator}), and the CI verdict: limits on
 * error, peak and a baseline profile's budget per rank, phase and level ({@link Limits}, {@link Verdict}).
 * Owns: which measured number each level is compared with, and which baseline it subtracts
 * ({@link MeasuredLevels}); what each row can tell about the estimate ({@link Evidence}: a replay's rows are plan
 * checks, kept out of the estimate-error statistics); that a phase cut short by out of memory, or never reached, is
 * not compared ({@link LevelError.State}).
 * Must not: run the estimator or a device, read or write files, print, or import JSON libraries.
 */
package dev.gpumem.compare;
