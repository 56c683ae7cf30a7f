package dev.gpumem.model;

import dev.gpumem.model.Architecture.MlpKind;
import dev.gpumem.model.Architecture.NormKind;
import dev.gpumem.units.DType;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the tensor list of a generic decoder-only transformer from its {@link Architecture}
 * (Llama-style naming). Family readers in {@code model.hf} use it for the families that follow this layout and
 * write their own tensor lists where a family differs.
 */
public final class InventoryBuilder {
    private final Architecture a;
    private final DType dt;
    private final List<TensorSpec> tensors = new ArrayList<>();

    private InventoryBuilder(Architecture a) {
        this.a = a;
        this.dt = a.checkpointDtype();
    }

    /** @return the inventory of a decoder-only model with Llama-style tensor names */
    public static Inventory decoder(String source, Architecture a, List<String> warnings) {
        InventoryBuilder b = new InventoryBuilder(a);
        b.add("model.embed_tokens.weight", ParamGroup.EMBEDDING, -1, a.vocabSize(), a.hiddenSize());
        for (int i = 0; i < a.numLayers(); i++) {
            b.block(i);
        }
        b.norm("model.norm", -1);
        if (!a.tiedEmbeddings()) {
            b.add("lm_head.weight", ParamGroup.LM_HEAD, -1, a.vocabSize(), a.hiddenSize());
        }
        return new Inventory(source, a, b.tensors, warnings);
    }

    private void block(int i) {
        String p = "model.layers." + i + ".";
        norm(p + "input_layernorm", i);
        linear(p + "self_attn.q_proj", ParamGroup.ATTENTION, i, a.queryWidth(), a.hiddenSize(), a.attentionBias());
        linear(p + "self_attn.k_proj", ParamGroup.ATTENTION, i, a.kvWidth(), a.hiddenSize(), a.attentionBias());
        linear(p + "self_attn.v_proj", ParamGroup.ATTENTION, i, a.kvWidth(), a.hiddenSize(), a.attentionBias());
        linear(p + "self_attn.o_proj", ParamGroup.ATTENTION, i, a.hiddenSize(), a.queryWidth(), a.attentionBias());
        if (!a.parallelBlock()) {
            norm(p + "post_attention_layernorm", i);
        }
        if (a.mlp() == MlpKind.GATED) {
            linear(p + "mlp.gate_proj", ParamGroup.MLP, i, a.intermediateSize(), a.hiddenSize(), a.mlpBias());
            linear(p + "mlp.up_proj", ParamGroup.MLP, i, a.intermediateSize(), a.hiddenSize(), a.mlpBias());
            linear(p + "mlp.down_proj", ParamGroup.MLP, i, a.hiddenSize(), a.intermediateSize(), a.mlpBias());
        } else {
            linear(p + "mlp.fc1", ParamGroup.MLP, i, a.intermediateSize(), a.hiddenSize(), a.mlpBias());
            linear(p + "mlp.fc2", ParamGroup.MLP, i, a.hiddenSize(), a.intermediateSize(), a.mlpBias());
        }
    }

    private void norm(String name, int layer) {
        add(name + ".weight", ParamGroup.NORM, layer, a.hiddenSize());
        if (a.norm() == NormKind.LAYER_NORM) {
            add(name + ".bias", ParamGroup.NORM, layer, a.hiddenSize());
        }
    }

    private void linear(String name, ParamGroup group, int layer, long out, long in, boolean bias) {
        add(name + ".weight", group, layer, out, in);
        if (bias) {
            add(name + ".bias", group, layer, out);
        }
    }

    private void add(String name, ParamGroup group, int layer, long... dims) {
        tensors.add(TensorSpec.of(name, dt, group, layer, dims));
    }
}
