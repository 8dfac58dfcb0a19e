#!/usr/bin/env bash
# Where the figure-to-figure noise of bench/fidelity-io.sh's blockio section comes from (issue 14):
# short diagnostic runs, native only, run through /work/notes/measure (or alone on the machine).
#   steady   one file, filled once; long fio runs logged every 250 ms (rand_read, rand_write,
#            seq_write, seq_read): the disk's own time structure when nothing else happens
#            (a token bucket shows as a high start and a drop; fast noise as a wide spread of
#            the 250 ms values; slow drift as correlated neighbours).
#   cycle    the script's cycle with fio alone: fresh file, 1G fill, 2 s measured, rm (rand_read
#            and rand_write alternating), then the same figures on one file kept (no fill, no rm):
#            what the fill/delete/discard cycle adds.
#   mixed    fio figures (as in cycle) between isobench runs (blockio in a docker overlay
#            container and natively): what isobench's runs (JVM, container start and teardown) add.
# A sampler logs every 250 ms: CPU busy and iowait (all CPUs), and /proc/diskstats of the disk
# (requests, sectors, in flight, discards, flushes), so each figure can be set against what the
# machine did during it.
#   cpu      both vCPUs busy-looping for 15 s, iterations per 100 ms: CPU throttling or steal over time.
# Usage: PARTS="cpu steady cycle mixed" N=12 DIR=/var/tmp OUT=/tmp/noise bench/fidelity-io-noise.sh
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
PARTS=${PARTS:-cpu steady cycle mixed}
N=${N:-12}
DIR=${DIR:-/var/tmp}
FILE_SIZE=${FILE_SIZE:-1G}
DURATION=${DURATION:-2}
OUT=${OUT:-$(mktemp -d /tmp/isobench-noise.XXXXXX)}
mkdir -p "$OUT"
f="$DIR/isobench-noise-$$.dat"
sampler=""
hp_before=$(cat /proc/sys/vm/nr_hugepages)
cleanup() {
  [ -n "$sampler" ] && kill "$sampler" 2>/dev/null || true
  rm -f "$f"
  echo "$hp_before" >/proc/sys/vm/nr_hugepages
}
trap cleanup EXIT
echo $(( hp_before + 12 )) >/proc/sys/vm/nr_hugepages
dev=$(findmnt -n -o SOURCE --target "$DIR" | sed 's|^/dev/||; s|\[.*||')

python3 - "$dev" >"$OUT/sampler.tsv" <<'EOF' &
import sys, time
dev = sys.argv[1]
while True:
    t = time.time()
    c = list(map(int, open("/proc/stat").readline().split()[1:]))
    d = next(l.split() for l in open("/proc/diskstats") if l.split()[2] == dev)
    # t, busy jiffies, total jiffies, iowait; reads, sectors read, writes, sectors written, in flight, discards, discard sectors, flushes
    print(f"{t:.3f}\t{sum(c) - c[3] - c[4]}\t{sum(c)}\t{c[4]}\t{d[3]}\t{d[5]}\t{d[7]}\t{d[9]}\t{d[11]}\t{d[14] if len(d) > 14 else 0}\t{d[16] if len(d) > 16 else 0}\t{d[18] if len(d) > 18 else 0}", flush=True)
    time.sleep(0.25)
EOF
sampler=$!

fio_common=(--directory="$DIR" --filename="$(basename "$f")" --size="$FILE_SIZE" --ioengine=libaio --direct=1)
fill() { fio --name=fill "${fio_common[@]}" --rw=write --bs=1M --iodepth=4 --end_fsync=1 --output-format=terse >/dev/null; }
fio_fig() { # part, label, mode, seconds, [extra fio args]
  local part=$1 label=$2 mode=$3 secs=$4 rw bs extra=(); shift 4
  case $mode in
    seq_read) rw=read; bs=1M;; seq_write) rw=write; bs=1M;;
    rand_read) rw=randread; bs=4k;; rand_write) rw=randwrite; bs=4k;;
    rand_rw) rw=randrw; bs=4k; extra=(--rwmixread=70);;
  esac
  local t0 t1
  t0=$(date +%s.%N)
  fio --name=ref "${fio_common[@]}" --rw="$rw" --bs="$bs" "${extra[@]}" "$@" --norandommap --iodepth=16 --runtime="$secs" --time_based \
      --numjobs=1 --mem=mmaphuge --hugepage-size=2m --output-format=json >"$OUT/fio.json"
  t1=$(date +%s.%N)
  python3 -c 'import json,sys; j=json.load(open(sys.argv[1]))["jobs"][0]; print(sys.argv[2],sys.argv[3],sys.argv[4],"fio","native",j["read"]["iops"]+j["write"]["iops"],sys.argv[5],sys.argv[6],sep="\t")' \
    "$OUT/fio.json" "$part" "$label" "$mode" "$t0" "$t1" >>"$OUT/figures.tsv"
}
iso_fig() { # part, label, mode, path (native|overlay|volume)
  local part=$1 label=$2 mode=$3 path=$4 env=(-e native --variant "native.dir=$DIR") t0 t1
  [ "$path" != native ] && env=(-e docker --variant docker.image=small --variant "docker.storage=$path")
  t0=$(date +%s.%N)
  ./isobench run "${env[@]}" -w blockio -p "blockio.mode=$mode" -p blockio.iodepth=16 -p blockio.engine=libaio -p blockio.batch=1 \
    -p blockio.buffers=thp -p "blockio.file_size=$FILE_SIZE" -p "blockio.duration=${DURATION}s" -n 1 --warmup 0 -o "$OUT/iso-$label" >"$OUT/iso-$label.log" 2>&1
  t1=$(date +%s.%N)
  python3 - "$OUT/iso-$label" "$part" "$label" "$mode" "$path" "$t0" "$t1" >>"$OUT/figures.tsv" <<'EOF'
import gzip, json, pathlib, sys
out = pathlib.Path(sys.argv[1])
for fl in out.glob("*/samples.jsonl*"):
    text = gzip.open(fl, "rt").read() if fl.suffix == ".gz" else fl.read_text()
    for line in text.splitlines():
        s = json.loads(line)
        if s["workload"] == "blockio" and not s["warmup"] and s["metric"] == "iops":
            print(sys.argv[2], sys.argv[3], sys.argv[4], "isobench", sys.argv[5], s["value"], sys.argv[6], sys.argv[7], sep="\t")
EOF
  rm -rf "$OUT/iso-$label"
}

for part in $PARTS; do
  echo "noise: $part ($(date -u +%T))" >&2
  case $part in
    cpu) # the vCPUs alone: a busy loop per CPU counting iterations per 100 ms for 15 s (throttling, steal, a CPU token bucket)
      local_pids=()
      for c in 0 1; do
        taskset -c "$c" python3 -c '
import time, sys
end = time.time() + 15; out = []
while time.time() < end:
    t = time.perf_counter() + 0.1; n = 0
    while time.perf_counter() < t:
        n += 1
    out.append(n)
print(sys.argv[1], " ".join(map(str, out)))' "$c" >>"$OUT/cpu.txt" &
        local_pids+=($!)
      done
      wait "${local_pids[@]}" ;; # not the sampler
    steady)
      fill
      for m in rand_read rand_write seq_write seq_read; do
        fio_fig steady "long-$m" "$m" 20 --write_iops_log="$OUT/steady-$m" --log_avg_msec=250
        sleep 2
      done
      rm -f "$f" ;;
    cycle)
      for i in $(seq "$N"); do
        for m in rand_read rand_write; do fill; fio_fig cycle "fresh-$i" "$m" "$DURATION"; rm -f "$f"; done
      done
      fill
      for i in $(seq "$N"); do
        for m in rand_read rand_write; do fio_fig cycle "kept-$i" "$m" "$DURATION"; sleep 2; done
      done
      rm -f "$f" ;;
    mixed)
      for i in $(seq "$(( N / 2 ))"); do
        fill; fio_fig mixed "fio-$i" rand_read "$DURATION"; rm -f "$f"
        iso_fig mixed "isoov-$i" rand_read overlay
        iso_fig mixed "isonat-$i" rand_read native
        fill; fio_fig mixed "fio-$i" rand_write "$DURATION"; rm -f "$f"
        iso_fig mixed "isonatw-$i" rand_write native
      done ;;
  esac
done
echo "noise: done ($(date -u +%T)); $OUT" >&2
