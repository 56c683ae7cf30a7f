/**
 * The thin command line on top: one picocli command class per verb, mapping options onto requests and calling
 * into the packages. Owns: exit codes, the one-line error handler, stream wiring, SIGINT/SIGTERM during a
 * measurement ({@link dev.gpumem.cli.SignalStop}), the threads of a streamed batch and of fit's search, the training
 * run of the class-data-sharing archive, and the composition root of estimation
 * ({@link dev.gpumem.cli.EstimationService}: model loader, estimator and calibrations wired once).
 * Must not: hold formulas, lay out tables (report does), build or parse JSON (io does), touch a device directly, or
 * call {@code System.exit} anywhere but {@link dev.gpumem.cli.Main#main}.
 */
package dev.gpumem.cli;
