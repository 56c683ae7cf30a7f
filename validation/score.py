"""Score estimator outputs against validation/truth.jsonl.

Usage (from the project root):
    python3 validation/score.py outputs.jsonl validation/truth.jsonl [--json result.json] [--quiet]

outputs.jsonl: one object per line in the output format of validation/REQUEST-SCHEMA.md
    {"id", "peak": {"allocated_bytes", "reserved_bytes", "device_bytes"},
     "phases": [{"name", "components": {"weights", "kv_cache", ...}}], "gpu": {"fits", ...}}
    or {"id", "error": "..."} (counted as not scored).

Truth metrics and the output field each is compared with:
    allocated     -> peak.allocated_bytes
    reserved      -> peak.reserved_bytes   (falls back to allocated_bytes, counted as a fallback)
    device        -> peak.device_bytes     (falls back to reserved_bytes, then allocated_bytes)
    weights       -> max over phases of components.weights
    kv_cache      -> max over phases of components.kv_cache
    fits / does_not_fit -> gpu.fits when present, else peak.device_bytes (or reserved/allocated) <= truth gpu_total_bytes

Byte metrics are scored by relative error (estimate - truth) / truth. Capacity cases are scored by verdict; for the
'fits' boundary cases (largest configuration that fit) the relative error of the estimate against the budget is
reported separately, since the true peak sits just under the budget.
The last printed line is:  median_abs_rel_err=0.123 p90=0.456 scored=97/112
(scored = truth cases with a usable estimate, byte metrics and capacity verdicts together / truth cases).
"""

import json
import sys

BYTE_METRICS = ("allocated", "reserved", "device", "weights", "kv_cache")
CAPACITY = ("fits", "does_not_fit")


def read_jsonl(path):
    out = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line:
                out.append(json.loads(line))
    return out


def _num(x):
    return x if isinstance(x, (int, float)) and not isinstance(x, bool) else None


def _component_max(out, key):
    vals = []
    for ph in out.get("phases") or []:
        v = _num((ph.get("components") or {}).get(key))
        if v is not None:
            vals.append(v)
    return max(vals) if vals else None


def extract(out, metric):
    """Return (value, fallback_used) for a byte metric, or (None, False)."""
    peak = out.get("peak") or {}
    if metric == "allocated":
        return _num(peak.get("allocated_bytes")), False
    if metric == "reserved":
        v = _num(peak.get("reserved_bytes"))
        if v is not None:
            return v, False
        v = _num(peak.get("allocated_bytes"))
        return v, v is not None
    if metric == "device":
        for i, k in enumerate(("device_bytes", "reserved_bytes", "allocated_bytes")):
            v = _num(peak.get(k))
            if v is not None:
                return v, i > 0
        return None, False
    if metric == "weights":
        return _component_max(out, "weights"), False
    if metric == "kv_cache":
        return _component_max(out, "kv_cache"), False
    return None, False


def verdict(out, truth):
    """Return (fits: bool|None, device_estimate or None)."""
    peak = out.get("peak") or {}
    dev = None
    for k in ("device_bytes", "reserved_bytes", "allocated_bytes"):
        dev = _num(peak.get(k))
        if dev is not None:
            break
    g = out.get("gpu") or {}
    if isinstance(g.get("fits"), bool):
        return g["fits"], dev
    if dev is None:
        return None, None
    return dev <= truth["gpu_total_bytes"], dev


def percentile(sorted_vals, q):
    if not sorted_vals:
        return None
    if len(sorted_vals) == 1:
        return sorted_vals[0]
    pos = (len(sorted_vals) - 1) * q
    lo = int(pos)
    hi = min(lo + 1, len(sorted_vals) - 1)
    return sorted_vals[lo] + (sorted_vals[hi] - sorted_vals[lo]) * (pos - lo)


def summarize(rows):
    """rows: list of dicts with id, rel_err."""
    if not rows:
        return {"n": 0}
    errs = sorted(abs(r["rel_err"]) for r in rows)
    worst = sorted(rows, key=lambda r: -abs(r["rel_err"]))[:5]
    return {"n": len(rows),
            "median_abs_rel_err": percentile(errs, 0.5),
            "p90_abs_rel_err": percentile(errs, 0.9),
            "share_under": sum(1 for r in rows if r["rel_err"] < 0) / len(rows),
            "worst5": [{"id": r["id"], "rel_err": round(r["rel_err"], 4)} for r in worst]}


def score(outputs, truths):
    by_id = {}
    for o in outputs:
        if "id" in o:
            by_id[o["id"]] = o
    rows, cap_rows, missing, fallbacks = [], [], [], []
    for t in truths:
        o = by_id.get(t["id"])
        if o is None or "error" in o:
            missing.append(t["id"])
            continue
        if t["metric"] in CAPACITY:
            fits, dev = verdict(o, t)
            if fits is None:
                missing.append(t["id"])
                continue
            want = t["metric"] == "fits"
            r = {"id": t["id"], "metric": t["metric"], "correct": fits == want, "trust": t.get("trust")}
            if t.get("boundary") and dev is not None:
                r["boundary_rel_err"] = (dev - t["gpu_total_bytes"]) / t["gpu_total_bytes"]
            cap_rows.append(r)
            continue
        v, fb = extract(o, t["metric"])
        if v is None:
            missing.append(t["id"])
            continue
        if fb:
            fallbacks.append(t["id"])
        rows.append({"id": t["id"], "metric": t["metric"], "trust": t.get("trust"),
                     "estimate": v, "truth": t["bytes"], "rel_err": (v - t["bytes"]) / t["bytes"]})
    res = {"truth_cases": len(truths), "scored": len(rows) + len(cap_rows), "not_scored": missing,
           "fallbacks": fallbacks, "overall": summarize(rows), "by_metric": {}, "by_trust": {}}
    for m in BYTE_METRICS:
        sub = [r for r in rows if r["metric"] == m]
        if sub:
            res["by_metric"][m] = summarize(sub)
    for tr in ("complete", "partial"):
        sub = [r for r in rows if r["trust"] == tr]
        if sub:
            res["by_trust"][tr] = summarize(sub)
    if cap_rows:
        b = [r["boundary_rel_err"] for r in cap_rows if "boundary_rel_err" in r]
        res["capacity"] = {"n": len(cap_rows), "correct": sum(1 for r in cap_rows if r["correct"]),
                           "wrong": [r["id"] for r in cap_rows if not r["correct"]],
                           "boundary_rel_err": {r["id"]: round(r["boundary_rel_err"], 4) for r in cap_rows
                                                if "boundary_rel_err" in r},
                           "boundary_median_abs_rel_err": percentile(sorted(abs(x) for x in b), 0.5) if b else None}
    res["rows"] = rows
    res["capacity_rows"] = cap_rows
    return res


def fmt(x, nd=3):
    return "-" if x is None else ("%.*f" % (nd, x))


def report(res, out=sys.stdout):
    def line(name, s):
        if not s.get("n"):
            return
        out.write("  %-10s n=%-3d median=%s p90=%s under=%s worst=%s\n" % (
            name, s["n"], fmt(s["median_abs_rel_err"]), fmt(s["p90_abs_rel_err"]), fmt(s["share_under"], 2),
            ", ".join("%s %+.2f" % (w["id"], w["rel_err"]) for w in s["worst5"])))
    line("overall", res["overall"])
    for m, s in res["by_metric"].items():
        line(m, s)
    for m, s in res["by_trust"].items():
        line(m, s)
    if "capacity" in res:
        c = res["capacity"]
        out.write("  capacity   n=%d correct=%d wrong=%s boundary_median_abs_rel_err=%s\n" % (
            c["n"], c["correct"], ",".join(c["wrong"]) or "-", fmt(c["boundary_median_abs_rel_err"])))
    if res["fallbacks"]:
        out.write("  fallbacks (field missing, lower level used): %s\n" % ", ".join(res["fallbacks"]))
    if res["not_scored"]:
        out.write("  not scored (%d): %s\n" % (len(res["not_scored"]), ", ".join(res["not_scored"])))
    o = res["overall"]
    out.write("median_abs_rel_err=%s p90=%s scored=%d/%d\n" % (
        fmt(o.get("median_abs_rel_err")), fmt(o.get("p90_abs_rel_err")), res["scored"], res["truth_cases"]))


def main(argv):
    args, skip = [], False
    for i, a in enumerate(argv):
        if skip:
            skip = False
            continue
        if a == "--json":
            skip = True
            continue
        if not a.startswith("--"):
            args.append(a)
    if len(args) != 2:
        sys.stderr.write(__doc__)
        return 2
    res = score(read_jsonl(args[0]), read_jsonl(args[1]))
    if "--json" in argv:
        path = argv[argv.index("--json") + 1]
        with open(path, "w") as f:
            json.dump(res, f, indent=1)
    if "--quiet" in argv:
        o = res["overall"]
        print("median_abs_rel_err=%s p90=%s scored=%d/%d" % (fmt(o.get("median_abs_rel_err")),
                                                            fmt(o.get("p90_abs_rel_err")), res["scored"], res["truth_cases"]))
    else:
        report(res)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
