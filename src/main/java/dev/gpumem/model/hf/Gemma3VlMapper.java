package dev.gpumem.model.hf;

import dev.gpumem.model.Architecture.Head;
import dev.gpumem.model.Architecture.HeadKind;
import dev.gpumem.model.ParamGroup;
import dev.gpumem.model.TensorSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Gemma 3 with its vision tower (model_type "gemma3", transformers models/gemma3/modeling_gemma3.py,
 * Gemma3ForConditionalGeneration). The language model is {@code text_config}, read as gemma3_text over
 * Gemma3TextConfig's defaults (configuration_gemma3.py: vocab_size 262208, num_attention_heads 8,
 * num_key_value_heads 4, head_dim 256; the published configs state only what differs) and estimated as such.
 * Counted but not estimated: the SigLIP vision tower (models/siglip/modeling_siglip.py SiglipVisionTransformer:
 * {@code embeddings.patch_embedding} Conv2d [e, 3, p, p] + bias, {@code embeddings.position_embedding
 * [(image/p)², e]}, per layer {@code layer_norm1}, {@code self_attn.{q,k,v,out}_proj [e, e]} + biases,
 * {@code layer_norm2}, {@code mlp.fc1 [ff, e]} / {@code fc2 [e, ff]} + biases, then {@code post_layernorm}; no head
 * when {@code vision_use_head} is false) and the projector ({@code multi_modal_projector.mm_input_projection_weight
 * [e, h]} and the RMSNorm {@code mm_soft_emb_norm [e]}). An image is {@code mm_tokens_per_image} tokens (256).
 */
final class Gemma3VlMapper implements FamilyMapper {
    /** Gemma3TextConfig defaults for the keys the published multimodal configs leave out. */
    static final Map<String, Object> TEXT_DEFAULTS = Map.of("model_type", "gemma3_text", "vocab_size", 262_208,
            "hidden_size", 2304, "intermediate_size", 9216, "num_hidden_layers", 26, "num_attention_heads", 8,
            "num_key_value_heads", 4, "head_dim", 256, "max_position_embeddings", 131_072,
            "hidden_activation", "gelu_pytorch_tanh");

    @Override
    public MappedModel map(HfConfig c, MapperContext ctx) {
        HfConfig given = c.nested("text_config");
        HfConfig text = new HfConfig(c.origin(), TEXT_DEFAULTS)
                .withOverrides(given == null ? Map.of() : given.asMap());
        MapperContext lmCtx = ctx.head().kind() == HeadKind.SEQ2SEQ_LM
                ? new MapperContext(Head.causalLm(), ctx.quantization(), ctx.checkpointDtype()) : ctx;
        MappedModel lm = new LlamaLikeMapper(LlamaLikeMapper.Flavour.GEMMA3_TEXT).map(text, lmCtx);
        HfConfig v = c.nested("vision_config");
        if (v == null) {
            throw new dev.gpumem.input.BadInputException(c.origin() + ": missing required field 'vision_config'");
        }
        int e = v.positive("hidden_size");
        int ff = v.positive("intermediate_size");
        int layers = v.positive("num_hidden_layers");
        int patch = v.positive("patch_size");
        int image = v.positive("image_size");
        int channels = v.positiveOr(3, "num_channels");
        if (v.flag("vision_use_head", false)) {
            throw v.invalid("vision_use_head", "true is not read; Gemma 3 uses the SigLIP tower without its head");
        }
        long positions = (long) (image / patch) * (image / patch);
        TensorList t = new TensorList(ctx.checkpointDtype());
        String p = "vision_tower.vision_model.";
        t.add(p + "embeddings.patch_embedding.weight", ParamGroup.OTHER, -1, e, channels, patch, patch);
        t.add(p + "embeddings.patch_embedding.bias", ParamGroup.OTHER, -1, e);
        t.add(p + "embeddings.position_embedding.weight", ParamGroup.OTHER, -1, positions, e);
        for (int i = 0; i < layers; i++) {
            String l = p + "encoder.layers." + i + ".";
            t.layerNorm(l + "layer_norm1", -1, e);
            for (String proj : List.of("q_proj", "k_proj", "v_proj", "out_proj")) {
                t.linear(l + "self_attn." + proj, ParamGroup.OTHER, -1, e, e, true);
            }
            t.layerNorm(l + "layer_norm2", -1, e);
            t.linear(l + "mlp.fc1", ParamGroup.OTHER, -1, ff, e, true);
            t.linear(l + "mlp.fc2", ParamGroup.OTHER, -1, e, ff, true);
        }
        t.layerNorm(p + "post_layernorm", -1, e);
        t.add("multi_modal_projector.mm_input_projection_weight", ParamGroup.OTHER, -1, e,
                lm.architecture().hiddenSize());
        t.rmsNorm("multi_modal_projector.mm_soft_emb_norm", -1, e);

        List<TensorSpec> all = new ArrayList<>(t.toList());
        all.addAll(lm.tensors());
        List<String> notes = new ArrayList<>(lm.warnings());
        notes.add("gemma3: the language tower is estimated; the vision tower's and projector's "
                + t.toList().stream().mapToLong(TensorSpec::numel).sum() + " parameters are counted but not their"
                + " activations. Each image is " + c.positiveOr(256, "mm_tokens_per_image")
                + " tokens of the sequence; include them in seq");
        return new MappedModel(lm.architecture(), all, notes);
    }
}
