#!/usr/bin/env bash
# The main job: install what is missing, build, render every kind's example into out/, then
# serve the HTTP API on 127.0.0.1 (port $BEIAN_PORT, default 8080) with the archive in var/,
# printing its address and a new admin token; the web console is at that address (the first
# run makes the console user "admin" and prints its password once). Ctrl-C or SIGTERM drains
# and stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh
build/cli/beian examples out
mkdir -p var
if [ -z "$(build/cli/beian --data var user list)" ]; then
  password="$(openssl rand -base64 12)-1"
  printf '%s\n' "$password" | build/cli/beian --data var user create admin --role admin \
    --display-name 系统管理员 --password-stdin >/dev/null
  echo "beian: console user admin, password $password (shown once; add people in the console's 用户 page)" >&2
fi
exec build/cli/beian --data var serve --port "${BEIAN_PORT:-8080}" --admin-token --access-log var/access.log
