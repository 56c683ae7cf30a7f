/**
 * Units: element types and byte counts.
 * Owns: {@link dev.gpumem.units.DType} (sizes in bits, so sub-byte types are exact) and
 * {@link dev.gpumem.units.ByteFormat} (1024-based GiB/MiB for display, and it says so).
 * Must not: depend on any other gpumem package but {@code input} (an unknown dtype name is a
 * {@link dev.gpumem.input.BadInputException}). Quantities in data are always {@code long} bytes.
 */
package dev.gpumem.units;
