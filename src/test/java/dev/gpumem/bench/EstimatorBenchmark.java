package dev.gpumem.bench;

import dev.gpumem.estimate.Estimate;
import dev.gpumem.estimate.Estimator;
import dev.gpumem.estimate.RunConfig;
import dev.gpumem.estimate.alloc.CachingAllocatorModel;
import dev.gpumem.estimate.alloc.PytorchCachingAllocator;
import dev.gpumem.estimate.device.Calibration;
import dev.gpumem.estimate.device.DeviceDefaults;
import dev.gpumem.estimate.step.StepTimeline;
import dev.gpumem.estimate.step.TrainingStep;
import dev.gpumem.estimate.timeline.PhasePeak;
import dev.gpumem.estimate.timeline.TimelineSimulation;
import dev.gpumem.io.GpuPresetsJson;
import dev.gpumem.io.RequestJson;
import dev.gpumem.io.ResultJson;
import dev.gpumem.model.Inventory;
import dev.gpumem.model.hf.ModelLoader;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH benchmarks of the estimate path (issue 13's target: one exact llama-3.1-8b training estimate, {@link
 * #estimateLlama31_8b}, at most 0.5 ms median; figures in docs/performance.md). Not a test: run it with
 * <pre>
 * mvn -B -q test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt
 * java -cp target/test-classes:target/classes:$(cat target/test-classpath.txt) org.openjdk.jmh.Main EstimatorBenchmark
 * </pre>
 * ({@code gpumem bench} measures the same estimate and a 10,000-line batch with System.nanoTime.)
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class EstimatorBenchmark {

    /** llama-3.1-8b, amp-bf16, AdamW, batch 4 × seq 2048 on an H100 80GB: loaded once. */
    @State(Scope.Benchmark)
    public static class Llama31 {
        Inventory inventory;
        RunConfig config;
        Estimator estimator;
        ResultJson results;
        Estimate estimate;
        /** the two halves of an estimate, timed apart: building the timeline, simulating it */
        Calibration calibration;
        StepTimeline timeline;
        long capacity;

        @Setup
        public void setup() {
            RequestJson requests = new RequestJson(GpuPresetsJson.load());
            config = requests.fromMap(Map.of("model", "llama-3.1-8b", "precision", "amp-bf16", "optimizer", "adamw",
                    "batch", 4, "seq", 2048, "gpu", "h100-80gb"));
            inventory = new ModelLoader().load("llama-3.1-8b", Map.of());
            estimator = new Estimator();
            results = new ResultJson();
            estimate = estimator.estimate(inventory, config);
            calibration = DeviceDefaults.forGpu(config.gpu());       // what Estimator uses without calibrations
            timeline = TrainingStep.build(inventory, config, calibration);
            capacity = config.gpu().totalBytes() - calibration.contextBytes();   // as Estimator.estimate
        }
    }

    /** The request contract alone. */
    @State(Scope.Benchmark)
    public static class Requests {
        RequestJson requests;
        String line;

        @Setup
        public void setup() {
            requests = new RequestJson(GpuPresetsJson.load());
            line = "{\"id\":\"x\",\"model\":\"llama-3.1-8b\",\"task\":\"train\",\"precision\":\"amp-bf16\","
                    + "\"optimizer\":\"adamw\",\"batch\":4,\"seq\":2048,\"checkpointing\":\"full\","
                    + "\"finetune\":{\"method\":\"lora\",\"rank\":16,\"targets\":[\"q_proj\",\"v_proj\"]},"
                    + "\"gpu\":\"h100-80gb\"}";
        }
    }

    @Benchmark
    public Estimate estimateLlama31_8b(Llama31 s) {
        return s.estimator.estimate(s.inventory, s.config);
    }

    /** The first half of an estimate: the step's alloc/free events (estimate.step). */
    @Benchmark
    public StepTimeline buildTrainingTimeline(Llama31 s) {
        return TrainingStep.build(s.inventory, s.config, s.calibration);
    }

    /** The second half: those events through the caching-allocator model, peaks and terms per phase. */
    @Benchmark
    public List<PhasePeak> simulateTimeline(Llama31 s) {
        return TimelineSimulation.run(s.timeline.timeline(), s.timeline.layers(), s.capacity);
    }

    /**
     * The floor under {@link #simulateTimeline}: the same events and term collection through an allocator with no
     * caching rules (each request rounded to 512 B and counted, nothing cached or split). What the exact replay
     * costs on top of this is the caching allocator's own bookkeeping.
     */
    @Benchmark
    public List<PhasePeak> simulateTimelineWithoutCachingRules(Llama31 s) {
        return TimelineSimulation.run(s.timeline.timeline(), s.timeline.layers(), s.capacity,
                segments -> new CountingOnly());
    }

    /** Counts rounded requests only: allocated and reserved are the live bytes (the floor benchmark's allocator). */
    static final class CountingOnly implements CachingAllocatorModel {
        private long[] size = new long[1 << 14];
        private int blocks;
        private long allocated;
        private long peak;

        @Override
        public long malloc(long bytes) {
            long rounded = PytorchCachingAllocator.roundSize(bytes);
            if (blocks == size.length) {
                size = java.util.Arrays.copyOf(size, blocks * 2);
            }
            size[blocks] = rounded;
            allocated += rounded;
            peak = Math.max(peak, allocated);
            return blocks++;
        }

        @Override
        public void free(long blockId) {
            allocated -= size[(int) blockId];
        }

        @Override
        public long allocated() {
            return allocated;
        }

        @Override
        public long reserved() {
            return allocated;
        }

        @Override
        public long peakAllocated() {
            return peak;
        }

        @Override
        public long peakReserved() {
            return peak;
        }

        @Override
        public void resetPeaks() {
            peak = allocated;
        }

        @Override
        public void emptyCache() {
        }
    }

    /** What one --input line costs besides loading: estimate plus writing the result line. */
    @Benchmark
    public String estimateAndWriteResultLine(Llama31 s) {
        return s.results.toJson(s.estimator.estimate(s.inventory, s.config), false);
    }

    /**
     * The same with {@code --explain}: the line carries every term's formula and values, which the terms write only
     * now (Term.lazy); the difference to {@link #estimateAndWriteResultLine} is what explaining costs.
     */
    @Benchmark
    public String estimateAndWriteExplainedLine(Llama31 s) {
        return s.results.toJson(s.estimator.estimate(s.inventory, s.config), true);
    }

    /** The result contract alone: one estimate written as its JSON line. */
    @Benchmark
    public String writeResultLine(Llama31 s) {
        return s.results.toJson(s.estimate, false);
    }

    @Benchmark
    public RunConfig parseRequestLine(Requests s) {
        return s.requests.parse(s.line);
    }
}
