/**
 * Serialisation and files: the only package that knows the JSON library (Jackson). Maps requests, results and
 * profiles to and from their JSON contracts, and writes every file atomically (temp file + ATOMIC_MOVE).
 * Must not: compute estimates or touch a device.
 */
package dev.gpumem.io;
