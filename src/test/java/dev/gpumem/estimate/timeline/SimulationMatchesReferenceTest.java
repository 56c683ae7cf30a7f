package dev.gpumem.estimate.timeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpumem.estimate.Estimator;
import dev.gpumem.estimate.GpuSpec.GpuArch;
import dev.gpumem.estimate.RunConfig;
import dev.gpumem.estimate.RunConfig.Task;
import dev.gpumem.estimate.alloc.ReferenceCachingAllocator;
import dev.gpumem.estimate.device.Calibration;
import dev.gpumem.estimate.step.InferenceStep;
import dev.gpumem.estimate.step.StepTimeline;
import dev.gpumem.estimate.step.TrainingStep;
import dev.gpumem.io.GpuPresetsJson;
import dev.gpumem.io.RequestJson;
import dev.gpumem.model.Inventory;
import dev.gpumem.model.hf.ModelLoader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The estimator's simulation (the fast {@code PytorchCachingAllocator}, the refuse-once segment limit) against the
 * same timeline replayed through the plain {@link ReferenceCachingAllocator}: every phase's reserved bytes are
 * identical, over a matrix of models, tasks, precisions, checkpointing, attention kernels, fine-tuning methods, ZeRO
 * stages, gradient accumulation, options and GPUs (tight ones make the allocator release cached segments); and the
 * reference allocator's reserved bytes hold every phase's live tensors (reserved ≥ allocated).
 *
 * <p>The allocated level is torch's counted figure (blocks handed out, unsplit remainders included), which comes from
 * the allocator: it is compared too. The terms are checked against hand arithmetic in the step tests.
 */
class SimulationMatchesReferenceTest {
    private final RequestJson requests = new RequestJson(GpuPresetsJson.load());
    private final ModelLoader loader = new ModelLoader();
    private final Map<String, Inventory> inventories = new HashMap<>();
    private final Estimator estimator = new Estimator();

    private List<PhasePeak> both(Map<String, Object> request) {
        RunConfig cfg = requests.fromMap(request);
        Inventory inv = inventories.computeIfAbsent(cfg.model(), m -> loader.load(m, Map.of()));
        Calibration cal = estimator.calibrationFor(cfg.gpu());
        StepTimeline st = cfg.task() == Task.TRAIN ? TrainingStep.build(inv, cfg, cal)
                : InferenceStep.build(inv, cfg, cal);
        long capacity = cfg.gpu() == null || cfg.gpu().arch() == GpuArch.CPU ? Long.MAX_VALUE
                : Math.max(0, cfg.gpu().totalBytes() - cal.contextBytes());
        List<PhasePeak> fast = TimelineSimulation.run(st.timeline(), st.layers(), capacity);
        List<PhasePeak> ref = TimelineSimulation.run(st.timeline(), st.layers(), capacity,
                ReferenceCachingAllocator::new);
        assertEquals(ref.size(), fast.size(), () -> "phases of " + request);
        for (int i = 0; i < ref.size(); i++) {
            PhasePeak r = ref.get(i);
            PhasePeak f = fast.get(i);
            String where = r.phase() + " of " + request;
            assertEquals(r.phase(), f.phase(), where);
            assertEquals(r.reserved(), f.reserved(), () -> "reserved, " + where);
            assertEquals(r.allocated(), f.allocated(), () -> "allocated, " + where);
            // independent of the fast allocator: the reference's segments must hold the live tensors
            assertTrue(r.reserved() >= r.allocated(), () -> "reference reserved " + r.reserved()
                    + " below the live tensors " + r.allocated() + ", " + where);
        }
        assertTrue(!fast.isEmpty());
        return fast;
    }

    private static Map<String, Object> train(String model, String precision, String optimizer, int batch, int seq,
                                             String ckpt, String attention, String gpu) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", model);
        m.put("task", "train");
        m.put("precision", precision);
        m.put("optimizer", optimizer);
        m.put("batch", batch);
        m.put("seq", seq);
        m.put("checkpointing", ckpt);
        m.put("attention", attention);
        m.put("gpu", gpu);
        return m;
    }

    @Test
    void trainingMatrixMatchesTheReferenceAllocator() {
        String[] models = {"gpt2", "llama-3.2-1b", "qwen2.5-0.5b", "llama-3.1-8b"};
        String[] ckpts = {"none", "full", "selective"};
        String[] attention = {"eager", "sdpa"};
        String[] gpus = {"h100-80gb", "l4-24gb", "v100-16gb"};
        int n = 0;
        for (String model : models) {
            for (String ckpt : ckpts) {
                for (String att : attention) {
                    String gpu = gpus[n % gpus.length];
                    String precision = n % 2 == 0 ? "amp-bf16" : "bf16";
                    both(train(model, precision, "adamw", 1 + n % 4, 256 << (n % 3), ckpt, att, gpu));
                    n++;
                }
            }
        }
    }

    @Test
    void fineTuningShardingAccumulationAndOptionsMatchTheReferenceAllocator() {
        List<Map<String, Object>> variants = new ArrayList<>();
        for (String model : new String[] {"llama-3.2-1b", "mistral-7b-v0.1"}) {
            Map<String, Object> lora = train(model, "amp-bf16", "adamw", 2, 1024, "none", "sdpa", "a100-40gb");
            lora.put("finetune", Map.of("method", "lora", "rank", 16, "targets", List.of("q_proj", "v_proj")));
            variants.add(lora);
            Map<String, Object> qlora = train(model, "bf16", "adamw", 4, 512, "full", "sdpa", "l4-24gb");
            qlora.put("finetune", Map.of("method", "qlora", "rank", 8, "targets", List.of("q_proj", "v_proj"),
                    "quant", "nf4"));
            variants.add(qlora);
            Map<String, Object> zero3 = train(model, "amp-bf16", "adamw", 2, 2048, "selective", "eager",
                    "h100-80gb");
            zero3.put("parallel", Map.of("data", 8, "zero", 3, "tensor", 1, "pipeline", 1));
            zero3.put("grad_accum", 4);
            variants.add(zero3);
            Map<String, Object> zero0 = train(model, "fp32", "sgd-momentum", 1, 512, "none", "eager", "v100-16gb");
            zero0.put("grad_accum", 4);
            zero0.put("options", List.of("chunked_loss", "activation_offloading"));
            variants.add(zero0);
            Map<String, Object> inBackward = train(model, "amp-fp16", "adamw-8bit", 2, 1024, "full", "sdpa",
                    "h200-141gb");
            inBackward.put("options", List.of("optimizer_in_backward", "compile"));
            variants.add(inBackward);
        }
        for (Map<String, Object> v : variants) {
            both(v);
        }
    }

    @Test
    void inferenceMatchesTheReferenceAllocator() {
        for (String model : new String[] {"gpt2", "llama-3.1-8b", "mixtral-8x7b"}) {
            for (int batch : new int[] {1, 16}) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("model", model);
                m.put("task", "inference");
                m.put("precision", "bf16");
                m.put("batch", batch);
                m.put("seq", 512);
                m.put("inference", Map.of("batch", batch, "context_tokens", 1024, "kv_cache_dtype", "bf16"));
                m.put("gpu", batch == 1 ? "h100-80gb" : "l4-24gb");
                both(m);
            }
        }
    }
}
