#!/usr/bin/env bash
# Fidelity of isobench's compute and memory kernels against the reference tools, natively, on
# this machine, in one run: HPL, STREAM and RandomAccess from Debian's hpcc (on
# libopenblas0-pthread), and xz -T for compress. Same sizes and thread counts on both sides.
#
#   bench/fidelity-compute.sh [N] [THREADS]
#
#   N        HPL order (default 8000); hpcc derives its STREAM and RandomAccess sizes from it
#            (arrays of N^2/3 doubles, a table of the largest power of two <= N^2/2 words, per
#            process) and isobench is given the sizes hpcc reports
#   THREADS  threads (default: all CPUs)
#   env: REPS (rounds, default 2), ITER (isobench iterations per round, default 2),
#        PRESET (xz preset, default 6), CORPUS (bytes of text for compress, default 16M)
#
# How the two sides line up:
#   linpack      hpcc -np 1 with OPENBLAS_NUM_THREADS=THREADS (HPL_Tflops)  vs  linpack n=N threads=THREADS
#   stream x1    hpcc -np 1 SingleSTREAM_Triad                              vs  stream threads=1, same array size
#   stream xT    hpcc -np T StarSTREAM_Triad x T (each process its arrays)  vs  stream threads=T timing=star, T times the size
#                (HPCC's STREAM times each process on its own, with no barrier between kernels, so the processes
#                drift out of phase and StarSTREAM x T overstates what T threads sustain together; isobench's
#                timing=star does the same and is the like-for-like figure. isobench's default timing=team,
#                every kernel started and ended together as OpenMP STREAM does, is printed for information.)
#   gups x1      hpcc -np 1 SingleRandomAccess_GUPs                         vs  randomaccess threads=1, same table
#   gups xT      hpcc -np T StarRandomAccess_GUPs x T (a table each)        vs  randomaccess threads=T, one table T times larger
#   compress     xz -T THREADS -PRESET --block-size=CORPUS/THREADS          vs  compress threads=THREADS preset=PRESET, same file,
#                with liblzma (implementation=native, the default where it loads); the pure-Java encoder
#                (implementation=java) is printed for information
# Rounds alternate the two sides. Each side's figure is its best over the rounds (noise from other work on the host only slows a
# run down); the medians are printed too. Targets: Triad >= 0.95, LINPACK >= 0.85,
# RandomAccess >= 0.80, compress >= 0.80 of the reference.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
N="${1:-8000}"
T="${2:-$(nproc)}"
REPS="${REPS:-2}"
ITER="${ITER:-2}"
PRESET="${PRESET:-6}"
CORPUS="${CORPUS:-16M}"

for tool in hpcc mpirun xz python3; do
  command -v "$tool" >/dev/null || { echo "fidelity-compute: '$tool' is missing: run scripts/setup-host.sh (hpcc, openmpi, xz-utils)" >&2; exit 2; }
done

work="$(mktemp -d /tmp/isobench-fidelity-compute.XXXXXX)"
trap 'rm -rf "$work"' EXIT

# a JDK 21+ for the corpus writer (the launcher finds its own for isobench)
java_bin=""
for h in "${JAVA_HOME:-}" /usr/lib/jvm/*; do
  [ -n "$h" ] && [ -x "$h/bin/java" ] || continue
  v=$("$h/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}' | cut -d. -f1)
  if [ "${v:-0}" -ge 21 ]; then java_bin="$h/bin/java"; fi
done
[ -n "$java_bin" ] || { echo "fidelity-compute: no JDK 21 or newer found" >&2; exit 2; }

# build once, outside the lock
"$here/isobench" list workloads >/dev/null
jar="$here/target/isobench.jar"

hpccinf() { # N P Q
  cat <<EOF
HPLinpack benchmark input file
Innovative Computing Laboratory, University of Tennessee
HPL.out      output file name (if any)
8            device out (6=stdout,7=stderr,file)
1            # of problems sizes (N)
$1           Ns
1            # of NBs
192          NBs
0            PMAP process mapping (0=Row-,1=Column-major)
1            # of process grids (P x Q)
$2           Ps
$3           Qs
16.0         threshold
1            # of panel fact
2            PFACTs (0=left, 1=Crout, 2=Right)
1            # of recursive stopping criterium
4            NBMINs (>= 1)
1            # of panels in recursion
2            NDIVs
1            # of recursive panel fact.
1            RFACTs (0=left, 1=Crout, 2=Right)
1            # of broadcast
1            BCASTs (0=1rg,1=1rM,2=2rg,3=2rM,4=Lng,5=LnM)
1            # of lookahead depth
1            DEPTHs (>=0)
2            SWAP (0=bin-exch,1=long,2=mix)
64           swapping threshold
0            L1 in (0=transposed,1=no-transposed) form
0            U  in (0=transposed,1=no-transposed) form
1            Equilibration (0=no,1=yes)
8            memory alignment in double (> 0)
##### This line (no. 32) is ignored (it serves as a separator). ######
0                      		Number of additional problem sizes for PTRANS
1200 10000 30000        	values of N
0                       	number of additional blocking sizes for PTRANS
40 9 8 13 13 20 16 32 64       	values of NB
EOF
}

run_hpcc() { # NAME NP BLAS_THREADS
  local dir="$work/hpcc-$1"
  mkdir -p "$dir"
  hpccinf "$N" 1 "$2" >"$dir/hpccinf.txt"
  # --bind-to none: with one process OpenMPI would otherwise bind it, and its BLAS threads, to one core
  (cd "$dir" && OPENBLAS_NUM_THREADS="$3" mpirun --allow-run-as-root --bind-to none -np "$2" -x OPENBLAS_NUM_THREADS hpcc >"$dir/mpirun.log" 2>&1) \
    || { echo "fidelity-compute: hpcc failed, see:" >&2; tail -20 "$dir/mpirun.log" >&2; exit 1; }
  cat "$dir/hpccoutf.txt" >>"$work/hpcc-$1.all"
}

summary() { # FILE KEY: every value of KEY= in the summary sections
  grep -E "^$2=" "$1" | cut -d= -f2
}

isobench_run() { # NAME WORKLOAD PARAMS...
  local name="$1" wl="$2"
  shift 2
  local args=()
  for p in "$@"; do args+=(-p "$p"); done
  "$here/isobench" run --env native -w "$wl" "${args[@]}" --iterations "$ITER" --warmup 0 -o "$work/results-$name" >"$work/isobench-$name.log" 2>&1 \
    || { echo "fidelity-compute: isobench $wl failed, see:" >&2; tail -20 "$work/isobench-$name.log" >&2; exit 1; }
  cat "$work"/results-"$name"/*/samples.jsonl >>"$work/samples-${name%-*}.jsonl"
}

echo "fidelity-compute: N=$N threads=$T reference runs=$REPS isobench iterations=$ITER preset=$PRESET corpus=$CORPUS" >&2
echo "fidelity-compute: waiting for /tmp/isobench-bench.lock (benchmarks never overlap) ..." >&2
exec 9>/tmp/isobench-bench.lock
flock 9

# Rounds interleave the two sides, so that a change in the host's load over the run (other work
# on a shared machine) touches both alike: each round runs hpcc in both shapes, then isobench on
# the sizes hpcc reported, then xz and isobench compress.
corpus="$work/corpus.txt"
"$java_bin" -cp "$jar" io.isobench.workload.cpu.TextCorpus "$CORPUS" 1 "$corpus"
bytes=$(stat -c %s "$corpus")
block=$(( (bytes + T - 1) / T ))
: >"$work/xz.rates"
log2() { python3 -c "import math,sys; print(int(round(math.log2(int(sys.argv[1])))))" "$1"; }

for r in $(seq "$REPS"); do
  echo "fidelity-compute: round $r/$REPS: hpcc (1 process, $T BLAS threads) ..." >&2
  run_hpcc single 1 "$T"
  echo "fidelity-compute: round $r/$REPS: hpcc ($T processes, 1 BLAS thread each) ..." >&2
  run_hpcc star "$T" 1
  if [ "$r" = 1 ]; then
    vec1=$(summary "$work/hpcc-single.all" STREAM_VectorSize | head -1)
    vecT=$(summary "$work/hpcc-star.all" STREAM_VectorSize | head -1)
    ra1=$(summary "$work/hpcc-single.all" RandomAccess_N | head -1)
    raT=$(summary "$work/hpcc-star.all" RandomAccess_N | head -1)
  fi
  echo "fidelity-compute: round $r/$REPS: isobench linpack, stream, randomaccess ..." >&2
  isobench_run "linpack-$r" linpack "n=$N" "threads=$T"
  isobench_run "stream1-$r" stream "size=$((vec1 * 8))" threads=1 passes=10
  isobench_run "streamT-$r" stream "size=$((vecT * 8 * T))" "threads=$T" passes=10 timing=star
  isobench_run "streamTeam-$r" stream "size=$((vecT * 8 * T))" "threads=$T" passes=10 timing=team
  isobench_run "gups1-$r" randomaccess "log2_size=$(log2 "$ra1")" threads=1
  isobench_run "gupsT-$r" randomaccess "log2_size=$(log2 $((raT * T)))" "threads=$T"
  echo "fidelity-compute: round $r/$REPS: xz -T$T -$PRESET, isobench compress ..." >&2
  cat "$corpus" >/dev/null # in the page cache, as isobench's corpus is in memory
  t0=$(date +%s.%N)
  xz -T"$T" -"$PRESET" --block-size="$block" -c "$corpus" >"$work/corpus.xz"
  t1=$(date +%s.%N)
  python3 -c "import sys; print(int(sys.argv[1]) / 1e6 / (float(sys.argv[3]) - float(sys.argv[2])))" "$bytes" "$t0" "$t1" >>"$work/xz.rates"
  isobench_run "compress-$r" compress "file=$corpus" "threads=$T" "preset=$PRESET" implementation=native
  isobench_run "compressJava-$r" compress "file=$corpus" "threads=$T" "preset=$PRESET" implementation=java
done
xz_ratio=$(python3 -c "import sys; print('%.2f' % (int(sys.argv[1]) / int(sys.argv[2])))" "$bytes" "$(stat -c %s "$work/corpus.xz")")
flock -u 9

# --- the table -----------------------------------------------------------------------------------
PRESET="$PRESET" python3 - "$work" "$T" "$xz_ratio" "$vec1" "$vecT" "$ra1" "$raT" "$bytes" <<'EOF'
import json, os, statistics, sys
work, T, xz_ratio = sys.argv[1], int(sys.argv[2]), sys.argv[3]
vec1, vecT, ra1, raT, corpus = (int(v) for v in sys.argv[4:9])

def hpcc(shape, key, scale=1.0):
    vals = []
    for line in open(f"{work}/hpcc-{shape}.all"):
        if line.startswith(key + "="):
            vals.append(float(line.split("=", 1)[1]) * scale)
    return vals

def isob(name, metric):
    vals, meta = [], {}
    for line in open(f"{work}/samples-{name}.jsonl"):
        s = json.loads(line)
        if s["metric"] == metric and not s["warmup"]:
            vals.append(s["value"])
            meta = s["metadata"].get("workload", {})
    return vals, meta

xz = [float(l) for l in open(f"{work}/xz.rates") if l.strip()]
rows = [
    # kernel, unit, reference values, isobench name, metric, target
    ("LINPACK (HPL) x%d" % T, "GFLOPS", hpcc("single", "HPL_Tflops", 1000.0), "linpack", "gflops", 0.85),
    ("STREAM Triad x1", "GB/s", hpcc("single", "SingleSTREAM_Triad"), "stream1", "triad", 0.95),
    ("STREAM Triad x%d star" % T, "GB/s", hpcc("star", "StarSTREAM_Triad", T), "streamT", "triad", 0.95),
    ("STREAM Copy x%d star" % T, "GB/s", hpcc("star", "StarSTREAM_Copy", T), "streamT", "copy", None),
    ("STREAM Triad x%d team" % T, "GB/s", hpcc("star", "StarSTREAM_Triad", T), "streamTeam", "triad", None),
    ("RandomAccess x1", "GUP/s", hpcc("single", "SingleRandomAccess_GUPs"), "gups1", "gups", 0.80),
    ("RandomAccess x%d" % T, "GUP/s", hpcc("star", "StarRandomAccess_GUPs", T), "gupsT", "gups", 0.80),
    ("compress xz -%s x%d" % (os.environ.get("PRESET", "6"), T), "MB/s", xz, "compress", "throughput", 0.80),
    ("compress java x%d" % T, "MB/s", xz, "compressJava", "throughput", None),
]
print()
print("%-22s %-7s %12s %12s %7s %7s  %-6s  %s" % ("kernel", "unit", "reference", "isobench", "ratio", "target", "", "medians ref / isobench"))
print("-" * 100)
notes = []
for kernel, unit, ref, name, metric, target in rows:
    ours, meta = isob(name, metric)
    if not ref or not ours:
        print("%-22s %-7s %12s %12s" % (kernel, unit, "n/a" if not ref else "%.4g" % max(ref), "n/a" if not ours else "%.4g" % max(ours)))
        continue
    ratio = max(ours) / max(ref)
    verdict = "" if target is None else ("ok" if ratio >= target else "MISSED")
    print("%-22s %-7s %12.4g %12.4g %7.3f %7s  %-6s  %.4g / %.4g" % (kernel, unit, max(ref), max(ours), ratio,
          "" if target is None else ">=%.2f" % target, verdict, statistics.median(ref), statistics.median(ours)))
    if name == "linpack":
        notes.append("linpack: %s, threads %s, OpenBLAS %s" % (meta.get("lapack_implementation"), meta.get("threads_effective"), meta.get("openblas_corename", "?")))
    if name == "compress":
        notes.append("compress: ratio isobench %.2f, xz %s; %s" % (meta.get("compression_ratio", 0), xz_ratio, meta.get("implementation", "?")))
print()
print("sizes: STREAM arrays x1 %d doubles (%.0f MiB), x%d %d doubles per process/thread; RandomAccess table x1 2^%d words, x%d 2^%d per process (isobench: one shared 2^%d table); corpus %d bytes"
      % (vec1, vec1 * 8 / 2**20, T, vecT, ra1.bit_length() - 1, T, raT.bit_length() - 1, (raT * T).bit_length() - 1, corpus))
for n in notes:
    print(n)
print("STREAM x%d: star = every thread/process timed on its own (HPCC StarSTREAM x %d, isobench timing=star), the like-for-like pair;" % (T, T))
print("           team = isobench's default, all threads start and end each kernel together (OpenMP STREAM); hpcc has no such figure, its row is relative to the star one")
print("reference runs: %d hpcc pairs and xz runs; isobench: %d iterations each; best of each side compared"
      % (len(xz), len(isob("linpack", "gflops")[0])))
EOF
