#!/usr/bin/env bash
# The measurement checks to run on a GPU machine, in one go (a few minutes on an H100): doctor, replay and
# replay-cca of a small model, and scripts/torch_step.py under the external runner when PyTorch is there.
# Usage: scripts/gpu-check.sh [OUT_DIR]   (default: $OUT, else ./gpu-check-out)
# Needs a built gpumem (scripts/gpumem) or GPUMEM_BUNDLE; writes profiles and logs to OUT_DIR, never to results/.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-${OUT:-$PWD/gpu-check-out}}"
mkdir -p "$out/profiles"
gm() { "$root/scripts/gpumem" "$@"; }
step() { echo "=== $*" | tee -a "$out/summary.txt"; }
export CUDA_DEVICE_ORDER=PCI_BUS_ID
{ nvidia-smi || true; ldd --version | head -1; } > "$out/machine.txt" 2>&1

step "doctor"
gm doctor > "$out/doctor.txt" 2>&1; echo "exit $?" | tee -a "$out/summary.txt"

req="$out/request.json"
printf '{"id":"gpu-check","model":"llama-3.2-1b","precision":"amp-bf16","optimizer":"adamw","batch":1,"seq":512}\n' > "$req"
for backend in replay replay-cca; do
  step "measure --backend $backend (llama-3.2-1b, amp-bf16, adamw, batch 1, seq 512)"
  timeout 300 "$root/scripts/gpumem" measure --device 0 --backend "$backend" --request "$req" \
    --out "$out/profiles" > "$out/$backend.txt" 2>&1
  echo "exit $?" | tee -a "$out/summary.txt"
done

py="${GPUMEM_PYTHON:-}"
for cand in /opt/torch/.venv/bin/python python3; do
  if [[ -z "$py" ]] && command -v "$cand" >/dev/null && "$cand" -c 'import torch' 2>/dev/null; then py="$cand"; fi
done
if [[ -n "$py" ]]; then
  for attention in sdpa eager; do
    step "measure -- torch_step.py (attention $attention) with $py"
    printf '{"id":"gpu-check-%s","model":"llama-3.2-1b","precision":"amp-bf16","optimizer":"adamw","batch":1,"seq":512,"attention":"%s"}\n' \
      "$attention" "$attention" > "$out/request-$attention.json"
    timeout 400 "$root/scripts/gpumem" measure --device 0 --timeout 300 --request "$out/request-$attention.json" \
      --out "$out/profiles" -- "$py" "$root/scripts/torch_step.py" --request "$out/request-$attention.json" \
      > "$out/external-$attention.txt" 2>&1
    echo "exit $?" | tee -a "$out/summary.txt"
  done
else
  step "torch_step.py skipped: no Python with PyTorch (set GPUMEM_PYTHON)"
fi
cat "$out/summary.txt"
