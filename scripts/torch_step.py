#!/usr/bin/env python3
"""A plain PyTorch training step (or prefill + decode) for one gpumem request, with phase markers.

gpumem's reference workload: run it under `gpumem measure --request req.json -- python3 scripts/torch_step.py`
(the request reaches it as GPUMEM_REQUEST, with the GPU filled in) and gpumem records the memory per phase,
while this script appends torch's own counters to the file named in GPUMEM_MARKERS (protocol: docs/markers.md).

The request is the REQUEST-SCHEMA.md object. What is honoured: model (+ model_overrides), task, precision,
optimizer (adamw, adam, sgd, sgd-momentum, none; adafactor through transformers when importable), batch, seq,
grad_accum, checkpointing (none, full, selective), attention (eager, sdpa), inference.batch and
inference.context_tokens. Anything else that changes memory (LoRA/QLoRA, parallelism, options, master_weights,
8-bit optimizers, lion) is refused with exit status 2, so that a profile never claims to be what it is not.

The model is a Llama-style decoder (RMSNorm, rotary attention with grouped K/V heads, SwiGLU MLP, untied or tied
LM head) built in plain torch from the config's dimensions, with random weights; configs of other families
(model_type other than llama, mistral, qwen2: GPT-2's GELU MLP, Qwen3's q/k norms, Gemma's norms, ...) are refused
with status 2, since the plain model would measure something else. With --hf and `transformers` importable, the
Hugging Face model class is built from the config instead (AutoModelForCausalLM.from_config).

Phases (one marker line at the start and one at the end of each):
  train:     load, forward, loss, backward, optimizer_step, second_step (a whole second step, states resident);
             forward ends after the final norm, loss = LM head + fp32 upcast + cross-entropy forward (what exists
             when backward() is called), backward starts at backward() and includes the logits' gradient
  inference: load, prefill, decode
On a GPU each end marker carries torch.cuda.memory_allocated / memory_reserved at the boundary and
max_memory_allocated / max_memory_reserved since the phase's start (peaks are reset at each start); on the CPU the
counters are left out. The device is synchronised before every marker.

Exit status: 0 done; 1 out of memory (the phase is printed); 2 bad request; 3 PyTorch missing.
Without PyTorch, --dry-run still reads the request and config and prints the model it would build.
"""

import argparse
import json
import math
import os
import sys
import time

PRESET_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "main", "resources", "dev",
                          "gpumem", "presets")

SUPPORTED_OPTIMIZERS = ("adamw", "adam", "sgd", "sgd-momentum", "adafactor", "none")
PRECISIONS = ("fp32", "fp16", "bf16", "amp-fp16", "amp-bf16")


class BadRequest(Exception):
    """A request this script cannot run faithfully; exit status 2."""


# ---- request and config (no torch needed) -----------------------------------------------------------------------

def load_request(path):
    try:
        with open(path, encoding="utf-8") as f:
            req = json.load(f)
    except FileNotFoundError:
        raise BadRequest("request: file not found: %s" % path)
    except json.JSONDecodeError as e:
        raise BadRequest("request: %s is not valid JSON: %s" % (path, e))
    if not isinstance(req, dict) or "model" not in req:
        raise BadRequest("request: must be a JSON object with a model")
    return req


def normalise_request(req):
    """Returns the request with REQUEST-SCHEMA.md's defaults filled in; refuses what the step cannot do."""
    r = {
        "task": req.get("task", "train"),
        "precision": req.get("precision", "amp-bf16"),
        "optimizer": req.get("optimizer", "adamw" if req.get("task", "train") == "train" else "none"),
        "batch": int(req.get("batch", 1)),
        "seq": int(req.get("seq", 2048)),
        "grad_accum": int(req.get("grad_accum", 1)),
        "checkpointing": req.get("checkpointing", "none"),
        "attention": req.get("attention", "sdpa"),
        "inference": dict(req.get("inference") or {}),
    }
    if r["task"] not in ("train", "inference"):
        raise BadRequest("task: unknown value '%s'; accepted: train, inference" % r["task"])
    if r["precision"] not in PRECISIONS:
        raise BadRequest("precision: unknown value '%s'; accepted: %s" % (r["precision"], ", ".join(PRECISIONS)))
    if r["optimizer"] not in SUPPORTED_OPTIMIZERS:
        raise BadRequest("optimizer: '%s' is not run by torch_step.py; accepted: %s"
                         % (r["optimizer"], ", ".join(SUPPORTED_OPTIMIZERS)))
    if r["checkpointing"] not in ("none", "full", "selective"):
        raise BadRequest("checkpointing: unknown value '%s'; accepted: none, full, selective" % r["checkpointing"])
    if r["attention"] not in ("eager", "sdpa"):
        raise BadRequest("attention: unknown value '%s'; accepted: eager, sdpa" % r["attention"])
    for field in ("batch", "seq", "grad_accum"):
        if r[field] <= 0:
            raise BadRequest("%s: must be a positive integer, got %d" % (field, r[field]))
    finetune = (req.get("finetune") or {}).get("method", "full")
    if finetune != "full":
        raise BadRequest("finetune: %s is not run by torch_step.py; accepted: full" % finetune)
    parallel = req.get("parallel") or {}
    if any(int(parallel.get(k, d)) != d for k, d in (("data", 1), ("zero", 0), ("tensor", 1), ("pipeline", 1))):
        raise BadRequest("parallel: torch_step.py runs one device only; accepted: data 1, zero 0, tensor 1, "
                         "pipeline 1")
    if req.get("options"):
        raise BadRequest("options: %s are not run by torch_step.py; accepted: none" % ", ".join(req["options"]))
    if req.get("master_weights"):
        raise BadRequest("master_weights: not run by torch_step.py; accepted: false")
    r["inference"].setdefault("batch", r["batch"])
    r["inference"].setdefault("context_tokens", r["seq"])
    return r


def resolve_config_path(model, explicit):
    if explicit:
        return explicit
    if os.path.isdir(model):
        return os.path.join(model, "config.json")
    if os.path.isfile(model):
        return model
    preset = os.path.join(PRESET_DIR, model + ".json")
    if os.path.isfile(preset):
        return preset
    raise BadRequest("model: '%s' is neither a config.json, a model folder nor a preset under %s; "
                     "give --config PATH" % (model, os.path.normpath(PRESET_DIR)))


def first(cfg, *keys, default=None):
    for k in keys:
        if cfg.get(k) is not None:
            return cfg[k]
    return default


def decoder_dims(cfg):
    """The Llama-style dimensions of an HF config (GPT-2 / NeoX / Phi names mapped to Llama's)."""
    hidden = int(first(cfg, "hidden_size", "n_embd", "d_model"))
    heads = int(first(cfg, "num_attention_heads", "n_head"))
    dims = {
        "hidden": hidden,
        "layers": int(first(cfg, "num_hidden_layers", "n_layer")),
        "heads": heads,
        "kv_heads": int(first(cfg, "num_key_value_heads", "multi_query_group_num", default=heads)),
        "head_dim": int(first(cfg, "head_dim", default=hidden // heads)),
        "intermediate": int(first(cfg, "intermediate_size", "n_inner", "ffn_hidden_size", default=4 * hidden)),
        "vocab": int(first(cfg, "vocab_size")),
        "eps": float(first(cfg, "rms_norm_eps", "layer_norm_epsilon", "layer_norm_eps", default=1e-5)),
        "rope_theta": float(first(cfg, "rope_theta", default=10000.0)),
        "tie": bool(first(cfg, "tie_word_embeddings", default=True)),  # HF PretrainedConfig default
    }
    if dims["heads"] % dims["kv_heads"] != 0:
        raise BadRequest("model: num_attention_heads %d is not a multiple of num_key_value_heads %d"
                         % (dims["heads"], dims["kv_heads"]))
    return dims


# model types whose blocks the plain model builds faithfully (RMSNorm, RoPE, GQA, SwiGLU, no q/k or extra norms)
PLAIN_MODEL_TYPES = ("llama", "mistral", "qwen2")


def check_plain_model(cfg):
    """The plain model is a Llama-style decoder; other families would be measured as something they are not."""
    model_type = cfg.get("model_type")
    if model_type is not None and model_type not in PLAIN_MODEL_TYPES:
        raise BadRequest("model: model_type '%s' has other blocks than the plain Llama-style model (norms, "
                         "activation, attention layout); accepted without --hf: %s; or run it with --hf"
                         % (model_type, ", ".join(PLAIN_MODEL_TYPES)))


def load_config(req, explicit):
    path = resolve_config_path(req["model"], explicit)
    try:
        with open(path, encoding="utf-8") as f:
            cfg = json.load(f)
    except (OSError, json.JSONDecodeError) as e:
        raise BadRequest("model: cannot read %s: %s" % (path, e))
    cfg.update(req.get("model_overrides") or {})
    return cfg


# ---- markers (no torch needed) -------------------------------------------------------------------------------

class Markers:
    """Appends marker lines to $GPUMEM_MARKERS (nothing when it is not set)."""

    def __init__(self, path):
        self.file = open(path, "a", encoding="utf-8") if path else None
        # one of several ranks (torchrun, or gpu-check.sh's every-GPU step): each line says whose it is
        rank = os.environ.get("RANK", "")
        self.rank = rank if rank.isdigit() else None

    def write(self, phase, at, counters=None):
        if self.file is None:
            return
        parts = ["phase=" + phase]
        if at == "start":
            parts.append("at=start")
        for key, value in (counters or {}).items():
            parts.append("%s=%d" % (key, value))
        parts.append("t=%.6f" % time.time())
        if self.rank is not None:
            parts.append("rank=%s pid=%d" % (self.rank, os.getpid()))
        self.file.write(" ".join(parts) + "\n")
        self.file.flush()


# ---- the step (torch) ----------------------------------------------------------------------------------------

def build_plain_model(torch, dims, attention, checkpointing):
    nn = torch.nn
    F = torch.nn.functional
    from torch.utils.checkpoint import checkpoint

    class RMSNorm(nn.Module):
        def __init__(self, n, eps):
            super().__init__()
            self.weight = nn.Parameter(torch.ones(n))
            self.eps = eps

        def forward(self, x):
            var = x.float().pow(2).mean(-1, keepdim=True)
            return (x.float() * torch.rsqrt(var + self.eps)).to(x.dtype) * self.weight

    def rotary(seq_len, head_dim, theta, device, offset=0):
        inv = 1.0 / (theta ** (torch.arange(0, head_dim, 2, device=device, dtype=torch.float32) / head_dim))
        t = torch.arange(offset, offset + seq_len, device=device, dtype=torch.float32)
        freqs = torch.outer(t, inv)
        emb = torch.cat((freqs, freqs), dim=-1)
        return emb.cos(), emb.sin()

    def rotate(x, cos, sin):
        half = x.shape[-1] // 2
        rot = torch.cat((-x[..., half:], x[..., :half]), dim=-1)
        return x * cos.to(x.dtype) + rot * sin.to(x.dtype)

    class Attention(nn.Module):
        def __init__(self):
            super().__init__()
            h, hd = dims["hidden"], dims["head_dim"]
            self.q_proj = nn.Linear(h, dims["heads"] * hd, bias=False)
            self.k_proj = nn.Linear(h, dims["kv_heads"] * hd, bias=False)
            self.v_proj = nn.Linear(h, dims["kv_heads"] * hd, bias=False)
            self.o_proj = nn.Linear(dims["heads"] * hd, h, bias=False)

        def core(self, q, k, v, causal):
            rep = dims["heads"] // dims["kv_heads"]
            if rep > 1:
                k = k.repeat_interleave(rep, dim=1)
                v = v.repeat_interleave(rep, dim=1)
            if attention == "sdpa":
                return F.scaled_dot_product_attention(q, k, v, is_causal=causal)
            scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(q.shape[-1])
            if causal:
                s_q, s_k = q.shape[-2], k.shape[-2]
                mask = torch.ones(s_q, s_k, dtype=torch.bool, device=q.device).tril(s_k - s_q)
                scores = scores.masked_fill(~mask, float("-inf"))
            probs = torch.softmax(scores.float(), dim=-1).to(q.dtype)
            return torch.matmul(probs, v)

        def forward(self, x, cache=None, offset=0):
            b, s, _ = x.shape
            hd = dims["head_dim"]
            q = self.q_proj(x).view(b, s, dims["heads"], hd).transpose(1, 2)
            k = self.k_proj(x).view(b, s, dims["kv_heads"], hd).transpose(1, 2)
            v = self.v_proj(x).view(b, s, dims["kv_heads"], hd).transpose(1, 2)
            cos, sin = rotary(s, hd, dims["rope_theta"], x.device, offset)
            q, k = rotate(q, cos, sin), rotate(k, cos, sin)
            if cache is not None:
                if "k" in cache:
                    k = torch.cat((cache["k"], k), dim=2)
                    v = torch.cat((cache["v"], v), dim=2)
                cache["k"], cache["v"] = k, v
            causal = s > 1
            if checkpointing == "selective" and self.training:
                out = checkpoint(self.core, q, k, v, causal, use_reentrant=False)
            else:
                out = self.core(q, k, v, causal)
            return self.o_proj(out.transpose(1, 2).reshape(b, s, -1))

    class MLP(nn.Module):
        def __init__(self):
            super().__init__()
            h, i = dims["hidden"], dims["intermediate"]
            self.gate_proj = nn.Linear(h, i, bias=False)
            self.up_proj = nn.Linear(h, i, bias=False)
            self.down_proj = nn.Linear(i, h, bias=False)

        def forward(self, x):
            return self.down_proj(F.silu(self.gate_proj(x)) * self.up_proj(x))

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.input_layernorm = RMSNorm(dims["hidden"], dims["eps"])
            self.self_attn = Attention()
            self.post_attention_layernorm = RMSNorm(dims["hidden"], dims["eps"])
            self.mlp = MLP()

        def forward(self, x, cache=None, offset=0):
            x = x + self.self_attn(self.input_layernorm(x), cache, offset)
            return x + self.mlp(self.post_attention_layernorm(x))

    class Decoder(nn.Module):
        def __init__(self):
            super().__init__()
            self.embed_tokens = nn.Embedding(dims["vocab"], dims["hidden"])
            self.layers = nn.ModuleList(Block() for _ in range(dims["layers"]))
            self.norm = RMSNorm(dims["hidden"], dims["eps"])
            self.lm_head = nn.Linear(dims["hidden"], dims["vocab"], bias=False)
            if dims["tie"]:
                self.lm_head.weight = self.embed_tokens.weight

        def hidden(self, ids, caches=None, offset=0):
            x = self.embed_tokens(ids)
            for i, layer in enumerate(self.layers):
                cache = caches[i] if caches is not None else None
                if checkpointing == "full" and self.training:
                    x = checkpoint(layer, x, use_reentrant=False)
                else:
                    x = layer(x, cache, offset)
            return self.norm(x)

        def forward(self, ids, caches=None, offset=0):
            return self.lm_head(self.hidden(ids, caches, offset))

    return Decoder()


def build_hf_model(cfg, attention):
    import transformers
    config = transformers.AutoConfig.for_model(**cfg) if "model_type" in cfg else None
    if config is None:
        raise BadRequest("model: --hf needs a config.json with model_type")
    config._attn_implementation = attention
    return transformers.AutoModelForCausalLM.from_config(config)


def load_marker_helper(torch, device):
    """python/gpumem_markers.py (beside scripts/ in the repository and in the device bundle), reading torch's counters
    of the current CUDA device: so only the default device (CUDA_VISIBLE_DEVICES picks the GPU) is accepted."""
    if device.type == "cuda" and device.index not in (None, 0):
        raise BadRequest("--markers helper reads the current CUDA device: select the GPU with CUDA_VISIBLE_DEVICES, "
                         "not --device %s" % device)
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path.insert(0, os.path.join(here, "..", "python"))
    try:
        import gpumem_markers
    except ImportError:
        raise BadRequest("--markers helper: python/gpumem_markers.py is not beside scripts/ (%s)" % here)
    return gpumem_markers.Markers(torch=torch)


def run(args, req, r, cfg, dims):
    import torch

    device = torch.device(args.device or ("cuda" if torch.cuda.is_available() else "cpu"))
    on_gpu = device.type == "cuda"
    helper = load_marker_helper(torch, device) if args.markers == "helper" else None
    markers = Markers(os.environ.get("GPUMEM_MARKERS"))
    half = {"fp16": torch.float16, "bf16": torch.bfloat16}
    precision = r["precision"]
    param_dtype = half.get(precision, torch.float32)
    amp_dtype = {"amp-fp16": torch.float16, "amp-bf16": torch.bfloat16}.get(precision)
    torch.manual_seed(0)
    # the interpreter and `import torch` are not the model's memory: gpumem's CPU baseline moves here
    # (docs/markers.md); on a GPU the device level keeps the context, which is created later
    if helper is not None:
        helper.baseline()
    else:
        markers.write("baseline", "end")

    def sync():
        if on_gpu:
            torch.cuda.synchronize(device)

    state = {"phase": None}

    def begin(phase):
        if helper is not None:  # python/gpumem_markers.py synchronises and resets the peaks itself
            state["phase"] = phase
            helper.begin(phase)
            return
        sync()
        state["phase"] = phase
        if on_gpu:
            torch.cuda.reset_peak_memory_stats(device)
        markers.write(phase, "start")

    def end(phase):
        if helper is not None:
            helper.end(phase)
            return
        sync()
        counters = None
        if on_gpu:
            counters = {
                "allocated": torch.cuda.memory_allocated(device),
                "reserved": torch.cuda.memory_reserved(device),
                "peak_allocated": torch.cuda.max_memory_allocated(device),
                "peak_reserved": torch.cuda.max_memory_reserved(device),
            }
        markers.write(phase, "end", counters)

    def autocast():
        if amp_dtype is None:
            return torch.autocast(device.type, enabled=False)
        return torch.autocast(device.type, dtype=amp_dtype)

    try:
        begin("load")
        if args.hf:
            model = build_hf_model(cfg, r["attention"])
            if r["checkpointing"] == "full":
                model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
            elif r["checkpointing"] == "selective":
                raise BadRequest("checkpointing: selective is only run with the plain model (drop --hf)")
        else:
            model = build_plain_model(torch, dims, r["attention"], r["checkpointing"])
        model = model.to(device=device, dtype=param_dtype)
        end("load")

        if r["task"] == "inference":
            model.eval()
            inf = r["inference"]
            with torch.no_grad(), autocast():
                ids = torch.randint(0, dims["vocab"], (inf["batch"], r["seq"]), device=device)
                begin("prefill")
                if args.hf:
                    out = model(input_ids=ids, use_cache=True)
                    past, logits = out.past_key_values, out.logits
                else:
                    caches = [dict() for _ in range(dims["layers"])]
                    logits = model(ids, caches, 0)
                next_ids = logits[:, -1:].argmax(-1)
                del logits
                end("prefill")
                begin("decode")
                if args.hf:
                    out = model(input_ids=next_ids, past_key_values=past, use_cache=True)
                    logits = out.logits
                else:
                    logits = model(next_ids, caches, r["seq"])
                next_ids = logits[:, -1:].argmax(-1)
                end("decode")
            return 0

        model.train()
        optimizer = make_optimizer(torch, r["optimizer"], model)
        scaler = torch.amp.GradScaler(device.type) if precision == "amp-fp16" and on_gpu else None
        micro = r["batch"]

        def batch():
            return torch.randint(0, dims["vocab"], (micro, r["seq"]), device=device)

        # Phase boundaries (as gpumem's estimator and DJL runner): forward ends after the final norm; loss is the
        # LM head, the fp32 upcast and the cross-entropy forward, i.e. what exists when backward() is called; the
        # gradient of the logits is computed inside backward() and belongs to backward.
        def hidden_of(ids):
            with autocast():
                if args.hf:
                    return model.base_model(input_ids=ids).last_hidden_state
                return model.hidden(ids)

        def head_of(hidden):
            with autocast():
                if args.hf:
                    return model.get_output_embeddings()(hidden)
                return model.lm_head(hidden)

        def logits_of(ids):
            return head_of(hidden_of(ids))

        def loss_of(logits, ids):
            # HF-style: logits upcast to fp32, labels shifted by one
            logits = logits[:, :-1].float()
            return torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]),
                                                     ids[:, 1:].reshape(-1)) / r["grad_accum"]

        def backward(loss):
            if scaler is not None:
                scaler.scale(loss).backward()
            else:
                loss.backward()

        def step():
            if optimizer is None:
                return
            if scaler is not None:
                scaler.step(optimizer)
                scaler.update()
            else:
                optimizer.step()
            optimizer.zero_grad(set_to_none=True)

        for micro_step in range(r["grad_accum"]):
            last = micro_step == r["grad_accum"] - 1
            ids = batch()
            if last:
                begin("forward")
            hidden = hidden_of(ids)
            if last:
                end("forward")
                begin("loss")
            logits = head_of(hidden)
            del hidden
            loss = loss_of(logits, ids)
            del logits
            if last:
                end("loss")
                begin("backward")
            backward(loss)
            del loss
            if last:
                end("backward")
        begin("optimizer_step")
        step()
        end("optimizer_step")

        begin("second_step")
        for _ in range(r["grad_accum"]):
            ids = batch()
            loss = loss_of(logits_of(ids), ids)
            backward(loss)
            del loss
        step()
        end("second_step")
        return 0
    except torch.cuda.OutOfMemoryError as e:
        print("torch_step.py: out of memory in phase %s: %s" % (state["phase"], str(e).splitlines()[0]),
              file=sys.stderr)
        return 1


def make_optimizer(torch, name, model):
    params = [p for p in model.parameters() if p.requires_grad]
    if name == "none":
        return None
    if name == "adamw":
        return torch.optim.AdamW(params, lr=1e-4)
    if name == "adam":
        return torch.optim.Adam(params, lr=1e-4)
    if name == "sgd":
        return torch.optim.SGD(params, lr=1e-3)
    if name == "sgd-momentum":
        return torch.optim.SGD(params, lr=1e-3, momentum=0.9)
    if name == "adafactor":
        try:
            from transformers.optimization import Adafactor
        except ImportError:
            raise BadRequest("optimizer: adafactor needs transformers, which is not importable")
        return Adafactor(params, lr=1e-3, relative_step=False, scale_parameter=False)
    raise BadRequest("optimizer: unknown value '%s'" % name)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--request", default=os.environ.get("GPUMEM_REQUEST"),
                    help="request JSON file (REQUEST-SCHEMA.md); default $GPUMEM_REQUEST, which `gpumem measure "
                         "--request R -- python3 torch_step.py` sets to the request it planned (GPU filled in)")
    ap.add_argument("--config", help="HF config.json to use instead of resolving the request's model")
    ap.add_argument("--hf", action="store_true", help="build the transformers model class from the config")
    ap.add_argument("--device", help="cuda, cuda:N or cpu (default: cuda when available)")
    ap.add_argument("--markers", choices=("own", "helper"), default="own",
                    help="who writes the phase markers: this script (own, default) or the repository's helper "
                         "python/gpumem_markers.py (helper: the path a user's own script takes)")
    ap.add_argument("--dry-run", action="store_true", help="print the model that would be built; no torch needed")
    args = ap.parse_args(argv)
    if not args.request:
        ap.error("--request: required (or run under `gpumem measure --request R`, which sets GPUMEM_REQUEST)")
    try:
        req = load_request(args.request)
        r = normalise_request(req)
        cfg = load_config(req, args.config)
        dims = decoder_dims(cfg)
        if not args.hf:
            check_plain_model(cfg)
        if args.dry_run:
            print(json.dumps({"request": r, "dims": dims}, sort_keys=True))
            return 0
        try:
            import torch  # noqa: F401
        except ImportError:
            print("torch_step.py: PyTorch is not importable in %s" % sys.executable, file=sys.stderr)
            return 3
        return run(args, req, r, cfg, dims)
    except BadRequest as e:
        print("torch_step.py: %s" % e, file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
