#!/usr/bin/env python3
"""CPU busy share and disk request rate during the measured part of each random-mode figure of a
bench/fidelity-io.sh raw file, from a 250 ms sampler log (the format of bench/fidelity-io-noise.sh's
sampler.tsv) taken during the run:  python3 bench/fidelity-io-busy.py RAW.tsv SAMPLER.tsv
The measured part: the 250 ms steps within the figure with more than 20000 disk requests/s (the fill's
1M writes stay far below). busy 0.50 = one of the two CPUs fully busy."""
import collections, statistics as st, sys

raw = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
smp = [[float(x) for x in l.split("\t")] for l in open(sys.argv[2])]
raw.sort(key=lambda c: float(c[9]))
out = collections.defaultdict(list)
for i, c in enumerate(raw):
    mode, path, tool, iops, t0 = c[2], c[3], c[4], float(c[5]), float(c[9])
    if not mode.startswith("rand"):
        continue
    t1 = float(raw[i + 1][9]) if i + 1 < len(raw) else t0 + 30
    s = [x for x in smp if t0 <= x[0] <= t1]
    hot = []
    for a, b in zip(s, s[1:]):
        rate = ((b[4] - a[4]) + (b[6] - a[6])) / (b[0] - a[0])
        if rate > 20000:
            hot.append(((b[1] - a[1]) / max(1, b[2] - a[2]), rate))
    if hot:
        out[(mode, path, tool)].append((iops, st.mean(h[0] for h in hot), len(hot)))
print(f"{'mode':<10} {'path':<8} {'tool':<9} {'n':>2} {'IOPS':>7} {'busy':>5} {'CPU-us/IO':>9}  (busy x 2 CPUs / IOPS)")
for k in sorted(out):
    v = out[k]
    iops = st.median(x[0] for x in v); busy = st.median(x[1] for x in v)
    print(f"{k[0]:<10} {k[1]:<8} {k[2]:<9} {len(v):>2} {iops:>7.0f} {busy:>5.2f} {st.median(2 * x[1] / x[0] * 1e6 for x in v):>9.1f}")
