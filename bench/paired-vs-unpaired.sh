#!/usr/bin/env bash
# The same runs' native-vs-docker ratio CIs two ways: unpaired (the two sides as independent samples,
# Welch-type on the log scale: isobench's interval before pairing) and as `isobench report` gives them
# now (paired by iteration where iterations pair up). Re-summarises each run folder with this build;
# nothing is measured. Per run: the widest CI half-width over the docker variants' CPU- and
# memory-bound figures (the issue's bar: within +-10%), then per workload the widest of each.
#   bench/paired-vs-unpaired.sh RUN_DIR...
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
[ $# -gt 0 ] || { echo "usage: $0 RUN_DIR..." >&2; exit 2; }
tmp=$(mktemp -d /tmp/paired-vs-unpaired.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
i=0
for run in "$@"; do
  i=$((i + 1))
  "$here/isobench" report "$run" --format jsonl -o "$tmp/$i.jsonl" >/dev/null
  echo "$run" > "$tmp/$i.run"
done
python3 - "$tmp" "$i" <<'PY'
import json, math, sys
from scipy import stats
root, count = sys.argv[1], int(sys.argv[2])
CPU_MEM = ["hash", "linpack", "stream", "randomaccess", "compress"]

def unpaired(x, b):
    """Comparison.of: log-ratio interval, Welch-Satterthwaite df; relative half-width exp(t s) - 1."""
    if x["n"] < 2 or b["n"] < 2 or not x["mean"] or not b["mean"]:
        return None
    ax = (x["stddev"] / math.sqrt(x["n"]) / x["mean"]) ** 2
    ab = (b["stddev"] / math.sqrt(b["n"]) / b["mean"]) ** 2
    s = math.sqrt(ax + ab)
    if s == 0:
        return 0.0
    df = (ax + ab) ** 2 / (ax ** 2 / (x["n"] - 1) + ab ** 2 / (b["n"] - 1))
    return math.exp(stats.t.ppf(0.975, df) * s) - 1

def paired(r):
    p, lo, hi = r.get("performance"), r.get("performance_low"), r.get("performance_high")
    if p in (None, 0) or lo is None or hi is None:
        return None
    return max(hi / p - 1, 1 - lo / p)

def fmt(w):
    return "-" if w is None else "+-%.1f%%" % (100 * w)

print(f'{"run":<34} {"widest unpaired":>16} {"widest paired":>14}  {"methods (docker CPU/mem)":<24}')
per = []
for i in range(1, count + 1):
    run = open(f"{root}/{i}.run").read().strip()
    rows = [json.loads(l) for l in open(f"{root}/{i}.jsonl")]
    base = {(r["workload"], r["params"], r["metric"], r["labels"]): r for r in rows if r.get("significant") == "baseline"}
    worst_u, worst_p, methods, wl = (0.0, ""), (0.0, ""), {}, {}
    for r in rows:
        if r["environment"] != "docker" or r["workload"] not in CPU_MEM or r.get("significant") == "baseline":
            continue
        b = base.get((r["workload"], r["params"], r["metric"], r["labels"]))
        if b is None:
            continue
        u, p = unpaired(r, b), paired(r)
        name = f'{r["workload"]} {r["metric"]}{(" " + r["labels"]) if r["labels"] else ""} @ {r["variant"]}'
        methods[r.get("ratio_method") or "none"] = methods.get(r.get("ratio_method") or "none", 0) + 1
        cur = wl.setdefault(r["workload"], [0.0, 0.0])
        if u is not None:
            cur[0] = max(cur[0], u)
            if u > worst_u[0]:
                worst_u = (u, name)
        if p is not None:
            cur[1] = max(cur[1], p)
            if p > worst_p[0]:
                worst_p = (p, name)
    per.append(wl)
    print(f'{run.rstrip("/").split("/")[-1]:<34} {fmt(worst_u[0]):>16} {fmt(worst_p[0]):>14}  '
          + ", ".join(f"{k} {v}" for k, v in sorted(methods.items())))
    print(f'    widest unpaired: {worst_u[1]}; widest paired: {worst_p[1]}')
print()
print("per workload, widest docker CI half-width: unpaired -> paired")
print(f'{"workload":<14}' + "".join(f'{"run " + str(i + 1):>22}' for i in range(count)))
for w in CPU_MEM:
    cells = []
    for wl in per:
        u, p = wl.get(w, [None, None])
        cells.append("-" if u is None else f"{fmt(u)} -> {fmt(p)}")
    print(f"{w:<14}" + "".join(f"{c:>22}" for c in cells))
PY
