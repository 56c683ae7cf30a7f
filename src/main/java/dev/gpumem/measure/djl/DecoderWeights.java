package dev.gpumem.measure.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.gpumem.model.Architecture;
import dev.gpumem.model.Architecture.MlpKind;
import dev.gpumem.model.Architecture.NormKind;
import dev.gpumem.model.Architecture.PositionKind;
import dev.gpumem.model.Traits.EmbeddingScale;
import dev.gpumem.model.Traits.NormPlacement;
import dev.gpumem.model.Traits.NormWeight;
import dev.gpumem.model.Traits.Projections;
import dev.gpumem.model.Traits.QkNorm;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parameters of a decoder-only model, created in DJL from its {@link Architecture} (Llama-style names, the
 * layout of {@link dev.gpumem.model.InventoryBuilder}; a learned position table where the model has one). Linear
 * weights are {@code [out, in]} as in {@code torch.nn.Linear}; GPT-2's Conv1D {@code [in, out]} holds the same
 * bytes. Initialised as a real run would be: normal(0, 0.02) for matrices (one allocation each, no temporaries),
 * ones for norm weights, zeros for biases. Every parameter requires a gradient.
 *
 * <p>Parameters are replaced (not copied) by {@link #releaseGradients()}, which is how the runner gets PyTorch's
 * {@code zero_grad(set_to_none=True)}: DJL can only zero a gradient in place.
 */
final class DecoderWeights implements AutoCloseable {
    private final Architecture arch;
    private final NDManager manager;
    private final Map<String, NDArray> params = new LinkedHashMap<>();

    private DecoderWeights(Architecture arch, NDManager manager) {
        this.arch = arch;
        this.manager = manager;
    }

    /** How a parameter starts: normal(0, 0.02), ones (norm weights) or zeros (biases). */
    enum Init { NORMAL, ONES, ZEROS }

    /**
     * One parameter of the layout.
     *
     * @param name  Llama-style name
     * @param shape dimensions
     * @param init  initial values
     */
    record Spec(String name, Shape shape, Init init) {
    }

    /** @return every parameter of {@code a}, in {@code model.parameters()} order, without allocating anything */
    static List<Spec> layout(Architecture a) {
        List<Spec> out = new ArrayList<>();
        out.add(new Spec("model.embed_tokens.weight", new Shape(a.vocabSize(), a.hiddenSize()), Init.NORMAL));
        if (a.positions() == PositionKind.LEARNED) {
            out.add(new Spec("model.embed_positions.weight", new Shape(a.maxPositions(), a.hiddenSize()),
                    Init.NORMAL));
        }
        long q = a.queryWidth();
        long kv = a.kvWidth();
        for (int i = 0; i < a.numLayers(); i++) {
            String p = "model.layers." + i + ".";
            norm(out, a, p + "input_layernorm");
            if (fusedProjections(a)) {
                linear(out, p + "self_attn.qkv_proj", q + 2 * kv, a.hiddenSize(), a.attentionBias());
            } else {
                linear(out, p + "self_attn.q_proj", q, a.hiddenSize(), a.attentionBias());
                linear(out, p + "self_attn.k_proj", kv, a.hiddenSize(), a.attentionBias());
                linear(out, p + "self_attn.v_proj", kv, a.hiddenSize(), a.attentionBias());
            }
            linear(out, p + "self_attn.o_proj", a.hiddenSize(), q, a.attentionBias());
            if (qkNorm(a)) {
                out.add(new Spec(p + "self_attn.q_norm.weight", new Shape(a.headDim()), Init.ONES));
                out.add(new Spec(p + "self_attn.k_norm.weight", new Shape(a.headDim()), Init.ONES));
            }
            norm(out, a, p + "post_attention_layernorm");
            if (sandwich(a)) {
                norm(out, a, p + "pre_feedforward_layernorm");
            }
            if (a.mlp() == MlpKind.GATED && fusedProjections(a)) {
                linear(out, p + "mlp.gate_up_proj", 2L * a.intermediateSize(), a.hiddenSize(), a.mlpBias());
                linear(out, p + "mlp.down_proj", a.hiddenSize(), a.intermediateSize(), a.mlpBias());
            } else if (a.mlp() == MlpKind.GATED) {
                linear(out, p + "mlp.gate_proj", a.intermediateSize(), a.hiddenSize(), a.mlpBias());
                linear(out, p + "mlp.up_proj", a.intermediateSize(), a.hiddenSize(), a.mlpBias());
                linear(out, p + "mlp.down_proj", a.hiddenSize(), a.intermediateSize(), a.mlpBias());
            } else {
                linear(out, p + "mlp.fc1", a.intermediateSize(), a.hiddenSize(), a.mlpBias());
                linear(out, p + "mlp.fc2", a.hiddenSize(), a.intermediateSize(), a.mlpBias());
            }
            if (sandwich(a)) {
                norm(out, a, p + "post_feedforward_layernorm");
            }
        }
        norm(out, a, "model.norm");
        if (!a.tiedEmbeddings()) {
            out.add(new Spec("lm_head.weight", new Shape(a.vocabSize(), a.hiddenSize()), Init.NORMAL));
        }
        return out;
    }

    /** @return parameter elements of the layout of {@code a} */
    static long parameterCount(Architecture a) {
        long n = 0;
        for (Spec s : layout(a)) {
            n = Math.addExact(n, s.shape().size());
        }
        return n;
    }

    private static void linear(List<Spec> out, String name, long rows, long cols, boolean bias) {
        out.add(new Spec(name + ".weight", new Shape(rows, cols), Init.NORMAL));
        if (bias) {
            out.add(new Spec(name + ".bias", new Shape(rows), Init.ZEROS));
        }
    }

    /** @return Phi-3's fused projections: {@code qkv_proj} and {@code gate_up_proj}, sliced into views */
    static boolean fusedProjections(Architecture a) {
        return a.traits().projections() == Projections.FUSED_QKV_AND_GATE_UP;
    }

    /** @return Gemma's RMSNorm ({@code x * (1 + w)}) and embedding scale ({@code × √h}) */
    static boolean gemma(Architecture a) {
        return a.traits().normWeight() == NormWeight.ONE_PLUS_W_FP32
                && a.traits().embeddingScale() == EmbeddingScale.SQRT_HIDDEN;
    }

    /**
     * @return Gemma 2's block: post-norms on the attention and MLP outputs ({@code post_attention_layernorm},
     *         {@code post_feedforward_layernorm}) besides the pre-norms ({@code input_layernorm},
     *         {@code pre_feedforward_layernorm})
     */
    static boolean sandwich(Architecture a) {
        return a.traits().normPlacement() == NormPlacement.SANDWICH;
    }

    /** @return whether the block norms q and k per head before RoPE (Qwen3's q_norm / k_norm, RMSNorm over head_dim) */
    static boolean qkNorm(Architecture a) {
        return a.traits().qkNorm() == QkNorm.RMS_PER_HEAD;
    }

    private static void norm(List<Spec> out, Architecture a, String name) {
        out.add(new Spec(name + ".weight", new Shape(a.hiddenSize()), Init.ONES));
        if (a.norm() == NormKind.LAYER_NORM) {
            out.add(new Spec(name + ".bias", new Shape(a.hiddenSize()), Init.ZEROS));
        }
    }

    /** Creates every parameter on {@code parent}'s device in {@code dtype}, each requiring a gradient. */
    static DecoderWeights create(Architecture a, NDManager parent, DataType dtype) {
        DecoderWeights w = new DecoderWeights(a, parent.newSubManager());
        for (Spec s : layout(a)) {
            NDArray array = switch (s.init()) {
                case NORMAL -> w.manager.randomNormal(0f, 0.02f, s.shape(), dtype);
                case ONES -> w.manager.ones(s.shape(), dtype);
                case ZEROS -> w.manager.zeros(s.shape(), dtype);
            };
            array.setRequiresGradient(true);
            w.params.put(s.name(), array);
        }
        return w;
    }

    /** @return the parameter called {@code name} (Llama-style), never null */
    NDArray get(String name) {
        NDArray a = params.get(name);
        if (a == null) {
            throw new IllegalStateException("no parameter " + name);
        }
        return a;
    }

    /** @return the parameter called {@code name}, or null when the model has none (an absent bias) */
    NDArray optional(String name) {
        return params.get(name);
    }

    /** @return the LM head matrix: the input embedding when tied */
    NDArray lmHead() {
        return arch.tiedEmbeddings() ? get("model.embed_tokens.weight") : get("lm_head.weight");
    }

    /** @return parameter names in creation order (the order of {@code model.parameters()}) */
    List<String> names() {
        return Collections.unmodifiableList(new ArrayList<>(params.keySet()));
    }

    /** @return number of parameter elements */
    long parameterCount() {
        long n = 0;
        for (NDArray a : params.values()) {
            n += a.size();
        }
        return n;
    }

    /** @return bytes of all parameters */
    long parameterBytes() {
        long n = 0;
        for (NDArray a : params.values()) {
            n += a.size() * a.getDataType().getNumOfBytes();
        }
        return n;
    }

    /**
     * Drops every parameter's gradient, as {@code optimizer.zero_grad(set_to_none=True)} does: each parameter is
     * replaced by a detached alias of the same storage that requires a gradient again, and the old handle, which
     * owned the {@code .grad} tensor, is closed. No parameter bytes are copied.
     */
    void releaseGradients() {
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            NDArray old = e.getValue();
            NDArray alias = old.stopGradient();
            alias.attach(manager);
            alias.setRequiresGradient(true);
            e.setValue(alias);
            old.close();
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
