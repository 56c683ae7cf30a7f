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
 * <p>Measuring on the CPU (resident memory, {@code /proc/self/statm}):
 * <ul>
 *   <li>Baseline = the JVM, libtorch's code, its thread pools and the GEMM library's cached packing buffers:
 *       {@code prepare()} loads the engine and runs a warm-up (a large linear layer and one training step of the
 *       model cut to one block at the run's batch and sequence) before the harness reads the baseline.</li>
 *   <li>glibc's mmap threshold must be pinned in the measured JVM ({@code MALLOC_MMAP_THRESHOLD_=65536}, read
 *       at process start, so it cannot be set from Java): the build's surefire configuration sets it for the
 *       tests, scripts/gpumem users export it; the profile records whether it was set.</li>
 *   <li>Measured (DjlStepMemoryTest, 3 shapes): every phase's peak within 0.4 % of the hand tensor account
 *       (2.5 % with a 64-token warm-up: the GEMM library then grows its buffers by about 10 MiB at the first
 *       full-size LM-head GEMM).</li>
 * </ul>
 *
 * <p>What libtorch does that a per-op count can miss (measured here, same engine on every device):
 * <ul>
 *   <li>Tied embeddings: the LM head's gradient of the shared matrix waits in the AccumulateGrad node's input
 *       buffer from the head's backward until the embedding's backward, and the two v·h gradients are then summed
 *       out of place (torch/csrc/autograd/input_buffer.cpp accumulates in place only when it may steal the first
 *       one): three v·h tensors at the end of backward (measured 2.96·v·h for a tied 32000x2048 matrix, 1.02·v·h
 *       when only the embedding uses it), with the caller's grad mode on or off. Generic PyTorch behaviour: the
 *       estimator models it (estimate.step.TrainingStep).</li>
 *   <li>Phase boundaries: loss is the LM head, the fp32 upcast and the cross-entropy forward (what exists when
 *       {@code backward()} is called); the logits' gradient is made inside backward and is backward's, as in the
 *       estimator and scripts/torch_step.py.</li>
 *   <li>DJL passes Java scalars as 0-dim tensors: {@code pow(Number)} is pow.Tensor_Tensor, whose node keeps its
 *       result; RMSNorm therefore squares with {@code square()}.</li>
 * </ul>
 *
 * <p>Owns: the DJL model built from an {@link dev.gpumem.model.Architecture}, the per-op saved-tensor record, the
 * refusal of what DJL cannot run. The only package besides {@code measure.nvml}/{@code measure.cuda} that imports
 * DJL; nothing here is imported by packages that must run without it.
 * Must not: compute estimates, write files, or parse the CLI.
 */
package dev.gpumem.measure.djl;
