#!/usr/bin/env bash
# The whole GPU matrix in one run, for the lent GPU machine or a GPU CI runner, and everything it wrote packed so
# that it all comes back from a machine that returns only a few files (issue 14).
# Run from a device bundle (scripts/device-bundle.sh) or a checkout with a JDK:
#
#   scripts/gpu-check.sh [OUT_DIR]     OUT_DIR: else $OUT, else ./gpu-check-out (never results/: file what came back
#                                      with `gpumem file-results OUT_DIR`, which refuses anything but real GPU profiles)
#
# What OUT_DIR holds at the end (at most 8 plain files, no sub-folder, names of letters, digits, '.', '_', '-'):
#   gpu-check.log                        the step log (also written while the run goes, so a killed run keeps it)
#   machine.txt, compare.md              machine facts and the error table, to read without unpacking
#   gpu-check-<UTC stamp>.tar.gz         everything else: profiles with their samples, per-step logs, requests,
#     or .tar.gz.part-00, -01, ...       compare tables (text, JSON, Markdown), calibration; split into parts of
#                                        GPU_CHECK_PART_BYTES (default 15 MiB) when larger, so no file passes 16 MiB
#   gpu-check-<UTC stamp>.tar.gz.sha256  the SHA-256 of the whole archive (parts joined in order)
# Scratch (the DJL JNI and engine caches) lives in a temporary folder outside OUT_DIR and is removed.
#
# Time: no measuring step starts after GPU_CHECK_BUDGET_S (default 300 s); each step's timeout is cut so that none
# runs past GPU_CHECK_DEADLINE_S (default 390 s); compare, calibrate and packing follow (about 30 s). With a GPU
# machine's start (a minute or two) and the transfers that is about 9 minutes of a 15-minute lease, so a shorter
# rerun still fits. The script prints this budget first. SIGINT/SIGTERM stop the run and still pack what exists.
#
# Steps (each with its own timeout; a step that fails is logged and the next one runs):
#   1. machine facts: glibc, nvidia-smi, gpumem doctor (NVML v1/v2 used/reserved, driver, CUDA, processes)
#   2. replay (cudaMalloc of the estimator's tensors) for the matrix below; later, when time allows, the same through
#      the caching-allocator model (replay-cca)
#   3. external PyTorch steps (scripts/torch_step.py with the machine's own torch) for the same configs, eager and
#      sdpa attention: allocated/reserved from torch's counters, device from NVML per process
#      then, when transformers imports, three Hugging Face models through torch_step.py --hf (gelu_new GPT-2,
#      Qwen3's q/k norms, Gemma 2's norms and softcapping)
#      3d: every GPU of the machine as the ranks of one job (one torch_step.py per GPU, measure --devices)
#      3e: the helper-driven torch step (torch_step.py --markers helper: python/gpumem_markers.py marks the phases)
#   4. DJL: only when scripts/djl-gate.py finds its libtorch loadable (it most likely is not: DJL 0.36 wants 2.7.1)
#   5. gpumem compare (text, JSON, Markdown), gpumem calibrate over the GPU profiles, and compare again with that
#      calibration (in-sample: the profiles it was fitted on)
#   6. pack (see above)
# GPU_CHECK_ALLOW_CPU=1 runs the same steps on the CPU twin (--cpu) with a tiny GPT-2 matrix, to test this script
# where there is no GPU; its profiles say they are CPU profiles, and calibrate and file-results refuse them by design.
# GPUMEM_CMD overrides the gpumem launcher (a command line, split on spaces), e.g. for tests.
# Exit status: 0 when every step ran, 1 when some step failed (see gpu-check.log), 3 without an NVIDIA driver,
# 130/143 when interrupted (after packing).
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-${OUT:-$PWD/gpu-check-out}}"
budget_s="${GPU_CHECK_BUDGET_S:-300}"
deadline_s="${GPU_CHECK_DEADLINE_S:-390}"
part_bytes="${GPU_CHECK_PART_BYTES:-$((15 * 1024 * 1024))}"
# a Python with PyTorch: $GPUMEM_PYTHON, the lent machine's venv, else python3
python="${GPUMEM_PYTHON:-}"
for cand in /opt/torch/.venv/bin/python python3; do
  if [[ -z "$python" ]] && command -v "$cand" >/dev/null && "$cand" -c 'import torch' 2>/dev/null; then python="$cand"; fi
done
[[ -n "$python" ]] || python="$(command -v python3 || true)"
mkdir -p "$out" || { echo "gpu-check: cannot create $out" >&2; exit 2; }
out="$(cd "$out" && pwd)"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
name="gpu-check-$stamp"
# everything that is packed lives under $work/$name, scratch under $work/scratch; both outside $out
work="$(mktemp -d "${TMPDIR:-/tmp}/gpu-check.XXXXXX")" || { echo "gpu-check: no temporary folder" >&2; exit 2; }
run="$work/$name"
scratch="$work/scratch"
mkdir -p "$run/profiles" "$run/logs" "$run/requests" "$scratch"
log="$out/gpu-check.log"
: > "$log"
start=$(date +%s)
failures=0
packed=0

say() { echo "[$(( $(date +%s) - start ))s] $*" | tee -a "$log"; }

# pack: the run folder into one archive in $out (split when large), the summaries beside it; at most once
pack() {
  (( packed )) && return 0
  packed=1
  cp "$log" "$run/gpu-check.log" 2>/dev/null
  local archive="$work/$name.tar.gz" size n
  if ! tar -C "$work" -czf "$archive" "$name"; then
    say "PACK FAILED: tar could not write $archive (the run folder $run is left in place)"
    return 1
  fi
  size=$(stat -c %s "$archive")
  # at most 8 files come back: the log, the checksum, machine.txt and compare.md leave 4 for the archive's parts
  local max_parts=4 limit=$((16 * 1024 * 1024))
  if (( (size + part_bytes - 1) / part_bytes > max_parts )); then
    part_bytes=$(( (size + max_parts - 1) / max_parts ))
    (( part_bytes >= limit )) && say "WARNING: the archive ($size bytes) is larger than the $((4 * limit)) bytes 4 parts of 16 MiB can carry back"
  fi
  if (( size > part_bytes )); then
    split -b "$part_bytes" -d -a 2 "$archive" "$out/$name.tar.gz.part-"
  else
    cp "$archive" "$out/$name.tar.gz"
  fi
  (cd "$work" && sha256sum "$name.tar.gz") > "$out/$name.tar.gz.sha256"
  [[ -f "$run/machine.txt" ]] && cp "$run/machine.txt" "$out/machine.txt"
  [[ -f "$run/compare.md" ]] && cp "$run/compare.md" "$out/compare.md"
  n=$(find "$out" -type f | wc -l)
  say "packed $(find "$run/profiles" -name '*.json' | wc -l) profile(s) into $out/$name.tar.gz$( (( size > part_bytes )) && echo ".part-*") ($size bytes); $out holds $n file(s)"
  (( n <= 8 )) || say "WARNING: $out holds $n files; a device machine returns only 8 (was $out empty?)"
  rm -rf "$work"
  return 0
}
on_signal() {
  local rc="$1"
  trap - INT TERM
  say "interrupted (signal $((rc - 128))): packing what was measured so far"
  pack
  exit "$rc"
}
trap 'on_signal 130' INT
trap 'on_signal 143' TERM

# time left before the deadline, for a step's timeout
left() { echo $(( deadline_s - ($(date +%s) - start) )); }
say "gpu-check: time budget: measuring steps start until ${budget_s}s, none runs past ${deadline_s}s, then compare, calibrate and packing (about 30 s); $out gets at most 8 files"
if [[ -n "$(find "$out" -mindepth 1 -not -name gpu-check.log -print -quit)" ]]; then
  say "WARNING: $out is not empty; a device machine returns only 8 files from it"
fi

if [[ -n "${GPUMEM_CMD:-}" ]]; then read -r -a gpumem <<< "$GPUMEM_CMD"
elif [[ -x "$here/bin/gpumem" ]]; then gpumem=("$here/bin/gpumem"); else gpumem=("$here/scripts/gpumem"); fi
export GPUMEM_JAVACPP_CACHE="${GPUMEM_JAVACPP_CACHE:-$scratch/javacpp}"
export DJL_OFFLINE=true OPT_OUT_TRACKING=true
# NVML and CUDA must number the GPUs alike (--device is an NVML index)
export CUDA_DEVICE_ORDER=PCI_BUS_ID

# step NAME TIMEOUT_S COMMAND...: runs with a timeout, output to logs/NAME.log; failures are counted, not fatal
step() {
  local name="$1" limit="$2"; shift 2
  if (( $(date +%s) - start > budget_s )); then say "SKIP $name (budget of ${budget_s}s spent)"; failures=$((failures + 1)); return 1; fi
  local t0=$(date +%s) remaining
  remaining=$(left)
  if (( remaining < 10 )); then say "SKIP $name (deadline of ${deadline_s}s reached)"; failures=$((failures + 1)); return 1; fi
  (( limit > remaining )) && limit=$remaining
  timeout --kill-after=5 "$limit" "$@" > "$run/logs/$name.log" 2>&1
  local rc=$?
  say "$( ((rc == 0)) && echo ok || echo "FAIL rc=$rc") $name ($(( $(date +%s) - t0 ))s)"
  if (( rc != 0 )); then failures=$((failures + 1)); tail -n 5 "$run/logs/$name.log" | sed 's/^/    /' | tee -a "$log"; fi
  return $rc
}

# The matrix: id and the estimate request (REQUEST-SCHEMA.md), written to requests/<id>.json of the run folder and given to both
# `gpumem measure --request` and, for the external steps, scripts/torch_step.py --request.
# Llama-3.1-8B shapes truncated to 4 layers keep an 8B model's layer sizes while fitting in seconds.
L4='"model": "llama-3.1-8b", "model_overrides": {"num_hidden_layers": 4}'
matrix=(
  "llama8b-l4-bf16-s512|{$L4, \"task\": \"train\", \"precision\": \"bf16\", \"optimizer\": \"adamw\", \"batch\": 1, \"seq\": 512}"
  "llama8b-l4-bf16-s2048|{$L4, \"task\": \"train\", \"precision\": \"bf16\", \"optimizer\": \"adamw\", \"batch\": 1, \"seq\": 2048}"
  "llama8b-l4-ampbf16-s512|{$L4, \"task\": \"train\", \"precision\": \"amp-bf16\", \"optimizer\": \"adamw\", \"batch\": 1, \"seq\": 512}"
  "llama8b-l4-ampbf16-s2048|{$L4, \"task\": \"train\", \"precision\": \"amp-bf16\", \"optimizer\": \"adamw\", \"batch\": 1, \"seq\": 2048}"
  "gpt2-fp32-b4-s512|{\"model\": \"gpt2\", \"task\": \"train\", \"precision\": \"fp32\", \"optimizer\": \"adamw\", \"batch\": 4, \"seq\": 512}"
  "llama8b-l4-lora-r16|{$L4, \"task\": \"train\", \"precision\": \"bf16\", \"optimizer\": \"adamw\", \"batch\": 1, \"seq\": 1024, \"finetune\": {\"method\": \"lora\", \"rank\": 16, \"alpha\": 32, \"targets\": [\"q_proj\", \"v_proj\"]}}"
  "llama8b-l4-infer-kv4096|{$L4, \"task\": \"inference\", \"precision\": \"bf16\", \"optimizer\": \"none\", \"batch\": 1, \"seq\": 4096, \"inference\": {\"batch\": 1, \"context_tokens\": 4096, \"kv_cache_dtype\": \"bf16\"}}"
)
cpu_args=(--device 0)
if [[ "${GPU_CHECK_ALLOW_CPU:-0}" == 1 ]]; then
  cpu_args=(--cpu)
  matrix=(
    "gpt2-fp32-b1-s128|{\"model\": \"gpt2\", \"task\": \"train\", \"precision\": \"fp32\", \"optimizer\": \"adamw\", \"batch\": 1, \"seq\": 128}"
    "gpt2-infer-kv256|{\"model\": \"gpt2\", \"task\": \"inference\", \"precision\": \"fp32\", \"optimizer\": \"none\", \"batch\": 1, \"seq\": 256, \"inference\": {\"batch\": 1, \"context_tokens\": 256, \"kv_cache_dtype\": \"fp32\"}}"
  )
fi
# The card's preset, so that replay plans and estimates use its architecture's device constants (Hopper's cuBLAS
# workspace is 32 MiB, the no-GPU default's 8 MiB); unknown cards are left out of the requests.
gpu_name="$(nvidia-smi --query-gpu=name --format=csv,noheader 2>/dev/null | head -n 1)"
case "$gpu_name" in
  *H200*) gpu_preset=h200-141gb ;;
  *H100*94GB*) gpu_preset=h100-94gb ;;
  *H100*96GB*) gpu_preset=h100-96gb ;;
  *H100*) gpu_preset=h100-80gb ;;
  *A100*80GB*) gpu_preset=a100-80gb ;;
  *A100*) gpu_preset=a100-40gb ;;
  *L40S*) gpu_preset=l40s-48gb ;;
  *L4*) gpu_preset=l4-24gb ;;
  *) gpu_preset="" ;;
esac
# Replay-only configs: torch_step.py refuses LoRA (it runs only what it can run faithfully), and without --hf it
# builds every model as a Llama-style decoder, which GPT-2 (LayerNorm, GELU MLP, learned positions) is not.
external_skip_re='lora|gpt2'
# request FILE for id ID with attention ATTN ("" keeps the request's default)
request_file() {
  local id="$1" attn="$2" body="" entry
  for entry in "${matrix[@]}"; do [[ "${entry%%|*}" == "$id" ]] && body="${entry#*|}"; done
  local f="$run/requests/$id${attn:+-$attn}.json"
  if [[ -n "$attn" ]]; then body="${body%\}}, \"attention\": \"$attn\", \"id\": \"$id-$attn\"}"; else body="${body%\}}, \"id\": \"$id\"}"; fi
  [[ -n "$gpu_preset" ]] && body="${body%\}}, \"gpu\": \"$gpu_preset\"}"
  printf '%s\n' "$body" > "$f"
  echo "$f"
}

say "gpu-check: out=$out budget=${budget_s}s gpumem=${gpumem[*]} python=${python:-none} gpu=${gpu_name:-none} preset=${gpu_preset:-none}"
# 1. machine facts
{ ldd --version 2>&1 | head -1; uname -a; cat /proc/driver/nvidia/version 2>/dev/null; } > "$run/machine.txt"
if [[ "${GPU_CHECK_ALLOW_CPU:-0}" != 1 && ! -e /proc/driver/nvidia/version ]] && ! ldconfig -p 2>/dev/null | grep -q 'libnvidia-ml.so.1 '; then
  say "no NVIDIA driver here (/proc/driver/nvidia/version absent, libnvidia-ml.so.1 not in ldconfig): nothing to measure"
  pack
  exit 3
fi
command -v nvidia-smi >/dev/null && step nvidia-smi 30 nvidia-smi -q -d MEMORY,COMPUTE,ACCOUNTING
step doctor 60 "${gpumem[@]}" doctor

# replay steps for one backend over the matrix
replay_all() {
  local backend="$1" entry id
  for entry in "${matrix[@]}"; do
    id="${entry%%|*}"
    step "$backend-$id" 60 "${gpumem[@]}" measure --backend "$backend" "${cpu_args[@]}" --request "$(request_file "$id" "")" \
      --timeout 50 --out "$run/profiles"
  done
}

# 2. replay (the most direct check of the estimate); replay-cca comes last, after the PyTorch steps, since it is the
#    first thing to drop when the time budget runs out
replay_all replay

# 3. external PyTorch steps, eager and sdpa
if [[ -n "$python" && -f "$here/scripts/torch_step.py" ]] \
   && step torch-version 60 "$python" -c "import torch, sys; print(torch.__version__, torch.version.cuda, torch.cuda.is_available(), sys.version)"; then
  for attention in sdpa eager; do
    for entry in "${matrix[@]}"; do
      id="${entry%%|*}"
      [[ "$id" =~ $external_skip_re ]] && { say "SKIP torch-$attention-$id (torch_step.py would not run this model faithfully)"; continue; }
      req="$(request_file "$id" "$attention")"
      step "torch-$attention-$id" 90 "${gpumem[@]}" measure --backend external "${cpu_args[@]}" --request "$req" --timeout 80 \
        --out "$run/profiles" -- "$python" "$here/scripts/torch_step.py" --request "$req"
    done
  done
else
  say "SKIP external PyTorch steps (python=${python:-none}, torch_step.py present: $([[ -f "$here/scripts/torch_step.py" ]] && echo yes || echo no), torch: $(tail -n 1 "$run/logs/torch-version.log" 2>/dev/null || echo 'not tried'))"
fi

# 3b. replay through the Java model of PyTorch's caching allocator
replay_all replay-cca

# 3c. Hugging Face's own modeling code (torch_step.py --hf), when transformers imports: the families whose blocks
#     the estimator counts from HF's Python (gelu_new's composite, Qwen3's q/k norms, Gemma 2's sandwich norms and
#     softcapping), which the plain Llama-style step cannot build
hf_matrix=(
  "hf-gpt2-fp32-b4-s512|{\"model\": \"gpt2\", \"task\": \"train\", \"precision\": \"fp32\", \"optimizer\": \"adamw\", \"batch\": 4, \"seq\": 512}"
  "hf-qwen3-l4-bf16-s1024|{\"model\": \"qwen3-0.6b\", \"model_overrides\": {\"num_hidden_layers\": 4}, \"task\": \"train\", \"precision\": \"bf16\", \"optimizer\": \"adamw\", \"batch\": 2, \"seq\": 1024}"
  "hf-gemma2-l4-bf16-s1024|{\"model\": \"gemma-2-2b\", \"model_overrides\": {\"num_hidden_layers\": 4}, \"task\": \"train\", \"precision\": \"bf16\", \"optimizer\": \"adamw\", \"batch\": 1, \"seq\": 1024, \"attention\": \"eager\"}"
)
if [[ "${GPU_CHECK_ALLOW_CPU:-0}" != 1 && -n "$python" && -f "$here/scripts/torch_step.py" ]] \
   && "$python" -c "import torch, transformers" 2>/dev/null; then
  for entry in "${hf_matrix[@]}"; do
    id="${entry%%|*}"
    body="${entry#*|}"
    [[ -n "$gpu_preset" ]] && body="${body%\}}, \"gpu\": \"$gpu_preset\"}"
    req="$run/requests/$id.json"
    printf '%s\n' "${body%\}}, \"id\": \"$id\"}" > "$req"
    step "torch-$id" 90 "${gpumem[@]}" measure --backend external "${cpu_args[@]}" --request "$req" --timeout 80 \
      --out "$run/profiles" -- "$python" "$here/scripts/torch_step.py" --hf --request "$req"
  done
else
  say "SKIP Hugging Face steps (python=${python:-none}; transformers not importable, or a CPU run)"
fi

# 3d. every GPU of the machine as the ranks of one job: one torch_step.py per GPU with RANK / LOCAL_RANK /
#     WORLD_SIZE set as torchrun sets them, measured with --devices (each rank read on its own GPU); on a one-GPU
#     machine this is one rank, which still exercises the multi-device probe and the rank markers
ngpu="$(nvidia-smi -L 2>/dev/null | grep -c '^GPU ' || true)"
if [[ "${GPU_CHECK_ALLOW_CPU:-0}" != 1 && -n "$python" && -f "$here/scripts/torch_step.py" ]] && (( ngpu >= 1 )) \
   && "$python" -c "import torch" 2>/dev/null; then
  req="$(request_file llama8b-l4-bf16-s512 sdpa)"
  ranks="$run/requests/ranks-$ngpu.sh"
  cat > "$ranks" <<RANKS
#!/usr/bin/env bash
pids=()
for i in \$(seq 0 $((ngpu - 1))); do
  RANK=\$i LOCAL_RANK=\$i WORLD_SIZE=$ngpu CUDA_VISIBLE_DEVICES=\$i "$python" "$here/scripts/torch_step.py" --request "$req" &
  pids+=(\$!)
done
rc=0
for p in "\${pids[@]}"; do wait "\$p" || rc=1; done
exit \$rc
RANKS
  step "ranks-$ngpu-gpus" 120 "${gpumem[@]}" measure --backend external --devices "$(seq -s, 0 $((ngpu - 1)))" \
    --request "$req" --timeout 110 --out "$run/profiles" -- bash "$ranks"
else
  say "SKIP every-GPU ranks step (gpus=${ngpu:-0}, python=${python:-none}; a CPU run or no torch)"
fi

# 3e. the helper-driven torch step: the same torch step with python/gpumem_markers.py writing every phase boundary
#     and the baseline (torch_step.py --markers helper), the path a user's own script takes
if [[ "${GPU_CHECK_ALLOW_CPU:-0}" != 1 && -n "$python" && -f "$here/scripts/torch_step.py" \
      && -f "$here/python/gpumem_markers.py" ]] && "$python" -c "import torch" 2>/dev/null; then
  req="$(request_file llama8b-l4-bf16-s512 sdpa)"
  step "torch-helper-llama8b-l4-bf16-s512" 90 "${gpumem[@]}" measure --backend external "${cpu_args[@]}" \
    --request "$req" --timeout 80 --out "$run/profiles" -- "$python" "$here/scripts/torch_step.py" --markers helper \
    --request "$req"
else
  say "SKIP helper-driven torch step (python=${python:-none}; a CPU run, no torch, or python/gpumem_markers.py absent)"
fi

# 4. DJL, only if its cu128 JNI resolves against this machine's libtorch
djl_jar="$(ls "$here"/lib/pytorch-jni-*.jar "$here"/target/lib/pytorch-jni-*.jar 2>/dev/null | head -n 1)"
djl_ok=0
if [[ -n "$python" && -n "$djl_jar" ]]; then
  step djl-gate 60 "$python" "$here/scripts/djl-gate.py" "$djl_jar" "$scratch/djl-jni" && djl_ok=1
  # exit 1 = the JNI does not resolve against this torch: a finding (the expected one), not a failed step
  grep -q '^djl-gate: dead' "$run/logs/djl-gate.log" 2>/dev/null && failures=$((failures - 1))
fi
if (( djl_ok )); then
  torch_lib="$("$python" -c 'import os, torch; print(os.path.join(os.path.dirname(torch.__file__), "lib"))')"
  for entry in "${matrix[@]:0:2}"; do
    id="${entry%%|*}"
    step "djl-$id" 120 env PYTORCH_LIBRARY_PATH="$torch_lib" PYTORCH_FLAVOR=cu128 DJL_CACHE_DIR="$scratch/djl-cache" \
      ENGINE_CACHE_DIR="$scratch/djl-cache" "${gpumem[@]}" measure --backend djl --request "$(request_file "$id" eager)" \
      --timeout 110 --out "$run/profiles"
  done
else
  say "SKIP DJL steps (gate: $(tail -n 1 "$run/logs/djl-gate.log" 2>/dev/null || echo 'not run'))"
fi

# 5. errors and calibration over what was measured
mapfile -t profiles < <(find "$run/profiles" -name '*.json' | sort)
say "${#profiles[@]} profile(s) written"
if (( ${#profiles[@]} > 0 )); then
  # a profile without a request (or from an older tool) would stop compare: leave those out, each named in the log
  if ! "${gpumem[@]}" compare "${profiles[@]}" > /dev/null 2>> "$log"; then
    comparable=()
    for p in "${profiles[@]}"; do
      if "${gpumem[@]}" compare "$p" > /dev/null 2>> "$log"; then comparable+=("$p"); else say "not comparable: $p"; fi
    done
    profiles=("${comparable[@]}")
  fi
  "${gpumem[@]}" compare "${profiles[@]}" > "$run/compare.txt" 2>> "$log" || failures=$((failures + 1))
  "${gpumem[@]}" compare --json "${profiles[@]}" > "$run/compare.json" 2>> "$log"
  "${gpumem[@]}" compare --markdown "${profiles[@]}" > "$run/compare.md" 2>> "$log"
  gpu_profiles=()
  for p in "${profiles[@]}"; do grep -q '"kind" : "gpu"' "$p" && gpu_profiles+=("$p"); done
  if (( ${#gpu_profiles[@]} > 0 )) && step calibrate 60 "${gpumem[@]}" calibrate "${gpu_profiles[@]}" --out "$run/calibration.json"; then
    # in-sample: the same profiles the constants were fitted on (a held-out check needs a second run)
    "${gpumem[@]}" compare --calibration "$run/calibration.json" "${profiles[@]}" > "$run/compare-calibrated.txt" 2>> "$log"
    "${gpumem[@]}" compare --calibration "$run/calibration.json" --markdown "${profiles[@]}" \
      > "$run/compare-calibrated.md" 2>> "$log"
  elif (( ${#gpu_profiles[@]} == 0 )); then
    say "SKIP calibrate (no GPU profile)"
  fi
fi
say "gpu-check: done in $(( $(date +%s) - start ))s, $failures failed step(s)"
trap - INT TERM
pack || failures=$((failures + 1))
(( failures == 0 ))
