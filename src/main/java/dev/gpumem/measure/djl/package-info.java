/**
 * The DJL runner: a real training step (forward, loss, backward, optimizer step, and a second step) in DJL's
 * PyTorch engine, on tensors with the model's layer shapes, built from raw NDArray ops and measured through the
 * {@link dev.gpumem.measure.Runner} harness like every other runner.
 *
 * <p>Tensor lifetimes follow PyTorch eager: every intermediate whose Java handle is no longer needed is closed as
 * soon as it has been used, so that only what autograd saved for backward stays alive (the graph holds its own
 * references). Each op method of {@link dev.gpumem.measure.djl.DecoderForward} documents what autograd saves for
 * it (pytorch/pytorch tools/autograd/derivatives.yaml); where DJL cannot express PyTorch's kernel (SiLU has no
 * fused op in DJL 0.36's JNI) the difference is written there. The optimizers of
 * {@link dev.gpumem.measure.djl.TorchOptimizer} keep DJL NDArray states (mean and variance per parameter, on the
 * parameter's device and dtype) and update them with the memory behaviour of PyTorch's foreach implementations,
 * because DJL's own {@code Adam} kernel holds five parameter-sized temporaries per update (see that class).
 *
 * <p>Owns: the DJL model built from an {@link dev.gpumem.model.Architecture}, the per-op saved-tensor record, the
 * refusal of what DJL cannot run. The only package besides {@code measure.nvml}/{@code measure.cuda} that imports
 * DJL; nothing here is imported by packages that must run without it.
 * Must not: compute estimates, write files, or parse the CLI.
 */
package dev.gpumem.measure.djl;
