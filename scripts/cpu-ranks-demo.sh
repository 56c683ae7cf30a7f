#!/usr/bin/env bash
# The two-rank CPU demonstration (docs/training-scripts.md): python/examples/cpu_ranks.py, marked with
# python/gpumem_markers.py, runs as two "ranks" (two processes with RANK set, no torch, no torch.distributed) under
# `gpumem measure --request`, then `gpumem compare` gives a Markdown verdict and JUnit XML. Each rank allocates, phase
# by phase, the estimator's allocated bytes for the request; rank 1 holds 1.5x that on purpose (DEMO_SKEW=0.5), so
# the verdict must fail rank 1 by name and pass rank 0. Exit 0 when it does, 1 otherwise.
# Usage: scripts/cpu-ranks-demo.sh [OUT]   (default OUT: target/cpu-ranks-demo)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$root/target/cpu-ranks-demo}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
gpumem="$root/scripts/gpumem"
skew="${DEMO_SKEW:-0.5}"

# a toy Llama (2 layers, hidden 256) and the request both ranks run
cat > "$out/config.json" <<JSON
{"model_type":"llama","hidden_size":256,"num_hidden_layers":2,"num_attention_heads":4,"num_key_value_heads":4,
 "intermediate_size":688,"vocab_size":32000,"tie_word_embeddings":false,"torch_dtype":"float32"}
JSON
printf '{"model":"%s","task":"train","precision":"fp32","optimizer":"adamw","batch":1,"seq":64,"gpu":"h100-80gb"}\n' \
  "$out/config.json" > "$out/req.json"

# what each rank allocates per phase: the estimate's live tensors (the CPU twin is compared with them) (sizes.txt: "phase bytes" lines)
"$gpumem" estimate --input "$out/req.json" \
  | python3 -c 'import json,sys; [print(p["name"], p["live_tensor_bytes"]) for p in json.loads(sys.stdin.readline())["phases"]]' \
  > "$out/sizes.txt"

rank="DEMO_SIZES=$out/sizes.txt DEMO_SKEW=$skew WORLD_SIZE=2 python3 $root/python/examples/cpu_ranks.py"
rm -rf "$out/profiles"
"$gpumem" measure --cpu --request "$out/req.json" --out "$out/profiles" -- \
  sh -c "RANK=0 $rank & RANK=1 $rank & wait"
profile="$(ls "$out"/profiles/*.json | head -n 1)"

set +e
"$gpumem" compare --markdown --max-error 5 --junit "$out/verdict.xml" "$profile" > "$out/verdict.md"
code=$?
set -e
cat "$out/verdict.md"
echo
echo "Markdown: $out/verdict.md  JUnit: $out/verdict.xml  profile: $profile"
if [[ $code == 1 ]] && head -n 1 "$out/verdict.md" | grep -q 'rank 1/'; then
  echo "demo: as designed, rank 1 (holding $(python3 -c "print(1 + $skew)")x its estimate) fails and rank 0 passes"
  exit 0
fi
echo "demo: unexpected verdict (compare exit $code); see above" >&2
exit 1
