#!/usr/bin/env bash
# Fidelity of isobench's application load generators against the reference tools, natively, on
# this machine, in one run:
#   redis: isobench's redis workload next to redis-benchmark (SET and GET, same value size, key
#          space, requests and client counts), each against its own fresh redis-server;
#   mysql: isobench's mysql workload next to sysbench oltp_read_only and oltp_read_write (same
#          table size, threads, duration), each against a MariaDB configured the same way.
# Prints reference, isobench and their ratio per point; the target is isobench >= 0.90 of the
# reference tool's throughput at every point (the generator is never the bottleneck).
# Every point is measured REPEAT times, tools alternating; the table shows medians.
# A benchmark, not a test: never run by the tests. Needs redis-tools, sysbench, redis-server and
# mariadb-server (scripts/setup-host.sh installs them).
#
# Environment knobs (defaults in brackets):
#   REDIS_REQUESTS [100000]  REDIS_CLIENTS ["1 10 50 120"]  REDIS_KEYSPACE [100000]  VALUE_SIZE [50]
#   MYSQL_ROWS [100000]  MYSQL_THREADS ["1 4 16 32"]  MYSQL_TIME [10] (seconds per point)
#   REPEAT [3]  ONLY [redis mysql]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REDIS_REQUESTS=${REDIS_REQUESTS:-100000}
REDIS_CLIENTS=${REDIS_CLIENTS:-"1 10 50 120"}
REDIS_KEYSPACE=${REDIS_KEYSPACE:-100000}
VALUE_SIZE=${VALUE_SIZE:-50}
MYSQL_ROWS=${MYSQL_ROWS:-100000}
MYSQL_THREADS=${MYSQL_THREADS:-"1 4 16 32"}
MYSQL_TIME=${MYSQL_TIME:-10}
REPEAT=${REPEAT:-3}
ONLY=${ONLY:-"redis mysql"}
LOCK=/tmp/isobench-bench.lock

for tool in redis-benchmark redis-server sysbench mariadbd mariadb-install-db python3; do
  command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || { echo "fidelity-apps: $tool is missing: run scripts/setup-host.sh" >&2; exit 2; }
done
PATH="$PATH:/usr/sbin"

work=$(mktemp -d /var/tmp/isobench-fidelity-apps.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]:-}"; do
    [ -n "$p" ] && kill "$p" 2>/dev/null && wait "$p" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# builds the jar if needed, once, outside the lock (a build is not a measurement)
"$here/isobench" list workloads >/dev/null

# isobench_run NAME ARGS...: one native iteration; prints its samples file
isobench_run() {
  local out="$work/isobench-$1"; shift
  rm -rf "$out"
  "$here/isobench" run -e native -n 1 --warmup 0 -o "$out" "$@" >"$out.log" 2>&1 \
    || { echo "fidelity-apps: isobench failed:" >&2; tail -20 "$out.log" >&2; exit 1; }
  ls "$out"/*/samples.jsonl
}

# metric_value SAMPLES WORKLOAD_PARAM_FILTER METRIC LABEL VALUE -> the figure
metric_value() {
  python3 - "$@" <<'PY'
import json, sys
path, pkey, pval, metric, lkey, lval = sys.argv[1:7]
for line in open(path):
    s = json.loads(line)
    if s["metric"] != metric or str(s["labels"].get(lkey)) != lval:
        continue
    if pkey != "-" and str(s["params"].get(pkey)) != pval:
        continue
    print(s["value"]); break
PY
}

median() { python3 -c 'import statistics,sys; v=[float(x) for x in sys.argv[1:] if x]; print(statistics.median(v) if v else "nan")' "$@"; }

rows=()
add_row() { rows+=("$(printf '%-6s %-22s %12.0f %12.0f %7.3f %s' "$1" "$2" "$3" "$4" "$(python3 -c "print($4/$3 if $3 else float('nan'))")" \
  "$(python3 -c "print('ok' if $3 and $4/$3 >= 0.90 else 'BELOW 0.90')")")"); }

# ---------------------------------------------------------------------------- redis
redis_bench() {
  declare -A ref ours
  local clients_csv; clients_csv=$(echo $REDIS_CLIENTS | tr ' ' ',')
  for r in $(seq 1 "$REPEAT"); do
    # redis-benchmark against its own fresh server, configured as isobench configures its own
    local port; port=$(free_port)
    mkdir -p "$work/redis-$r"
    redis-server --bind 127.0.0.1 --port "$port" --save "" --appendonly no --protected-mode no \
      --dir "$work/redis-$r" --logfile "$work/redis-$r/redis.log" --daemonize no &
    local rpid=$!; pids+=("$rpid")
    for _ in $(seq 1 100); do redis-cli -p "$port" ping 2>/dev/null | grep -q PONG && break; sleep 0.05; done
    for c in $REDIS_CLIENTS; do
      while IFS=, read -r test rps _; do
        test=${test//\"/}; rps=${rps//\"/}
        case "$test" in SET|GET) ref[$test-$c]+="$rps " ;; esac
      done < <(redis-benchmark -p "$port" -t set,get -d "$VALUE_SIZE" -r "$REDIS_KEYSPACE" -n "$REDIS_REQUESTS" -c "$c" --csv | tail -n +2)
    done
    redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true
    wait "$rpid" 2>/dev/null || true
    # isobench: its own server inside the native environment, the same points
    local samples; samples=$(isobench_run "redis-$r" -w redis -p redis.commands=SET,GET -p "redis.clients=$clients_csv" \
      -p "redis.requests=$REDIS_REQUESTS" -p "redis.value_size=$VALUE_SIZE" -p "redis.keyspace=$REDIS_KEYSPACE")
    for c in $REDIS_CLIENTS; do
      for t in SET GET; do
        ours[$t-$c]+="$(metric_value "$samples" - - "${t,,}" clients "$c") "
      done
    done
  done
  for c in $REDIS_CLIENTS; do
    for t in SET GET; do
      add_row redis "$t clients=$c" "$(median ${ref[$t-$c]})" "$(median ${ours[$t-$c]})"
    done
  done
}

# ---------------------------------------------------------------------------- mysql
mysql_bench() {
  declare -A ref ours
  local threads_csv; threads_csv=$(echo $MYSQL_THREADS | tr ' ' ',')
  local base="$work/mariadb" port; port=$(free_port)
  mkdir -p "$base"
  mariadb-install-db --no-defaults --datadir="$base/data" --auth-root-authentication-method=normal --skip-test-db \
    --user="$(id -un)" >"$base/install.log" 2>&1
  cat >"$base/init.sql" <<SQL
CREATE USER IF NOT EXISTS 'sbtest'@'%' IDENTIFIED BY 'sbtest';
GRANT ALL PRIVILEGES ON *.* TO 'sbtest'@'%';
CREATE DATABASE IF NOT EXISTS sbtest;
SQL
  # the configuration isobench's mysql workload gives its own server
  mariadbd --no-defaults --datadir="$base/data" --port="$port" --bind-address=127.0.0.1 --socket="$base/mysqld.sock" \
    --pid-file="$base/mysqld.pid" --log-error="$base/error.log" --skip-name-resolve --init-file="$base/init.sql" \
    --innodb-buffer-pool-size=1G --innodb-flush-method=O_DIRECT --innodb-flush-log-at-trx-commit=0 \
    --max-connections=1000 --user="$(id -un)" >"$base/mariadbd.out" 2>&1 &
  local mpid=$!; pids+=("$mpid")
  local sb="--db-driver=mysql --mysql-host=127.0.0.1 --mysql-port=$port --mysql-user=sbtest --mysql-password=sbtest --mysql-db=sbtest --tables=1 --table-size=$MYSQL_ROWS"
  for _ in $(seq 1 300); do grep -q "ready for connections" "$base/error.log" 2>/dev/null && break; sleep 0.1; done
  sysbench oltp_read_only $sb prepare >"$base/prepare.log" 2>&1 || { echo "fidelity-apps: sysbench prepare failed:" >&2; tail "$base/prepare.log" >&2; exit 1; }
  for r in $(seq 1 "$REPEAT"); do
    for mode in read_only read_write; do
      for t in $MYSQL_THREADS; do
        tps=$(sysbench "oltp_$mode" $sb --threads="$t" --time="$MYSQL_TIME" run | awk '/transactions:/ {gsub(/\(/,"",$3); print $3}')
        ref[$mode-$t]+="$tps "
      done
    done
    local samples; samples=$(isobench_run "mysql-$r" -w mysql -p mysql.mode=read_only,read_write -p "mysql.threads=$threads_csv" \
      -p "mysql.table_size=$MYSQL_ROWS" -p "mysql.duration=${MYSQL_TIME}s" -p mysql.ramp=1s -p mysql.buffer_pool=1G)
    for mode in read_only read_write; do
      for t in $MYSQL_THREADS; do
        ours[$mode-$t]+="$(metric_value "$samples" mode "$mode" tps threads "$t") "
      done
    done
  done
  kill "$mpid"; wait "$mpid" 2>/dev/null || true
  for mode in read_only read_write; do
    for t in $MYSQL_THREADS; do
      add_row mysql "$mode threads=$t" "$(median ${ref[$mode-$t]})" "$(median ${ours[$mode-$t]})"
    done
  done
}

run_all() {
  for what in $ONLY; do
    case "$what" in
      redis) redis_bench ;;
      mysql) mysql_bench ;;
      *) echo "fidelity-apps: ONLY may name redis and mysql, not '$what'" >&2; exit 2 ;;
    esac
  done
  echo
  echo "isobench application load generators vs reference tools (native, $(nproc) CPUs, median of $REPEAT)"
  printf '%-6s %-22s %12s %12s %7s %s\n' tool point reference isobench ratio target
  printf '%-6s %-22s %12s %12s %7s %s\n' ------ ---------------------- ------------ ------------ ------- ------
  printf '%s\n' "${rows[@]}"
  echo "(redis: req/s, reference redis-benchmark; mysql: transactions/s, reference sysbench 'oltp_<mode>'; target: ratio >= 0.90)"
}

# the measuring part holds the shared benchmark lock so benchmarks of parallel sessions do not overlap
exec 9>"$LOCK"
flock 9
run_all
