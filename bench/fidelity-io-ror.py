#!/usr/bin/env python3
"""Ratios of ratios of bench/fidelity-io.sh's raw blockio rows, with intervals (issue 14).

python3 bench/fidelity-io-ror.py RAW.tsv [RAW.tsv ...]

Per mode and path (overlay, volume): the per-round ratio of ratios (iso_path/iso_native)/(fio_path/fio_native);
its median and the median's 95% bootstrap interval (rounds resampled, 4000 times, fixed seed), its geometric
mean with a 95% t interval on the log scale, the spread (sd of ln) and how many rounds that spread needs for
a geometric-mean interval of +-0.10 (ln). Verdict: inside when the whole geometric-mean interval is within
0.85-1.15, outside when the whole interval is outside, else open. Then the spread of every figure (ln IOPS
over rounds) per tool and path, and each round's figures' deviation, to see where the noise sits.
Rounds of several files are numbered on (the files are taken as one series).
"""
import collections, math, random, statistics as st, sys

T975 = {1: 12.71, 2: 4.30, 3: 3.18, 4: 2.78, 5: 2.57, 6: 2.45, 7: 2.36, 8: 2.31, 9: 2.26, 10: 2.23, 11: 2.20, 12: 2.18, 13: 2.16,
        14: 2.14, 15: 2.13, 16: 2.12, 17: 2.11, 18: 2.10, 19: 2.09, 20: 2.09, 22: 2.07, 24: 2.06, 26: 2.06, 28: 2.05, 30: 2.04,
        40: 2.02, 60: 2.00}


def t975(df):
    keys = sorted(k for k in T975 if k <= df)
    return T975[keys[-1]] if df < 60 else 1.98


data, offset = {}, 0
for name in sys.argv[1:]:
    top = 0
    for line in open(name):
        c = line.rstrip("\n").split("\t")
        r = int(c[0]) + offset
        top = max(top, r)
        data[(r, c[2], c[3], c[4])] = float(c[5])
    offset = top
rounds = sorted({k[0] for k in data})
modes = [m for m in ["seq_read", "seq_write", "rand_read", "rand_write", "rand_rw"] if any(k[1] == m for k in data)]
rng = random.Random(14)
print(f"{'mode':<10} {'path':<7} {'n':>3} {'median':>6} {'95% boot':>11} {'gmean':>6} {'95% t':>11} {'sd ln':>6} {'n for +-.10':>11}  verdict")
for m in modes:
    for p in ["overlay", "volume"]:
        ror = []
        for r in rounds:
            k = [(r, m, p, "isobench"), (r, m, "native", "isobench"), (r, m, p, "fio"), (r, m, "native", "fio")]
            if all(x in data for x in k):
                ror.append((data[k[0]] / data[k[1]]) / (data[k[2]] / data[k[3]]))
        if len(ror) < 2:
            continue
        ln = [math.log(x) for x in ror]
        mu, s = st.mean(ln), st.stdev(ln)
        h = t975(len(ln) - 1) * s / math.sqrt(len(ln))
        boots = sorted(st.median(rng.choices(ror, k=len(ror))) for _ in range(4000))
        lo, hi = math.exp(mu - h), math.exp(mu + h)
        verdict = "inside" if lo >= 0.85 and hi <= 1.15 else ("OUTSIDE" if hi < 0.85 or lo > 1.15 else "open")
        need = math.ceil((1.96 * s / 0.10) ** 2)
        print(f"{m:<10} {p:<7} {len(ror):>3} {st.median(ror):>6.2f} {boots[100]:>5.2f}-{boots[3899]:<5.2f} {math.exp(mu):>6.2f}"
              f" {lo:>5.2f}-{hi:<5.2f} {s:>6.3f} {need:>11}  {verdict}")

print()
print("spread of each figure over rounds (sd of ln IOPS), per tool and path:")
for m in modes:
    cells = []
    for p in ["native", "overlay", "volume"]:
        for t in ["fio", "isobench"]:
            v = [math.log(data[(r, m, p, t)]) for r in rounds if (r, m, p, t) in data]
            cells.append(f"{t[:3]} {p[:3]} {st.stdev(v):.3f}" if len(v) > 1 else "-")
    print(f"{m:<10} " + "  ".join(cells))
