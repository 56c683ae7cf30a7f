#!/usr/bin/env bash
# For GPU CI runners (a machine with an NVIDIA driver, JDK 17 and Maven): runs the GPU regression suite
# (JUnit tests tagged "gpu": replay on the card, estimate error within tolerance, no growth against the committed
# baseline profiles under results/), then the full matrix of scripts/gpu-check.sh when asked, and puts the error
# table into the CI job summary when the runner has one ($GITHUB_STEP_SUMMARY).
#
#   scripts/gpu-ci.sh                 GPU suite only
#   GPU_CI_MATRIX=1 scripts/gpu-ci.sh GPU suite, then gpu-check.sh with profiles in ${OUT:-target/gpu-check}
#
# Without a driver the suite reports every test as skipped with the reason, and this script exits 3, so a
# misconfigured runner cannot pass for a GPU run.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export DJL_OFFLINE=true OPT_OUT_TRACKING=true
if [[ ! -e /proc/driver/nvidia/version ]] && ! ldconfig -p 2>/dev/null | grep -q 'libnvidia-ml.so.1 '; then
  echo "gpu-ci: no NVIDIA driver on this runner (/proc/driver/nvidia/version absent, libnvidia-ml.so.1 not in ldconfig -p)" >&2
  exit 3
fi
mvn -B verify -Pgpu
skipped=$(grep -ho 'skipped="[0-9]*"' target/surefire-reports/TEST-dev.gpumem.gpu.*.xml | tr -dc '0-9\n' | paste -sd+ | bc)
echo "gpu-ci: GPU suite passed (${skipped:-0} test(s) skipped; see target/surefire-reports for why)"
if [[ "${GPU_CI_MATRIX:-0}" == 1 ]]; then
  export OUT="${OUT:-$PWD/target/gpu-check}"
  status=0
  scripts/gpu-check.sh || status=$?
  if [[ -n "${GITHUB_STEP_SUMMARY:-}" && -f "$OUT/compare.md" ]]; then
    cat "$OUT/compare.md" >> "$GITHUB_STEP_SUMMARY"
  fi
  exit $status
fi
