/**
 * Predicts memory per phase and per level (allocated, reserved, device) from an
 * {@link dev.gpumem.model.Inventory} and a {@link dev.gpumem.estimate.RunConfig}; the
 * {@link dev.gpumem.estimate.Estimator} returns the complete {@link dev.gpumem.estimate.Estimate} (phases, fit
 * verdict, notes with the model reader's warnings first, accelerate's numbers when asked).
 * Owns: the run configuration vocabulary, every formula and its citation ({@link dev.gpumem.estimate.Term},
 * {@link dev.gpumem.estimate.Source}), the allocator and device-overhead models, GPU presets and calibration data,
 * and the searches built on estimates: the largest size that fits ({@link dev.gpumem.estimate.FitSearch}) and the
 * changes that make a request fit ({@link dev.gpumem.estimate.Suggestions}), and the frameworks a request can name
 * with the default each sets for every semantic and its source ({@link dev.gpumem.estimate.Framework}, the one
 * table; resolved against the request's own fields by {@link dev.gpumem.estimate.FrameworkSettings}, with
 * DeepSpeed's ZeRO buffer settings in {@link dev.gpumem.estimate.ZeroBuffers} and what leaves the device in
 * {@link dev.gpumem.estimate.Offload}). An estimate also carries the host memory an offloading run keeps instead
 * ({@code Estimate.host}) and the device memory outside the allocator besides the context, NCCL's communicator
 * buffers ({@code Estimate.outsideAllocator}, component context).
 * Must not: touch a device, read or write files (presets come in as resources through a loader), print, or know
 * the CLI exists.
 */
package dev.gpumem.estimate;
