package dev.gpumem.estimate.compat;

import dev.gpumem.estimate.Estimate.AccelerateNumbers;
import dev.gpumem.estimate.RunConfig;
import dev.gpumem.estimate.RunConfig.Task;
import dev.gpumem.model.Architecture;
import dev.gpumem.model.Architecture.PositionKind;
import dev.gpumem.model.Inventory;
import dev.gpumem.model.ParamGroup;
import dev.gpumem.model.TensorSpec;
import dev.gpumem.units.ByteFormat;
import dev.gpumem.units.DType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reproduces what Hugging Face accelerate's {@code accelerate estimate-memory} prints, exactly, as a pure function
 * of the inventory. Source: huggingface/accelerate {@code src/accelerate/commands/estimate.py}
 * ({@code estimate_training_usage}, {@code gather_data}) and {@code src/accelerate/utils/modeling.py}
 * ({@code calculate_maximum_sizes}, {@code compute_module_sizes}, {@code get_max_layer_size}); the arithmetic is
 * written out in AccelerateCompatTest.
 *
 * <p>What accelerate counts:
 * <ul>
 *   <li><b>Total</b>: parameters + buffers of the model {@code AutoModel.from_config} builds in fp32. That is the
 *       bare model: an untied LM head ({@link ParamGroup#LM_HEAD}) and task heads ({@link ParamGroup#TASK_HEAD},
 *       except a pooler, which the bare BERT-style models keep, and every tensor under a head module such as
 *       {@code cls.}, {@code classifier.}, {@code score.}) are not in it; LoRA adapters and quantization
 *       constants are not either. A pooler the checkpoint lacks (BertForMaskedLM) is not added. Parameters count 4 B each whatever the checkpoint dtype; floating buffers
 *       4 B, integer buffers their own size.</li>
 *   <li><b>Buffers, made explicit</b> ({@link BufferConvention}): the Hugging Face Space's published numbers come
 *       from transformers 4.31–4.37, where each RoPE attention layer owns a rotary embedding with fp32
 *       {@code cos_cached} and {@code sin_cached} of max_position_embeddings × head_dim each, plus
 *       {@code inv_freq} of head_dim/2. Later transformers keep one {@code inv_freq} at model level. The
 *       inventory's own RoPE buffers are ignored and replaced by the chosen convention; other buffers count
 *       only if the inventory lists them (so e.g. GPT-2's version-dependent causal-mask buffer is not added).</li>
 *   <li><b>Other dtypes</b>: the fp32 totals divided by 2 (float16, bfloat16), 4 (int8) or 8 (int4), integer
 *       division (exact for /2 and /4).</li>
 *   <li><b>Largest layer</b>: the largest no-split unit: one transformer block with its buffers, or a leaf
 *       module outside the blocks (embedding, final norm), compared in fp32 then divided like the total.</li>
 *   <li><b>Training using Adam</b>: the maximum of four stage numbers computed from the fp32 total F, not a sum:
 *       float32: model F, gradients F, optimizer 2F, step 4F; float16/bfloat16: model F, gradients F + F/2,
 *       optimizer 2F, step = optimizer; int8/int4: N/A (reported as -1).</li>
 * </ul>
 */
public final class AccelerateCompat {
    private static final long FP32_BYTES = 4;

    private AccelerateCompat() {
    }

    /** The dtypes {@code accelerate estimate-memory --dtypes} accepts, with the divisor applied to the fp32 totals. */
    public enum AccelerateDtype {
        FLOAT32("float32", 1), FLOAT16("float16", 2), BFLOAT16("bfloat16", 2), INT8("int8", 4), INT4("int4", 8);

        private final String accelerateName;
        private final long divisor;

        AccelerateDtype(String accelerateName, long divisor) {
            this.accelerateName = accelerateName;
            this.divisor = divisor;
        }

        /** @return the name accelerate prints */
        public String accelerateName() {
            return accelerateName;
        }

        /** @return what the fp32 totals are divided by */
        public long divisor() {
            return divisor;
        }

        /** @return the dtype a user of this request would pass to {@code --dtypes}: the precision's half type, or float32 */
        public static AccelerateDtype of(RunConfig.Precision precision) {
            return switch (precision) {
                case FP32 -> FLOAT32;
                case FP16, AMP_FP16 -> FLOAT16;
                case BF16, AMP_BF16 -> BFLOAT16;
            };
        }
    }

    /** Which RoPE buffers the AutoModel registers; the printed numbers depend on the transformers version. */
    public enum BufferConvention {
        /** transformers 4.31–4.37 (the Space's published Llama-2-7b numbers): per attention layer fp32 cos and sin
         * caches of max_position_embeddings × head_dim each, plus inv_freq of head_dim/2 */
        TRANSFORMERS_4_31_TO_4_37,
        /** later transformers: one model-level rotary embedding holding only inv_freq (head_dim/2) */
        MODEL_LEVEL_INV_FREQ
    }

    /** The numbers for a request: its precision's dtype, transformers 4.31–4.37 buffers. */
    public static AccelerateNumbers estimate(Inventory inventory, RunConfig config) {
        return estimate(inventory, AccelerateDtype.of(config.precision()), BufferConvention.TRANSFORMERS_4_31_TO_4_37);
    }

    /** @return what accelerate estimate-memory prints for {@code dtype}, in bytes (its "GB"/"MB" are GiB/MiB) */
    public static AccelerateNumbers estimate(Inventory inventory, AccelerateDtype dtype, BufferConvention buffers) {
        Architecture a = inventory.architecture();
        // fp32 bytes per no-split unit: blocks by index, leaf modules outside the blocks by module path
        Map<String, Long> units = new LinkedHashMap<>();
        long fp32Total = 0;
        for (TensorSpec t : inventory.tensors()) {
            if (!inAutoModel(t)) {
                continue;
            }
            long bytes = fp32Bytes(t);
            fp32Total = Math.addExact(fp32Total, bytes);
            units.merge(unitOf(t), bytes, Math::addExact);
        }
        if (a.positions() == PositionKind.ROPE) {
            long invFreq = a.headDim() / 2;
            if (buffers == BufferConvention.TRANSFORMERS_4_31_TO_4_37) {
                // cos_cached + sin_cached [max_pos, head_dim] fp32 each, plus inv_freq [head_dim/2] fp32, per layer
                long perLayer = Math.multiplyExact(FP32_BYTES,
                        Math.addExact(Math.multiplyExact(2L * a.maxPositions(), a.headDim()), invFreq));
                for (int layer : blockIndices(inventory)) {
                    fp32Total = Math.addExact(fp32Total, perLayer);
                    units.merge("block " + layer, perLayer, Math::addExact);
                }
            } else {
                long modelLevel = FP32_BYTES * invFreq;
                fp32Total = Math.addExact(fp32Total, modelLevel);
                units.merge("rotary_emb", modelLevel, Math::addExact);
            }
        }
        long fp32Largest = units.values().stream().mapToLong(Long::longValue).max().orElse(0);
        long d = dtype.divisor();

        // estimate_training_usage(fp32_total, dtype): four stages, the printed peak is their max
        long model;
        long gradients;
        long optimizer;
        long step;
        switch (dtype) {
            case FLOAT32 -> {
                model = fp32Total;                       // weights, 4 B/param
                gradients = fp32Total;                   // gradients, 4 B/param
                optimizer = 2 * fp32Total;               // Adam m and v, 8 B/param
                step = 4 * fp32Total;                    // "step": 16 B/param
            }
            case FLOAT16, BFLOAT16 -> {
                model = fp32Total;                       // "weights stored in FP16 and FP32": counted as fp32 only
                gradients = fp32Total + fp32Total / 2;   // "1.5 from weight gradient + computation (GEMM)"
                optimizer = 2 * fp32Total;               // "2x from optimizer states"
                step = optimizer;                        // step = optimizer
            }
            default -> {
                model = -1;                              // accelerate prints N/A for int8/int4 training
                gradients = -1;
                optimizer = -1;
                step = -1;
            }
        }
        long peak = Math.max(Math.max(model, gradients), Math.max(optimizer, step));
        return new AccelerateNumbers(fp32Largest / d, fp32Total / d, peak, model, gradients, optimizer, step,
                leftOut(inventory, dtype));
    }

    /** top-level module names of task heads that AutoModel does not build (HF naming) */
    private static final List<String> HEAD_PREFIXES = List.of("lm_head.", "cls.", "classifier.", "pre_classifier.",
            "score.", "qa_outputs.");

    /**
     * @return for RoPE models, one sentence saying which buffer convention the numbers use, what the RoPE caches
     *         add, and what the later convention prints instead (accelerate's output depends on the transformers
     *         version), with accelerate's Adam peak for a training request only; empty for other models
     */
    public static java.util.Optional<String> bufferNote(Inventory inventory, AccelerateDtype dtype, Task task) {
        if (inventory.architecture().positions() != PositionKind.ROPE) {
            return java.util.Optional.empty();
        }
        AccelerateNumbers old = estimate(inventory, dtype, BufferConvention.TRANSFORMERS_4_31_TO_4_37);
        AccelerateNumbers now = estimate(inventory, dtype, BufferConvention.MODEL_LEVEL_INV_FREQ);
        String peak = now.trainingPeakBytes() < 0 ? "N/A" : ByteFormat.gib(now.trainingPeakBytes());
        return java.util.Optional.of("accelerate numbers use the transformers 4.31-4.37 buffers (per-layer RoPE cos/sin "
                + "caches of " + inventory.architecture().maxPositions() + " positions: "
                + ByteFormat.human(old.totalBytes() - now.totalBytes()) + " in " + dtype.accelerateName()
                + "); with a later transformers (one model-level inv_freq) it prints total " + ByteFormat.gib(now.totalBytes())
                + ", largest layer " + ByteFormat.mib(now.largestLayerBytes())
                + (task == Task.TRAIN ? ", Adam peak " + peak : ""));
    }

    /** @return true for tensors the bare AutoModel has */
    static boolean inAutoModel(TensorSpec t) {
        for (String prefix : HEAD_PREFIXES) {
            if (t.name().startsWith(prefix)) {
                return false;
            }
        }
        return switch (t.group()) {
            case LM_HEAD, LORA, QUANT_STATE -> false;
            case TASK_HEAD -> t.name().contains("pooler");
            case BUFFER -> !isRopeBuffer(t);
            default -> true;
        };
    }

    private static boolean isRopeBuffer(TensorSpec t) {
        String n = t.name();
        return n.contains("rotary") || n.endsWith("inv_freq") || n.endsWith("cos_cached") || n.endsWith("sin_cached");
    }

    /** Parameters are built in fp32 (torch_dtype=float32); floating buffers too; integer buffers keep their size. */
    private static long fp32Bytes(TensorSpec t) {
        if (t.group() == ParamGroup.BUFFER && !isFloating(t.dtype())) {
            return t.storedBytes();
        }
        return Math.multiplyExact(t.numel(), FP32_BYTES);
    }

    private static boolean isFloating(DType d) {
        return switch (d) {
            case FP64, FP32, TF32, FP16, BF16, FP8 -> true;
            default -> false;
        };
    }

    private static String unitOf(TensorSpec t) {
        if (t.layer() >= 0) {
            return "block " + t.layer();
        }
        String n = t.name();
        int dot = n.lastIndexOf('.');
        return dot < 0 ? n : n.substring(0, dot);
    }

    private static List<Integer> blockIndices(Inventory inventory) {
        return inventory.tensors().stream().mapToInt(TensorSpec::layer).filter(l -> l >= 0).distinct().sorted()
                .boxed().toList();
    }

    private static List<String> leftOut(Inventory inventory, AccelerateDtype dtype) {
        List<String> out = new ArrayList<>();
        long head = inventory.count(t -> t.group() == ParamGroup.LM_HEAD);
        if (head > 0) {
            out.add("the LM head: AutoModel builds the bare model, so the untied lm_head ("
                    + ByteFormat.grouped(head) + " parameters) is not counted");
        }
        long task = inventory.count(t -> t.group() == ParamGroup.TASK_HEAD && !t.name().contains("pooler"));
        if (task > 0) {
            out.add("task-head parameters (" + ByteFormat.grouped(task) + ") outside the bare AutoModel");
        }
        out.add("activations kept for backward: it assumes batch size 1 and asks for no sequence length");
        out.add("logits and the loss: the b·s·vocab logits, their fp32 upcast and their gradient");
        if (dtype == AccelerateDtype.FLOAT16 || dtype == AccelerateDtype.BFLOAT16) {
            out.add("mixed-precision state: its stages count fp32 weights (4 B/param) or Adam's two moments "
                    + "(8 B/param) separately, never the 16-18 B/param that fp32 master weights, gradients and moments "
                    + "plus the half-precision copy hold together");
        }
        out.add("optimizer-step temporaries (foreach/fused update buffers)");
        out.add("the KV cache and prefill working set for inference");
        out.add("CUDA context, cuBLAS workspaces and caching-allocator slack (device level)");
        out.add("the four stages are separate quantities whose maximum is the peak; they are not a timeline and "
                + "must not be added");
        if (dtype == AccelerateDtype.INT8 || dtype == AccelerateDtype.INT4) {
            out.add("quantization constants: int8/int4 sizes are the fp32 total divided by 4/8, embeddings and "
                    + "norms included; training is N/A");
        }
        return out;
    }
}
