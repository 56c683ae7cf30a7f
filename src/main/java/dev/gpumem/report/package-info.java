/**
 * Shows comparisons and validation scores to people, and every table the CLI prints (estimates, GPU and model
 * presets, frameworks, the profile {@code gpumem measure} just took): text tables, Markdown for CI job summaries (the
 * verdict line first, failing rows marked), JUnit XML of a CI verdict for CI systems, charts (JFreeChart, rendered
 * headless to PNG) and a self-contained static HTML page.
 * Owns: layout, units on display (MiB/GiB, 1024-based, always named), chart styling.
 * Must not: compute errors or estimates (it reads {@code compare}, {@code estimate}, {@code measure} and
 * {@code model} records), import JSON libraries, or write files other than through
 * {@link dev.gpumem.io.AtomicFiles}.
 */
package dev.gpumem.report;
