#!/usr/bin/env bash
# A private PostgreSQL cluster for the tests, from Debian's postgresql package.
#   pg_cluster.sh start DIR   initdb in DIR/data, start it on a free port of
#                             127.0.0.1, write its URL to DIR/url
#   pg_cluster.sh stop DIR    stop it and remove DIR
# PostgreSQL refuses to run as root: as root the cluster belongs to `nobody`.
# Local connections are trusted (the port is on loopback and the cluster lives
# as long as the test run).
set -euo pipefail
command=${1:?start or stop}
dir=${2:?cluster folder}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$bin/initdb" ] || { echo "pg_cluster: no PostgreSQL server (Debian package postgresql)" >&2; exit 1; }
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u nobody -- "$@"; else "$@"; fi
}
stop() {
  if [ -f "$dir/data/postmaster.pid" ]; then
    as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
}
case "$command" in
  start)
    stop
    rm -rf "$dir"
    mkdir -p "$dir"
    [ "$(id -u)" -eq 0 ] && chown nobody "$dir"
    as_owner "$bin/initdb" -D "$dir/data" -U beian --auth=trust --encoding=UTF8 --no-locale >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    for attempt in $(seq 1 20); do
      port=$((20000 + RANDOM % 30000))
      (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && continue
      if as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
           -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c max_connections=300" >/dev/null; then
        echo "postgresql://beian@127.0.0.1:$port/postgres" >"$dir/url"
        echo "pg_cluster: PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on port $port" >&2
        exit 0
      fi
    done
    cat "$dir/server.log" >&2
    exit 1
    ;;
  stop)
    stop
    rm -rf "$dir"
    ;;
  *)
    echo "pg_cluster: unknown command $command" >&2
    exit 2
    ;;
esac
