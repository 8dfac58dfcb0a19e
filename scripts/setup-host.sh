#!/usr/bin/env bash
# Installs and starts what isobench's environments, tests and reference benchmarks need on a
# Debian 12 host. Safe to run again: it installs only what is missing and starts dockerd only
# when no engine answers.
#
#   scripts/setup-host.sh            everything: environments (docker, runsc, qemu, guest kernel),
#                                    application servers, reference tools for bench/
#   scripts/setup-host.sh --no-bench everything but the reference tools
set -euo pipefail

bench=1
for a in "$@"; do
  case "$a" in
    --no-bench) bench=0 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "setup-host: unknown option '$a' (use --no-bench or nothing)" >&2; exit 2 ;;
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
vm_pkgs=(qemu-system-x86 qemu-utils linux-image-cloud-amd64 debootstrap busybox-static)
app_pkgs=(redis-server mariadb-server libopenblas0-pthread)
bench_pkgs=(hpcc fio iperf3 sockperf qperf redis-tools sysbench)

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
[ "$jdk_ok" = 1 ] || { log "no JDK 21+ under /usr/lib/jvm: install one (e.g. Temurin 21+) and set JAVA_HOME"; exit 2; }

# Docker: the gVisor runtime, then an engine if none answers. Debian 12's runsc refuses to start
# a sandbox with networking on this kind of host ("cannot run with network enabled in root network
# namespace"), so it is registered with --network=none: gVisor variants run without a network.
runsc_entry='"runsc": {"path": "%s", "runtimeArgs": ["--network=none"]}'
reload=0
if command -v runsc >/dev/null && ! grep -qs -- '--network=none' /etc/docker/daemon.json; then
  mkdir -p /etc/docker
  # ours to (re)write when missing or when it is the registration an earlier version wrote
  if [ ! -s /etc/docker/daemon.json ] || [ "$(tr -d ' \n' < /etc/docker/daemon.json)" = "{\"runtimes\":{\"runsc\":{\"path\":\"$(command -v runsc)\"}}}" ]; then
    printf "{\n  \"runtimes\": {$runsc_entry}\n}\n" "$(command -v runsc)" > /etc/docker/daemon.json
    reload=1
  else
    log "/etc/docker/daemon.json is not ours; for gVisor add to it: \"runtimes\": {$(printf "$runsc_entry" "$(command -v runsc)")}"
  fi
fi
if [ "$reload" = 1 ] && pid=$(pidof dockerd); then
  log "reloading dockerd ($pid) for the runsc runtime"
  kill -HUP $pid
  sleep 1
fi
if ! docker info >/dev/null 2>&1; then
  log "starting dockerd (log: /var/log/isobench-dockerd.log)"
  nohup dockerd >/var/log/isobench-dockerd.log 2>&1 &
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
  docker info >/dev/null 2>&1 || { log "dockerd did not come up; see /var/log/isobench-dockerd.log"; exit 1; }
fi
log "ready: $(docker version --format 'docker {{.Server.Version}}' 2>/dev/null), $(qemu-system-x86_64 --version | head -1)"
