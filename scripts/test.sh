#!/usr/bin/env bash
# The test command: sets the host up (packages, dockerd) and runs every test, unit and
# integration (docker, vm), with the newest JDK 21+ on the machine.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
"$here/scripts/setup-host.sh" --no-bench
# the remote hosts of the SSH tests (issue 18): OpenSSH's server, started by the tests themselves in
# network namespaces of their own, never as a service (policy-rc.d keeps the package from starting one)
if [ ! -x /usr/sbin/sshd ]; then
  echo "test: installing openssh-server (the SSH tests' remote hosts)" >&2
  # a policy-rc.d of the machine's own (container images ship one) stays as it is
  own_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d; own_policy=1
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openssh-server >/dev/null \
    || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openssh-server >/dev/null; }
  [ "$own_policy" = 1 ] && { rm -f /usr/sbin/policy-rc.d; trap - EXIT; }
  # policy-rc.d keeps the service from starting now; on a systemd machine the package still enables
  # it for the next boot, which a test run must not leave behind
  if command -v systemctl >/dev/null 2>&1; then systemctl disable ssh.service ssh.socket >/dev/null 2>&1 || true; fi
fi
if [ -z "${JAVA_HOME:-}" ] || ! "$JAVA_HOME/bin/java" -version 2>&1 | grep -qE 'version "(2[1-9]|[3-9][0-9])'; then
  JAVA_HOME=$(ls -d /usr/lib/jvm/*/ | while read -r j; do
    v=$("$j/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}' | cut -d. -f1)
    [ "${v:-0}" -ge 21 ] && echo "$v ${j%/}"; done | sort -n | tail -1 | cut -d' ' -f2)
  export JAVA_HOME
fi
echo "test: JAVA_HOME=$JAVA_HOME" >&2
exec mvn -B verify "$@"
