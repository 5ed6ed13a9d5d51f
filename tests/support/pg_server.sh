#!/usr/bin/env bash
# A throwaway PostgreSQL 15 server for the tests, on 127.0.0.1 only.
#
#   pg_server.sh start STATE_DIR   initdb into a new temporary directory, start the server on a
#                                  free loopback port (fsync and synchronous_commit on, as in
#                                  production), create database "madoguchi_test", write its URL
#                                  to STATE_DIR/url and print it.
#   pg_server.sh stop STATE_DIR    stop that server and delete its temporary directory.
#
# initdb and pg_ctl refuse to run as root, so as root they run as the "postgres" user (the
# data directory then belongs to it); any other user runs them directly. The superuser is
# "postgres" with a random password: the server listens on TCP, and "trust" would let any
# local user in. Binaries come from PG_BIN (default Debian's /usr/lib/postgresql/15/bin).
set -euo pipefail

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
cmd=${1:-}
state=${2:-}
if [ -z "$cmd" ] || [ -z "$state" ]; then
  echo "usage: $0 start|stop STATE_DIR" >&2
  exit 2
fi

as_server_user() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

stop_server() {
  [ -f "$state/pgdir" ] || return 0
  local dir
  dir=$(cat "$state/pgdir")
  if [ -f "$dir/data/postmaster.pid" ]; then
    # "immediate": the data is thrown away, so skip the shutdown checkpoint, which would
    # write out every test database (tens of seconds).
    as_server_user "$PG_BIN/pg_ctl" -D "$dir/data" -m immediate -w -t 60 stop >/dev/null || true
  fi
  rm -rf -- "$dir"
  rm -f -- "$state/pgdir" "$state/url"
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

case "$cmd" in
  start)
    [ -x "$PG_BIN/initdb" ] || { echo "pg_server: no $PG_BIN/initdb (install postgresql-15)" >&2; exit 1; }
    mkdir -p "$state"
    stop_server  # a server left behind by an interrupted run
    dir=$(mktemp -d "${TMPDIR:-/tmp}/madoguchi-pg.XXXXXX")
    echo "$dir" >"$state/pgdir"
    password=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
    printf '%s\n' "$password" >"$dir/pwfile"
    if [ "$(id -u)" -eq 0 ]; then chown -R postgres: "$dir"; fi
    as_server_user "$PG_BIN/initdb" -D "$dir/data" -U postgres --pwfile="$dir/pwfile" \
      --auth=scram-sha-256 --encoding=UTF8 --no-locale >"$dir/initdb.log" 2>&1 ||
      { cat "$dir/initdb.log" >&2; exit 1; }
    rm -f "$dir/pwfile"
    started=""
    for _ in 1 2 3 4 5; do  # another process may take the free port before the server does
      port=$(free_port)
      if as_server_user "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c fsync=on -c synchronous_commit=on -c max_connections=300" \
        start >/dev/null; then
        started=yes
        break
      fi
    done
    if [ -z "$started" ]; then
      echo "pg_server: the server did not start:" >&2
      tail -n 30 "$dir/server.log" >&2 || true
      exit 1
    fi
    PGPASSWORD=$password "$PG_BIN/createdb" -h 127.0.0.1 -p "$port" -U postgres madoguchi_test
    url="postgresql://postgres:$password@127.0.0.1:$port/madoguchi_test"
    printf '%s\n' "$url" >"$state/url.tmp"
    mv "$state/url.tmp" "$state/url"
    echo "$url"
    ;;
  stop)
    stop_server
    ;;
  *)
    echo "usage: $0 start|stop STATE_DIR" >&2
    exit 2
    ;;
esac
