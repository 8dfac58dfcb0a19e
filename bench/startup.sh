#!/usr/bin/env bash
# bench/startup.sh: how long each environment takes from "start" to an agent that answers its
# first request (and to tear down again), N times each, as a table of median, min and max.
#
#   bench/startup.sh [N]        N timed starts per environment variant (default 5), after one
#                               untimed start that builds images and warms caches
#
# One line of VARIANTS per environment variant: the environment, then its settings (comma-
# separated SETTING=VALUE, as `isobench probe-start --set` takes them). Another environment is
# one more line. A variant this host cannot run shows as n/a with the reason.
# Other benchmarks are kept out while measuring (flock /tmp/isobench-bench.lock).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
n="${1:-5}"

VARIANTS=(
  "native"
  "docker network=host"
  "docker network=nat"
  "docker runtime=runsc,network=none"
)

isobench="$here/isobench"
"$isobench" --version >/dev/null   # builds the jar when stale, outside the measurement

# one lock for the whole measurement: every variant measured under the same conditions
exec 9>/tmp/isobench-bench.lock
flock 9
rows=()
for line in "${VARIANTS[@]}"; do
  read -r env settings <<<"$line"
  args=(probe-start --env "$env" -n "$n" --warmup 1 --tsv)
  [ -n "${settings:-}" ] && args+=(--set "$settings")
  err="$(mktemp)"
  if out="$("$isobench" "${args[@]}" 2>"$err" 9>&-)"; then
    rows+=("$(tail -n 1 <<<"$out")")
  else
    reason="$(grep -m1 'isobench:' "$err" | sed 's/^isobench: //' | cut -c1-90)"
    rows+=("$env${settings:+[$settings]}	-	n/a	-	-	${reason:-failed}")
  fi
  rm -f "$err"
done
flock -u 9

printf '\nstart-up until the agent answers (ms), %s timed starts each, host: %s, %s CPUs\n\n' "$n" "$(uname -r)" "$(nproc)"
{
  printf 'variant\tn\tstart median\tmin\tmax\tstop median\n'
  printf '%s\n' "${rows[@]}"
} | column -t -s $'\t'
