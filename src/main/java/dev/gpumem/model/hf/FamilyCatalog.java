package dev.gpumem.model.hf;

import dev.gpumem.model.Architecture.HeadKind;
import dev.gpumem.model.hf.LlamaLikeMapper.Flavour;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Which mapper reads which {@code model_type}, and the head assumed when a config has no {@code architectures}. */
final class FamilyCatalog {
    /**
     * @param mapper      reads the config
     * @param defaultHead head when {@code architectures} is absent
     */
    record Family(FamilyMapper mapper, HeadKind defaultHead) {
    }

    /** Every model_type read natively, sorted. */
    static final List<String> MODEL_TYPES = List.of("bert", "bloom", "cohere", "cohere2", "deepseek_v2",
            "deepseek_v3", "falcon", "gemma", "gemma2", "gemma3", "gemma3_text", "gpt2", "gpt_bigcode", "gpt_neox", "gpt_oss",
            "gptj", "granite", "internlm2", "llama", "llama4_text", "mistral", "mixtral", "mpt", "mt5", "olmo",
            "olmo2", "olmoe", "opt", "phi", "phi3", "qwen", "qwen2", "qwen2_5_vl", "qwen2_moe", "qwen2_vl", "qwen3",
            "qwen3_moe", "roberta", "starcoder2", "t5", "umt5", "xlm-roberta");

    /** The keys an unknown model_type needs to be read as a generic Llama-style decoder. */
    static final List<String> GENERIC_KEYS = List.of("hidden_size", "num_hidden_layers", "num_attention_heads",
            "intermediate_size", "vocab_size");

    /** @return the family for {@code modelType}, empty when it is not read natively */
    Optional<Family> find(String modelType) {
        String t = modelType.toLowerCase(Locale.ROOT);
        FamilyMapper m = switch (t) {
            case "llama" -> new LlamaLikeMapper(Flavour.LLAMA);
            case "mistral" -> new LlamaLikeMapper(Flavour.MISTRAL);
            case "qwen2" -> new LlamaLikeMapper(Flavour.QWEN2);
            case "qwen3" -> new LlamaLikeMapper(Flavour.QWEN3);
            case "gemma" -> new LlamaLikeMapper(Flavour.GEMMA);
            case "gemma2" -> new LlamaLikeMapper(Flavour.GEMMA2);
            case "gemma3_text" -> new LlamaLikeMapper(Flavour.GEMMA3_TEXT);
            case "gemma3" -> new Gemma3VlMapper();
            case "olmo" -> new LlamaLikeMapper(Flavour.OLMO);
            case "olmo2" -> new LlamaLikeMapper(Flavour.OLMO2);
            case "granite" -> new LlamaLikeMapper(Flavour.GRANITE);
            case "qwen" -> new QwenMapper();
            case "qwen2_vl" -> new Qwen2VlMapper(false);
            case "qwen2_5_vl" -> new Qwen2VlMapper(true);
            case "internlm2" -> new InternLm2Mapper();
            case "cohere", "cohere2" -> new CohereMapper();
            case "olmoe" -> new OlmoeMapper();
            case "gpt_oss" -> new GptOssMapper();
            case "llama4_text" -> new Llama4TextMapper();
            case "mixtral" -> new MixtralMapper();
            case "qwen2_moe" -> new QwenMoeMapper(false);
            case "qwen3_moe" -> new QwenMoeMapper(true);
            case "phi" -> new PhiMapper();
            case "phi3" -> new Phi3Mapper();
            case "gpt2" -> new Gpt2Mapper();
            case "gpt_bigcode" -> new GptBigCodeMapper();
            case "gpt_neox" -> new GptNeoXMapper();
            case "gptj" -> new GptjMapper();
            case "opt" -> new OptMapper();
            case "bloom" -> new BloomMapper();
            case "falcon", "refinedweb", "refinedwebmodel" -> new FalconMapper();
            case "mpt" -> new MptMapper();
            case "starcoder2" -> new Starcoder2Mapper();
            case "bert" -> new BertMapper(false);
            case "roberta", "xlm-roberta" -> new BertMapper(true);
            case "t5" -> new T5Mapper(T5Mapper.Variant.T5);
            case "mt5" -> new T5Mapper(T5Mapper.Variant.MT5);
            case "umt5" -> new T5Mapper(T5Mapper.Variant.UMT5);
            case "deepseek_v2" -> new DeepseekMapper(false);
            case "deepseek_v3" -> new DeepseekMapper(true);
            default -> null;
        };
        if (m == null) {
            return Optional.empty();
        }
        HeadKind head = switch (t) {
            case "bert", "roberta", "xlm-roberta" -> HeadKind.MASKED_LM;
            case "t5", "mt5", "umt5" -> HeadKind.SEQ2SEQ_LM;
            default -> HeadKind.CAUSAL_LM;
        };
        return Optional.of(new Family(m, head));
    }

    /** @return a generic Llama-style reader, used with a warning for unknown decoders */
    Family generic() {
        return new Family(new LlamaLikeMapper(Flavour.GENERIC), HeadKind.CAUSAL_LM);
    }
}
