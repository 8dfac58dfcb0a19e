#!/usr/bin/env bash
# Fidelity of isobench's network and storage workloads against the reference tools, natively, on
# this machine, in one run:
#   tcp_stream  vs iperf3 (loopback, same duration, streams and write size; both directions)
#   tcp_rr      vs sockperf ping-pong --tcp   (p50 round trip)
#   udp_rr      vs sockperf ping-pong (UDP)   (p50 round trip)
#   blockio     vs fio, every mode (seq_read, seq_write 1M; rand_read, rand_write, rand_rw 4K), iodepth
#               16, libaio, direct=1, one job, fio's default submission (one request per io_submit,
#               one completion per io_getevents; blockio batch=1), both files preconditioned, same
#               size and duration, on three paths: native (DIR), the union filesystem of a
#               container (overlay) and a docker volume. See "blockio vs fio" below for the
#               matching, the order and how fio reaches the container's paths.
# Every isobench figure comes from a real `isobench run` in the native environment (server side
# in the agent process, load from the host: one warm-up and one measured iteration per run).
# Reference and isobench runs alternate, REPS of each, and each column is the median of its REPS:
# on a small VM the loopback round trip moves by 4x with the host's load (idle vCPUs wake slowly),
# so figures taken minutes apart are not comparable.
#
# sockperf echoes the request's size, so the ratios use tcp_rr/udp_rr with request 100 B and
# response 100 B; the study's 100 B/200 B figure is printed beside it for information.
#
# Usage: bench/fidelity-io.sh            (env: DURATION=5 STREAMS=1 REPS=3 FILE_SIZE=1G DIR=/var/tmp
#                                          SECTIONS="net blockio" BLOCKIO_MODES="seq_read ... rand_rw"
#                                          IODEPTH=16 BATCH=1 ENGINE=libaio IMAGE=small RAW_OUT= PRIOR_RAW=
#                                          ISO_BUFFERS=thp FIO_MEM=mmaphuge HUGEPAGES=iodepth/2+4)
#        SECTIONS=blockio DURATION=3 REPS=6 bench/fidelity-io.sh   (the storage table of issue 14 alone, ~18 min)
# Needs: iperf3 sockperf fio python3 (scripts/setup-host.sh installs them). Never run by tests.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"

DURATION=${DURATION:-5}
STREAMS=${STREAMS:-1}
REPS=${REPS:-3}
FILE_SIZE=${FILE_SIZE:-1G}
DIR=${DIR:-/var/tmp}
SECTIONS=${SECTIONS:-net blockio}
BLOCKIO_MODES=${BLOCKIO_MODES:-seq_read seq_write rand_read rand_write rand_rw}
IODEPTH=${IODEPTH:-16}
BATCH=${BATCH:-1}
ENGINE=${ENGINE:-libaio}
ISO_BUFFERS=${ISO_BUFFERS:-thp}
FIO_MEM=${FIO_MEM:-mmaphuge}
HUGEPAGES=${HUGEPAGES:-$(( (IODEPTH + 1) / 2 + 4 ))}
IMAGE=${IMAGE:-small}
has_section() { [[ " $SECTIONS " == *" $1 "* ]]; }

tools=(python3)
has_section net && tools+=(iperf3 sockperf)
has_section blockio && tools+=(fio docker)
for tool in "${tools[@]}"; do
  command -v "$tool" >/dev/null || { echo "fidelity-io: $tool is missing: run scripts/setup-host.sh" >&2; exit 2; }
done

work=$(mktemp -d /tmp/isobench-fidelity-io.XXXXXX)
fio_file="isobench-fio-$$.dat"
pids=()
fio_container=""
fio_volume=""
fio_dirs=()
hugepages_before=""
cleanup() {
  # the hugetlb pages reserved for fio's --mem=mmaphuge go back: the setting as it was
  [ -n "$hugepages_before" ] && echo "$hugepages_before" >/proc/sys/vm/nr_hugepages 2>/dev/null || true
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  for d in "${fio_dirs[@]}"; do rm -f "$d/$fio_file"; done
  [ -n "$fio_container" ] && docker rm -f "$fio_container" >/dev/null 2>&1 || true
  [ -n "$fio_volume" ] && docker volume rm -f "$fio_volume" >/dev/null 2>&1 || true
  rm -rf "$work"
  rm -f "$DIR/$fio_file"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
median() { python3 -c 'import sys,statistics; v=[float(x) for x in sys.argv[1:]]; print(statistics.median(v))' "$@"; }
say() { echo "fidelity-io: $*" >&2; }

# isobench: one run, median of the measured iterations of METRIC (with optional label k=v) in the
# trial whose params contain all of the given k=v pairs.
isobench_run() { # name, then isobench run arguments
  local name=$1; shift
  local out="$work/$name"
  ./isobench run -e native --variant "native.dir=$DIR" -n 1 --warmup 1 -o "$out" "$@" >"$work/$name.log" 2>&1 || {
    say "isobench run for $name failed:"; tail -20 "$work/$name.log" >&2; exit 1; }
}
isobench_median() { # run name (all its reps), workload, metric, label k=v or "", then param k=v filters
  python3 - "$work" "$1" "${@:2}" <<'EOF'
import json, pathlib, statistics, sys
work, name, workload, metric, label, *want = sys.argv[1:]
lines = [l for f in pathlib.Path(work).glob(name + "-*/*/samples.jsonl") for l in f.read_text().splitlines()]
vals = []
for line in lines:
    s = json.loads(line)
    if s["warmup"] or s["workload"] != workload or s["metric"] != metric:
        continue
    have = {f"{k}={v}" for k, v in {**s["params"], **s.get("labels", {})}.items()}
    if (label and label not in have) or any(w not in have for w in want):
        continue
    vals.append(s["value"])
print(statistics.median(vals) if vals else "nan")
EOF
}

rows=()
row() { rows+=("$1|$2|$3|$4|$5"); } # what, reference tool, reference value, isobench value, target

# ---- everything that measures runs alone on the machine with respect to other benchmarks
exec 9>/tmp/isobench-bench.lock
say "waiting for /tmp/isobench-bench.lock (other benchmarks) ..."
flock 9
say "measuring: ${DURATION}s per run, $REPS runs each"

./isobench list workloads >/dev/null 2>&1 # build the jar outside the timed part

if has_section net; then
# ---- tcp_stream vs iperf3
port=$(free_port)
iperf3 -s -p "$port" >/dev/null 2>&1 &
pids+=($!)
sleep 0.5
ip_fwd=(); ip_rev=(); ip_cpu=()
for i in $(seq "$REPS"); do
  for dir in fwd rev; do
    flag=(); [ "$dir" = rev ] && flag=(-R)
    iperf3 -c 127.0.0.1 -p "$port" -t "$DURATION" -P "$STREAMS" -l 128K -O 0 -J "${flag[@]}" >"$work/iperf.json"
    read -r gbit cpu < <(python3 - "$work/iperf.json" "$dir" <<'EOF'
import json, sys
e = json.load(open(sys.argv[1]))["end"]
r = e["sum_received"]
# CPU-seconds per GB of the client process (the host side), from iperf3's own accounting
cpu = e["cpu_utilization_percent"]["host_total"] / 100 * r["seconds"] / (r["bytes"] / 1e9)
print(r["bits_per_second"] / 1e9, cpu)
EOF
)
    if [ "$dir" = fwd ]; then ip_fwd+=("$gbit"); ip_cpu+=("$cpu"); else ip_rev+=("$gbit"); fi
  done
  isobench_run "tcp_stream-$i" -w tcp_stream -p tcp_stream.direction=both -p "tcp_stream.duration=${DURATION}s" \
    -p "tcp_stream.streams=$STREAMS" -p tcp_stream.message_size=128K
done
row "tcp_stream host->env Gbit/s" "iperf3 -P $STREAMS" "$(median "${ip_fwd[@]}")" \
  "$(isobench_median tcp_stream tcp_stream throughput direction=host_to_env)" ">= 0.90"
row "tcp_stream env->host Gbit/s" "iperf3 -R -P $STREAMS" "$(median "${ip_rev[@]}")" \
  "$(isobench_median tcp_stream tcp_stream throughput direction=env_to_host)" ">= 0.90"
row "tcp_stream host CPU-s/GB (sender)" "iperf3 host_total" "$(median "${ip_cpu[@]}")" \
  "$(isobench_median tcp_stream tcp_stream cpu_host direction=host_to_env)" "info"

# ---- tcp_rr / udp_rr vs sockperf ping-pong
tport=$(free_port); uport=$(free_port)
sockperf sr --tcp -i 127.0.0.1 -p "$tport" >/dev/null 2>&1 &
pids+=($!)
sockperf sr -i 127.0.0.1 -p "$uport" >/dev/null 2>&1 &
pids+=($!)
sleep 1
sp_p50() { # extra sockperf args
  sockperf pp -i 127.0.0.1 -m 100 -t "$DURATION" --full-rtt "$@" 2>&1 | sed 's/\x1b\[[0-9;]*m//g' \
    | awk '/percentile 50.000 =/ {print $NF}'
}
sp_tcp=(); sp_udp=()
for i in $(seq "$REPS"); do
  sp_tcp+=("$(sp_p50 --tcp -p "$tport")")
  sp_udp+=("$(sp_p50 -p "$uport")")
  isobench_run "rr-$i" -w tcp_rr,udp_rr -p "tcp_rr.duration=${DURATION}s" -p "udp_rr.duration=${DURATION}s" \
    -p tcp_rr.response_size=100,200 -p udp_rr.response_size=100,200
done
row "tcp_rr p50 us (100/100 B)" "sockperf pp --tcp -m 100" "$(median "${sp_tcp[@]}")" \
  "$(isobench_median rr tcp_rr latency_p50 "" response_size=100)" "<= 1.30"
row "udp_rr p50 us (100/100 B)" "sockperf pp -m 100" "$(median "${sp_udp[@]}")" \
  "$(isobench_median rr udp_rr latency_p50 "" response_size=100)" "<= 1.30"
tcp200=$(isobench_median rr tcp_rr latency_p50 "" response_size=200)
row "tcp_rr p50 us (100/200 B, study)" "-" "nan" "$tcp200" "info"

fi # net

# ---- blockio vs fio: every mode, on native, an overlay container and a volume container
# fio is not in the guest images, so it runs on the host against the very file systems the
# containers use, through the host's view of them:
#   overlay: the merged directory of a running container (docker inspect .GraphDriver.Data.MergedDir)
#            is the same overlayfs mount the container sees as /, mounted in the host's namespace;
#            fio's file there is created in the container's upper layer and every request goes
#            through overlayfs, as isobench's does inside its container. A container of our own
#            (a sleep in the guest image), not isobench's: isobench's live only during its run.
#            Its lower layers play no part: the test file is new, nothing is copied up.
#   volume:  a docker volume's Mountpoint (docker volume inspect), the folder the engine bind-mounts
#            into a container at /data: the same ext4/xfs, no overlay in the path.
# Running fio inside the container would need a fio build in the image (it has none, and the small
# image has no package manager); the kernel paths are the same either way, only the process
# that submits runs outside the container's namespaces and cgroup, which neither storage path
# depends on (no I/O limits are set).
#
# The two tools do the same thing (the matching):
#   submission  fio's libaio at its defaults, the study's jobs: iodepth_batch_submit=1 and
#               iodepth_batch_complete_max=1 (io_getevents takes one completion, io_submit sends one
#               request); isobench blockio batch=1 (its default), the same policy. BATCH=N runs both
#               at N (fio: both options at N). Both record it: fio's options on its command line,
#               blockio's facts batch/submission and its io_submit/io_getevents call counts (the
#               table's header checks calls = requests at batch=1).
#   engine      libaio, O_DIRECT (direct=1), iodepth 16, one job, one file per figure.
#   file        FILE_SIZE (1G) on both, created fresh for every figure and preconditioned the same
#               way: one O_DIRECT 1M write pass over the whole file, synced, before the measured
#               part (blockio's fill; fio: a fill job), then removed. So reads read written blocks
#               and writes overwrite allocated ones on both sides.
#   pattern     seq_read/seq_write 1M, rand_read/rand_write/rand_rw 4K, rand_rw 70% reads drawn per
#               request (fio rwmixread=70). Random offsets uniform over the file with replacement on
#               both: fio with norandommap (its default map would visit each block once per pass).
#   time        DURATION seconds measured per figure (fio time_based runtime, blockio duration).
# Order (noise): REPS rounds (UNTIL=HH:MM UTC stops before a round that would end later); a round
# takes every mode (start rotated by round), and for each mode six figures back to back: one path,
# native, the other path, each a fio figure and an isobench figure in the same tool order (fio first
# or isobench first, alternating by mode and round; the first path too), so a slow minute of this
# shared host falls on both tools of a pair, and a drift linear in time cancels in each ratio of
# ratios. Before every figure the script waits (at most 5 s) for the CPUs to be quiet. isobench: one `isobench run` per figure (native, or docker with
# storage=overlay or volume), -n 1 --warmup 0.
# Per round: the ratio of ratios of a mode and path is (iso_path/fio_path)/(iso_native/fio_native),
# the same as (iso_path/iso_native)/(fio_path/fio_native), each pair taken back to back; the table
# gives its median over rounds, the range, the rounds it took for the running median to settle
# within +-0.05 of the final one, and every round's value (noise vs a systematic difference).
# O_DIRECT check: /proc/diskstats of the device under the paths, read around every fio figure, and
# blockio's own reading of it around its measured part (facts disk_requests, disk_bytes; a container
# sees the host's /proc/diskstats); bytes over the tool's are ~1 when every request went to the
# device, and far below 1 for reads served by a page cache. Requests per tool request: above 1
# when the block layer split requests (1M buffers of scattered 4K pages: the disk takes at most
# max_segments segments per request), so both tools use huge-page buffers (fio --mem=mmaphuge,
# blockio buffers=thp; see blockio_section).
# RAW_OUT=file keeps the per-figure rows; PRIOR_RAW="file ..." adds earlier rows of the same setup
# to the table (rounds numbered on).
blockio_section() {
  # fio's I/O buffers in huge pages (--mem=mmaphuge: anonymous MAP_HUGETLB, from the reserved pool;
  # fio has no transparent-huge-page option), as blockio's (buffers=thp: MADV_HUGEPAGE, no
  # reservation needed): a 1M request then lies in one physically contiguous 2M page for both tools
  # on every path, instead of 256 4K pages that the disk (max_segments) may take as two requests
  # depending on how they happen to lie. The pool is raised by HUGEPAGES for the section and set
  # back on exit.
  if [[ "$FIO_MEM" == *huge* ]]; then
    hugepages_before=$(cat /proc/sys/vm/nr_hugepages)
    echo $(( hugepages_before + HUGEPAGES )) >/proc/sys/vm/nr_hugepages \
      || { say "could not reserve $HUGEPAGES huge pages (vm.nr_hugepages) for fio --mem=$FIO_MEM"; exit 1; }
    local free need=$(( (IODEPTH + 1) / 2 + 1 )) # iodepth x 1M in 2M pages, and one for fio's alignment
    free=$(awk '/HugePages_Free/ {print $2}' /proc/meminfo)
    [ "$free" -ge "$need" ] || { say "only $free huge pages free after reserving, fio needs $need: memory too fragmented?"; exit 1; }
    say "reserved $HUGEPAGES huge pages for fio (vm.nr_hugepages $hugepages_before -> $(cat /proc/sys/vm/nr_hugepages), $free free)"
  fi
  local image
  image=$(docker image ls --format '{{.Repository}}:{{.Tag}}' | grep -m1 -E '^isobench-(guest|base):' || true)
  if [ -z "$image" ]; then
    say "building the guest image ($IMAGE) for the fio container"
    ./isobench image build >/dev/null 2>&1 || true
    image=$(docker image ls --format '{{.Repository}}:{{.Tag}}' | grep -m1 -E '^isobench-(guest|base):' || true)
  fi
  [ -n "$image" ] || { say "no isobench image to start the fio container from"; exit 1; }
  fio_container="isobench-fio-$$"
  docker run -d --name "$fio_container" --entrypoint sleep "$image" 86400 >/dev/null
  local merged upper
  merged=$(docker inspect -f '{{.GraphDriver.Data.MergedDir}}' "$fio_container")
  upper=$(docker inspect -f '{{.GraphDriver.Data.UpperDir}}' "$fio_container")
  [ -d "$merged" ] || { say "the container's merged dir $merged is not visible from here (storage driver $(docker info -f '{{.Driver}}'))"; exit 1; }
  mkdir -p "$merged/var/lib/isobench-data"
  fio_volume="isobench-fio-$$"
  docker volume create "$fio_volume" >/dev/null
  local vol
  vol=$(docker volume inspect -f '{{.Mountpoint}}' "$fio_volume")
  declare -A where=([native]="$DIR" [overlay]="$merged/var/lib/isobench-data" [volume]="$vol")
  fio_dirs=("$DIR" "$merged/var/lib/isobench-data" "$vol")
  # the block device under each path (overlay: under its upper layer), for the O_DIRECT check
  local dev_native dev_upper dev_vol
  dev_native=$(findmnt -n -o SOURCE -T "$DIR"); dev_upper=$(findmnt -n -o SOURCE -T "$upper"); dev_vol=$(findmnt -n -o SOURCE -T "$vol")
  say "fio paths: native $DIR ($(stat -f -c %T "$DIR") on $dev_native), overlay ${where[overlay]} ($(stat -f -c %T "${where[overlay]}"), upper layer on $dev_upper), volume $vol ($(stat -f -c %T "$vol") on $dev_vol)"
  local devs
  devs=$(printf '%s\n' "$dev_native" "$dev_upper" "$dev_vol" | sed 's|^/dev/||; s|\[.*||' | sort -u | tr '\n' ' ')
  echo "devices: native $dev_native, overlay upper layer $dev_upper, volume $dev_vol" >"$work/blockio-devices.txt"
  dev_bytes() { # bytes read, bytes written, reads, writes, reads merged, writes merged so far on the devices under the paths
    awk -v d=" $devs " 'index(d, " " $3 " ") {r += $6; w += $10; ri += $4; wi += $8; rm += $5; wm += $9}
      END {printf "%d %d %d %d %d %d\n", r * 512, w * 512, ri, wi, rm, wm}' /proc/diskstats
  }
  : >"$work/raw.tsv"
  local modes=($BLOCKIO_MODES)
  local nfig=0
  fio_figure() { # round, mode, path
    local r=$1 mode=$2 path=$3 rw bs extra=()
    case $mode in
      seq_read) rw=read; bs=1M;; seq_write) rw=write; bs=1M;;
      rand_read) rw=randread; bs=4k;; rand_write) rw=randwrite; bs=4k;;
      rand_rw) rw=randrw; bs=4k; extra=(--rwmixread=70);;
    esac
    fio --name=isobench-fill --directory="${where[$path]}" --filename="$fio_file" --size="$FILE_SIZE" --rw=write --bs=1M \
        --iodepth=4 --ioengine=libaio --direct=1 --end_fsync=1 --output-format=terse >/dev/null 2>"$work/fio.err" \
      || { say "fio's fill failed on $path:"; cat "$work/fio.err" >&2; exit 1; }
    local b0 b1 t0
    t0=$(date +%s.%N); b0=$(dev_bytes)
    fio --name=isobench-ref --directory="${where[$path]}" --filename="$fio_file" --size="$FILE_SIZE" --rw="$rw" --bs="$bs" \
        "${extra[@]}" --norandommap --iodepth="$IODEPTH" --iodepth_batch_submit="$BATCH" --iodepth_batch_complete_max="$BATCH" \
        --ioengine=libaio --direct=1 --runtime="$DURATION" --time_based --numjobs=1 --mem="$FIO_MEM" --hugepage-size=2m \
        --output-format=json >"$work/fio.json" 2>"$work/fio.err" || { say "fio failed on $path:"; cat "$work/fio.err" >&2; exit 1; }
    b1=$(dev_bytes)
    python3 - "$work/fio.json" "$r" "$nfig" "$mode" "$path" "$t0" $b0 $b1 >>"$work/raw.tsv" <<'EOF2'
import json, sys
j = json.load(open(sys.argv[1]))["jobs"][0]
r, seq, mode, path, t0 = sys.argv[2:7]
a, b = list(map(int, sys.argv[7:13])), list(map(int, sys.argv[13:19]))
d = [y - x for x, y in zip(a, b)]  # bytes read, written, reads, writes, reads merged, writes merged
iops = j["read"]["iops"] + j["write"]["iops"]
mbs = (j["read"]["bw_bytes"] + j["write"]["bw_bytes"]) / 1e6
tool = j["read"]["io_bytes"] + j["write"]["io_bytes"]
ios = j["read"]["total_ios"] + j["write"]["total_ios"]
print(r, seq, mode, path, "fio", iops, mbs, tool, d[0] + d[1], t0, "-", d[2] + d[3], d[4] + d[5], ios, "-", sep="\t")
EOF2
    rm -f "${where[$path]}/$fio_file"
  }
  iso_figure() { # round, mode, path
    local r=$1 mode=$2 path=$3 env=(-e native --variant "native.dir=$DIR")
    [ "$path" != native ] && env=(-e docker --variant "docker.image=$IMAGE" --variant "docker.storage=$path")
    local out="$work/iso-$r-$mode-$path" b0 b1 t0
    t0=$(date +%s.%N); b0=$(dev_bytes)
    ./isobench run "${env[@]}" -w blockio -p "blockio.mode=$mode" -p "blockio.iodepth=$IODEPTH" -p "blockio.engine=$ENGINE" \
      -p "blockio.batch=$BATCH" -p "blockio.buffers=$ISO_BUFFERS" -p "blockio.file_size=$FILE_SIZE" -p "blockio.duration=${DURATION}s" -n 1 --warmup 0 --seed "$r" \
      -o "$out" >"$out.log" 2>&1 || { say "isobench run ($mode on $path, round $r) failed:"; tail -20 "$out.log" >&2; exit 1; }
    b1=$(dev_bytes)
    python3 - "$out" "$r" "$nfig" "$mode" "$path" "$t0" $b0 $b1 >>"$work/raw.tsv" <<'EOF2'
import gzip, json, pathlib, sys
out = pathlib.Path(sys.argv[1])
r, seq, mode, path, t0 = sys.argv[2:7]
dr0, dw0, dr1, dw1 = map(int, sys.argv[7:11])
fig, md = {}, {}
for f in out.glob("*/samples.jsonl*"):
    text = gzip.open(f, "rt").read() if f.suffix == ".gz" else f.read_text()
    for line in text.splitlines():
        s = json.loads(line)
        if s["workload"] == "blockio" and not s["warmup"]:
            fig[s["metric"]] = s["value"]
            m = s.get("metadata") or {}
            md = m.get("workload") or m or md
a, b = list(map(int, sys.argv[7:13])), list(map(int, sys.argv[13:19]))
d = [y - x for x, y in zip(a, b)]  # bytes read, written, reads, writes, reads merged, writes merged
ops = md["reads"] + md["writes"]
tool = ops * md["block_size"]
policy = f'{md.get("engine")},batch={md.get("batch")},buffers={md.get("buffers")},submits/ops={md.get("io_submit_calls", 0) / ops:.3f},reaps/ops={md.get("io_getevents_calls", 0) / ops:.3f},fs={md.get("filesystem")}'
huge = md.get("buffer_huge_bytes", -1) / md["buffer_bytes"] if md.get("buffer_bytes") and md.get("buffer_huge_bytes", -1) >= 0 else "-"
if "disk_requests" in md:
    # blockio's own /proc/diskstats reading over its measured part: no fill, no JVM or container start in it
    dev_bytes, dev_req, dev_merged = md["disk_bytes"], md["disk_requests"], md["disk_merges"]
else:
    # the window around the whole run: minus the fill, file_size written once, counted as file_size/1M requests
    dev_bytes, dev_req, dev_merged = d[0] + d[1] - md["file_size"], d[2] + d[3] - md["file_size"] // (1 << 20), d[4] + d[5]
print(r, seq, mode, path, "isobench", fig["iops"], fig["throughput"], tool, dev_bytes, t0, policy, dev_req, dev_merged, ops, huge, sep="\t")
EOF2
  }
  quiet() { # waits (at most 5 s) until the CPUs were at most 20% busy for half a second: no figure starts under another's tail.
    # QUIET_DISK=1 (off by default; not yet used for any table): first syncs the file system of the paths (the journal commit that issues the discards of the files
    # deleted so far; the root fs is mounted with 'discard') and then also waits (at most 10 s) for the disk to have
    # completed fewer than 20 requests and no discard in that half second.
    [ "${QUIET_DISK:-0}" = 1 ] && sync -f "$DIR"
    python3 - "$devs" "${QUIET_DISK:-0}" <<'EOF3'
import sys, time
devs, disk = sys.argv[1].split(), sys.argv[2] == "1"
def s():
    v = list(map(int, open("/proc/stat").readline().split()[1:]))
    d = [l.split() for l in open("/proc/diskstats")]
    d = [x for x in d if x[2] in devs]
    return sum(v), v[3] + v[4], sum(int(x[3]) + int(x[7]) for x in d), sum(int(x[14]) if len(x) > 14 else 0 for x in d)
end = time.time() + (10 if disk else 5)
while time.time() < end:
    a = s(); time.sleep(0.5); b = s()
    if 1 - (b[1] - a[1]) / max(1, b[0] - a[0]) <= 0.20 and (not disk or (b[2] - a[2] < 20 and b[3] == a[3])):
        break
EOF3
  }
  pair() { # round, mode, path, fio first (1) or isobench first (0)
    if [ "$4" = 1 ]; then
      quiet; nfig=$((nfig + 1)); fio_figure "$1" "$2" "$3"; quiet; nfig=$((nfig + 1)); iso_figure "$1" "$2" "$3"
    else
      quiet; nfig=$((nfig + 1)); iso_figure "$1" "$2" "$3"; quiet; nfig=$((nfig + 1)); fio_figure "$1" "$2" "$3"
    fi
  }
  local r last=0
  rounds_done=0
  for r in $(seq "$REPS"); do
    # UNTIL=HH:MM (UTC): no round starts that would end after it at the last round's pace
    if [ -n "${UNTIL:-}" ] && [ $(( $(date +%s) + last )) -gt "$(date -u -d "$UNTIL" +%s)" ]; then
      say "stopping before round $r: at ${last}s a round, it would end after $UNTIL UTC"; break
    fi
    local t_round
    t_round=$(date +%s)
    say "blockio round $r of $REPS ($(date -u +%H:%M:%S))"
    local mi
    for mi in $(seq 0 $(( ${#modes[@]} - 1 ))); do
      local mode=${modes[$(( (mi + r) % ${#modes[@]} ))]}
      # one mode's six figures back to back: a path, native, the other path, each a fio/isobench pair in the
      # same tool order. With both pairs of a ratio of ratios in the same order, a drift linear in time
      # cancels in (iso_path/fio_path)/(iso_native/fio_native); native in the middle is next to both.
      # The tool order and which path comes first alternate between modes and rounds.
      local first=$(( (mi + r) % 2 )) one=overlay other=volume
      [ $(( (mi + r / 2) % 2 )) = 1 ] && one=volume other=overlay
      pair "$r" "$mode" "$one" "$first"; pair "$r" "$mode" native "$first"; pair "$r" "$mode" "$other" "$first"
    done
    last=$(( $(date +%s) - t_round ))
    rounds_done=$r
  done
  [ -n "${RAW_OUT:-}" ] && cp "$work/raw.tsv" "$RAW_OUT"
  # shellcheck disable=SC2086
  FIO_MEM="$FIO_MEM" python3 - "$work/raw.tsv" ${PRIOR_RAW:-} >"$work/blockio-table.txt" <<'EOF2'
import os, pathlib, statistics, sys
files = [sys.argv[1]] + sys.argv[2:]
# rows of earlier files first, their rounds numbered on, so round 1 is the oldest
data, policies, offset = {}, set(), 0
for name in reversed(files):
    top = 0
    for line in pathlib.Path(name).read_text().splitlines():
        cols = line.split("\t")
        r, seq, mode, path, tool, iops, mbs, tb, db, t0, policy = cols[:11]
        # device requests and merges, and the tool's requests (rows of before they were kept: nan)
        dio, dmerged, tio = (float(x) for x in cols[11:14]) if len(cols) >= 14 else (float("nan"),) * 3
        huge = float(cols[14]) if len(cols) >= 15 and cols[14] != "-" else float("nan")
        rr = int(r) + offset
        top = max(top, rr)
        data[(rr, mode, path, tool)] = (float(iops), float(mbs), float(tb), float(db), dio, tio, dmerged, huge)
        if policy != "-":
            policies.add(policy.rsplit(",fs=", 1)[0])
    offset = top
rounds = sorted({k[0] for k in data})
med = lambda v: statistics.median(v) if v else float("nan")
f = lambda v: "-" if v != v else (f"{v:.3g}" if abs(v) < 100 else f"{v:.0f}")
modes = [m for m in ["seq_read", "seq_write", "rand_read", "rand_write", "rand_rw"] if any(k[1] == m for k in data)]
head = ["mode", "path", "fio IOPS", "fio MB/s", "iso IOPS", "iso MB/s", "iso/fio", "dev/tool fio", "dev/tool iso", "req fio", "req iso", "iso huge", "fio vs nat",
        "iso vs nat", "ratio of ratios", "range", "rounds", "settled", "0.85-1.15"]
rows, misses, per_round = [], 0, []
g = lambda r, m, p, t: data.get((r, m, p, t))
for m in modes:
    for p in ["native", "overlay", "volume"]:
        rs = [r for r in rounds if g(r, m, p, "fio") and g(r, m, p, "isobench")]
        fi = med([g(r, m, p, "fio")[0] for r in rs]); fm = med([g(r, m, p, "fio")[1] for r in rs])
        ii = med([g(r, m, p, "isobench")[0] for r in rs]); im = med([g(r, m, p, "isobench")[1] for r in rs])
        pair = med([g(r, m, p, "isobench")[0] / g(r, m, p, "fio")[0] for r in rs])
        dvf = med([g(r, m, p, "fio")[3] / g(r, m, p, "fio")[2] for r in rs])
        dvi = med([g(r, m, p, "isobench")[3] / g(r, m, p, "isobench")[2] for r in rs])
        rq = lambda t: med([g(r, m, p, t)[4] / g(r, m, p, t)[5] for r in rs if g(r, m, p, t)[4] == g(r, m, p, t)[4]])
        rqf, rqi = f"{rq('fio'):.2f}".replace("nan", "-"), f"{rq('isobench'):.2f}".replace("nan", "-")
        hg = [g(r, m, p, "isobench")[7] for r in rs if g(r, m, p, "isobench")[7] == g(r, m, p, "isobench")[7]]
        hgs = f"{min(hg):.2f}" if hg else "-"  # the smallest share of blockio's buffers in huge pages
        if p == "native":
            rows.append([m, p, f(fi), f(fm), f(ii), f(im), f"{pair:.2f}", f"{dvf:.2f}", f"{dvi:.2f}", rqf, rqi, hgs, "1", "1", "-", "-", str(len(rs)), "-", "-"])
            continue
        rel_f, rel_i, ror = [], [], []
        for r in rs:
            if g(r, m, "native", "fio") and g(r, m, "native", "isobench"):
                a = g(r, m, p, "fio")[0] / g(r, m, "native", "fio")[0]
                b = g(r, m, p, "isobench")[0] / g(r, m, "native", "isobench")[0]
                rel_f.append(a); rel_i.append(b); ror.append(b / a)
        x = med(ror)
        ok = "yes" if 0.85 <= x <= 1.15 else "NO"
        misses += ok != "yes"
        # the running median after k rounds; settled: from which k on it stays within +-0.05 of the final median
        run = [statistics.median(ror[:k]) for k in range(1, len(ror) + 1)]
        settled = next((k + 1 for k in range(len(run)) if all(abs(v - x) <= 0.05 for v in run[k:])), None)
        rng = f"{min(ror):.2f}-{max(ror):.2f}" if ror else "-"
        rows.append([m, p, f(fi), f(fm), f(ii), f(im), f"{pair:.2f}", f"{dvf:.2f}", f"{dvi:.2f}", rqf, rqi, hgs, f"{med(rel_f):.2f}",
                     f"{med(rel_i):.2f}", f"{x:.2f}", rng, str(len(ror)), str(settled) if settled else "-", ok])
        out = sum(1 for v in ror if not 0.85 <= v <= 1.15)
        per_round.append(f"{m:<10}  {p:<7}  " + " ".join(f"{v:.2f}" for v in ror) + f"   ({out} of {len(ror)} rounds outside 0.85-1.15)")
w = [max(len(str(r[i])) for r in rows + [head]) for i in range(len(head))]
print(f"blockio vs fio: libaio, direct=1, iodepth 16, 1 job, both preconditioned, same size/blocks/mix; submission: {sorted(policies)};"
      f" fio --mem={os.environ.get('FIO_MEM', 'malloc')}")
for r in [head, ["-" * x for x in w]] + rows:
    print("  ".join(str(c).ljust(w[i]) if i < 2 else str(c).rjust(w[i]) for i, c in enumerate(r)))
print()
print("IOPS and MB/s: median over rounds. iso/fio: isobench's IOPS over fio's on the same path, back to back, median over rounds.")
print("dev/tool: bytes the disk moved over the bytes the tool moved, median; fio: /proc/diskstats around its run; isobench: blockio's")
print("own reading around its measured part (facts disk_bytes, disk_requests), so neither fill nor JVM/container start is in it.")
print("req: requests the disk completed per request the tool made (median; below 1: the block layer merged adjacent requests,")
print("above 1: it split them).")
print("iso huge: the smallest share over rounds of blockio's I/O buffers the kernel backed with huge pages (its facts, from smaps).")
print("vs nat: the path's IOPS over native's in the same round and tool (median). ratio of ratios: isobench's 'vs nat' over fio's,")
print("per round, median and range; settled: the round from which the running median stays within +-0.05 of the final one.")
print(f"{misses} of {sum(1 for r in rows if r[1] != 'native')} ratios of ratios outside 0.85-1.15")
print()
print("ratio of ratios per round, in the order measured:")
print("\n".join(per_round))
EOF2
  docker rm -f "$fio_container" >/dev/null 2>&1 || true; fio_container=""
  docker volume rm -f "$fio_volume" >/dev/null 2>&1 || true; fio_volume=""
}
has_section blockio && blockio_section

flock -u 9

# ---- the tables
if [ "${#rows[@]}" -gt 0 ]; then
echo
printf '%s\n' "${rows[@]}" | python3 -c '
import sys
rows = [l.rstrip("\n").split("|") for l in sys.stdin if l.strip()]
head = ["figure", "reference", "ref value", "isobench", "ratio", "target", "met"]
out = []
for what, tool, ref, ours, target in rows:
    ref_v, our_v = float(ref), float(ours)
    ratio = our_v / ref_v if ref_v == ref_v and ref_v != 0 else float("nan")
    met = "-"
    if target.startswith(">="):
        met = "yes" if ratio >= float(target[2:]) else "NO"
    elif target.startswith("<="):
        met = "yes" if ratio <= float(target[2:]) else "NO"
    f = lambda v: "-" if v != v else (f"{v:.3g}" if abs(v) < 100 else f"{v:.0f}")
    out.append([what, tool, f(ref_v), f(our_v), f(ratio), target, met])
w = [max(len(str(r[i])) for r in out + [head]) for i in range(len(head))]
for r in [head, ["-" * x for x in w]] + out:
    print("  ".join(str(c).ljust(w[i]) if i < 2 else str(c).rjust(w[i]) for i, c in enumerate(r)))
'
echo
echo "ratio = isobench / reference; throughput and IOPS: higher is better (target >=), latency: lower is better (target <=)."
echo "$(nproc) CPUs, $(uname -r); ${DURATION}s runs, median of $REPS; host load from other processes is not controlled."
fi
if [ -f "$work/blockio-table.txt" ]; then
  echo
  cat "$work/blockio-table.txt"
  cat "$work/blockio-devices.txt"
  echo "${DURATION}s per figure, FILE_SIZE=$FILE_SIZE, BATCH=$BATCH, ISO_BUFFERS=$ISO_BUFFERS, FIO_MEM=$FIO_MEM, ${rounds_done:-$REPS} of $REPS rounds${PRIOR_RAW:+ plus earlier rows of $PRIOR_RAW}; $(nproc) CPUs, $(uname -r); docker storage driver $(docker info -f '{{.Driver}}' 2>/dev/null)."
fi
