#!/usr/bin/env bash
# Runs the README's main job (`./isobench run`: the quick suite in every environment this host can
# run) REPS times in a row and prints, per run and in all: wall time, the share spent outside
# measurement (from run.json "timing"), trials passed and failed, and the widest 95% CI of a ratio
# to native: over every figure, and over the CPU- and memory-bound workloads in docker (the issue's
# bar: within +-10%). The guest image is built before the first timed run, outside the timing.
#   REPS=3 [KEEP=DIR] bench/quick-suite.sh [extra isobench run flags]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
reps=${REPS:-1}
if [ -n "${KEEP:-}" ]; then
  results=$KEEP; mkdir -p "$results"   # the run folders stay there, with each run's console.txt
else
  results=$(mktemp -d /tmp/isobench-quick.XXXXXX)
  trap 'rm -rf "$results"' EXIT
fi
./isobench --version >/dev/null    # build outside the timed part
./isobench image build >/dev/null  # one-time image build outside the timed part
for i in $(seq 1 "$reps"); do
  mkdir -p "$results/$i"
  start=$(date +%s.%N)
  set +e
  ./isobench run --results "$results/$i" "$@" > "$results/$i/console.txt" 2>&1
  rc=$?
  set -e
  end=$(date +%s.%N)
  run=$(ls -d "$results/$i"/*/ | head -1)
  ./isobench report "$run" --format jsonl -o "$results/$i/rows.jsonl" >/dev/null
  echo "$start $end $rc $run" > "$results/$i/meta"
done
python3 - "$results" "$reps" <<'PY'
import json, sys, os
root, reps = sys.argv[1], int(sys.argv[2])
CPU_MEM = {"linpack", "stream", "randomaccess", "compress", "hash"}
def widest(rows, pick):
    best = (0.0, None)
    for r in rows:
        p, lo, hi = r.get("performance"), r.get("performance_low"), r.get("performance_high")
        if r.get("significant") == "baseline" or p in (None, 0) or lo is None or hi is None or not pick(r):
            continue
        w = max(hi / p - 1, 1 - lo / p)
        if w > best[0]:
            best = (w, f'{r["workload"]} {r["metric"]} {r["labels"] or ""} @ {r["variant"]}'.replace("  ", " "))
    return best
summary = []
per_run = []
print(f'{"run":>3} {"wall s":>7} {"measuring":>9} {"starting":>8} {"other":>7} {"trials":>6} {"failed":>6} {"exit":>4}  '
      f'{"widest CI (all)":>16}  {"widest CI (docker, CPU/memory)":>31}')
for i in range(1, reps + 1):
    start, end, rc, run = open(f"{root}/{i}/meta").read().split()
    rec = json.load(open(os.path.join(run, "run.json")))
    rows = [json.loads(l) for l in open(f"{root}/{i}/rows.jsonl")]
    wall = float(end) - float(start)
    t = rec.get("timing") or {}
    it, st = t.get("iterations_s", 0.0), t.get("environment_start_s", 0.0)
    trials = rec.get("trials", [])
    failed = [x for x in trials if x["status"] == "FAILED"]
    wa = widest(rows, lambda r: True)
    wd = widest(rows, lambda r: r["environment"] == "docker" and r["workload"] in CPU_MEM)
    print(f"{i:>3} {wall:7.0f} {it:9.0f} {st:8.0f} {wall-it-st:7.0f} {len(trials):>6} {len(failed):>6} {rc:>4}  "
          f"{'+-%.1f%%' % (100*wa[0]):>16}  {'+-%.1f%%' % (100*wd[0]):>31}")
    print(f"      widest: {wa[1]}; docker CPU/memory: {wd[1]}")
    for x in failed:
        print("      failed:", x["id"], x["workload"], x["variant"], (x.get("failure") or "").splitlines()[0][:120])
    lost = [x for x in trials if x.get("lost")]
    for x in lost:
        print("      lost iterations:", x["id"], x["workload"], x["variant"], len(x["lost"]), x["lost"][0].get("reason", "")[:100])
    stopped = t.get("stopped_by_budget") or []
    if stopped:
        print(f"      the time budget ({t.get('budget_s', 0):.0f} s) stopped {len(stopped)} trial(s) short of the target")
    per_run.append(rows)

# per CPU/memory workload and docker variant: the widest 95% CI of a ratio to native (+-%), n = pairs
print()
print("docker CPU/memory ratios, widest 95% CI per workload and variant (+-%, n = the variant's iterations):")
keys = sorted({(r["workload"], r["variant"]) for rows in per_run for r in rows
               if r["environment"] == "docker" and r["workload"] in CPU_MEM})
print(f'{"workload":13} {"variant":22} ' + " ".join(f'{"run " + str(i):>12}' for i in range(1, reps + 1)))
for wl, var in keys:
    cells = []
    for rows in per_run:
        w, n = widest(rows, lambda r: r["workload"] == wl and r["variant"] == var)[0], None
        ns = [r["n"] for r in rows if r["workload"] == wl and r["variant"] == var]
        cells.append(f'{"+-%.1f%% n=%s" % (100 * w, max(ns) if ns else "?"):>12}')
    print(f"{wl:13} {var:22} " + " ".join(cells))
PY
