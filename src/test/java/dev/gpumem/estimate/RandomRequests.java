package dev.gpumem.estimate;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Varied request lines for byte-identity checks of speed-only changes, the same for the same seed: every preset
 * model, task, precision, optimizer, checkpointing (selective_op included), attention kernel, full/LoRA/QLoRA,
 * data/ZeRO/tensor/pipeline parallelism, options, inference settings, frameworks and GPUs. Most lines are valid;
 * some combinations are refused by the estimator on purpose (their error lines are compared too).
 *
 * <p>Not a test. Record the answers of one build and compare them with another's:
 * <pre>
 * java -cp target/test-classes dev.gpumem.estimate.RandomRequests 13 1500 target/bytes/requests.jsonl
 * java -jar target/gpumem-0.1.0.jar estimate --explain --input target/bytes/requests.jsonl --output target/bytes/after.jsonl
 * cmp target/bytes/before.jsonl target/bytes/after.jsonl
 * </pre>
 * ({@code estimate --input} with {@code --explain} writes each line's result with its terms: formula, values,
 * source.) A fourth argument {@code all-fields} also draws, from a second stream, the presets added later and the
 * fields added since (pipeline schedule and stage, sequence / context / expert parallelism, capacity factor,
 * precision policy, loss, optimizer implementation, model code, DeepSpeed buckets, offload, use_orig_params, LoRA
 * dropout and adapter dtype, a GPU's CUDA version and measured context, accelerate compat); the classic lines of
 * a seed stay as they were.
 */
public final class RandomRequests {
    static final List<String> MODELS = List.of("bert-large-uncased", "gemma-2-2b", "gpt2", "llama-2-13b",
            "llama-2-70b", "llama-2-7b", "llama-3.1-70b", "llama-3.1-8b", "llama-3.2-1b", "llama-3.2-3b",
            "mistral-7b-v0.1", "mixtral-8x7b", "octocoder", "phi-1.5", "phi-3-mini", "qwen2.5-0.5b", "qwen2.5-7b",
            "qwen3-0.6b", "stablelm-base-alpha-3b");
    /** models whose projections are named q_proj ... down_proj */
    private static final List<String> PROJ_MODELS = List.of("llama-2-13b", "llama-2-70b", "llama-2-7b",
            "llama-3.1-70b", "llama-3.1-8b", "llama-3.2-1b", "llama-3.2-3b", "mistral-7b-v0.1", "qwen2.5-0.5b",
            "qwen2.5-7b", "qwen3-0.6b");
    private static final List<String> LARGE = List.of("llama-2-70b", "llama-3.1-70b", "mixtral-8x7b");
    private static final String[] PRECISIONS = {"fp32", "fp16", "bf16", "amp-fp16", "amp-bf16"};
    private static final String[] OPTIMIZERS = {"adamw", "adam", "sgd", "sgd-momentum", "adamw-8bit", "adafactor",
            "lion", "none"};
    private static final String[] CHECKPOINTING = {"none", "full", "selective", "selective_op"};
    private static final String[] ATTENTION = {"eager", "sdpa"};
    private static final String[] TARGETS = {"q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj",
            "down_proj"};
    private static final String[] TRAIN_OPTIONS = {"chunked_loss", "optimizer_in_backward", "activation_offloading",
            "compile", "fused_optimizer", "zero_grad_in_place", "ddp_bucket_view"};
    private static final String[] FRAMEWORKS = {"hf", "torchtitan", "torchtune", "lit-gpt", "deepspeed", "megatron",
            "fsdp1"};
    private static final String[] GPUS = {"v100-16gb", "v100-32gb", "t4-16gb", "a10-24gb", "a100-40gb", "a100-80gb",
            "h100-80gb", "h100-94gb", "h200-141gb", "l4-24gb", "l40s-48gb", "rtx3090-24gb", "rtx4090-24gb",
            "rtx5090-32gb", "b200-180gb"};
    private static final String[] KV_DTYPES = {"bf16", "fp16", "fp32"};
    private static final int[] SEQS = {128, 256, 512, 1024, 2048, 4096};

    /** presets added after the classic lines were fixed (drawn only for {@link Coverage#ALL_FIELDS}) */
    private static final List<String> LATER_MODELS = List.of("command-r", "gpt-oss-20b", "granite-3.0-8b",
            "internlm2-7b", "mt5-small", "olmoe-1b-7b", "qwen-7b");
    private static final String[] SCHEDULES = {"gpipe", "1f1b", "interleaved_1f1b"};
    private static final String[] STAGES = {"\"worst\"", "\"first\"", "\"last\"", "0", "1"};
    private static final String[] POLICIES = {"autocast", "fsdp2_mixed", "none"};
    private static final String[] LOSSES = {"fp32_upcast", "chunked", "loss_parallel"};
    private static final String[] IMPLS = {"foreach", "fused", "deepspeed_fused", "megatron_distributed", "for_loop",
            "hf_adamw"};
    private static final String[] MODEL_CODES = {"hf", "litgpt", "megatron"};
    private static final String[] OFFLOADS = {"none", "optimizer", "optimizer_and_params"};
    private static final String[] ADAPTER_DTYPES = {"fp32", "bf16", "fp16"};

    /** Which fields the lines draw. */
    public enum Coverage {
        /** the fields and presets of the lines earlier refactors were checked on */
        CLASSIC,
        /** also the later presets and fields, from a second stream */
        ALL_FIELDS
    }

    private RandomRequests() {
    }

    /** @return {@code n} request lines (JSON objects, ids {@code r0}, {@code r1}, ...) from {@code seed} */
    public static List<String> lines(long seed, int n) {
        return lines(seed, n, Coverage.CLASSIC);
    }

    /** @return {@code n} request lines from {@code seed}; with ALL_FIELDS the later presets and fields too */
    public static List<String> lines(long seed, int n, Coverage coverage) {
        SplittableRandom r = new SplittableRandom(seed);
        SplittableRandom later = coverage == Coverage.ALL_FIELDS ? new SplittableRandom(~seed) : null;
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(line(r, later, "r" + i));
        }
        return out;
    }

    /** @param later the second stream of the later presets and fields, or null for the classic lines */
    private static String line(SplittableRandom r, SplittableRandom later, String id) {
        String model = MODELS.get(r.nextInt(MODELS.size()));
        if (later != null && later.nextInt(4) == 0) {
            model = LATER_MODELS.get(later.nextInt(LATER_MODELS.size()));
        }
        boolean large = LARGE.contains(model);
        boolean inference = r.nextInt(4) == 0;
        StringBuilder b = new StringBuilder("{");
        field(b, "id", quote(id));
        field(b, "model", quote(model));
        field(b, "task", quote(inference ? "inference" : "train"));
        String precision = pick(r, PRECISIONS);
        int seq = SEQS[r.nextInt(large ? 4 : SEQS.length)];
        field(b, "batch", Integer.toString(1 + r.nextInt(large ? 2 : 8)));
        field(b, "seq", Integer.toString(seq));
        if (r.nextInt(3) == 0) {
            String gpu = pick(r, GPUS);
            if (later != null && later.nextInt(4) == 0) {
                field(b, "gpu", "{\"name\":" + quote(gpu) + (later.nextBoolean() ? ",\"cuda\":\"11.2\""
                        : ",\"context_bytes\":" + (400 + later.nextInt(700)) * 1048576L) + "}");
            } else {
                field(b, "gpu", quote(gpu));
            }
        }
        if (later != null && later.nextInt(8) == 0) {
            field(b, "compat", quote("accelerate"));
        }
        if (inference) {
            field(b, "precision", quote(precision.replace("amp-", "")));
            StringBuilder inf = new StringBuilder("{");
            field(inf, "batch", Integer.toString(1 + r.nextInt(8)));
            field(inf, "context_tokens", Integer.toString(seq + r.nextInt(4) * 512));
            if (r.nextBoolean()) {
                field(inf, "kv_cache_dtype", quote(pick(r, KV_DTYPES)));
            }
            field(b, "inference", inf.append('}').toString());
            if (r.nextInt(4) == 0) {
                field(b, "options", "[\"prefill_all_logits\"]");
            }
            if (r.nextInt(5) == 0) {
                field(b, "attention", quote(pick(r, ATTENTION)));
            }
            return b.append('}').toString();
        }
        String method = r.nextInt(3) == 0 ? "full" : r.nextBoolean() ? "lora" : "qlora";
        if (method.equals("qlora") && precision.equals("fp32")) {
            precision = "bf16";
        }
        field(b, "precision", quote(precision));
        if (precision.startsWith("amp-") && r.nextInt(4) == 0) {
            field(b, "master_weights", "true");
        }
        String optimizer = pick(r, OPTIMIZERS);
        field(b, "optimizer", quote(optimizer));
        boolean fusable = List.of("adam", "adamw", "sgd", "sgd-momentum").contains(optimizer);
        int accum = r.nextInt(3) == 0 ? 1 + r.nextInt(3) : 1;
        field(b, "grad_accum", Integer.toString(accum));
        field(b, "checkpointing", quote(pick(r, CHECKPOINTING)));
        field(b, "attention", quote(pick(r, ATTENTION)));
        if (!method.equals("full") || r.nextInt(4) == 0) {
            StringBuilder ft = new StringBuilder("{");
            field(ft, "method", quote(method));
            if (!method.equals("full")) {
                field(ft, "rank", Integer.toString(4 << r.nextInt(5)));
                if (r.nextBoolean()) {
                    List<String> t = new ArrayList<>();
                    String[] names = model.startsWith("bert") ? new String[] {"query", "value"}
                            : PROJ_MODELS.contains(model) ? TARGETS : new String[] {"q_proj", "k_proj", "v_proj"};
                    for (String name : names) {
                        if (r.nextInt(3) == 0) {
                            t.add(quote(name));
                        }
                    }
                    if (t.isEmpty()) {
                        t.add(quote(names[0]));
                    }
                    field(ft, "targets", "[" + String.join(",", t) + "]");
                }
            }
            if (later != null && !method.equals("full")) {
                if (later.nextInt(3) == 0) {
                    field(ft, "adapter_dtype", quote(pick(later, ADAPTER_DTYPES)));
                }
                if (later.nextInt(3) == 0) {
                    field(ft, "lora_dropout", later.nextBoolean() ? "0.05" : "0.0");
                }
            }
            field(b, "finetune", ft.append('}').toString());
        }
        int data = r.nextInt(3) == 0 ? 1 << (1 + r.nextInt(3)) : 1;
        int zero = data > 1 ? r.nextInt(4) : 0;
        int tensor = r.nextInt(5) == 0 ? 1 << (1 + r.nextInt(2)) : 1;
        int pipeline = r.nextInt(6) == 0 ? 2 : 1;
        if (pipeline > 1 && zero >= 2) {
            zero = 1;
        }
        String laterParallel = later == null ? "" : laterParallel(later, model, data, tensor, pipeline, seq, accum);
        if (data > 1 || tensor > 1 || pipeline > 1 || !laterParallel.isEmpty()) {
            field(b, "parallel", "{\"data\":" + data + ",\"zero\":" + zero + ",\"tensor\":" + tensor
                    + ",\"pipeline\":" + pipeline + laterParallel + "}");
        }
        List<String> options = new ArrayList<>();
        boolean ddp = data > 1 && zero == 0 && tensor == 1 && pipeline == 1;
        for (String o : TRAIN_OPTIONS) {
            boolean refused = o.equals("ddp_bucket_view") && !ddp || o.equals("optimizer_in_backward") && accum > 1
                    || o.equals("fused_optimizer") && !fusable;
            if (r.nextInt(6) == 0 && (!refused || r.nextInt(8) == 0)) {
                options.add(quote(o));
            }
        }
        if (!options.isEmpty()) {
            field(b, "options", "[" + String.join(",", options) + "]");
        }
        String framework = "hf";
        if (r.nextInt(3) == 0) {
            framework = pick(r, FRAMEWORKS);
            if (!fusable && List.of("torchtitan", "torchtune", "megatron", "deepspeed").contains(framework)) {
                framework = "hf";
            }
            field(b, "framework", quote(framework));
        }
        if (later != null) {
            laterTrainingFields(later, b, new Drawn(framework, precision, data, zero, tensor));
        }
        return b.append('}').toString();
    }

    /** @return the later parallel fields, each with a leading comma, or "" */
    private static String laterParallel(SplittableRandom x, String model, int data, int tensor, int pipeline,
                                        int seq, int accum) {
        StringBuilder p = new StringBuilder();
        if (pipeline > 1) {
            String schedule = pick(x, SCHEDULES);
            if (schedule.equals("interleaved_1f1b") && accum % pipeline != 0 && x.nextInt(4) != 0) {
                schedule = "1f1b";         // interleaving needs grad_accum a multiple of pipeline: refused now and then
            }
            p.append(",\"schedule\":").append(quote(schedule));
            if (schedule.equals("interleaved_1f1b") && x.nextBoolean()) {
                p.append(",\"virtual_stages\":").append(2);
            }
            if (x.nextBoolean()) {
                p.append(",\"stage\":").append(pick(x, STAGES));
            }
        }
        if (tensor > 1 && x.nextInt(3) == 0) {
            p.append(",\"sequence_parallel\":").append(x.nextBoolean());
        }
        if (x.nextInt(8) == 0) {
            p.append(",\"context\":").append(seq >= 512 && x.nextBoolean() ? 2 : 1);
        }
        boolean moe = model.equals("mixtral-8x7b") || model.equals("olmoe-1b-7b") || model.equals("gpt-oss-20b");
        if (moe && data > 1 && x.nextBoolean()) {
            p.append(",\"expert\":").append(2);
            if (x.nextBoolean()) {
                p.append(",\"capacity_factor\":").append(x.nextBoolean() ? "1.25" : "2.0");
            }
        }
        return p.toString();
    }

    /** What a training line drew before its later fields. */
    private record Drawn(String framework, String precision, int data, int zero, int tensor) {
    }

    /**
     * Appends the later training fields, each now and then, mostly where they apply (a few are refused on purpose:
     * DeepSpeed's buckets under another framework, FSDP2 mixed precision of a pure precision).
     */
    private static void laterTrainingFields(SplittableRandom x, StringBuilder b, Drawn d) {
        int data = d.data();
        int zero = d.zero();
        int tensor = d.tensor();
        if (x.nextInt(6) == 0) {
            String policy = pick(x, POLICIES);
            if (policy.equals("fsdp2_mixed") && !d.precision().startsWith("amp-") && x.nextInt(4) != 0) {
                policy = "autocast";
            }
            field(b, "precision_policy", quote(policy));
        }
        if (x.nextInt(6) == 0) {
            field(b, "loss", quote(tensor > 1 || x.nextInt(4) == 0 ? pick(x, LOSSES) : "chunked"));
        }
        if (x.nextInt(6) == 0) {
            field(b, "optimizer_impl", quote(pick(x, IMPLS)));
        }
        if (x.nextInt(8) == 0) {
            field(b, "model_code", quote(pick(x, MODEL_CODES)));
        }
        boolean deepspeed = d.framework().equals("deepspeed");
        if (x.nextInt(deepspeed ? 2 : 6) == 0) {
            field(b, "reduce_bucket_size", Long.toString(50_000_000L * (1 + x.nextInt(10))));
            if ((deepspeed || x.nextInt(8) == 0) && x.nextBoolean()) {
                field(b, "contiguous_gradients", Boolean.toString(x.nextBoolean()));
            }
            if (zero == 3 && (deepspeed || x.nextInt(8) == 0) && x.nextBoolean()) {
                field(b, "stage3_prefetch_bucket_size", Long.toString(10_000_000L * x.nextInt(6)));
                field(b, "stage3_max_live_parameters", Long.toString(100_000_000L * (1 + x.nextInt(10))));
            }
        }
        if (zero > 0 && x.nextInt(5) == 0) {
            field(b, "offload", quote(pick(x, OFFLOADS)));
        }
        if (data > 1 && zero == 3 && x.nextInt(5) == 0) {
            field(b, "use_orig_params", "true");
        }
    }

    private static String pick(SplittableRandom r, String[] values) {
        return values[r.nextInt(values.length)];
    }

    private static void field(StringBuilder b, String name, String json) {
        if (b.length() > 1) {
            b.append(',');
        }
        b.append('"').append(name).append("\":").append(json);
    }

    private static String quote(String s) {
        return '"' + s + '"';
    }

    /** Writes {@code args[1]} lines from seed {@code args[0]} to the file {@code args[2]}. */
    public static void main(String[] args) throws IOException {
        if (args.length != 3 && !(args.length == 4 && args[3].equals("all-fields"))) {
            System.err.println("usage: RandomRequests SEED N FILE.jsonl [all-fields]");
            System.exit(2);
        }
        Coverage coverage = args.length == 4 ? Coverage.ALL_FIELDS : Coverage.CLASSIC;
        Path file = Path.of(args[2]);
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (String line : lines(Long.parseLong(args[0]), Integer.parseInt(args[1]), coverage)) {
                w.write(line);
                w.write('\n');
            }
        }
    }
}
