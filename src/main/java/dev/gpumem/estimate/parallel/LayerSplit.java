package dev.gpumem.estimate.parallel;

import dev.gpumem.input.BadInputException;

/**
 * How the model's blocks are dealt to the p·v pipeline chunks: the embedding counts as {@code inputWeight} blocks and
 * the final norm with the output layer as {@code outputWeight} blocks, the effective total is split evenly (the first
 * chunks one more), and the first and last chunks get that many fewer blocks (pytorch/torchtitan
 * torchtitan/distributed/pipeline_parallel.py @fb3b230 generate_llm_fqn_per_model_part, called with
 * pipeline_parallel_first_stage_less_layers and _last_stage_less_layers). With both weights 0 this is the even split
 * Megatron-LM's default needs (L divisible by p·v agrees with it).
 *
 * @param inputWeight  blocks the embedding counts as
 * @param outputWeight blocks the final norm and the LM head count as
 */
public record LayerSplit(int inputWeight, int outputWeight) {
    /** Every chunk an even share of the blocks. */
    public static final LayerSplit EVEN = new LayerSplit(0, 0);

    public LayerSplit {
        if (inputWeight < 0 || outputWeight < 0) {
            throw new IllegalArgumentException("layer split weights must be 0 or more");
        }
    }

    /**
     * @param parts       p·v chunks
     * @param totalLayers L
     * @return the number of blocks of each chunk, in model order
     * @throws BadInputException when torchtitan would refuse the split (a chunk without a block, or a weight above
     *                           the blocks per chunk)
     */
    public int[] blocksPerChunk(int parts, int totalLayers) {
        long effective = (long) totalLayers + inputWeight + outputWeight;
        long per = effective / parts;
        long extra = effective % parts;
        String what = parts + " pipeline chunks of " + totalLayers + " layers"
                + (inputWeight + outputWeight > 0 ? " (the embedding counted as " + inputWeight
                + " and the output as " + outputWeight + " layers, as torchtitan's split does)" : "");
        if (per == 0) {
            throw new BadInputException("parallel.pipeline: " + what + " leave a chunk without a layer");
        }
        if (parts > 1 && (inputWeight > per || outputWeight > per)) {
            throw new BadInputException("parallel.pipeline: " + what + " take more layers from the first or last "
                    + "chunk than its share of " + per);
        }
        int[] out = new int[parts];
        for (int k = 0; k < parts; k++) {
            long eff = per + (k < extra ? 1 : 0);
            if (parts > 1 && k == 0) {
                eff -= inputWeight;
            } else if (parts > 1 && k == parts - 1) {
                eff -= outputWeight;
            }
            out[k] = (int) eff;
        }
        return out;
    }
}
