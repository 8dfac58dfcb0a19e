#!/usr/bin/env python3
# bench/sandbox-blockio-analyze.py SAMPLES.jsonl SAMPLER.log: per blockio iteration, what the tool says it wrote vs what /dev/vda wrote in the same window
import json, sys, datetime, statistics
from collections import defaultdict
rows = []; fds = []
for l in open(sys.argv[2]):
    if l.startswith('#'):
        fds.append(l.strip()); continue
    t, w, s, d = l.split(); rows.append((float(t), int(w), int(s), int(d)))
def window(a, b):
    sel = [r for r in rows if a <= r[0] <= b]
    if len(sel) < 2:
        return None
    return sel[-1][0] - sel[0][0], (sel[-1][2] - sel[0][2]) * 512 / 2**20, sel[-1][1] - sel[0][1], max(r[3] for r in sel) - sel[0][3]
def short(v):
    if v.startswith('docker[runsc'): return 'runsc'
    if v == 'docker': return 'runc'
    if v.startswith('vm'): return 'vm[microvm]' if 'microvm' in v else 'vm[pc]'
    return v
per = defaultdict(list)
print(f"{'variant':12} {'it':>2} {'tool MB/s':>9} {'tool MiB':>8} {'dev MiB':>8} {'dev/tool':>8} {'KiB/req':>7} {'Dirty+ MiB':>10}")
for l in open(sys.argv[1]):
    s = json.loads(l)
    if s['workload'] != 'blockio' or s['metric'] != 'throughput':
        continue
    w = s['metadata']['workload']; tool = w['writes'] * w['block_size'] / 2**20
    end = datetime.datetime.fromisoformat(s['timestamp'].replace('Z', '')[:26]).replace(tzinfo=datetime.timezone.utc).timestamp()
    r = window(end - w['seconds'], end)
    if r is None:
        continue
    dt, dev, req, dirty = r
    v = short(s['variant'])
    if not s['warmup']:
        per[v].append((s['value'], dev / tool if tool else float('nan')))
    print(f"{v:12} {s['iteration']:>2}{'w' if s['warmup'] else ' '}{s['value']:9.0f} {tool:8.0f} {dev:8.0f} {dev/tool:8.2f} {dev*1024/max(req,1):7.0f} {dirty/1024:10.0f}")
print()
for v, xs in per.items():
    print(f"{v:12} median {statistics.median(x[0] for x in xs):7.0f} MB/s, dev/tool median {statistics.median(x[1] for x in xs):.2f} (n={len(xs)})")
print()
for f in fds:
    print(f)
