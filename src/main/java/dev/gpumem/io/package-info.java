/**
 * Serialisation and files: the only package that knows the JSON library (Jackson). Maps requests, results and
 * profiles to and from their JSON contracts, and writes every file atomically (temp file + ATOMIC_MOVE, keeping a
 * replaced file's mode); profiles under names no other run has (published without replacing, CSV first, JSON last),
 * per-run output folders, the --out write check and the temp-dir fallback.
 * Must not: compute estimates or touch a device.
 */
package dev.gpumem.io;
