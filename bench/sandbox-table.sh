#!/usr/bin/env bash
# Prints issue 19's table from a run of the sandbox suite (`./isobench run --suite sandbox`): per
# variant (runc, runsc[sandbox] where runsc accepted it, runsc[host], vm[pc], vm[microvm]) the
# start-up time, the host memory per instance, one system call's cost, tcp_rr's median latency and
# redis GET at 10 clients, each as the median of the measured (non-warm-up) iterations and as a
# ratio to runc measured with the same parameters (an emulated VM's scaled redis is compared with
# runc at that same scaled size), next to the figures gVisor and Firecracker publish where they
# publish one (sources below, in PUBLISHED). Reads only the run folder's samples.jsonl.
#   bench/sandbox-table.sh results/<run-id>
# The run need not hold the whole suite: `./isobench run --suite sandbox -w isolation,syscall,startup,tcp_rr,redis`
# runs the table's workloads with the suite's parameters.
set -euo pipefail
run=${1:?usage: bench/sandbox-table.sh RUN_DIR}
[ -f "$run/samples.jsonl" ] || { echo "no samples.jsonl in $run" >&2; exit 2; }
exec python3 - "$run/samples.jsonl" <<'PY'
import json, statistics, sys
from collections import defaultdict

# What the table shows: (row title, workload, metric, labels the sample must carry, unit shown).
# The system call is `stat`: Files.readAttributes on a cached file, i.e. one statx(2) per operation
# (the syscall workload's cheapest operation; it has no getpid, which gVisor's figure times).
ROWS = [
    ("start-up (cold) ms", "startup", "cold_start", {}, "ms"),
    ("memory per instance MiB", "startup", "memory_per_instance", {}, "MiB"),
    ("syscall stat us/op", "syscall", "stat", {}, "us/op"),
    ("page fault us/4K page", "syscall", "page_fault", {}, "us/op"),
    ("tcp_rr p50 us", "tcp_rr", "latency_p50", {}, "us"),
    ("redis GET req/s @10 clients", "redis", "get", {"clients": 10}, "req/s"),
]
ORDER = ["runc", "runsc[sandbox]", "runsc[host]", "vm[pc]", "vm[microvm]"]

# Published figures, as (text shown, its source). Only what the sources state; "n/a" where none
# of them publishes the figure.
#  gVisor performance guide (gvisor.dev/docs/architecture_guide/performance; data in
#   google/gvisor website/performance/*.csv; GCE n1-standard-4, ptrace platform, Docker, netstack):
#   startup.csv  startup.empty (alpine `true` via docker run): runc 1193 ms, runsc 1144 ms
#   density.csv  density.empty (sleep; host memory before/after / instances): runc 3.9 MiB, runsc 22.6 MiB
#   syscall.csv  raw system call: runc 1939 ns, runsc (ptrace) 38219 ns, runsc-kvm 763 ns
#   redis.csv    redis-benchmark GET (client count not stated; redis-benchmark's default is 50):
#                runc 30312 req/s, runsc 15326 req/s
#   No request/response latency is published (iperf throughput and HTTP req/s only): tcp_rr n/a.
#  Firecracker SPECIFICATION.md (firecracker-microvm/firecracker; i3.metal, KVM, 1 vCPU 128 MiB):
#   <= 125 ms from InstanceStart to the guest's /sbin/init (minimal kernel and rootfs);
#   VMM threads' memory overhead <= 5 MiB (guest memory not included);
#   "the virtualization layer adds on average 0.06 ms of latency" (marked integration test pending).
#  Felter et al. 2014 (/work/shared/reference/felter2014.csv; KVM, not QEMU's microvm):
#   tcp_rr 100/200 B: native 37.6 us, kvm 67.9 us; redis GET 10 clients: docker-nat 69100, kvm 57200 req/s.
GV = "gVisor perf guide (ptrace)"
FC = "Firecracker spec (KVM)"
FELTER = "Felter 2014 (KVM)"
PUBLISHED = {
    ("startup", "cold_start"): {
        "runsc[sandbox]": ("1144 vs runc 1193 ms = 0.96x", GV),
        "runsc[host]": ("1144 vs runc 1193 ms = 0.96x (netstack)", GV),
        "vm[microvm]": ("<= 125 ms to guest /sbin/init (no JVM)", FC),
    },
    ("startup", "memory_per_instance"): {
        "runsc[sandbox]": ("22.6 vs runc 3.9 MiB = 5.8x (+18.7 MiB)", GV),
        "runsc[host]": ("22.6 vs runc 3.9 MiB = 5.8x (netstack)", GV),
        "vm[microvm]": ("VMM <= 5 MiB + guest memory", FC),
    },
    ("syscall", "stat"): {
        "runsc[sandbox]": ("raw syscall 38.2 vs runc 1.94 us = 19.7x (kvm 0.39x)", GV),
        "runsc[host]": ("raw syscall 38.2 vs runc 1.94 us = 19.7x (kvm 0.39x)", GV),
    },
    ("tcp_rr", "latency_p50"): {
        "vm[pc]": ("67.9 vs native 37.6 us = 1.81x (mean)", FELTER),
        "vm[microvm]": ("+60 us (0.06 ms) over bare metal", FC),
    },
    ("redis", "get"): {
        "runsc[sandbox]": ("15326 vs runc 30312 req/s = 0.51x", GV),
        "runsc[host]": ("15326 vs runc 30312 req/s = 0.51x (netstack)", GV),
        "vm[pc]": ("57200 vs docker-nat 69100 = 0.83x", FELTER),
    },
}


def name(s):
    st = s.get("settings", {})
    if s["environment"] == "docker":
        if st.get("runtime", "runc") == "runc":
            # only Docker's default network counts as the baseline runc
            return "runc" if st.get("network", "nat") == "nat" else None
        return "runsc[%s]" % st.get("runsc_network", "sandbox")
    if s["environment"] == "vm":
        return "vm[%s]" % st.get("machine", "pc")
    return None


values = defaultdict(list)   # (variant, workload, params, metric) -> measured values
emulated = set()
for line in open(sys.argv[1]):
    s = json.loads(line)
    if s.get("warmup"):
        continue
    v = name(s)
    if v is None:
        continue
    for title, wl, metric, labels, unit in ROWS:
        if s["workload"] == wl and s["metric"] == metric and all(s.get("labels", {}).get(k) == x for k, x in labels.items()):
            key = json.dumps(s.get("params", {}), sort_keys=True)
            values[(v, wl, key, metric)].append(s["value"])
            if s.get("emulated"):
                emulated.add(v)

present = [v for v in ORDER if any(k[0] == v for k in values)]
missing = [v for v in ORDER if v not in present]


def fmt(x):
    return "%.0f" % x if abs(x) >= 100 else "%.2f" % x if abs(x) >= 1 else "%.3f" % x


print("%-28s %-16s %12s %4s %8s   %s" % ("figure", "variant", "median", "n", "x runc", "published (source)"))
for title, wl, metric, labels, unit in ROWS:
    print("-" * 120)
    for v in present:
        keys = [k for k in values if k[0] == v and k[1] == wl and k[3] == metric]
        if not keys:
            print("%-28s %-16s %12s" % (title, v, "not run"))
            continue
        for k in keys:
            med = statistics.median(values[k])
            base = values.get(("runc", wl, k[2], metric))
            ratio = "%.2fx" % (med / statistics.median(base)) if base else "no runc"
            params = json.loads(k[2])
            size = " (requests=%s)" % params["requests"] if wl == "redis" and "requests" in params else \
                " (instances=%s)" % params["instances"] if wl == "startup" and "instances" in params else ""
            pub = PUBLISHED.get((wl, metric), {}).get(v)
            pubtext = "%s (%s)" % pub if pub else ("-" if v == "runc" else "n/a")
            label = v + (" TCG" if v in emulated else "")
            print("%-28s %-16s %12s %4d %8s   %s%s" % (title, label, fmt(med), len(values[k]), ratio, pubtext, size))
print("-" * 120)
if missing:
    print("not in this run: " + ", ".join(missing))
if emulated:
    print("TCG: " + ", ".join(sorted(emulated)) + " ran under QEMU's TCG emulation, not KVM: their figures measure the emulator, not a hypervisor")
print("x runc = the variant's median over runc's, whichever way the figure points (start-up, memory, syscall, tcp_rr: lower is better; redis: higher)")
print("syscall = stat (Files.readAttributes: one statx per op, via the JDK); published syscall figures time a raw syscall loop in C")
print("page fault = first write to a fresh 4 KiB page, huge pages off for the region (MADV_NOHUGEPAGE), no published figure")
print("start-up = isobench's cold_start: request until the agent (a JVM) answers, including the JVM's start inside")
PY
