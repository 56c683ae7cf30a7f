package dev.gpumem.estimate.parallel;

import java.util.ArrayList;
import java.util.List;

/**
 * What one pipeline stage holds and runs: its model chunks (a run of blocks each; the embedding on the first chunk
 * of stage 0, the final norm, LM head and loss on the last chunk of stage p − 1), and how many units (micro-batch ×
 * chunk) it has in flight at its peak.
 *
 * <p>Layer split: the L blocks are cut into p·v chunks in order, chunk k holding ⌊L/(p·v)⌋ blocks plus one more when
 * k &lt; L mod (p·v) (the remainder goes to the first chunks, as torchtitan's
 * {@code generate_llm_fqn_per_model_part}, pytorch/torchtitan torchtitan/distributed/pipeline_parallel.py
 * @02ef790c79614758f85880e173d2338d7de502a3, with its input and output weights 0; Megatron-LM's default split needs
 * L divisible by p·v and then agrees). Stage s holds chunks s, s + p, …, s + (v − 1)·p (the "loop" placement of
 * torchtitan's {@code pipeline_module_split} and Megatron-LM's virtual pipeline ranks).
 *
 * @param index   s, 0-based
 * @param stages  p
 * @param chunks  the stage's model chunks, in forward order
 * @param inFlight units whose activations the stage holds at its peak ({@link PipelineSchedule#unitsInFlight})
 */
public record PipelineStage(int index, int stages, List<Chunk> chunks, int inFlight) {

    /**
     * One model chunk on the stage.
     *
     * @param firstLayer the global index of its first block
     * @param layers     its blocks
     * @param embedding  whether it starts with the embedding (first chunk of the first stage)
     * @param head       whether it ends with the final norm, LM head and loss (last chunk of the last stage)
     */
    public record Chunk(int firstLayer, int layers, boolean embedding, boolean head) {
    }

    /**
     * One forward of one micro-batch through one chunk.
     *
     * @param microBatch 0..m−1
     * @param chunk      index into {@link #chunks()}
     */
    public record Unit(int microBatch, int chunk) {
    }

    public PipelineStage {
        chunks = List.copyOf(chunks);
    }

    /** @return the whole model on one rank (no pipeline): one chunk, one micro-batch in flight */
    public static PipelineStage whole(int totalLayers) {
        return new PipelineStage(0, 1, List.of(new Chunk(0, totalLayers, true, true)), 1);
    }

    /**
     * @param layout       the schedule
     * @param stages       p
     * @param index        s
     * @param totalLayers  L
     * @param microBatches m (grad_accum)
     * @param split        how the blocks are dealt to the p·v chunks
     */
    public static PipelineStage of(PipelineLayout layout, int stages, int index, int totalLayers, int microBatches,
                                   LayerSplit split) {
        if (stages == 1) {
            return whole(totalLayers);
        }
        int v = layout.virtualStages();
        int parts = stages * v;
        int[] blocks = split.blocksPerChunk(parts, totalLayers);
        int[] first = new int[parts];
        for (int k = 1; k < parts; k++) {
            first[k] = first[k - 1] + blocks[k - 1];
        }
        List<Chunk> chunks = new ArrayList<>(v);
        for (int c = 0; c < v; c++) {
            int k = index + c * stages;                       // the global model chunk
            chunks.add(new Chunk(first[k], blocks[k], k == 0, k == parts - 1));
        }
        return new PipelineStage(index, stages, chunks,
                layout.schedule().unitsInFlight(stages, index, microBatches, v));
    }

    /** @return blocks on the stage, all chunks together */
    public int layers() {
        int n = 0;
        for (Chunk c : chunks) {
            n += c.layers();
        }
        return n;
    }

    /** @return whether the stage holds the embedding */
    public boolean holdsEmbedding() {
        return chunks.get(0).embedding();
    }

    /** @return whether the stage holds the final norm, the LM head and the loss */
    public boolean holdsHead() {
        return chunks.get(chunks.size() - 1).head();
    }

    /**
     * @return the stage's position of global block {@code layer} (chunks in order, blocks in order), or -1 when
     *         another stage holds it
     */
    public int localLayer(int layer) {
        int offset = 0;
        for (Chunk c : chunks) {
            if (layer >= c.firstLayer() && layer < c.firstLayer() + c.layers()) {
                return offset + layer - c.firstLayer();
            }
            offset += c.layers();
        }
        return -1;
    }

    /** @return the global index of the stage's {@code local}-th block (chunks in order, blocks in order) */
    public int globalLayer(int local) {
        int rest = local;
        for (Chunk c : chunks) {
            if (rest < c.layers()) {
                return c.firstLayer() + rest;
            }
            rest -= c.layers();
        }
        throw new IndexOutOfBoundsException("block " + local + " of a stage with " + layers() + " blocks");
    }

    /** @return the stage's position of chunk {@code chunk}'s first block */
    public int localOffset(int chunk) {
        int offset = 0;
        for (int c = 0; c < chunk; c++) {
            offset += chunks.get(c).layers();
        }
        return offset;
    }

    /**
     * The forwards in the order the stage runs them: one chunk, micro-batches in order; several chunks, Megatron-LM's
     * schedule table ({@code get_schedule_table}, schedules.py @00611e6eeb0b09b5ee074750956855215ddbd67f): groups of p
     * micro-batches (the last group the rest), each group through chunk 0, then chunk 1, and so on.
     */
    public List<Unit> forwardOrder(int microBatches) {
        List<Unit> out = new ArrayList<>(microBatches * chunks.size());
        int group = chunks.size() == 1 ? microBatches : stages;
        for (int from = 0; from < microBatches; from += group) {
            int to = from + group >= microBatches ? microBatches : from + group;
            for (int c = 0; c < chunks.size(); c++) {
                for (int mb = from; mb < to; mb++) {
                    out.add(new Unit(mb, c));
                }
            }
        }
        return out;
    }
}
