#!/usr/bin/env bash
# The test command: sets the host up (packages, dockerd) and runs every test, unit and
# integration (docker, vm), with the newest JDK 21+ on the machine.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
"$here/scripts/setup-host.sh" --no-bench
if [ -z "${JAVA_HOME:-}" ] || ! "$JAVA_HOME/bin/java" -version 2>&1 | grep -qE 'version "(2[1-9]|[3-9][0-9])'; then
  JAVA_HOME=$(ls -d /usr/lib/jvm/*/ | while read -r j; do
    v=$("$j/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}' | cut -d. -f1)
    [ "${v:-0}" -ge 21 ] && echo "$v ${j%/}"; done | sort -n | tail -1 | cut -d' ' -f2)
  export JAVA_HOME
fi
echo "test: JAVA_HOME=$JAVA_HOME" >&2
exec mvn -B verify "$@"
