#!/usr/bin/env bash
# Installs and starts what isobench's environments, tests and reference benchmarks need on a
# Debian 12 host. Safe to run again: it installs only what is missing and starts dockerd only
# when no engine answers.
#
#   scripts/setup-host.sh            everything: environments (docker, runsc, qemu, guest kernel),
#                                    application servers, reference tools for bench/
#   scripts/setup-host.sh --no-bench everything but the reference tools
#   scripts/setup-host.sh --remote   a fleet's host (isobench hosts setup): what runs need, no JDK, no
#                                    build or test tools (isobench brings its own JRE there)
set -euo pipefail

bench=1
remote=0
for a in "$@"; do
  case "$a" in
    --no-bench) bench=0 ;;
    --remote) bench=0; remote=1 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "setup-host: unknown option '$a' (use --no-bench, --remote or nothing)" >&2; exit 2 ;;
  esac
done

if [ "$(id -u)" != 0 ]; then
  echo "setup-host: run as root (it installs packages and starts dockerd): sudo $0 $*" >&2
  exit 2
fi

log() { echo "setup-host: $*" >&2; }

# What each part needs, by Debian package.
core=(maven util-linux iproute2 e2fsprogs xz-utils procps chromium fonts-dejavu-core)
docker_pkgs=(docker.io runsc)
vm_pkgs=(qemu-system-x86 qemu-utils linux-image-cloud-amd64 debootstrap busybox-static dpkg-repack)
app_pkgs=(redis-server mariadb-server libopenblas0-pthread)
bench_pkgs=(hpcc fio iperf3 sockperf qperf redis-tools sysbench)

[ "$remote" = 1 ] && core=(util-linux iproute2 e2fsprogs xz-utils procps tar coreutils)
wanted=("${core[@]}" "${docker_pkgs[@]}" "${vm_pkgs[@]}" "${app_pkgs[@]}")
[ "$bench" = 1 ] && wanted+=("${bench_pkgs[@]}")

missing=()
for p in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # services must not start on install: isobench starts its own servers inside each environment
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  rm -f /usr/sbin/policy-rc.d; trap - EXIT
fi

# A JDK 21+ for building and running isobench.
jdk_ok=0
for j in "${JAVA_HOME:-}" /usr/lib/jvm/*; do
  [ -n "$j" ] && [ -x "$j/bin/javac" ] || continue
  v=$("$j/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}' | cut -d. -f1)
  [ "${v:-0}" -ge 21 ] && jdk_ok=1
done
[ "$jdk_ok" = 1 ] || [ "$remote" = 1 ] || { log "no JDK 21+ under /usr/lib/jvm: install one (e.g. Temurin 21+) and set JAVA_HOME"; exit 2; }

# Docker: the gVisor runtimes, then an engine if none answers. runsc's network mode is a flag of the
# runtime, not of a container, so each mode is a runtime of its own:
#   runsc          --network=none     no network (Debian 12's runsc, registered without a flag, sets one up
#                                     anyway and, on kernels that give every namespace its own
#                                     net.core.rmem_default, refuses to start)
#   runsc-host     --network=host     the host-network passthrough: the Sentry hands sockets to the host
#                                     kernel's stack in the container's own namespace
#   runsc-sandbox  --network=sandbox  gVisor's own stack (netstack); refused on some hosts ("cannot run with
#                                     network enabled in root network namespace"), which isobench reports
runsc_modes=("runsc:none" "runsc-host:host" "runsc-sandbox:sandbox")
runsc_entries() {  # the "runtimes" members, one per line, for the runsc at $1
  local i=0 m
  for m in "${runsc_modes[@]}"; do
    i=$((i + 1))
    printf '    "%s": {"path": "%s", "runtimeArgs": ["--network=%s"]}%s\n' "${m%%:*}" "$1" "${m#*:}" \
      "$([ $i -lt ${#runsc_modes[@]} ] && echo ,)"
  done
}
squeeze() { tr -d ' \n\t' < "$1"; }
reload=0
daemon=/etc/docker/daemon.json
if command -v runsc >/dev/null; then
  runsc=$(command -v runsc)
  want="{\n  \"runtimes\": {\n$(runsc_entries "$runsc")\n  }\n}\n"
  have=$( [ -s "$daemon" ] && squeeze "$daemon" || true)
  # earlier versions of this script wrote these; they are ours to rewrite, like a missing or empty file
  ours=("" "{\"runtimes\":{\"runsc\":{\"path\":\"$runsc\"}}}"
        "{\"runtimes\":{\"runsc\":{\"path\":\"$runsc\",\"runtimeArgs\":[\"--network=none\"]}}}")
  if [ "$have" != "$(printf '%b' "$want" | tr -d ' \n\t')" ]; then
    mine=0
    for o in "${ours[@]}"; do [ "$have" = "$o" ] && mine=1; done
    if [ "$mine" = 1 ]; then
      mkdir -p /etc/docker
      printf '%b' "$want" > "$daemon.isobench-new" && mv "$daemon.isobench-new" "$daemon"
      log "registered the gVisor runtimes (runsc, runsc-host, runsc-sandbox) in $daemon"
      reload=1
    else
      missing_rt=()
      for m in "${runsc_modes[@]}"; do
        squeeze "$daemon" | grep -qF "\"${m%%:*}\":{\"path\":\"$runsc\",\"runtimeArgs\":[\"--network=${m#*:}\"]}" \
          || missing_rt+=("${m%%:*}")
      done
      if [ ${#missing_rt[@]} -gt 0 ]; then
        log "$daemon is not ours: it lacks the gVisor runtime(s) ${missing_rt[*]}; add to its \"runtimes\":"
        runsc_entries "$runsc" >&2
        log "then reload dockerd: kill -HUP \$(pidof dockerd)"
      fi
    fi
  elif info=$(docker info 2>/dev/null) && ! grep -q 'runsc-sandbox' <<<"$info"; then
    reload=1  # registered, but the running engine has not read it yet
  fi
fi
if [ "$reload" = 1 ] && pid=$(pidof dockerd); then
  # SIGHUP makes dockerd reload its runtimes; the containers running on it are left alone
  log "reloading dockerd ($pid) for the gVisor runtimes"
  kill -HUP $pid
  for _ in $(seq 1 20); do grep -q 'runsc-sandbox' <<<"$(docker info 2>/dev/null)" && break; sleep 0.25; done
fi
if ! docker info >/dev/null 2>&1; then
  log "starting dockerd (log: /var/log/isobench-dockerd.log)"
  # the daemon outlives this script: it gets a session of its own and none of the caller's open
  # descriptors beyond stdio (a lock or a pipe of the caller's, inherited, would be held for as long
  # as dockerd runs: a CI step waiting on its pipe, or a lock, would never see it closed)
  (
    for fd in /proc/self/fd/*; do
      fd=${fd##*/}
      [ "$fd" -gt 2 ] 2>/dev/null && eval "exec $fd>&-" 2>/dev/null
    done
    exec setsid dockerd </dev/null >/var/log/isobench-dockerd.log 2>&1
  ) &
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
  docker info >/dev/null 2>&1 || { log "dockerd did not come up; see /var/log/isobench-dockerd.log"; exit 1; }
fi
log "ready: $(docker version --format 'docker {{.Server.Version}}' 2>/dev/null), $(qemu-system-x86_64 --version | head -1)"
