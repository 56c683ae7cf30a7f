#!/usr/bin/env python3
"""A CPU stand-in for one rank of a training job, marked with gpumem_markers (no torch, no torch.distributed).

Each phase allocates a known number of bytes (plain bytearrays, so the resident set follows them), holds them,
and frees them before the next phase. The sizes come from a file of `phase bytes` lines (DEMO_SIZES), scaled by
(1 + DEMO_SKEW × RANK), so that rank 1 deliberately holds more than rank 0. Run several with RANK set:

    gpumem measure --cpu --request req.json -- sh -c \\
        'RANK=0 WORLD_SIZE=2 python3 python/examples/cpu_ranks.py & RANK=1 WORLD_SIZE=2 python3 python/examples/cpu_ranks.py & wait'

The request gpumem planned is read from GPUMEM_REQUEST and named on stdout (a real script sizes its batch from it).
"""

import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import gpumem_markers as gm  # noqa: E402

HOLD_S = 0.5     # long enough for gpumem's 1 kHz sampler, also on a busy machine
AFTER_S = 0.1    # still held just after the end marker, so gpumem's exact end reading (taken when it reads the
                 # line, 5 ms polling) sees it too
SETTLE_S = 0.3
BASELINE_S = 0.6  # gpumem reads the baseline line (and starts this rank's sampler) before anything is allocated


def main():
    rank = gm.rank_info()[0] or 0
    skew = float(os.environ.get("DEMO_SKEW", "0"))
    sizes = []
    with open(os.environ["DEMO_SIZES"], encoding="utf-8") as f:
        for line in f:
            if line.strip():
                name, n = line.split()
                sizes.append((name, int(int(n) * (1 + skew * rank))))
    req = gm.request()
    print("rank %d: request %s" % (rank, req.get("model") if req else None), flush=True)
    gm.baseline()          # the interpreter and its imports are not the workload's
    time.sleep(BASELINE_S)
    for name, n in sizes:
        with gm.phase(name):
            held = bytearray(n)   # zero-filled: every page touched, so resident
            time.sleep(HOLD_S)
        time.sleep(AFTER_S)
        del held
        time.sleep(SETTLE_S)
    return 0


if __name__ == "__main__":
    sys.exit(main())
