#!/bin/bash
# Evidence for bench/sandbox-blockio.md.
# dd.sh LABEL RUNTIME STORAGE(rootfs|volume|bind) MB : one O_DIRECT dd in a container, host-side counters around it
set -u
label=$1 rt=$2 st=$3 mb=${4:-512}
img=isobench-base:full-3f307e0f49d45ff5
name=sbx-ev-$$
args=(--runtime "$rt" --name "$name" -d --network none)
dir=/var/tmp/ddtest
case $st in
  volume) docker volume create sbx-ev-vol >/dev/null; args+=(-v sbx-ev-vol:/data); dir=/data;;
  bind) mkdir -p /var/tmp/sbx-ev-bind; args+=(-v /var/tmp/sbx-ev-bind:/data); dir=/data;;
esac
docker run "${args[@]}" $img sleep 300 >/dev/null
docker exec $name sh -c "mkdir -p $dir; grep -E ' (/|/data) ' /proc/mounts | head -3" | sed 's/^/  mount: /'
vda() { awk '$3=="vda"{print $8, $10}' /proc/diskstats; }
mi() { awk '/^(Dirty|Writeback|Shmem|Cached):/{v[$1]=$2} END{print v["Dirty:"], v["Writeback:"], v["Shmem:"], v["Cached:"]}' /proc/meminfo; }
sync; sleep 1
read w0 s0 < <(vda); read d0 wb0 sh0 c0 < <(mi)
# dd in the background so the host fd of the file can be looked at while it writes
docker exec $name sh -c "dd if=/dev/zero of=$dir/ddfile bs=1M count=$mb oflag=direct 2>&1 | tail -1" > ${TMPDIR:-/tmp}/sandbox-blockio-dd.out &
ddp=$!
flags=""
for i in $(seq 1 60); do
  fds=$(find /proc/[0-9]*/fd -lname '*ddfile*' 2>/dev/null)
  if [ -n "$fds" ]; then
    for fd in $fds; do p=${fd#/proc/}; p=${p%%/*}; f=$(awk '/^flags/{print $2}' /proc/$p/fdinfo/${fd##*/} 2>/dev/null)
      role=$(tr '\0' ' ' < /proc/$p/cmdline 2>/dev/null | grep -o -E ' (gofer|boot|dd) ' | head -1 | tr -d ' ')
      flags="$flags $(cat /proc/$p/comm 2>/dev/null)${role:+($role)}[$p]:flags=$f"; done
    break; fi
  sleep 0.02
done
wait $ddp
read w1 s1 < <(vda); read d1 wb1 sh1 c1 < <(mi)
sync
read w2 s2 < <(vda)
echo "$label: dd: $(cat ${TMPDIR:-/tmp}/sandbox-blockio-dd.out)"
echo "  host fd of the file:${flags:- (not found)}"
odirect=""; for f in $flags; do fl=${f##*=}; [ -n "$fl" ] || continue; acc=$(( 8#$fl & 3 )); am=(RDONLY WRONLY RDWR x)
  [ $(( 8#$fl & 8#40000 )) -ne 0 ] && odirect="$odirect ${am[$acc]}+O_DIRECT" || odirect="$odirect ${am[$acc]}-no-O_DIRECT"; done
echo "  O_DIRECT on host fd:${odirect:- ?}"
echo "  vda during dd: $(( (s1-s0)/2048 )) MiB in $((w1-w0)) requests; after sync: +$(( (s2-s1)/2048 )) MiB in $((w2-w1)) requests"
echo "  meminfo delta kB: Dirty $((d1-d0)) Writeback $((wb1-wb0)) Shmem $((sh1-sh0)) Cached $((c1-c0))"
docker rm -f $name >/dev/null
[ "$st" = volume ] && docker volume rm sbx-ev-vol >/dev/null
[ "$st" = bind ] && rm -rf /var/tmp/sbx-ev-bind
true
