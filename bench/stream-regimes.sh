#!/usr/bin/env bash
# Is STREAM's spread in the main job isobench's or the host's? Runs bench/StreamRegimes.java (one
# JVM, no isobench, no container, no VM) and prints each iteration's Triad GB/s with its time, then
# a summary per phase: on the same arrays every iteration, then on fresh arrays each iteration.
# A host whose memory bandwidth moves on its own (other tenants of a shared machine) shows it here.
# Usage: bench/stream-regimes.sh   (env: ITERATIONS=40 SIZE_MIB=128 JAVA_HOME=...)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
java=${JAVA_HOME:+$JAVA_HOME/bin/}java
out=$(mktemp /tmp/isobench-stream-regimes.XXXXXX)
trap 'rm -f "$out"' EXIT
"$java" -Xmx512m StreamRegimes.java "${ITERATIONS:-40}" "${SIZE_MIB:-128}" | tee "$out"
python3 - "$out" <<'PY'
import statistics as st, sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
print()
print(f"{'phase':6} {'n':>3} {'median':>7} {'min':>6} {'max':>6} {'max/min':>7} {'CV':>6}  GB/s, Triad, best of 10 passes")
for phase in ("same", "fresh"):
    v = [float(r[2]) for r in rows if r[0] == phase]
    if len(v) > 1:
        print(f"{phase:6} {len(v):3d} {st.median(v):7.1f} {min(v):6.1f} {max(v):6.1f} {max(v)/min(v):7.2f} {st.stdev(v)/st.mean(v)*100:5.1f}%")
PY
