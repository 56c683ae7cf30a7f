#!/usr/bin/env bash
# Builds a self-contained gpumem folder for a GPU machine with no Java and no network (the lent GPU machine, a GPU
# CI runner): a jlink'd Java runtime, the project jar, the jars it needs there, and the scripts. Prints its size,
# which must stay under the 64 MiB a device call may carry (the device tool's documented limit).
#
#   scripts/device-bundle.sh [OUT_DIR]        default OUT_DIR: target/device-bundle
#   then, on the machine:  OUT_DIR/scripts/gpumem doctor     (or OUT_DIR/bin/gpumem)
#
# Left out on purpose:
#   pytorch-native-cpu (111 MB of CPU libtorch; the GPU machine's own torch/lib is used if DJL runs at all),
#   jfreechart and java.desktop (charts are drawn where the profiles are read, not where they are measured).
# Needs: JDK 17 with jmods (jlink), Maven (offline is fine once ~/.m2 holds the dependencies).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$root/target/device-bundle}"
limit=$((64 * 1024 * 1024))
modules="java.base,java.logging,java.management,jdk.unsupported"
# jars the device needs: CLI, JSON, logging, JavaCPP + CUDA/NVML bindings (linux-x86_64 only), DJL api/engine/JNI
# with their own dependencies (gson, jna, commons-*, error_prone annotations)
keep_re='^(picocli|jackson-(core|databind|annotations)|slf4j-(api|simple)|javacpp|cuda|api|pytorch-engine|pytorch-jni|gson|jna|commons-(compress|io|codec)|error_prone_annotations)-[0-9]'

cd "$root"
if [[ ! -f target/gpumem-0.1.0.jar || ! -d target/lib || -n "$(find src/main pom.xml -newer target/gpumem-0.1.0.jar -print -quit)" ]]; then
  echo "device-bundle: building the jar (mvn package, tests skipped)" >&2
  mvn -B -q -DskipTests package >&2
fi

jlink_bin="${JAVA_HOME:+$JAVA_HOME/bin/}jlink"
command -v "$jlink_bin" >/dev/null || { echo "device-bundle: jlink not found (install a JDK 17 with jmods)" >&2; exit 2; }

rm -rf "$out.tmp"
mkdir -p "$out.tmp/lib" "$out.tmp/scripts" "$out.tmp/bin"
"$jlink_bin" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages --compress=2 \
  --output "$out.tmp/jre" >/dev/null
# The runtime needs libstdc++.so.6, libgcc_s.so.1 and libz.so.1 besides glibc. Most GPU hosts have them (PyTorch
# needs them too); for a host with glibc alone, copies ride along and bin/gpumem uses them only when the system has none.
mkdir -p "$out.tmp/jre/lib/fallback"
for lib in libstdc++.so.6 libgcc_s.so.1 libz.so.1; do
  src="$(ldconfig -p | awk -v l="$lib" '$1 == l && /x86-64/ {print $NF; exit}')"
  [[ -n "$src" ]] && cp -L "$src" "$out.tmp/jre/lib/fallback/$lib"
done
cp target/gpumem-0.1.0.jar "$out.tmp/gpumem.jar"
for j in target/lib/*.jar; do
  name="$(basename "$j")"
  if [[ "$name" =~ $keep_re ]]; then cp "$j" "$out.tmp/lib/"; fi
done
cp scripts/gpumem "$out.tmp/scripts/"
for f in scripts/gpu-check.sh scripts/torch_step.py scripts/djl-gate.py; do
  [[ -f "$f" ]] && cp "$f" "$out.tmp/scripts/"
done
# the Python marker helper (gpu-check.sh's helper-driven torch step, and users' scripts on the machine)
mkdir -p "$out.tmp/python" && cp python/gpumem_markers.py "$out.tmp/python/"
# model configs: the validation models by path, and the presets where scripts/torch_step.py looks for them
mkdir -p "$out.tmp/validation" "$out.tmp/src/main/resources/dev/gpumem"
cp -r validation/models validation/requests.jsonl validation/truth.jsonl "$out.tmp/validation/"
[[ -d src/main/resources/dev/gpumem/presets ]] && cp -r src/main/resources/dev/gpumem/presets "$out.tmp/src/main/resources/dev/gpumem/"
cat > "$out.tmp/bin/gpumem" <<'SH'
#!/usr/bin/env bash
# gpumem from a device bundle: the bundle's own Java runtime and jars.
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
has_lib() {
  if command -v ldconfig >/dev/null 2>&1 && ldconfig -p 2>/dev/null | grep -q "^[[:space:]]*$1 "; then return 0; fi
  for d in /lib/x86_64-linux-gnu /usr/lib/x86_64-linux-gnu /lib64 /usr/lib64 /lib /usr/lib; do
    [[ -e "$d/$1" ]] && return 0
  done
  return 1
}
for lib in libstdc++.so.6 libgcc_s.so.1 libz.so.1; do
  if ! has_lib "$lib"; then
    export LD_LIBRARY_PATH="$here/jre/lib/fallback${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
    break
  fi
done
GPUMEM_BUNDLE="$here" exec "$here/scripts/gpumem" "$@"
SH
chmod +x "$out.tmp/bin/gpumem" "$out.tmp"/scripts/*
# Class-data sharing: the classes a training run loads, listed with the bundle's own runtime (148 KB). The archive
# itself (about 22 MB: it would not fit under the limit, and the JVM ties it to the jar's absolute path) is dumped
# from this list by scripts/gpumem on the bundle's first use, into cds/ beside it, in the background.
mkdir -p "$out.tmp/cds"
(cd "$out.tmp/cds" && DJL_OFFLINE=true OPT_OUT_TRACKING=true ../jre/bin/java -Xshare:off -Xlog:disable \
  -XX:DumpLoadedClassList=classes.lst -cp ../gpumem.jar dev.gpumem.cli.ClassArchiveTraining >/dev/null) \
  || { echo "device-bundle: the class-list training run failed; the bundle works without it" >&2; rm -f "$out.tmp/cds/classes.lst"; }
git rev-parse HEAD > "$out.tmp/COMMIT" 2>/dev/null || echo unknown > "$out.tmp/COMMIT"

rm -rf "$out"
mv "$out.tmp" "$out"
bytes=$(du -sb "$out" | cut -f1)
printf 'device-bundle: %s  %d bytes (%.1f MiB; limit 64 MiB = %d bytes)\n' "$out" "$bytes" \
  "$(echo "$bytes / 1048576" | bc -l)" "$limit"
printf '  %-8s %10d bytes\n' jre "$(du -sb "$out/jre" | cut -f1)" lib "$(du -sb "$out/lib" | cut -f1)" \
  gpumem.jar "$(stat -c %s "$out/gpumem.jar")"
if (( bytes >= limit )); then
  echo "device-bundle: over the 64 MiB carry limit" >&2
  exit 1
fi
