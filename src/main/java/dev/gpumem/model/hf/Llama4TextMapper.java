package dev.gpumem.model.hf;

import dev.gpumem.model.Architecture.Activation;
import dev.gpumem.model.Architecture.Moe;
import dev.gpumem.model.ParamGroup;
import java.util.ArrayList;
import java.util.List;

/**
 * Llama 4's language model (transformers models/llama4/modeling_llama4.py, model_type "llama4_text",
 * Llama4ForCausalLM). Pre-norm blocks: {@code input_layernorm}, {@code self_attn.{q,k,v,o}_proj} (biases when
 * {@code attention_bias}; the qk norm of {@code use_qk_norm} is an L2 norm without weights),
 * {@code post_attention_layernorm}, then {@code feed_forward}: in MoE blocks a router
 * {@code feed_forward.router [E, h]}, the experts fused as {@code feed_forward.experts.gate_up_proj [E, h, 2·ie]}
 * and {@code feed_forward.experts.down_proj [E, ie, h]}, and an always-on {@code feed_forward.shared_expert}
 * gated MLP of ie ({@code intermediate_size}); in dense blocks a gated MLP of {@code intermediate_size_mlp}.
 * MoE blocks are {@code moe_layers}, by default every {@code interleave_moe_layer_step}-th block counted from
 * step − 1 (Scout: every block; Maverick: every second). {@code model.norm}; an untied {@code lm_head}.
 */
final class Llama4TextMapper implements FamilyMapper {
    @Override
    public MappedModel map(HfConfig c, MapperContext ctx) {
        DecoderDims d = DecoderDims.read(c);
        ArchitectureDraft a = new ArchitectureDraft("llama4_text", ctx);
        d.fill(a);
        int ie = c.positive("intermediate_size");
        int denseFf = c.positive("intermediate_size_mlp");
        int experts = c.positive("num_local_experts");
        int topK = c.positiveOr(1, "num_experts_per_tok");
        MixtralMapper.requireTopK(c, topK, experts, "num_local_experts");
        int step = c.positiveOr(1, "interleave_moe_layer_step");
        List<Long> moeLayers = c.integers("moe_layers");
        boolean bias = c.flag("attention_bias", false);
        a.intermediateSize = denseFf;
        a.activation = Activations.read(c, Activation.SILU, "hidden_act");
        a.attentionBias = bias;
        a.tiedEmbeddings = c.flag("tie_word_embeddings", false);
        a.attentionDropout = c.probabilityOr(0.0, "attention_dropout");

        long h = d.hidden();
        a.slidingWindow = SlidingWindows.chunkedRopeBlocks(c, d.layers());
        TensorList t = new TensorList(ctx.checkpointDtype());
        t.add("model.embed_tokens.weight", ParamGroup.EMBEDDING, -1, d.vocab(), h);
        List<Integer> dense = new ArrayList<>();
        for (int i = 0; i < d.layers(); i++) {
            String p = "model.layers." + i + ".";
            t.rmsNorm(p + "input_layernorm", i, h);
            LlamaBlock.attention(t, p + "self_attn.", i, d, bias, bias);
            t.rmsNorm(p + "post_attention_layernorm", i, h);
            boolean moe = moeLayers.isEmpty() ? (i + 1) % step == 0 : moeLayers.contains((long) i);
            String f = p + "feed_forward.";
            if (moe) {
                t.linear(f + "router", ParamGroup.ROUTER, i, experts, h, false);
                t.add(f + "experts.gate_up_proj", ParamGroup.EXPERT, i, experts, h, 2L * ie);
                t.add(f + "experts.down_proj", ParamGroup.EXPERT, i, experts, ie, h);
                LlamaBlock.gatedMlp(t, f + "shared_expert.", ParamGroup.EXPERT, i, h, ie, false);
            } else {
                dense.add(i);
                LlamaBlock.gatedMlp(t, f, ParamGroup.MLP, i, h, denseFf, false);
            }
        }
        t.rmsNorm("model.norm", -1, h);
        DecoderHead.write(t, ctx.head(), a.tiedEmbeddings, "lm_head", d.vocab(), h, false);
        a.moe = new Moe(experts, topK, ie, ie, dense);
        return new MappedModel(a.build(), t.toList());
    }
}
