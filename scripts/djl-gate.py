"""Cheap gate before any DJL-on-GPU attempt (DJL 0.36's JNI is built against libtorch 2.7.1 only).

Extracts DJL's cu128 JNI library (libdjl_torch.so) from the pytorch-jni jar and loads it with RTLD_NOW after
`import torch`, so that every symbol must resolve against this machine's libtorch. Prints one line:
    djl-gate: ok (torch X) | djl-gate: dead: <first unresolved symbol or error>
Exit 0 when it loads, 1 when it does not, 2 on a usage problem.

    python3 scripts/djl-gate.py lib/pytorch-jni-*.jar [OUT_DIR]
"""
import glob
import os
import sys
import zipfile


def main(argv):
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    jars = glob.glob(argv[0])
    if not jars:
        print("djl-gate: no pytorch-jni jar at %s" % argv[0])
        return 2
    out = argv[1] if len(argv) > 1 else os.environ.get("TMPDIR", "/tmp")
    os.makedirs(out, exist_ok=True)
    member = "jnilib/linux-x86_64/cu128/libdjl_torch.so"
    with zipfile.ZipFile(jars[0]) as z:
        if member not in z.namelist():
            print("djl-gate: dead: %s has no %s" % (os.path.basename(jars[0]), member))
            return 1
        path = z.extract(member, out)
    try:
        import torch  # noqa: F401  (loads libtorch, libc10 ... with RTLD_GLOBAL semantics via torch's own loader)
    except Exception as e:  # pragma: no cover - depends on the machine
        print("djl-gate: dead: import torch failed: %s" % e)
        return 1
    import ctypes
    try:
        ctypes.CDLL(path, mode=os.RTLD_NOW | os.RTLD_GLOBAL)
    except OSError as e:
        print("djl-gate: dead: %s" % str(e).splitlines()[0])
        return 1
    print("djl-gate: ok (torch %s, %s)" % (torch.__version__, path))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
