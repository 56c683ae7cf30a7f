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
 * source.)
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

    private RandomRequests() {
    }

    /** @return {@code n} request lines (JSON objects, ids {@code r0}, {@code r1}, ...) from {@code seed} */
    public static List<String> lines(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(line(r, "r" + i));
        }
        return out;
    }

    private static String line(SplittableRandom r, String id) {
        String model = MODELS.get(r.nextInt(MODELS.size()));
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
            field(b, "gpu", quote(pick(r, GPUS)));
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
            field(b, "finetune", ft.append('}').toString());
        }
        int data = r.nextInt(3) == 0 ? 1 << (1 + r.nextInt(3)) : 1;
        int zero = data > 1 ? r.nextInt(4) : 0;
        int tensor = r.nextInt(5) == 0 ? 1 << (1 + r.nextInt(2)) : 1;
        int pipeline = r.nextInt(6) == 0 ? 2 : 1;
        if (pipeline > 1 && zero >= 2) {
            zero = 1;
        }
        if (data > 1 || tensor > 1 || pipeline > 1) {
            field(b, "parallel", "{\"data\":" + data + ",\"zero\":" + zero + ",\"tensor\":" + tensor
                    + ",\"pipeline\":" + pipeline + "}");
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
        if (r.nextInt(3) == 0) {
            String framework = pick(r, FRAMEWORKS);
            if (!fusable && List.of("torchtitan", "torchtune", "megatron", "deepspeed").contains(framework)) {
                framework = "hf";
            }
            field(b, "framework", quote(framework));
        }
        return b.append('}').toString();
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
        if (args.length != 3) {
            System.err.println("usage: RandomRequests SEED N FILE.jsonl");
            System.exit(2);
        }
        Path file = Path.of(args[2]);
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (String line : lines(Long.parseLong(args[0]), Integer.parseInt(args[1]))) {
                w.write(line);
                w.write('\n');
            }
        }
    }
}
