#!/usr/bin/env python3
# bench/sandbox-blockio-sample.py OUT: every 0.25 s the time, vda's writes completed and sectors written, and Dirty kB, until /tmp/sandbox-blockio-stop exists;
# every 2 s (until found) the open flags of host fds of blockio's files and of the VMs' data disks, each once per process.
import os, time, sys
out = open(sys.argv[1], 'w', buffering=1)
seen = set(); last_scan = 0
def vda():
    for l in open('/proc/diskstats'):
        f = l.split()
        if f[2] == 'vda':
            return int(f[7]), int(f[9])
def dirty():
    for l in open('/proc/meminfo'):
        if l.startswith('Dirty:'):
            return int(l.split()[1])
while not os.path.exists('/tmp/sandbox-blockio-stop'):
    t = time.time(); w, s = vda()
    out.write(f"{t:.3f} {w} {s} {dirty()}\n")
    if t - last_scan > 2:
        last_scan = t
        for pid in os.listdir('/proc'):
            if not pid.isdigit():
                continue
            try:
                for fd in os.listdir(f'/proc/{pid}/fd'):
                    try:
                        tgt = os.readlink(f'/proc/{pid}/fd/{fd}')
                    except OSError:
                        continue
                    if ('isobench-blockio-' in tgt or tgt.endswith('/data.qcow2')):
                        key = (pid, tgt.endswith('data.qcow2'))
                        flags = [x.split()[1] for x in open(f'/proc/{pid}/fdinfo/{fd}') if x.startswith('flags')][0]
                        fl = int(flags, 8)
                        if key in seen or fl & 3 == 0:
                            continue
                        seen.add(key)
                        comm = open(f'/proc/{pid}/comm').read().strip()
                        cmd = open(f'/proc/{pid}/cmdline').read().split('\0')
                        role = 'gofer' if 'gofer' in cmd else 'boot' if 'boot' in cmd else ''
                        out.write(f"# {t:.3f} fd pid={pid} comm={comm}{'('+role+')' if role else ''} flags={flags} "
                                  f"{'O_DIRECT' if fl & 0o40000 else 'no O_DIRECT'} target={tgt}\n")
            except (OSError, IndexError):
                continue
    time.sleep(max(0, 0.25 - (time.time() - t)))
