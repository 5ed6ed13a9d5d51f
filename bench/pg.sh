#!/usr/bin/env bash
# Durable submissions on PostgreSQL with one and two app nodes, beside pgbench's own TPS on the
# same server in the same run (the engine's ceiling). See bench/README.md; the figures go into
# BENCHMARKS.md by hand — this script writes nothing outside its temporary directory.
#
# In one run, on 127.0.0.1 only:
#   - a throwaway PostgreSQL 15 (tests/support/pg_server.sh: fsync and synchronous_commit on);
#   - pgbench against it: the built-in TPC-B-like script, and a one-INSERT-per-transaction
#     script (a ~1 KB row, like an application row) with 1 client and with many;
#   - two `madoguchi serve` nodes over one database on it (same config file, so the same
#     `store = "postgresql://…?pool_size=N"`), and nginx with two listeners: one in front of
#     node 1 alone, one round-robin over both nodes;
#   - bench/submit_load (guest 罹災証明書 journeys through the real routes; only the final
#     submits are timed) against: node 1 directly, node 1 through nginx, both nodes through nginx.
# Rounds alternate the order; the summary gives medians and per-round values. After each
# submit_load run the acknowledged submissions are counted in the database. Per run it also
# records the CPU time of every process (from /proc); in extra unmeasured runs (SAMPLE=1),
# PostgreSQL's commits and WAL flushes per journey (pg_stat_database, pg_stat_wal) and what
# the database sessions were doing (pg_stat_activity sampled every 50 ms).
#
# Settings (environment):
#   BUILD=build            build directory with madoguchi and bench/submit_load (RelWithDebInfo)
#   NO_BUILD=1             use the binaries as they are (otherwise `ninja madoguchi submit_load`)
#   ROUNDS=3               rounds of everything
#   CONCURRENCY=32 WAVES=2 submit_load: concurrent residents, and how many after one another
#   THREADS=0              madoguchi `threads` per node (0 = the product default)
#   POOL_SIZE=8            madoguchi `pool_size` per node (connections to PostgreSQL)
#   PGBENCH_SECONDS=10     length of each pgbench run
#   PGBENCH_SCALE=10       pgbench -i scale; TPC-B-like runs with as many clients as the scale
#   PGBENCH_CLIENTS=       clients of the many-client insert run (default: CONCURRENCY)
#   SAMPLE=1               extra, unmeasured runs sampling pg_stat_activity (0 to skip)
#   PERF=1                 also profile node 1 (perf record, cpu-clock, DWARF) in an extra run
#   KEEP=1                 keep the temporary directory (logs, raw outputs, pgbench logs)
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="${BUILD:-$ROOT/build}"
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
ROUNDS="${ROUNDS:-3}"
CONCURRENCY="${CONCURRENCY:-32}"
WAVES="${WAVES:-2}"
THREADS="${THREADS:-0}"
POOL_SIZE="${POOL_SIZE:-8}"
PGBENCH_SECONDS="${PGBENCH_SECONDS:-10}"
PGBENCH_SCALE="${PGBENCH_SCALE:-10}"
PGBENCH_CLIENTS="${PGBENCH_CLIENTS:-$CONCURRENCY}"
SAMPLE="${SAMPLE:-1}"
PERF="${PERF:-0}"
KEEP="${KEEP:-0}"
PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"

die() { echo "bench/pg: $*" >&2; exit 1; }

# One benchmark at a time on this machine (bench/run.sh takes the same lock): two load runs
# at once on two cores would measure each other.
exec 9>/tmp/madoguchi-bench.lock
if ! flock -n 9; then
  echo "bench/pg: waiting for another benchmark to finish (/tmp/madoguchi-bench.lock)" >&2
  flock 9
fi

for tool in nginx curl python3 "$PG_BIN/pgbench" "$PG_BIN/psql"; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool is missing (prerequisites: bench/README.md)"
done
[ -f "$BUILD/build.ninja" ] || die "no build in $BUILD (set BUILD=, see bench/README.md)"
[ -f "$ROOT/generated/holidays.tsv" ] || die "generated/holidays.tsv is missing: run scripts/setup first"
if [ "${NO_BUILD:-0}" != 1 ]; then
  echo "bench/pg: building in $BUILD" >&2
  ninja -C "$BUILD" madoguchi submit_load >/dev/null || die "cannot build madoguchi/submit_load in $BUILD"
fi
MADOGUCHI="$BUILD/madoguchi"
SUBMIT_LOAD="$BUILD/bench/submit_load"
[ -x "$SUBMIT_LOAD" ] || die "no $SUBMIT_LOAD (configure with -DMADOGUCHI_BENCH=ON)"
BUILD_TYPE="$(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$BUILD/CMakeCache.txt")"
PSQL="$PG_BIN/psql"
PGBENCH="$PG_BIN/pgbench"

LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg)"
DATE_START="$(date -u '+%Y-%m-%d %H:%M UTC')"
T="$(mktemp -d /tmp/madoguchi-pgbench.XXXXXX)"
OUT="$T/results"
mkdir -p "$OUT" "$T/nginx/tmp"
chmod 755 "$T"  # nginx workers run as "nobody" when started by root

NODE_PIDS=()
NGINX_PID=""
BG_PIDS=()
cleanup() {
  set +e
  for p in "${BG_PIDS[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
  if [ -n "$NGINX_PID" ]; then kill -QUIT "$NGINX_PID" 2>/dev/null; wait "$NGINX_PID" 2>/dev/null; fi
  for p in "${NODE_PIDS[@]}"; do kill -TERM "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
  bash "$ROOT/tests/support/pg_server.sh" stop "$T/pg" >/dev/null 2>&1
  if [ "$KEEP" = 1 ]; then echo "bench/pg: kept $T" >&2; else rm -rf "$T"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {if (NR==0) print "n/a"; else if (NR%2) print a[(NR+1)/2]; else printf "%.2f\n", (a[NR/2]+a[NR/2+1])/2}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b+0 == 0) print "n/a"; else printf "%.2f\n", a/b}'; }
div() { awk -v a="$1" -v b="$2" -v f="${3:-%.2f}" 'BEGIN {if (b+0 == 0) print "n/a"; else printf f "\n", a/b}'; }
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
field() { sed -n "s/.*[ ]$2=\([^ ]*\).*/\1/p" "$1" | tail -1; }

# ---------------------------------------------------------------- PostgreSQL
echo "bench/pg: starting PostgreSQL" >&2
BASE_URL="$(bash "$ROOT/tests/support/pg_server.sh" start "$T/pg")" || die "PostgreSQL did not start"
PGDIR="$(cat "$T/pg/pgdir")"
url_for() { printf '%s\n' "$BASE_URL" | sed "s|/madoguchi_test\$|/$1|"; }
APP_URL="$(url_for madoguchi)"
PGB_URL="$(url_for pgbench)"
"$PSQL" "$BASE_URL" -qAtc 'CREATE DATABASE madoguchi' -c 'CREATE DATABASE pgbench' >/dev/null
PG_VERSION="$("$PSQL" "$APP_URL" -Atc 'SHOW server_version')"
PG_SETTINGS="$("$PSQL" "$APP_URL" -Atc "SELECT string_agg(name || '=' || setting || coalesce(unit, ''), ' ' ORDER BY name) FROM pg_settings WHERE name IN ('fsync','synchronous_commit','wal_sync_method','shared_buffers','commit_delay','max_connections')")"
q() { "$PSQL" "$APP_URL" -Atc "$1"; }

echo "bench/pg: pgbench -i -s $PGBENCH_SCALE" >&2
"$PGBENCH" -i -q -s "$PGBENCH_SCALE" "$PGB_URL" >"$OUT/pgbench-init.txt" 2>&1 || { cat "$OUT/pgbench-init.txt" >&2; die "pgbench -i failed"; }
# The insert reference: one row of about an application's size (answers ~1 KB) per transaction.
"$PSQL" "$PGB_URL" -qc 'CREATE TABLE insert_ref (id bigserial PRIMARY KEY, receipt text NOT NULL, answers text NOT NULL, created_at bigint NOT NULL)' >/dev/null
"$PSQL" "$PGB_URL" -qc 'CREATE INDEX ON insert_ref (receipt)' >/dev/null
cat >"$T/insert.sql" <<'EOF'
\set r random(1, 1000000000)
INSERT INTO insert_ref (receipt, answers, created_at) VALUES ('R-' || :r, repeat('x', 1000), :r);
EOF

# ---------------------------------------------------------------- the nodes
cat >"$T/madoguchi.toml" <<EOF
listen = "127.0.0.1:0"
store = "$APP_URL?pool_size=$POOL_SIZE"
procedures = "$ROOT/procedures"
templates = "$ROOT/templates"
locales = "$ROOT/locales"
static = "$ROOT/static"
holidays = "$ROOT/generated/holidays.tsv"
threads = $THREADS
EOF
"$MADOGUCHI" --config "$T/madoguchi.toml" migrate >"$T/migrate.log" 2>&1 || { cat "$T/migrate.log" >&2; die "migrate failed"; }
PORTS=()
for n in 1 2; do
  "$MADOGUCHI" --config "$T/madoguchi.toml" serve >"$T/node$n.out" 2>"$T/node$n.log" &
  NODE_PIDS+=($!)
  port=""
  for _ in $(seq 200); do
    port="$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$T/node$n.out")"
    [ -n "$port" ] && curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
    kill -0 "${NODE_PIDS[-1]}" 2>/dev/null || { cat "$T/node$n.out" "$T/node$n.log" >&2; die "node $n did not start"; }
    sleep 0.1
  done
  [ -n "$port" ] || die "node $n did not print its port"
  PORTS+=("$port")
done
NODE_THREADS="$(ls /proc/"${NODE_PIDS[0]}"/task | wc -l)"

# ---------------------------------------------------------------- nginx
LB1="$(free_port)"
LB2="$(free_port)"
cat >"$T/nginx/nginx.conf" <<EOF
# The configuration of docs/operations.md: round-robin, keep-alive to the nodes, default
# proxy_next_upstream. Access log off (the nodes log every request themselves).
worker_processes 1;
daemon off;
pid $T/nginx/nginx.pid;
error_log $T/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $T/nginx/tmp/body;
  proxy_temp_path $T/nginx/tmp/proxy;
  fastcgi_temp_path $T/nginx/tmp/fastcgi;
  uwsgi_temp_path $T/nginx/tmp/uwsgi;
  scgi_temp_path $T/nginx/tmp/scgi;
  client_max_body_size 32m;
  upstream one_node { server 127.0.0.1:${PORTS[0]}; keepalive 64; }
  upstream two_nodes { server 127.0.0.1:${PORTS[0]}; server 127.0.0.1:${PORTS[1]}; keepalive 64; }
  proxy_http_version 1.1;
  proxy_set_header Connection "";
  proxy_set_header Host \$http_host;
  proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
  server { listen 127.0.0.1:$LB1; location / { proxy_pass http://one_node; } }
  server { listen 127.0.0.1:$LB2; location / { proxy_pass http://two_nodes; } }
}
EOF
nginx -e "$T/nginx/error.log" -p "$T/nginx" -c "$T/nginx/nginx.conf" &
NGINX_PID=$!
for port in "$LB1" "$LB2"; do
  for _ in $(seq 100); do
    curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null && break
    kill -0 "$NGINX_PID" 2>/dev/null || { cat "$T/nginx/error.log" >&2; die "nginx did not start"; }
    sleep 0.1
  done
done
NGINX_VERSION="$(nginx -v 2>&1 | sed 's/.*: //')"

# ---------------------------------------------------------------- measurements
# CPU seconds (user + system) used so far by a set of processes.
cpu_of() {
  local total=0 p t
  for p in "$@"; do
    t="$(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0)"
    total=$((total + t))
  done
  awk -v t="$total" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.3f\n", t / hz}'
}
postmaster_pid() { head -1 "$PGDIR/data/postmaster.pid"; }
pg_pids() { local pm; pm="$(postmaster_pid)"; echo "$pm" $(pgrep -P "$pm"); }
nginx_pids() { echo "$NGINX_PID" $(pgrep -P "$NGINX_PID"); }
# Commits in the app database and WAL flushes of the server. Backends report these counters
# lazily (when idle, at most every 10 s in PostgreSQL 15), hence the pause before reading.
pg_counters() {
  sleep 11
  "$PSQL" "$BASE_URL" -Atc "SELECT (SELECT xact_commit FROM pg_stat_database WHERE datname = 'madoguchi') || ' ' || (SELECT wal_sync FROM pg_stat_wal)"
}

# pgbench: TPS, and p50/p99 from its per-transaction log (latency in microseconds, field 3).
run_pgbench() {  # name outfile pgbench-args...
  local name="$1" f="$2"; shift 2
  rm -f "$OUT/pgblog-$name".*
  "$PGBENCH" -n -M prepared -T "$PGBENCH_SECONDS" -l --log-prefix="$OUT/pgblog-$name" "$@" "$PGB_URL" >"$f" 2>&1 ||
    { cat "$f" >&2; die "pgbench $name failed"; }
  local tps p50 p99
  tps="$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' "$f" | tail -1)"
  read -r p50 p99 < <(cat "$OUT/pgblog-$name".* | awk '{print $3}' | sort -n |
    awk '{a[NR]=$1} END {i50=int(NR*0.50+0.999); i99=int(NR*0.99+0.999); if (i50<1) i50=1; if (i99<1) i99=1;
      printf "%.2f %.2f\n", a[i50]/1000, a[i99]/1000}')
  rm -f "$OUT/pgblog-$name".*
  echo "RESULT pgbench name=$name tps=$tps p50_ms=$p50 p99_ms=$p99" >>"$f"
}

# submit_load against a port, with the counters around it. Result fields in $OUT/$name.txt.
SETUPS=(direct1 nginx1 nginx2)
declare -A SETUP_PORT=([direct1]="${PORTS[0]}" [nginx1]="$LB1" [nginx2]="$LB2")
declare -A SETUP_TITLE=([direct1]="1 node, direct" [nginx1]="1 node behind nginx" [nginx2]="2 nodes behind nginx")
run_submit() {  # setup outfile
  local setup="$1" f="$2" before_apps after_apps n0 n1 g0 g1 s0 s1
  before_apps="$(q 'SELECT count(*) FROM applications')"
  n0="$(cpu_of "${NODE_PIDS[@]}")"; g0="$(cpu_of $(pg_pids))"; s0="$(cpu_of $(nginx_pids))"
  local TIMEFORMAT='%U %S %R'
  { time "$SUBMIT_LOAD" --port "${SETUP_PORT[$setup]}" --concurrency "$CONCURRENCY" --waves "$WAVES" >"$f" 2>&1; } 2>"$f.time" ||
    { cat "$f" >&2; die "submit_load failed against $setup"; }
  n1="$(cpu_of "${NODE_PIDS[@]}")"; g1="$(cpu_of $(pg_pids))"; s1="$(cpu_of $(nginx_pids))"
  after_apps="$(q 'SELECT count(*) FROM applications')"
  local ok wall client
  ok="$(field "$f" ok)"
  read -r cu cs wall <"$f.time"
  client="$(awk -v u="$cu" -v s="$cs" 'BEGIN {printf "%.3f", u + s}')"
  local journeys=$((CONCURRENCY * WAVES))
  echo "RESULT counters stored=$((after_apps - before_apps)) acked=$ok wall_s=$wall" \
    "node_cpu_ms=$(div "$(awk -v a="$n1" -v b="$n0" 'BEGIN {print (a-b)*1000}')" "$journeys" %.1f)" \
    "pg_cpu_ms=$(div "$(awk -v a="$g1" -v b="$g0" 'BEGIN {print (a-b)*1000}')" "$journeys" %.1f)" \
    "nginx_cpu_ms=$(div "$(awk -v a="$s1" -v b="$s0" 'BEGIN {print (a-b)*1000}')" "$journeys" %.1f)" \
    "client_cpu_ms=$(div "$(awk -v c="$client" 'BEGIN {print c*1000}')" "$journeys" %.1f)" \
    "cpu_busy=$(awk -v n="$n1" -v m="$n0" -v g="$g1" -v h="$g0" -v s="$s1" -v t="$s0" -v c="$client" -v w="$wall" \
      'BEGIN {printf "%.2f", ((n-m)+(g-h)+(s-t)+c)/w}')" >>"$f"
  [ "$((after_apps - before_apps))" -ge "$ok" ] || die "$setup: $ok acknowledged but only $((after_apps - before_apps)) stored"
}

declare -A RPS P50 P99 JPS STORED ACKED NODECPU PGCPU NGXCPU CLICPU BUSY
PGB_NAMES=(tpcb insert1 insertN)
declare -A PGB_TITLE=([tpcb]="TPC-B-like, $PGBENCH_SCALE clients" [insert1]="1 INSERT/transaction, 1 client" [insertN]="1 INSERT/transaction, $PGBENCH_CLIENTS clients")
declare -A PGB_TPS PGB_P50 PGB_P99
echo "bench/pg: warm-up" >&2
"$SUBMIT_LOAD" --port "$LB2" --concurrency 8 --waves 1 >"$OUT/warmup.txt" 2>&1 || { cat "$OUT/warmup.txt" >&2; die "warm-up failed"; }
for r in $(seq "$ROUNDS"); do
  # pgbench first in odd rounds, last in even ones, and the setups rotate.
  order_setups=("${SETUPS[@]:$(( (r - 1) % 3 ))}" "${SETUPS[@]:0:$(( (r - 1) % 3 ))}")
  pgb() {
    for name in "${PGB_NAMES[@]}"; do
      f="$OUT/pgbench-$name-$r.txt"
      case "$name" in
        tpcb) run_pgbench "$name" "$f" -c "$PGBENCH_SCALE" -j 2 ;;
        insert1) run_pgbench "$name" "$f" -c 1 -j 1 -f "$T/insert.sql" ;;
        insertN) run_pgbench "$name" "$f" -c "$PGBENCH_CLIENTS" -j 2 -f "$T/insert.sql" ;;
      esac
      PGB_TPS[$name]+=" $(field "$f" tps)"; PGB_P50[$name]+=" $(field "$f" p50_ms)"; PGB_P99[$name]+=" $(field "$f" p99_ms)"
      echo "bench/pg: round $r pgbench $name: $(field "$f" tps) tps" >&2
    done
  }
  [ $((r % 2)) = 1 ] && pgb
  for s in "${order_setups[@]}"; do
    f="$OUT/submit-$s-$r.txt"
    run_submit "$s" "$f"
    RPS[$s]+=" $(field "$f" submit_rps)"; P50[$s]+=" $(field "$f" p50_ms)"; P99[$s]+=" $(field "$f" p99_ms)"
    JPS[$s]+=" $(field "$f" journey_jps)"; STORED[$s]+=" $(field "$f" stored)"; ACKED[$s]+=" $(field "$f" acked)"
    NODECPU[$s]+=" $(field "$f" node_cpu_ms)"; PGCPU[$s]+=" $(field "$f" pg_cpu_ms)"; NGXCPU[$s]+=" $(field "$f" nginx_cpu_ms)"
    CLICPU[$s]+=" $(field "$f" client_cpu_ms)"; BUSY[$s]+=" $(field "$f" cpu_busy)"
    echo "bench/pg: round $r ${SETUP_TITLE[$s]}: $(field "$f" submit_rps) submits/s, p99 $(field "$f" p99_ms) ms, $(field "$f" journey_jps) journeys/s" >&2
  done
  [ $((r % 2)) = 0 ] && pgb
done

# ---------------------------------------------------------------- extra, unmeasured runs
SAMPLES=""
if [ "$SAMPLE" = 1 ]; then
  for s in direct1 nginx2; do
    echo "bench/pg: sampling pg_stat_activity during an extra run ($s)" >&2
    # One psql session polling every 50 ms: what each madoguchi connection that is not idle
    # is doing (running, waiting for a lock or for the WAL flush, or idle in a transaction,
    # that is waiting for the app node between two statements).
    printf '%s\n' "SELECT 'S|' || CASE WHEN state = 'idle in transaction' THEN 'idle in transaction (waiting for the node)' WHEN wait_event IS NULL THEN 'running' ELSE wait_event_type || ':' || wait_event END FROM pg_stat_activity WHERE datname = 'madoguchi' AND state <> 'idle' AND pid <> pg_backend_pid()" \
      '\watch 0.05' | "$PSQL" "$BASE_URL" -At >"$OUT/activity-$s.txt" 2>&1 &
    BG_PIDS=($!)
    read -r k0 w0 < <(pg_counters)
    "$SUBMIT_LOAD" --port "${SETUP_PORT[$s]}" --concurrency "$CONCURRENCY" --waves "$WAVES" >"$OUT/submit-sampled-$s.txt" 2>&1 || true
    kill "${BG_PIDS[0]}" 2>/dev/null; wait "${BG_PIDS[0]}" 2>/dev/null || true; BG_PIDS=()
    read -r k1 w1 < <(pg_counters)
    journeys=$((CONCURRENCY * WAVES))
    SAMPLES+="
    ${SETUP_TITLE[$s]}: $(div "$((k1 - k0))" "$journeys" %.1f) transactions (read and write) and $(div "$((w1 - w0))" "$journeys" %.1f) WAL flushes per journey;
    share of non-idle madoguchi sessions ($(grep -c '^S|' "$OUT/activity-$s.txt") samples):"
    SAMPLES+="$(grep '^S|' "$OUT/activity-$s.txt" | cut -d'|' -f2 | sort | uniq -c | sort -rn |
      awk '{n=$1; $1=""; a[NR]=$0; c[NR]=n; t+=n} END {for (i=1;i<=NR && i<=6;i++) printf "\n      %5.1f %%%s", 100*c[i]/t, a[i]}')"
  done
fi
PERF_SUMMARY=""
if [ "$PERF" = 1 ]; then
  echo "bench/pg: profiling node 1 during an extra run (1 node, direct)" >&2
  f="$OUT/submit-perf.txt"
  "$SUBMIT_LOAD" --port "${PORTS[0]}" --concurrency "$CONCURRENCY" --waves "$WAVES" --pause 2 >"$f" 2>&1 &
  BG_PIDS=($!)
  until grep -q '^prepared' "$f" || ! kill -0 "${BG_PIDS[0]}" 2>/dev/null; do sleep 0.1; done
  perf record -e cpu-clock -F 499 --call-graph dwarf,16384 -p "${NODE_PIDS[0]}" -o "$OUT/perf-node.data" >/dev/null 2>&1 &
  PERF_PID=$!
  wait "${BG_PIDS[0]}" || true; BG_PIDS=()
  kill -INT "$PERF_PID"; wait "$PERF_PID" 2>/dev/null || true
  perf report -i "$OUT/perf-node.data" --stdio --children --sort symbol --percent-limit 3 -g none 2>/dev/null |
    grep -v '^#' | grep -v '^$' | cut -c1-160 >"$OUT/perf-node-inclusive.txt" || true
  PERF_SUMMARY="
perf (node 1, final submits of an extra run, inclusive, top): $OUT/perf-node-inclusive.txt
$(head -25 "$OUT/perf-node-inclusive.txt" | sed 's/^/    /')"
fi

# ---------------------------------------------------------------- summary
LOAD_END="$(cut -d' ' -f1-3 /proc/loadavg)"
sum() { printf '%s\n' $@ | awk '{s+=$1} END {print s+0}'; }
row() {  # title values...
  local title="$1"; shift
  printf '    %-40s %s   median %s\n' "$title" "$*" "$(median $*)"
}
{
  echo "==================== madoguchi PostgreSQL bench summary ===================="
  echo "date:     $DATE_START   commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet 2>/dev/null || echo ' (working tree modified)')"
  echo "machine:  nproc $(nproc), $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), kernel $(uname -r), load average at start $LOAD_START, at end $LOAD_END"
  echo "build:    $BUILD ($BUILD_TYPE)"
  echo "postgres: $PG_VERSION on 127.0.0.1, $PG_SETTINGS"
  echo "nodes:    2 x madoguchi serve, threads = $THREADS ($NODE_THREADS threads in node 1 at start), pool_size = $POOL_SIZE, one database"
  echo "nginx:    $NGINX_VERSION, 1 worker, round-robin, keepalive 64 to the nodes, access log off"
  echo "load:     submit_load: $CONCURRENCY concurrent guest residents x $WAVES waves per run (罹災証明書, 2 PNGs), $ROUNDS rounds"
  echo
  echo "engine ceiling: pgbench -M prepared, ${PGBENCH_SECONDS}s each, same server, same run"
  for name in "${PGB_NAMES[@]}"; do
    row "${PGB_TITLE[$name]} tps:" ${PGB_TPS[$name]}
    row "  p50 ms:" ${PGB_P50[$name]}
    row "  p99 ms:" ${PGB_P99[$name]}
  done
  echo
  echo "madoguchi: final submits (POST /drafts/{id}/submit + GET of the receipt page), durable"
  for s in "${SETUPS[@]}"; do
    echo "  ${SETUP_TITLE[$s]}:"
    row "submissions/s:" ${RPS[$s]}
    row "p50 ms:" ${P50[$s]}
    row "p99 ms:" ${P99[$s]}
    row "whole journeys/s (20 requests each):" ${JPS[$s]}
    row "server CPU ms per journey, nodes:" ${NODECPU[$s]}
    row "  PostgreSQL (all processes):" ${PGCPU[$s]}
    row "  nginx:" ${NGXCPU[$s]}
    row "  load client:" ${CLICPU[$s]}
    row "CPUs busy during the run (of $(nproc)):" ${BUSY[$s]}
    echo "    acknowledged $(sum ${ACKED[$s]}), stored $(sum ${STORED[$s]})"
  done
  echo
  m1="$(median ${RPS[direct1]})"; mn1="$(median ${RPS[nginx1]})"; m2="$(median ${RPS[nginx2]})"
  i1="$(median ${PGB_TPS[insert1]})"; iN="$(median ${PGB_TPS[insertN]})"; tb="$(median ${PGB_TPS[tpcb]})"
  echo "ratios (of the medians):"
  echo "    2 nodes / 1 node (both behind nginx):        $(ratio "$m2" "$mn1")"
  echo "    1 node behind nginx / 1 node direct:          $(ratio "$mn1" "$m1")"
  echo "    submissions/s (2 nodes) / pgbench insert, 1 client:   $(ratio "$m2" "$i1")"
  echo "    submissions/s (2 nodes) / pgbench insert, $PGBENCH_CLIENTS clients: $(ratio "$m2" "$iN")"
  echo "    submissions/s (2 nodes) / pgbench TPC-B-like:          $(ratio "$m2" "$tb")"
  [ -n "$SAMPLES" ] && echo && echo "extra, unmeasured runs: counters (pg_stat_database, pg_stat_wal) and what the database sessions were doing (pg_stat_activity every 50 ms):$SAMPLES"
  [ -n "$PERF_SUMMARY" ] && echo "$PERF_SUMMARY"
  echo "============================================================================"
} | tee "$OUT/summary.txt"
