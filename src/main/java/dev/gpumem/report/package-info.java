/**
 * Renders estimates, profiles and comparisons as text, JSON, CSV, Markdown and HTML; must not compute estimates
 * or touch a device.
 */
package dev.gpumem.report;
