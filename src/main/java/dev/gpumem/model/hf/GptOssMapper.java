package dev.gpumem.model.hf;

import dev.gpumem.model.Architecture.Activation;
import dev.gpumem.model.Architecture.Moe;
import dev.gpumem.model.Architecture.QuantMethod;
import dev.gpumem.model.ParamGroup;
import java.util.ArrayList;
import java.util.List;

/**
 * gpt-oss (transformers models/gpt_oss/modular_gpt_oss.py, huggingface/transformers commit
 * 0261a467116de4a9103b58200f9d82f8fb5a0e86). Llama-style pre-norm blocks: {@code input_layernorm},
 * {@code self_attn.{q,k,v,o}_proj} with biases ({@code attention_bias}, true in the released configs) and the
 * attention sinks {@code self_attn.sinks [a]} (one learned logit per head, concatenated to the scores before the
 * softmax and dropped after it), {@code post_attention_layernorm}, and in every block a MoE:
 * {@code mlp.router.weight [E, h]} + {@code mlp.router.bias [E]}, the experts stored fused and transposed as
 * {@code mlp.experts.gate_up_proj [E, h, 2·ie]} + {@code gate_up_proj_bias [E, 2·ie]} and
 * {@code mlp.experts.down_proj [E, ie, h]} + {@code down_proj_bias [E, h]} (ie = {@code intermediate_size});
 * {@code model.norm}; an untied {@code lm_head}. {@code layer_types} alternates sliding-window
 * ({@code sliding_window} tokens) and full attention.
 */
final class GptOssMapper implements FamilyMapper {
    @Override
    public MappedModel map(HfConfig c, MapperContext ctx) {
        DecoderDims d = DecoderDims.read(c);
        ArchitectureDraft a = new ArchitectureDraft("gpt_oss", ctx);
        d.fill(a);
        int ff = c.positive("intermediate_size");
        int experts = c.positive("num_local_experts");
        int topK = c.positive("num_experts_per_tok", "experts_per_token");
        MixtralMapper.requireTopK(c, topK, experts, "num_local_experts");
        boolean bias = c.flag("attention_bias", true);
        a.intermediateSize = ff;
        a.moe = new Moe(experts, topK, ff, 0, 0);
        a.activation = Activation.SILU;    // the experts' clamped gate·sigmoid(1.702·gate) is counted as SiLU
        a.attentionBias = bias;
        a.tiedEmbeddings = c.flag("tie_word_embeddings", false);
        a.attentionDropout = c.probabilityOr(0.0, "attention_dropout");
        a.slidingWindow = SlidingWindows.everyOther(c, d.layers());

        long h = d.hidden();
        TensorList t = new TensorList(ctx.checkpointDtype());
        t.add("model.embed_tokens.weight", ParamGroup.EMBEDDING, -1, d.vocab(), h);
        for (int i = 0; i < d.layers(); i++) {
            String p = "model.layers." + i + ".";
            t.rmsNorm(p + "input_layernorm", i, h);
            LlamaBlock.attention(t, p + "self_attn.", i, d, bias, bias);
            t.add(p + "self_attn.sinks", ParamGroup.ATTENTION, i, d.heads());
            t.rmsNorm(p + "post_attention_layernorm", i, h);
            t.linear(p + "mlp.router", ParamGroup.ROUTER, i, experts, h, true);
            String e = p + "mlp.experts.";
            t.add(e + "gate_up_proj", ParamGroup.EXPERT, i, experts, h, 2L * ff);
            t.add(e + "gate_up_proj_bias", ParamGroup.EXPERT, i, experts, 2L * ff);
            t.add(e + "down_proj", ParamGroup.EXPERT, i, experts, ff, h);
            t.add(e + "down_proj_bias", ParamGroup.EXPERT, i, experts, h);
        }
        t.rmsNorm("model.norm", -1, h);
        DecoderHead.write(t, ctx.head(), a.tiedEmbeddings, "lm_head", d.vocab(), h, false);
        List<String> notes = new ArrayList<>();
        long sliding = c.strings("layer_types").stream().filter(s -> s.equals("sliding_attention")).count();
        if (sliding > 0) {
            notes.add("gpt_oss: " + sliding + " of " + d.layers() + " blocks use sliding-window attention over "
                    + c.positiveOr(128, "sliding_window") + " tokens; their activations are counted as full"
                    + " attention (the window masks scores, it does not shrink what the kernels keep); their KV"
                    + " cache holds the window once decoding starts");
        }
        if (ctx.quantization().method() == QuantMethod.MXFP4) {
            notes.add("gpt_oss: the experts stay MXFP4 (4.25 bits a weight) as transformers keeps them on GPUs of"
                    + " compute capability >= 7.5 with triton >= 3.4 and the kernels package (quantizers/"
                    + "quantizer_mxfp4.py); elsewhere, or with quantization_config.dequantize = true, it loads them"
                    + " as bf16");
        }
        return new MappedModel(a.build(), t.toList(), notes);
    }
}
