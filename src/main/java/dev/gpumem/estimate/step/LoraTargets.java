package dev.gpumem.estimate.step;

import dev.gpumem.input.BadInputException;
import dev.gpumem.model.Architecture.MlpKind;
import dev.gpumem.model.Inventory;
import dev.gpumem.model.ParamGroup;
import dev.gpumem.model.TensorSpec;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Resolves LoRA target names against a model's modules, and maps the targeted modules onto the roles the block
 * program knows (q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj, fc1, fc2).
 *
 * <p>A target that names no module but one of q/k/v ({@code q_proj, k_proj, v_proj, query, key, value}) in a model
 * with a fused q/k/v projection ({@code query_key_value, c_attn, qkv_proj, Wqkv, wqkv, W_pack}) selects the fused
 * module, as lit-gpt's "query and value" LoRA does on GPT-NeoX/StableLM; the adapter then spans the fused projection.
 */
public final class LoraTargets {
    private static final Set<String> QKV_NAMES = Set.of("q_proj", "k_proj", "v_proj", "query", "key", "value", "q",
            "k", "v");
    private static final Set<String> FUSED_QKV = Set.of("query_key_value", "c_attn", "qkv_proj", "Wqkv",
            "wqkv", "W_pack", "qkv");

    private LoraTargets() {
    }

    /**
     * @return the module names (as {@link TensorSpec#moduleName()}) the targets select
     * @throws BadInputException naming finetune.targets and the modules that exist
     */
    public static Set<String> modules(Inventory inv, List<String> targets) {
        Set<String> present = new TreeSet<>();
        for (TensorSpec t : inv.tensors()) {
            if (adaptable(t)) {
                present.add(t.moduleName());
            }
        }
        Set<String> out = new LinkedHashSet<>();
        for (String target : targets) {
            if (present.contains(target)) {
                out.add(target);
                continue;
            }
            String fused = null;
            if (QKV_NAMES.contains(target)) {
                for (String f : FUSED_QKV) {
                    if (present.contains(f)) {
                        fused = f;
                    }
                }
            }
            if (fused == null) {
                throw new BadInputException("finetune.targets: no module '" + target
                        + "' in this model; accepted: " + String.join(", ", present));
            }
            out.add(fused);
        }
        return out;
    }

    /** @return whether a tensor is a block linear weight LoRA can attach to */
    static boolean adaptable(TensorSpec t) {
        return t.layer() >= 0 && t.shape().size() == 2 && t.name().endsWith("weight")
                && (t.group() == ParamGroup.ATTENTION || t.group() == ParamGroup.MLP);
    }

    /** @return the block-program roles of the targeted modules */
    public static Set<String> roles(Inventory inv, Set<String> modules) {
        Set<String> roles = new LinkedHashSet<>();
        int layer = -1;
        for (TensorSpec t : inv.tensors()) {
            if (!adaptable(t) || !modules.contains(t.moduleName())) {
                continue;
            }
            if (layer < 0) {
                layer = t.layer();
            }
            if (t.layer() == layer) {
                roles.add(role(t, inv.architecture().mlp()));
            }
        }
        return roles;
    }

    /**
     * The role of one targeted weight. Attention projections by name; MLP projections by name and shape: in a gated
     * MLP the gate (a name with "gate", or Mixtral's {@code w1}), then any other widening projection (up, Mixtral's
     * {@code w3}, Qwen-1's {@code w2}, which is the one {@code silu} takes: modeling_qwen.py QWenMLP
     * {@code a1 * F.silu(a2)}, shape [i, h]) as up, and the narrowing one (down, {@code w2} of Mixtral,
     * {@code c_proj}) as down; in a plain MLP the widening one is fc1, the narrowing one fc2.
     */
    private static String role(TensorSpec t, MlpKind mlp) {
        String m = t.moduleName();
        long out = t.shape().get(0);
        long in = t.shape().get(1);
        if (t.group() == ParamGroup.ATTENTION) {
            if (FUSED_QKV.contains(m) || m.startsWith("q") || m.equals("query")) {
                return "q_proj";
            }
            if (m.startsWith("k") || m.equals("key")) {
                return "k_proj";
            }
            if (m.startsWith("v") || m.equals("value")) {
                return "v_proj";
            }
            return "o_proj";
        }
        if (mlp == MlpKind.GATED) {
            if (m.contains("gate") || m.equals("w1")) {
                return "gate_proj";
            }
            return out > in ? "up_proj" : "down_proj";
        }
        return out > in ? "fc1" : "fc2";
    }
}
