#!/usr/bin/env python3
"""Summarises a bench/fidelity-io-noise.sh run: python3 bench/fidelity-io-noise-analyze.py OUTDIR"""
import collections, glob, math, os, statistics as st, sys

out = sys.argv[1]


def sd(v):
    return st.stdev(v) if len(v) > 1 else float("nan")


def acf(x, lag):
    m = st.mean(x)
    den = sum((v - m) ** 2 for v in x)
    return sum((x[i] - m) * (x[i + lag] - m) for i in range(len(x) - lag)) / den if den else float("nan")


samples = []
for line in open(os.path.join(out, "sampler.tsv")):
    c = line.split("\t")
    samples.append([float(c[0])] + [int(x) for x in c[1:]])


def during(t0, t1):
    """CPU busy share, iowait share, discards, discard MB, flushes, other MB written between t0 and t1"""
    s = [x for x in samples if t0 <= x[0] <= t1]
    if len(s) < 2:
        return None
    a, b = s[0], s[-1]
    tot = b[2] - a[2] or 1
    return ((b[1] - a[1]) / tot, (b[3] - a[3]) / tot, b[9] - a[9], (b[10] - a[10]) * 512 / 1e6, b[11] - a[11])


if os.path.exists(os.path.join(out, "cpu.txt")):
    print("== cpu: busy-loop iterations per 100 ms, per CPU, relative to its median")
    for line in open(os.path.join(out, "cpu.txt")):
        c, *v = line.split()
        v = [int(x) for x in v]
        m = st.median(v)
        print(f"cpu{c}: median {m:.0f}/100ms  sd {sd([x / m for x in v]):.3f}  min {min(v) / m:.2f}  below 0.8: {sum(x < 0.8 * m for x in v)} of {len(v)}")
        print("   ", " ".join(f"{x / m:.2f}" for x in v))

print("== steady: one file, 20 s fio runs, IOPS every 250 ms")
for fn in sorted(glob.glob(os.path.join(out, "steady-*_iops*.log"))):
    v = [float(l.split(",")[1]) for l in open(fn) if l.strip()]
    v = [x for x in v if x > 0]
    lv = [math.log(x) for x in v]
    w2 = [st.mean(v[i:i + 8]) for i in range(0, len(v) - 7, 8)]  # 2 s windows
    name = os.path.basename(fn).split("_iops")[0].replace("steady-", "")
    print(f"{name:<11} n={len(v):3d} median {st.median(v):9.0f}  sd ln 250ms {sd(lv):.3f}  acf1 {acf(lv, 1):+.2f} acf4 {acf(lv, 4):+.2f}"
          f"  first 2 s / rest {st.mean(v[:8]) / st.mean(v[8:]):.2f}  sd ln of 2 s means {sd([math.log(x) for x in w2]):.3f}  min/max {min(v):.0f}/{max(v):.0f}")
    print("   ", " ".join(f"{x / st.median(v):.2f}" for x in v))

figs = [l.rstrip("\n").split("\t") for l in open(os.path.join(out, "figures.tsv"))]
groups = collections.defaultdict(list)
for part, label, mode, tool, path, iops, t0, t1 in figs:
    kind = label.split("-")[0]
    groups[(part, kind, mode, tool, path)].append((float(iops), float(t0), float(t1)))
print("== figures: sd of ln IOPS per group (2 s each)")
for k, v in groups.items():
    if k[0] == "steady":
        continue
    lv = [math.log(x[0]) for x in v]
    d = [during(x[1], x[2]) for x in v]
    d = [x for x in d if x]
    print(f"{'/'.join(k):<42} n={len(v):2d} median {st.median([x[0] for x in v]):8.0f} sd ln {sd(lv):.3f}  "
          f"cpu busy {st.mean([x[0] for x in d]) if d else float('nan'):.2f} discards/fig {st.mean([x[2] for x in d]) if d else 0:.1f}"
          f" discard MB/fig {st.mean([x[3] for x in d]) if d else 0:.0f}")
    print("    ", " ".join(f"{x[0]:.0f}" for x in v))

print("== random-mode figures: the measured part found in the sampler (250 ms steps with > 20000 disk requests/s)")
print("   busy: CPU busy share of both CPUs there; rate: disk requests/s per step, relative to the figure's median")
prof = collections.defaultdict(list)
for part, label, mode, tool, path, iops, t0, t1 in figs:
    if not mode.startswith("rand") or part == "steady":
        continue
    s = [x for x in samples if float(t0) <= x[0] <= float(t1) + 0.3]
    steps = []
    for a, b in zip(s, s[1:]):
        dt = b[0] - a[0]
        rate = ((b[4] - a[4]) + (b[6] - a[6])) / dt
        busy = (b[1] - a[1]) / max(1, b[2] - a[2])
        steps.append((rate, busy))
    hot = [x for x in steps if x[0] > 20000]
    if not hot:
        continue
    med = st.median([x[0] for x in hot])
    prof[(part, mode, tool, path)].append((float(iops), st.mean([x[1] for x in hot]), [x[0] / med for x in hot]))
for k, v in prof.items():
    print(f"{'/'.join(k):<36} busy {st.mean([x[1] for x in v]):.2f}  first step {st.mean([x[2][0] for x in v]):.2f}"
          f"  second {st.mean([x[2][1] for x in v if len(x[2]) > 1]):.2f}")
    for x in v:
        print(f"      {x[0]:8.0f} busy {x[1]:.2f} ", " ".join(f"{r:.2f}" for r in x[2]))
