/**
 * Serialisation and files: the only package that knows the JSON library (Jackson). Maps requests, results and
 * profiles to and from their JSON contracts, and writes every file atomically (temp file + ATOMIC_MOVE). Readers
 * refuse a bad file with a {@link dev.gpumem.input.BadInputException} naming the file and the field; the numbers
 * of profiles, samples and calibrations are checked (non-negative integers within range, finite rates).
 * Must not: compute estimates or touch a device.
 */
package dev.gpumem.io;
