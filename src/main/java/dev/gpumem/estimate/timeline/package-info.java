/**
 * The event timeline of one run: tensor kinds, ordered alloc/free/phase events, their simulation through the
 * caching-allocator model (per-phase peaks and the live tensors at each peak, as explained terms) and their
 * export as an allocation plan.
 * Must not: know model architectures or run configurations (the step builders in
 * {@code dev.gpumem.estimate.step} decide what is allocated when), touch a device.
 */
package dev.gpumem.estimate.timeline;
