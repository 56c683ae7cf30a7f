/**
 * The allocation plan: the ordered allocate / free events of a run, per phase, as data only. The estimator makes
 * it; the replay runners put it on a device. Must not: depend on anything but {@code units} and the estimate
 * vocabulary ({@code Phase}, {@code Component}).
 */
package dev.gpumem.estimate.plan;
