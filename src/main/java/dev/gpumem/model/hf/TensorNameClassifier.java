package dev.gpumem.model.hf;

import dev.gpumem.model.ParamGroup;
import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Classifies checkpoint tensor names (read from safetensors headers) by the naming conventions of transformers'
 * modeling files: group by module-name pattern, block index from the {@code layers.N.} / {@code h.N.} /
 * {@code block.N.} / {@code layer.N.} / {@code blocks.N.} path element.
 */
final class TensorNameClassifier {
    private static final Pattern BLOCK = Pattern.compile("(?:^|\\.)(?:layers|h|block|layer|blocks)\\.(\\d+)\\.");

    private static final String[] QUANT_SUFFIXES = {".absmax", ".quant_map", ".nested_absmax", ".nested_quant_map",
        ".SCB", ".weight_format", ".qzeros", ".scales", ".g_idx", ".weight_scale", ".weight_scale_inv",
        ".input_scale"};

    /** @return the block index, -1 outside the blocks; decoder blocks of an encoder-decoder follow the encoder's */
    int layer(String name, int encoderLayers) {
        Matcher m = BLOCK.matcher(name);
        if (!m.find()) {
            return -1;
        }
        int index = Integer.parseInt(m.group(1));
        boolean decoderStack = name.startsWith("decoder.") || name.contains(".decoder.block.");
        return decoderStack ? index + encoderLayers : index;
    }

    ParamGroup group(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (name.contains(".quant_state.") || Arrays.stream(QUANT_SUFFIXES).anyMatch(name::endsWith)) {
            return ParamGroup.QUANT_STATE;
        }
        if (n.contains("inv_freq") || n.endsWith("masked_bias") || n.endsWith("position_ids")
                || n.endsWith(".attn.bias") || n.endsWith(".attention.bias")) {
            return ParamGroup.BUFFER;
        }
        if (n.contains("norm") || n.contains("ln_")) {
            return ParamGroup.NORM;
        }
        if (n.startsWith("lm_head.weight") || n.startsWith("lm_head.bias") || n.startsWith("embed_out.")
                || n.startsWith("cls.predictions.decoder") || n.equals("cls.predictions.bias")) {
            return ParamGroup.LM_HEAD;
        }
        if (n.contains("pooler") || n.startsWith("classifier") || n.startsWith("score.") || n.startsWith("cls.")
                || n.startsWith("lm_head.")) {
            return ParamGroup.TASK_HEAD;
        }
        if (n.contains("embed") || n.contains("wte.") || n.contains("wpe.") || n.equals("shared.weight")) {
            return ParamGroup.EMBEDDING;
        }
        if (n.contains("router") || n.contains("shared_expert_gate") || n.contains("mlp.gate.")
                || n.contains("block_sparse_moe.gate.")) {
            return ParamGroup.ROUTER;
        }
        if (n.contains(".experts.") || n.contains("shared_expert")) {
            return ParamGroup.EXPERT;
        }
        if (n.contains("attn") || n.contains("attention") || n.contains("query_key_value") || n.contains(".wqkv")) {
            return ParamGroup.ATTENTION;
        }
        if (n.contains("mlp") || n.contains("ffn") || n.contains("densereludense") || n.contains("intermediate")
                || n.contains(".output.dense") || n.contains(".fc")) {
            return ParamGroup.MLP;
        }
        return ParamGroup.OTHER;
    }
}
