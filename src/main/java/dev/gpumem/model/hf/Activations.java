package dev.gpumem.model.hf;

import dev.gpumem.input.BadInputException;
import dev.gpumem.model.Architecture.Activation;
import java.util.Locale;

/** Maps transformers' activation names (transformers/activations.py ACT2CLS) onto {@link Activation}. */
final class Activations {
    static final String ACCEPTED = "silu, swish, gelu, gelu_new, gelu_fast, gelu_pytorch_tanh, gelu_tanh, relu,"
            + " gated-gelu, gated-silu";

    private Activations() {
    }

    /** @return the activation named under the first of {@code keys} present, or {@code fallback} */
    static Activation read(HfConfig c, Activation fallback, String... keys) {
        String key = c.firstPresent(keys);
        if (key == null) {
            return fallback;
        }
        String name = c.string(key).toLowerCase(Locale.ROOT);
        switch (name) {
            case "silu": case "swish": case "gated-silu": return Activation.SILU;
            case "gelu": case "gelu_python": case "gated-gelu-exact": return Activation.GELU;
            // T5 v1.1's "gated-gelu" is gelu_new (T5Config: dense_act_fn = "gelu_new")
            case "gelu_new": case "gated-gelu": return Activation.GELU_NEW;
            // gelu_fast (FastGELUActivation) is also a Python composite; it is rare and counted as the fused one
            case "gelu_fast": case "gelu_pytorch_tanh": case "gelu_tanh": return Activation.GELU_TANH;
            case "relu": case "gated-relu": return Activation.RELU;
            default:
                throw new BadInputException(c.origin() + ": field '" + key + "' value '" + name
                        + "' is not a known activation; accepted: " + ACCEPTED);
        }
    }
}
