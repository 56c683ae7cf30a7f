/**
 * Spelling help shared by every closed vocabulary (model presets and their Hub aliases, GPU presets, the request's
 * enum values): the names closest to what a user typed, for "did you mean ...?" in one-line errors.
 * Owns: name normalisation (case, punctuation) and the edit distance used to rank candidates.
 * Must not: depend on any other gpumem package; know what the names mean.
 */
package dev.gpumem.names;
