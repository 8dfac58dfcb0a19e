#!/usr/bin/env bash
# Runs the quick suite (the README's main job) and reports its wall time and the share of it
# spent outside measurement (guest image build, environment start-up, setup), from the run's
# own timing record (run.json "timing") and the wall clock around the whole command.
#   bench/quick-suite.sh [extra isobench run flags]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
results=$(mktemp -d /tmp/isobench-quick.XXXXXX)
trap 'rm -rf "$results"' EXIT
./isobench --version >/dev/null   # build outside the timed part
start=$(date +%s.%N)
set +e
./isobench run --suite quick --results "$results" "$@" > "$results/console.txt" 2>&1
rc=$?
set -e
end=$(date +%s.%N)
run=$(ls -d "$results"/*/ | head -1)
python3 - "$run/run.json" "$start" "$end" "$rc" <<'PY'
import json, sys
rec = json.load(open(sys.argv[1]))
wall = float(sys.argv[3]) - float(sys.argv[2])
t = rec.get("timing") or {}
it = t.get("iterations_s", 0.0)
st = t.get("environment_start_s", 0.0)
trials = rec.get("trials", [])
failed = [x for x in trials if x["status"] == "FAILED"]
rows = [
    ("wall time, whole command", wall),
    ("  in iterations (measuring)", it),
    ("  starting environments", st),
    ("  other (planning, image build, JVM start, teardown, report)", wall - it - st),
]
print(f"quick suite: {len(trials)} trials, {len(failed)} failed, status {rec['status']}, exit {sys.argv[4]}")
print(f"{'part':62} {'seconds':>9} {'share':>7}")
for name, s in rows:
    print(f"{name:62} {s:9.1f} {100*s/wall:6.1f}%")
print(f"{'outside measurement':62} {wall-it:9.1f} {100*(wall-it)/wall:6.1f}%")
for x in failed:
    print("failed:", x["id"], x["workload"], x["variant"], (x.get("failure") or "").splitlines()[0][:120])
PY
