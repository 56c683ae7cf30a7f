package dev.gpumem.measure.djl;

import dev.gpumem.estimate.RunConfig;
import dev.gpumem.estimate.RunConfig.AttentionKernel;
import dev.gpumem.estimate.RunConfig.Checkpointing;
import dev.gpumem.estimate.RunConfig.FinetuneMethod;
import dev.gpumem.estimate.RunConfig.Optimizer;
import dev.gpumem.estimate.RunConfig.Parallel;
import dev.gpumem.estimate.RunConfig.Precision;
import dev.gpumem.input.BadInputException;
import dev.gpumem.model.Architecture;
import dev.gpumem.model.Architecture.HeadKind;
import dev.gpumem.model.Architecture.PositionKind;
import dev.gpumem.model.Architecture.StackKind;
import dev.gpumem.model.Traits;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * What the DJL runner can run, and the request it records for what it ran. Everything else is refused with one
 * sentence naming the field and what the DJL backend accepts ({@link BadInputException}, exit 2), so that a
 * profile never claims a configuration that did not run.
 */
public final class DjlSupport {
    /** HF config key the truncation is recorded under ({@code --layers N}) */
    public static final String NUM_HIDDEN_LAYERS = "num_hidden_layers";

    private DjlSupport() {
    }

    /**
     * Checks that the DJL runner can run {@code config} on {@code arch} exactly as asked.
     *
     * @throws BadInputException one sentence naming the first unsupported field and the accepted values
     */
    public static void check(RunConfig config, Architecture arch) {
        if (config.task() != RunConfig.Task.TRAIN) {
            refuse("task: the djl backend runs training steps only; accepted: train");
        }
        if (config.precision() == Precision.BF16) {
            // DataType.BFLOAT16 arrays abort the JVM inside DJL 0.36's PyTorch JNI ("terminate called without an
            // active exception") on creation and on toType: there is no way to run it safely.
            refuse("precision: bf16 aborts DJL 0.36's PyTorch JNI; the djl backend accepts fp32");
        }
        if (config.precision().isAmp()) {
            refuse("precision: DJL has no autocast, so " + config.precision().wire()
                    + " cannot run; the djl backend accepts fp32");
        }
        if (config.precision() == Precision.FP16) {
            // HF's fp16 step upcasts the softmax, the norms and the logits to fp32; DJL 0.36's toType is not
            // recorded by autograd (measured: the loss then "does not require grad"), and CPU fp16 GEMMs are
            // emulated (32 s for one 256x2048x8192 matmul here), so a faithful fp16 step cannot run
            refuse("precision: fp16 cannot run in DJL 0.36 (its dtype casts are not differentiable); the djl "
                    + "backend accepts fp32");
        }
        if (config.masterWeights()) {
            refuse("master_weights: the djl backend keeps no fp32 master copy; accepted: false");
        }
        if (!Set.of(Optimizer.ADAM, Optimizer.ADAMW, Optimizer.SGD, Optimizer.SGD_MOMENTUM, Optimizer.NONE)
                .contains(config.optimizer())) {
            refuse("optimizer: " + config.optimizer().wire()
                    + " is not in DJL; the djl backend accepts adam, adamw, sgd, sgd-momentum or none");
        }
        if (config.gradAccum() != 1) {
            refuse("grad_accum: the djl backend runs one micro-batch per step; accepted: 1");
        }
        if (config.checkpointing() != Checkpointing.NONE) {
            refuse("checkpointing: DJL has no activation checkpointing; accepted: none");
        }
        if (config.attention() != AttentionKernel.EAGER) {
            refuse("attention: DJL 0.36 exposes no scaled_dot_product_attention kernel, so the djl backend runs "
                    + "eager attention only; pass --attention eager");
        }
        if (config.finetune().method() != FinetuneMethod.FULL) {
            refuse("finetune: the djl backend runs full fine-tuning only (no LoRA/QLoRA); accepted: full");
        }
        if (!config.parallel().equals(Parallel.SINGLE)) {
            refuse("parallel: the djl backend runs on one device without sharding; accepted: data 1, zero 0, "
                    + "tensor 1, pipeline 1");
        }
        if (!config.options().isEmpty()) {
            refuse("options: the djl backend supports none of " + config.options().stream()
                    .map(RunConfig.RunOption::wire).sorted().toList());
        }
        if (arch.stack() != StackKind.DECODER_ONLY) {
            refuse("model: the djl backend builds decoder-only models; this one is " + arch.stack());
        }
        if (arch.moe().enabled()) {
            refuse("model: the djl backend builds dense models; mixture-of-experts is not supported");
        }
        if (arch.quantization().enabled()) {
            refuse("model: the djl backend cannot run quantized weights (" + arch.quantization().method() + ")");
        }
        Traits t = arch.traits();
        boolean builtNorms = switch (t.qkNorm()) {
            // Qwen3's per-head q/k RMSNorm in pre-norm blocks; Gemma's (1 + w) norm and Gemma 2's sandwich without it
            case NONE -> t.normPlacement() != Traits.NormPlacement.POST;
            case RMS_PER_HEAD -> t.normPlacement() == Traits.NormPlacement.PRE
                    && t.normWeight() == Traits.NormWeight.PLAIN;
            case RMS_FULL_WIDTH, LAYER_PER_HEAD -> false;
        };
        if (!builtNorms || t.attention() != Traits.AttentionKind.STANDARD) {
            refuse("model: the djl backend builds Llama-style blocks without " + arch.modelType()
                    + "'s own norms (q/k norms, Gemma's (1 + w) RMSNorm, sandwich norms), which the estimate counts");
        }
        if (arch.parallelBlock()) {
            refuse("model: the djl backend builds sequential blocks; parallel attention/MLP blocks are not supported");
        }
        if (arch.head().kind() != HeadKind.CAUSAL_LM) {
            refuse("model: the djl backend builds a causal-LM head; this model's head is " + arch.head().kind());
        }
        if (arch.positions() != PositionKind.ROPE && arch.positions() != PositionKind.LEARNED) {
            refuse("model: the djl backend supports RoPE or learned absolute positions, not " + arch.positions());
        }
        if (arch.headDim() % 2 != 0) {
            refuse("model: head_dim must be even for RoPE, got " + arch.headDim());
        }
        if (arch.positions() == PositionKind.LEARNED && config.seq() > arch.maxPositions()) {
            refuse("seq: " + config.seq() + " exceeds the model's " + arch.maxPositions() + " learned positions");
        }
    }

    /**
     * The request as it ran: {@code num_hidden_layers} set to the blocks actually built (the estimate must be made
     * for the same truncation), the dropout probabilities set to 0 (the DJL runner runs without dropout), and
     * gelu_new as gelu_pytorch_tanh (the runner computes it as one fused GELU).
     */
    public static RunConfig asRun(RunConfig config, Architecture arch) {
        Map<String, Object> overrides = new HashMap<>(config.modelOverrides());
        overrides.put(NUM_HIDDEN_LAYERS, arch.numLayers());
        if (arch.activation() == Architecture.Activation.GELU_NEW) {
            // the runner computes gelu_new as one fused tanh GELU (keeps x only, not the composite's four tensors)
            overrides.put(arch.configKeys().activation(), "gelu_pytorch_tanh");
        }
        if (arch.attentionDropout() > 0 || arch.hiddenDropout() > 0) {
            for (String key : arch.configKeys().dropouts()) {
                overrides.put(key, 0.0);
            }
        }
        return config.withModelOverrides(overrides);
    }

    /** @return the request with the model truncated to {@code layers} blocks ({@code --layers N}) */
    public static RunConfig truncated(RunConfig config, int layers) {
        if (layers <= 0) {
            refuse("layers: must be a positive integer, got " + layers);
        }
        Map<String, Object> overrides = new HashMap<>(config.modelOverrides());
        overrides.put(NUM_HIDDEN_LAYERS, layers);
        return config.withModelOverrides(overrides);
    }

    private static void refuse(String message) {
        throw new BadInputException(message);
    }
}
