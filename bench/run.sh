#!/usr/bin/env bash
# Benchmarks Madoguchi through its real routes (see bench/README.md; figures go into
# BENCHMARKS.md by hand — this script writes nothing outside its temporary directory).
#
#   (a) catalogue page GET /: madoguchi vs nginx serving a saved copy of the same page,
#       wrk, alternating rounds in the same run, medians and the ratio
#   (b) durable submissions: bench/submit_load (guest 罹災証明書 journeys, final submits timed)
#       vs bench/sqlite_insert (one durable insert per transaction, 1 and 64 threads)
#   (c) resident set size of the server: idle after start, after (a), after (b)
#
# Everything runs on 127.0.0.1 with a fresh temporary store. Settings (environment):
#   BUILD=build           build directory holding madoguchi, submit_load, sqlite_insert
#                         (built here with ninja if out of date; `scripts/setup` makes build/)
#   ROUNDS=3              rounds of (a) and of (b)
#   DURATION=10s          length of each measured wrk run;  WARMUP=2s before the rounds
#   WRK_THREADS=2 WRK_CONNECTIONS=64
#   SERVER_THREADS=0      madoguchi `threads` (0 = the default: four per core, at least 8)
#   NGINX_WORKERS=        nginx worker_processes; default: one per core
#   CONCURRENCY=64 WAVES=4  submit_load: 64 concurrent residents, 4 after one another per slot
#   SQLITE_SECONDS=5      length of each sqlite_insert run
#   PERF=1                then profile madoguchi in extra, unmeasured runs (perf record -e cpu-clock
#                         with DWARF call graphs; perf stat of CPU time and fsync calls): one wrk
#                         run, and the final submits of one submit_load run with PERF_WAVES=8
#                         waves; use with KEEP=1 to read the reports
#   KEEP=1                keep the temporary directory (store, logs, raw outputs)
#   NO_BUILD=1            use the binaries in BUILD as they are (NINJA_ARGS= passes flags to ninja)
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="${BUILD:-$ROOT/build}"
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
ROUNDS="${ROUNDS:-3}"
DURATION="${DURATION:-10s}"
WARMUP="${WARMUP:-2s}"
WRK_THREADS="${WRK_THREADS:-2}"
WRK_CONNECTIONS="${WRK_CONNECTIONS:-64}"
SERVER_THREADS="${SERVER_THREADS:-0}"
CONCURRENCY="${CONCURRENCY:-64}"
WAVES="${WAVES:-4}"
SQLITE_SECONDS="${SQLITE_SECONDS:-5}"
PERF="${PERF:-0}"
PERF_WAVES="${PERF_WAVES:-8}"
KEEP="${KEEP:-0}"

die() { echo "bench: $*" >&2; exit 1; }
# One benchmark at a time on this machine (bench/pg.sh takes the same lock): two load runs at
# once would measure each other.
exec 9>/tmp/madoguchi-bench.lock
flock 9
for tool in wrk nginx curl ps ss; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool is missing (prerequisites: bench/README.md)"
done
[ -f "$BUILD/build.ninja" ] || die "no build in $BUILD: run scripts/setup first (or set BUILD=)"
[ -f "$ROOT/generated/holidays.tsv" ] || die "generated/holidays.tsv is missing: run scripts/setup first"
if [ "${NO_BUILD:-0}" != 1 ]; then
  echo "bench: building in $BUILD" >&2
  ninja -C "$BUILD" ${NINJA_ARGS:-} madoguchi submit_load sqlite_insert >/dev/null ||
    die "cannot build madoguchi/submit_load/sqlite_insert in $BUILD (configured with -DMADOGUCHI_BENCH=OFF?)"
fi
MADOGUCHI="$BUILD/madoguchi"
SUBMIT_LOAD="$BUILD/bench/submit_load"
SQLITE_INSERT="$BUILD/bench/sqlite_insert"
BUILD_TYPE="$(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$BUILD/CMakeCache.txt")"

LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg)"
T="$(mktemp -d /tmp/madoguchi-bench.XXXXXX)"
OUT="$T/results"
mkdir -p "$OUT" "$T/www" "$T/nginx/tmp"
# nginx workers run as "nobody" when started by root: let them read the saved page.
chmod 755 "$T" "$T/www"

SERVER_PID=""
NGINX_PID=""
LOAD_PID=""
PERF_PIDS=()
cleanup() {
  set +e
  for p in "${PERF_PIDS[@]}" $LOAD_PID; do kill -INT "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
  if [ -n "$NGINX_PID" ] && kill -0 "$NGINX_PID" 2>/dev/null; then
    kill -QUIT "$NGINX_PID"; wait "$NGINX_PID" 2>/dev/null
  fi
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null
  fi
  if [ "$KEEP" = 1 ]; then echo "bench: kept $T"; else rm -rf "$T"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {if (NR==0) print "n/a"; else if (NR%2) print a[(NR+1)/2]; else printf "%.2f\n", (a[NR/2]+a[NR/2+1])/2}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b+0 == 0) print "n/a"; else printf "%.2f\n", a/b}'; }
rss_mib() { awk -v k="$(ps -o rss= -p "$1")" 'BEGIN {printf "%.1f\n", k/1024}'; }
free_port() {
  local p
  for _ in $(seq 50); do
    p=$((20000 + RANDOM % 40000))
    [ -z "$(ss -Htln "sport = :$p")" ] && { echo "$p"; return; }
  done
  die "no free port"
}
# key=value from a RESULT line
field() { sed -n "s/.*[ ]$2=\([^ ]*\).*/\1/p" "$1" | tail -1; }

# PERF=1: a CPU profile (cpu-clock samples with DWARF call graphs: the build has no frame
# pointers) and counters (CPU time, context switches, fsync/fdatasync calls) of one process.
PERF_EVENTS="cpu-clock,context-switches,syscalls:sys_enter_fdatasync,syscalls:sys_enter_fsync"
perf_start() {  # name pid samples/s
  perf record -e cpu-clock -F "$3" --call-graph dwarf,16384 -p "$2" -o "$OUT/perf-$1.data" >/dev/null 2>&1 &
  PERF_PIDS=($!)
  perf stat -e "$PERF_EVENTS" -p "$2" -o "$OUT/perfstat-$1.txt" >/dev/null 2>&1 &
  PERF_PIDS+=($!)
  sleep 1  # let perf attach
}
perf_stop() {
  local p
  for p in "${PERF_PIDS[@]}"; do kill -INT "$p" 2>/dev/null || true; done
  for p in "${PERF_PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  PERF_PIDS=()
}
perf_count() {  # file event -> count
  awk -v e="$2" '$2==e || $3==e {gsub(",","",$1); print $1; exit}' "$1" 2>/dev/null
}

# ---------------------------------------------------------------- the server
cat >"$T/madoguchi.toml" <<EOF
listen = "127.0.0.1:0"
store = "sqlite:$T/madoguchi.db"
procedures = "$ROOT/procedures"
templates = "$ROOT/templates"
locales = "$ROOT/locales"
static = "$ROOT/static"
holidays = "$ROOT/generated/holidays.tsv"
threads = $SERVER_THREADS
EOF
"$MADOGUCHI" --config "$T/madoguchi.toml" serve >"$T/server.out" 2>"$T/server.log" &
SERVER_PID=$!
PORT=""
for _ in $(seq 200); do
  PORT="$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$T/server.out")"
  [ -n "$PORT" ] && curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$T/server.out" "$T/server.log" >&2; die "madoguchi did not start"; }
  sleep 0.1
done
[ -n "$PORT" ] || die "madoguchi did not print its port"
BASE="http://127.0.0.1:$PORT"
sleep 1
RSS_IDLE="$(rss_mib "$SERVER_PID")"
THREADS_USED="$(ls /proc/"$SERVER_PID"/task | wc -l)"
WORKERS="${SERVER_THREADS}"
[ "$WORKERS" = 0 ] && WORKERS="$(( $(nproc) * 4 > 8 ? $(nproc) * 4 : 8 ))"
# nginx never blocks in a handler: one event-driven worker per core is its best setting.
NGINX_WORKERS="${NGINX_WORKERS:-$(nproc)}"

# ---------------------------------------------------------------- (a) catalogue vs nginx
curl -fsS -D "$T/home.headers" -o "$T/www/index.html" "$BASE/"
chmod 644 "$T/www/index.html"
CTYPE="$(sed -n 's/^[Cc]ontent-[Tt]ype: *\(.*\)\r$/\1/p' "$T/home.headers" | head -1)"
PAGE_BYTES="$(wc -c <"$T/www/index.html")"
grep -q 'href="/procedures/risai"' "$T/www/index.html" || die "the saved page is not the catalogue"
NPORT="$(free_port)"
cat >"$T/nginx/nginx.conf" <<EOF
# Minimal: one server on loopback serving the saved catalogue page at / with madoguchi's
# Content-Type; no access log (madoguchi logs every request to a file, nginx logs nothing).
worker_processes $NGINX_WORKERS;
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
  sendfile on;
  keepalive_timeout 65;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$NPORT;
    root $T/www;
    location = / {
      types { }
      default_type "$CTYPE";
      try_files /index.html =404;
    }
  }
}
EOF
nginx -e "$T/nginx/error.log" -p "$T/nginx" -c "$T/nginx/nginx.conf" &
NGINX_PID=$!
for _ in $(seq 100); do
  curl -fsS -o /dev/null "http://127.0.0.1:$NPORT/" 2>/dev/null && break
  kill -0 "$NGINX_PID" 2>/dev/null || { cat "$T/nginx/error.log" >&2; die "nginx did not start"; }
  sleep 0.1
done
curl -fsS -o "$T/nginx-copy.html" "http://127.0.0.1:$NPORT/"
cmp -s "$T/nginx-copy.html" "$T/www/index.html" || die "nginx does not serve the saved page"
NGINX_CTYPE="$(curl -fsS -o /dev/null -w '%{content_type}' "http://127.0.0.1:$NPORT/")"
[ "$NGINX_CTYPE" = "$CTYPE" ] || die "content types differ: '$NGINX_CTYPE' vs '$CTYPE'"

run_wrk() {  # name url duration outfile
  wrk -t"$WRK_THREADS" -c"$WRK_CONNECTIONS" -d"$3" --latency "$2" >"$4" 2>&1 || die "wrk failed: $(cat "$4")"
  if grep -q 'Non-2xx or 3xx' "$4"; then die "$1 answered non-2xx during wrk: $(grep Non-2xx "$4")"; fi
}
wrk_rps() { sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' "$1"; }
wrk_p99() {  # in ms
  awk '$1=="99%" {v=$2; u=v; sub(/[0-9.]+/,"",u); sub(/[a-z]+$/,"",v);
       if (u=="us") v/=1000; else if (u=="s") v*=1000; printf "%.2f\n", v}' "$1"
}

echo "bench: (a) catalogue: warm-up $WARMUP each" >&2
run_wrk madoguchi "$BASE/" "$WARMUP" "$OUT/wrk-warmup-madoguchi.txt"
run_wrk nginx "http://127.0.0.1:$NPORT/" "$WARMUP" "$OUT/wrk-warmup-nginx.txt"
M_RPS=(); N_RPS=(); M_P99=(); N_P99=()
for r in $(seq "$ROUNDS"); do
  order="madoguchi nginx"
  [ $((r % 2)) = 0 ] && order="nginx madoguchi"
  for who in $order; do
    f="$OUT/wrk-$who-$r.txt"
    if [ "$who" = madoguchi ]; then
      run_wrk madoguchi "$BASE/" "$DURATION" "$f"
      M_RPS+=("$(wrk_rps "$f")"); M_P99+=("$(wrk_p99 "$f")")
    else
      run_wrk nginx "http://127.0.0.1:$NPORT/" "$DURATION" "$f"
      N_RPS+=("$(wrk_rps "$f")"); N_P99+=("$(wrk_p99 "$f")")
    fi
    echo "bench: (a) round $r $who: $(wrk_rps "$f") req/s" >&2
  done
done
kill -QUIT "$NGINX_PID"; wait "$NGINX_PID" 2>/dev/null || true; NGINX_PID=""
sleep 1
RSS_AFTER_GET="$(rss_mib "$SERVER_PID")"
if [ "$PERF" = 1 ]; then  # an extra, unmeasured run under the profiler
  echo "bench: (a) profiling one more madoguchi run" >&2
  perf_start catalogue "$SERVER_PID" 199
  run_wrk madoguchi "$BASE/" "$DURATION" "$OUT/wrk-madoguchi-perf.txt"
  perf_stop
  CAT_REQUESTS="$(sed -n 's/^ *\([0-9]*\) requests in.*/\1/p' "$OUT/wrk-madoguchi-perf.txt")"
fi

# ---------------------------------------------------------------- (b) durable submissions
S_RPS=(); S_P50=(); S_P99=(); S_JPS=(); S_PREP=()
Q1_RPS=(); Q1_P50=(); Q1_P99=(); Q64_RPS=(); Q64_P50=(); Q64_P99=()
ANSWERS_BYTES=2048
SUBMITTED=0
for r in $(seq "$ROUNDS"); do
  f="$OUT/submit-$r.txt"
  echo "bench: (b) round $r submit_load: $CONCURRENCY concurrent residents x $WAVES" >&2
  "$SUBMIT_LOAD" --port "$PORT" --concurrency "$CONCURRENCY" --waves "$WAVES" >"$f" 2>&1 ||
    { cat "$f" >&2; die "submit_load failed"; }
  grep -v '^RESULT' "$f" >&2
  S_RPS+=("$(field "$f" submit_rps)"); S_P50+=("$(field "$f" p50_ms)"); S_P99+=("$(field "$f" p99_ms)")
  S_JPS+=("$(field "$f" journey_jps)"); S_PREP+=("$(field "$f" prepare_jps)")
  SUBMITTED=$((SUBMITTED + $(field "$f" ok)))
  if [ "$r" = 1 ] && command -v sqlite3 >/dev/null 2>&1; then
    # The reference row carries an answers document as large as the real ones.
    ANSWERS_BYTES="$(sqlite3 "file:$T/madoguchi.db?mode=ro" \
      'SELECT CAST(avg(length(CAST(answers AS BLOB))) AS INTEGER) FROM applications')"
  fi
  for th in 1 64; do
    q="$OUT/sqlite-$th-$r.txt"
    "$SQLITE_INSERT" --db "$T/reference-$th-$r.db" --threads "$th" --seconds "$SQLITE_SECONDS" \
      --answers-bytes "$ANSWERS_BYTES" >"$q" 2>&1 || { cat "$q" >&2; die "sqlite_insert failed"; }
    grep -v '^RESULT' "$q" >&2
    if [ "$th" = 1 ]; then
      Q1_RPS+=("$(field "$q" rps)"); Q1_P50+=("$(field "$q" p50_ms)"); Q1_P99+=("$(field "$q" p99_ms)")
    else
      Q64_RPS+=("$(field "$q" rps)"); Q64_P50+=("$(field "$q" p50_ms)"); Q64_P99+=("$(field "$q" p99_ms)")
    fi
    rm -f "$T/reference-$th-$r.db"*
  done
done
sleep 2
RSS_AFTER_SUBMIT="$(rss_mib "$SERVER_PID")"
STORED=""
command -v sqlite3 >/dev/null 2>&1 &&
  STORED="$(sqlite3 "file:$T/madoguchi.db?mode=ro" 'SELECT count(*) FROM applications')"

PERF_SUMMARY=""
if [ "$PERF" = 1 ]; then  # extra, unmeasured runs under the profiler
  echo "bench: (b) profiling the final submits of one more submit_load run" >&2
  f="$OUT/submit-perf.txt"
  # submit_load says "prepared" and waits before firing: only the submits are profiled.
  "$SUBMIT_LOAD" --port "$PORT" --concurrency "$CONCURRENCY" --waves "$PERF_WAVES" --pause 3 >"$f" 2>&1 &
  LOAD_PID=$!
  until grep -q '^prepared' "$f" || ! kill -0 "$LOAD_PID" 2>/dev/null; do sleep 0.1; done
  perf_start submit "$SERVER_PID" 499
  wait "$LOAD_PID" || { cat "$f" >&2; die "submit_load failed"; }
  perf_stop
  grep -v '^RESULT' "$f" >&2
  q="$OUT/sqlite-1-perf.txt"
  perf stat -e "$PERF_EVENTS" -o "$OUT/perfstat-sqlite-1.txt" -- "$SQLITE_INSERT" --db "$T/reference-perf.db" \
    --threads 1 --seconds "$SQLITE_SECONDS" --answers-bytes "$ANSWERS_BYTES" >"$q" 2>&1
  Q1_OK="$(field "$q" ok)"
  echo "bench: writing perf reports" >&2
  for p in catalogue submit; do
    [ -f "$OUT/perf-$p.data" ] || continue
    # Inclusive time per function (who spends the CPU) and exclusive time (where it lands).
    perf report -i "$OUT/perf-$p.data" --stdio --children --sort symbol --percent-limit 2 -g none 2>/dev/null |
      grep -v '^#' | grep -v '^$' | cut -c1-200 >"$OUT/perf-$p-inclusive.txt" || true
    perf report -i "$OUT/perf-$p.data" --stdio --no-children --sort dso,symbol --percent-limit 1 -g none 2>/dev/null |
      grep -v '^#' | grep -v '^$' | cut -c1-200 >"$OUT/perf-$p-self.txt" || true
  done
  per() { awk -v a="$1" -v b="$2" 'BEGIN {if (a == "" || b+0 == 0) print "n/a"; else printf "%.2f\n", a/b}'; }
  S1_OK="$(field "$OUT/submit-perf.txt" ok)"
  PERF_SUMMARY="
perf (extra profiled runs, not in the figures above: $(wrk_rps "$OUT/wrk-madoguchi-perf.txt") req/s, $(field "$f" submit_rps) submits/s under perf;
      cpu-clock and tracepoints: hardware counters are not supported on this machine)
    catalogue: $(per "$(perf_count "$OUT/perfstat-catalogue.txt" cpu-clock)" "$CAT_REQUESTS") ms of server CPU per request
    submits:   $(per "$(perf_count "$OUT/perfstat-submit.txt" cpu-clock)" "$S1_OK") ms of server CPU, $(per "$(perf_count "$OUT/perfstat-submit.txt" syscalls:sys_enter_fdatasync)" "$S1_OK") fdatasync + $(per "$(perf_count "$OUT/perfstat-submit.txt" syscalls:sys_enter_fsync)" "$S1_OK") fsync per submit
    sqlite 1 thread: $(per "$(perf_count "$OUT/perfstat-sqlite-1.txt" syscalls:sys_enter_fdatasync)" "$Q1_OK") fdatasync + $(per "$(perf_count "$OUT/perfstat-sqlite-1.txt" syscalls:sys_enter_fsync)" "$Q1_OK") fsync per insert
    top of the profiles: $OUT/perf-{catalogue,submit}-{inclusive,self}.txt"
fi

# ---------------------------------------------------------------- summary
A_RATIO=(); B_RATIO1=(); B_RATIO64=()
for i in "${!M_RPS[@]}"; do A_RATIO+=("$(ratio "${M_RPS[$i]}" "${N_RPS[$i]}")"); done
for i in "${!S_RPS[@]}"; do
  B_RATIO1+=("$(ratio "${S_RPS[$i]}" "${Q1_RPS[$i]}")"); B_RATIO64+=("$(ratio "${S_RPS[$i]}" "${Q64_RPS[$i]}")")
done
M_MED="$(median "${M_RPS[@]}")"; N_MED="$(median "${N_RPS[@]}")"
S_MED="$(median "${S_RPS[@]}")"; Q1_MED="$(median "${Q1_RPS[@]}")"; Q64_MED="$(median "${Q64_RPS[@]}")"
cat <<EOF

==================== madoguchi bench summary ====================
date:     $(date -u '+%Y-%m-%d %H:%M UTC')   commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet 2>/dev/null || echo ' (working tree modified)')
machine:  nproc $(nproc), $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), kernel $(uname -r), load average at start $LOAD_START, at end $(cut -d' ' -f1-3 /proc/loadavg)
build:    $BUILD ($BUILD_TYPE)
server:   threads = $SERVER_THREADS ($WORKERS workers; $THREADS_USED threads in the process at idle), fresh SQLite store in $T
nginx:    $(nginx -v 2>&1 | sed 's/nginx version: //'), worker_processes $NGINX_WORKERS, access_log off, keepalive_requests 1000000

(a) catalogue GET /  ($PAGE_BYTES bytes, $CTYPE)
    wrk -t$WRK_THREADS -c$WRK_CONNECTIONS -d$DURATION --latency, $ROUNDS alternating rounds after a $WARMUP warm-up
    madoguchi  req/s: ${M_RPS[*]}   median $M_MED   (p99 ms: ${M_P99[*]})
    nginx      req/s: ${N_RPS[*]}   median $N_MED   (p99 ms: ${N_P99[*]})
    ratio madoguchi/nginx: $(ratio "$M_MED" "$N_MED") (of the medians); per round ${A_RATIO[*]}, median $(median "${A_RATIO[@]}")   aim >= 0.5

(b) durable submissions: guest 罹災証明書, $CONCURRENCY concurrent residents x $WAVES waves per round, $ROUNDS rounds
    madoguchi final submit/s: ${S_RPS[*]}   median $S_MED
              p50 ms: ${S_P50[*]}   median $(median "${S_P50[@]}")
              p99 ms: ${S_P99[*]}   median $(median "${S_P99[@]}")   aim < 50
              journeys to the check page/s: ${S_PREP[*]}   whole journeys/s: ${S_JPS[*]}
              applications in the store: ${STORED:-?} (submits acknowledged: $SUBMITTED)
    sqlite one insert/transaction (answers $ANSWERS_BYTES bytes, WAL, synchronous=FULL), ${SQLITE_SECONDS}s each
      1 thread   inserts/s: ${Q1_RPS[*]}   median $Q1_MED   p50 ms median $(median "${Q1_P50[@]}"), p99 ms median $(median "${Q1_P99[@]}")
      64 threads inserts/s: ${Q64_RPS[*]}   median $Q64_MED   p50 ms median $(median "${Q64_P50[@]}"), p99 ms median $(median "${Q64_P99[@]}")
    ratio madoguchi/sqlite 1 thread:   $(ratio "$S_MED" "$Q1_MED") (of the medians); per round ${B_RATIO1[*]}, median $(median "${B_RATIO1[@]}")   aim >= 1
    ratio madoguchi/sqlite 64 threads: $(ratio "$S_MED" "$Q64_MED") (of the medians); per round ${B_RATIO64[*]}, median $(median "${B_RATIO64[@]}")

(c) resident set size (ps -o rss)
    idle after start: $RSS_IDLE MiB   after (a): $RSS_AFTER_GET MiB   after (b): $RSS_AFTER_SUBMIT MiB   aim < 64 MiB idle
EOF
[ -n "$PERF_SUMMARY" ] && echo "$PERF_SUMMARY"
echo "================================================================="
