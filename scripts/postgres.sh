#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for tests and benchmarks: `postgres.sh start DIR` initialises DIR, starts the
# server on a free loopback port and prints its connection string; `postgres.sh stop DIR` stops it.
# PostgreSQL refuses to run as root, so as root the cluster runs as the `postgres` system user.
set -euo pipefail

find_bin() {
  local dir
  for dir in /usr/lib/postgresql/*/bin; do
    if [[ -x "$dir/initdb" ]]; then echo "$dir"; return 0; fi
  done
  return 1
}

ensure_installed() {
  if find_bin >/dev/null; then return 0; fi
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    echo "postgres.sh: installing Debian's postgresql package" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
  fi
  find_bin >/dev/null || { echo "postgres.sh: no PostgreSQL server binaries found (install the postgresql package)" >&2; exit 1; }
}

as_owner() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()' 2>/dev/null \
    || node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

cmd=${1:?usage: postgres.sh start|stop DIR}
dir=${2:?usage: postgres.sh start|stop DIR}

case "$cmd" in
  start)
    ensure_installed
    bin=$(find_bin)
    mkdir -p "$dir"
    if [[ $(id -u) -eq 0 ]]; then chown postgres: "$dir"; chmod 700 "$dir"; fi
    as_owner "$bin/initdb" -D "$dir/data" -U tributary --auth=trust --encoding=UTF8 --no-locale >"$dir/initdb.log" 2>&1
    port=$(free_port)
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=1000 -c shared_buffers=256MB -c max_wal_size=2GB" \
      start >&2
    echo "$port" >"$dir/port"
    echo "Host=127.0.0.1;Port=$port;Username=tributary;Database=postgres"
    ;;
  stop)
    bin=$(find_bin)
    if [[ -f "$dir/data/postmaster.pid" ]]; then
      as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >&2 || true
    fi
    rm -rf "$dir"
    ;;
  *)
    echo "usage: postgres.sh start|stop DIR" >&2
    exit 2
    ;;
esac
