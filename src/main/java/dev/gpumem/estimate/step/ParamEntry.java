package dev.gpumem.estimate.step;

import dev.gpumem.estimate.ops.Part;
import dev.gpumem.estimate.timeline.TensorKind;
import java.util.List;

/**
 * One parameter (or buffer) tensor as this rank holds it, with every tensor that derives from it. Null means
 * "does not exist for this request".
 *
 * @param where        {@link Where} the tensor is used
 * @param layer        block index, or -1
 * @param part         attention or MLP half of the block
 * @param trainable    receives a gradient
 * @param weight       the resident weight (a shard under ZeRO-3)
 * @param weightNumel  elements of the full tensor (to recognise identical tensors of other blocks)
 * @param quantState   quantization constants kept beside a quantized weight
 * @param dequant      transient dequantized copy made at every use (QLoRA)
 * @param gathered     ZeRO-3/FSDP: the all-gathered full weight while its block runs
 * @param autocastCopy amp: the half-precision copy autocast makes (and autograd keeps)
 * @param halfGrad     amp: the half-precision gradient before the cast back to the fp32 parameter's dtype
 * @param fullGrad     ZeRO-2/3: the full gradient before reduce-scatter
 * @param grad         the gradient this rank keeps (a shard under ZeRO-2/3)
 * @param master       fp32 master copy (master_weights)
 * @param states       optimizer states
 * @param temporaries  optimizer-step temporaries
 * @param host         what of this parameter lives in host memory (offload: master copy, optimizer states, the
 *                     gradient partition, with offloaded parameters the weight shard); empty without offload
 */
public record ParamEntry(Where where, int layer, Part part, boolean trainable, TensorKind weight,
                         long weightNumel, TensorKind quantState, TensorKind dequant, TensorKind gathered, TensorKind autocastCopy,
                         TensorKind halfGrad, TensorKind fullGrad, TensorKind grad, TensorKind master,
                         List<TensorKind> states, List<TensorKind> temporaries, List<TensorKind> host) {
    public ParamEntry {
        states = List.copyOf(states);
        temporaries = List.copyOf(temporaries);
        host = List.copyOf(host);
    }

    /** Everything on the device. */
    public ParamEntry(Where where, int layer, Part part, boolean trainable, TensorKind weight, long weightNumel,
                      TensorKind quantState, TensorKind dequant, TensorKind gathered, TensorKind autocastCopy,
                      TensorKind halfGrad, TensorKind fullGrad, TensorKind grad, TensorKind master,
                      List<TensorKind> states, List<TensorKind> temporaries) {
        this(where, layer, part, trainable, weight, weightNumel, quantState, dequant, gathered, autocastCopy,
                halfGrad, fullGrad, grad, master, states, temporaries, List.of());
    }

    /** @return whether the resident weight (shard) is held in host memory instead of on the device */
    public boolean weightOnHost() {
        return !host.isEmpty() && host.contains(weight);
    }

    /** @return the same tensor kinds for the same tensor of another block */
    public ParamEntry at(int otherLayer) {
        return new ParamEntry(where, otherLayer, part, trainable, weight, weightNumel, quantState, dequant, gathered,
                autocastCopy, halfGrad, fullGrad, grad, master, states, temporaries, host);
    }

    /** Where in the step a tensor is used (and gets its gradient). */
    public enum Where {
        /** input embeddings: used first in forward, gradient last in backward */
        EMBEDDING,
        /** a transformer block */
        BLOCK,
        /** final norm, LM head, task head: gradient first in backward */
        HEAD
    }
}
