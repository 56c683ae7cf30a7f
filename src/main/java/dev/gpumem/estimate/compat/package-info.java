/**
 * Other tools' numbers, reproduced exactly so that users can compare: Hugging Face accelerate's
 * {@code estimate-memory} ({@link dev.gpumem.estimate.compat.AccelerateCompat}), with what each leaves out.
 * Owns: those tools' conventions and arithmetic, each cited.
 * Must not: change gpumem's own estimate, touch a device, read files or print.
 */
package dev.gpumem.estimate.compat;
