#!/usr/bin/env bash
# Builds the stub driver libraries (test doubles only) into OUT_DIR: libnvidia-ml.so.1, libcuda.so.1 and
# libcudart.so.13. Usage: native/build.sh OUT_DIR. Called by the Maven build (process-test-classes).
set -euo pipefail
src="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:?usage: native/build.sh OUT_DIR}"
mkdir -p "$out"
cc="${CC:-gcc}"
flags=(-shared -fPIC -O2 -Wall -Wextra -Werror)
"$cc" "${flags[@]}" -Wl,-soname,libnvidia-ml.so.1 -o "$out/libnvidia-ml.so.1" "$src/nvml_stub.c" -ldl
"$cc" "${flags[@]}" -Wl,-soname,libcuda.so.1 -o "$out/libcuda.so.1" "$src/cuda_stub.c"
"$cc" "${flags[@]}" -Wl,-soname,libcudart.so.13 -Wl,--version-script="$src/cudart.map" \
  -o "$out/libcudart.so.13" "$src/cudart_stub.c"
