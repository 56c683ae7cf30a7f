package dev.gpumem.model.hf;

import dev.gpumem.model.Architecture.Head;
import dev.gpumem.model.Architecture.HeadKind;
import dev.gpumem.model.ParamGroup;
import dev.gpumem.model.TensorSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * Qwen2-VL and Qwen2.5-VL (transformers models/qwen2_vl/modeling_qwen2_vl.py and
 * models/qwen2_5_vl/modeling_qwen2_5_vl.py; checkpoint names {@code visual.*} beside the Qwen2 language model's
 * {@code model.*} and {@code lm_head}). The language tower is a Qwen2 decoder read from the top-level keys (or
 * {@code text_config}) and estimated as such. The vision tower's parameters are counted (outside the decoder
 * blocks, group OTHER): {@code visual.patch_embed.proj} Conv3d [e, 3, temporal_patch_size, p, p] without bias;
 * {@code depth} blocks of {@code norm1}, {@code attn.qkv [3e, e]} + bias, {@code attn.proj [e, e]} + bias,
 * {@code norm2} and an MLP; {@code visual.merger}: {@code ln_q [e]}, {@code mlp.0 [4e, 4e]} + bias and
 * {@code mlp.2 [out, 4e]} + bias (spatial_merge_size 2: four patches merged into one token).
 * Qwen2-VL: LayerNorms (weight and bias), MLP {@code fc1 [e·mlp_ratio, e]} / {@code fc2} with biases,
 * e = {@code embed_dim}, out = vision {@code hidden_size}. Qwen2.5-VL: RMSNorms, gated MLP
 * {@code gate_proj}/{@code up_proj}/{@code down_proj} of {@code intermediate_size} with biases,
 * e = {@code hidden_size}, out = {@code out_hidden_size}. Images enter as tokens of the sequence.
 */
final class Qwen2VlMapper implements FamilyMapper {
    private final boolean v25;

    Qwen2VlMapper(boolean v25) {
        this.v25 = v25;
    }

    @Override
    public MappedModel map(HfConfig c, MapperContext ctx) {
        HfConfig text = !c.has("hidden_size") && c.isObject("text_config") ? c.nested("text_config") : c;
        // *ForConditionalGeneration here is a decoder with an LM head, not a sequence-to-sequence model
        MapperContext lmCtx = ctx.head().kind() == HeadKind.SEQ2SEQ_LM
                ? new MapperContext(Head.causalLm(), ctx.quantization(), ctx.checkpointDtype()) : ctx;
        MappedModel lm = new LlamaLikeMapper(LlamaLikeMapper.Flavour.QWEN2).map(text, lmCtx);
        HfConfig v = c.nested("vision_config");
        if (v == null) {
            throw new dev.gpumem.input.BadInputException(c.origin() + ": missing required field 'vision_config'");
        }
        TensorList t = new TensorList(ctx.checkpointDtype());
        int e = v25 ? v.positiveOr(1280, "hidden_size") : v.positiveOr(1280, "embed_dim");
        int out = v25 ? v.positiveOr(lm.architecture().hiddenSize(), "out_hidden_size")
                : v.positiveOr(lm.architecture().hiddenSize(), "hidden_size");
        int depth = v.positiveOr(32, "depth");
        int patch = v.positiveOr(14, "patch_size", "spatial_patch_size");
        int temporal = v.positiveOr(2, "temporal_patch_size");
        int channels = v.positiveOr(3, "in_channels", "in_chans");
        int merge = v.positiveOr(2, "spatial_merge_size");
        int ff = v25 ? v.positiveOr(3420, "intermediate_size") : Math.multiplyExact(e, v.positiveOr(4, "mlp_ratio"));
        t.add("visual.patch_embed.proj.weight", ParamGroup.OTHER, -1, e, channels, temporal, patch, patch);
        for (int i = 0; i < depth; i++) {
            String p = "visual.blocks." + i + ".";
            norm(t, p + "norm1", e);
            t.linear(p + "attn.qkv", ParamGroup.OTHER, -1, 3L * e, e, true);
            t.linear(p + "attn.proj", ParamGroup.OTHER, -1, e, e, true);
            norm(t, p + "norm2", e);
            if (v25) {
                t.linear(p + "mlp.gate_proj", ParamGroup.OTHER, -1, ff, e, true);
                t.linear(p + "mlp.up_proj", ParamGroup.OTHER, -1, ff, e, true);
                t.linear(p + "mlp.down_proj", ParamGroup.OTHER, -1, e, ff, true);
            } else {
                t.linear(p + "mlp.fc1", ParamGroup.OTHER, -1, ff, e, true);
                t.linear(p + "mlp.fc2", ParamGroup.OTHER, -1, e, ff, true);
            }
        }
        long merged = (long) e * merge * merge;
        norm(t, "visual.merger.ln_q", e);
        t.linear("visual.merger.mlp.0", ParamGroup.OTHER, -1, merged, merged, true);
        t.linear("visual.merger.mlp.2", ParamGroup.OTHER, -1, out, merged, true);

        List<TensorSpec> all = new ArrayList<>(t.toList());
        all.addAll(lm.tensors());
        List<String> notes = new ArrayList<>(lm.warnings());
        notes.add(lm.architecture().modelType() + ": the language tower is estimated; the vision tower's "
                + t.toList().stream().mapToLong(TensorSpec::numel).sum() + " parameters are counted but not its"
                + " activations. Images are tokens of the sequence: an image of H x W pixels adds about"
                + " (H/" + patch + ")·(W/" + patch + ")/" + (merge * merge) + " tokens; include them in seq");
        return new MappedModel(lm.architecture(), all, notes);
    }

    private void norm(TensorList t, String name, long width) {
        if (v25) {
            t.rmsNorm(name, -1, width);
        } else {
            t.layerNorm(name, -1, width);
        }
    }
}
