#!/usr/bin/env bash
# A private PostgreSQL cluster for the tests, from Debian's postgresql package.
#   pg_cluster.sh start DIR   initdb a cluster in a new folder under /tmp, start
#                             it on a free port of 127.0.0.1, write its URL to
#                             DIR/url (and the folder to DIR/cluster)
#   pg_cluster.sh stop DIR    stop it and remove it and DIR
# PostgreSQL refuses to run as root: as root the cluster belongs to `nobody`,
# in /tmp so that it can reach its folder wherever the build is. Local
# connections are trusted (the port is on loopback and the cluster lives as
# long as the test run).
set -euo pipefail
command=${1:?start or stop}
dir=${2:?state folder}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$bin/initdb" ] || { echo "pg_cluster: no PostgreSQL server (Debian package postgresql)" >&2; exit 1; }
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u nobody -- "$@"; else "$@"; fi
}
stop() {
  local cluster
  cluster=$(cat "$dir/cluster" 2>/dev/null || true)
  [ -n "$cluster" ] || return 0
  if [ -f "$cluster/data/postmaster.pid" ]; then
    as_owner "$bin/pg_ctl" -D "$cluster/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$cluster"
}
case "$command" in
  start)
    stop
    rm -rf "$dir"
    mkdir -p "$dir"
    cluster=$(mktemp -d /tmp/beian-test-postgresql.XXXXXX)
    echo "$cluster" >"$dir/cluster"
    if [ "$(id -u)" -eq 0 ]; then chown nobody "$cluster"; fi
    as_owner "$bin/initdb" -D "$cluster/data" -U beian --auth=trust --encoding=UTF8 --no-locale \
      >"$cluster/initdb.log" 2>&1 || { cat "$cluster/initdb.log" >&2; exit 1; }
    for attempt in $(seq 1 20); do
      port=$((20000 + RANDOM % 30000))
      (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && continue
      if as_owner "$bin/pg_ctl" -D "$cluster/data" -l "$cluster/server.log" -w -t 60 start \
           -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c max_connections=300" >/dev/null; then
        echo "postgresql://beian@127.0.0.1:$port/postgres" >"$dir/url"
        echo "pg_cluster: PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on port $port" >&2
        exit 0
      fi
    done
    cat "$cluster/server.log" >&2
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
