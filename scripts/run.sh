#!/usr/bin/env bash
# The main job: install what is missing, build, render every kind's example into out/, then
# serve the HTTP API on 127.0.0.1 (port $BEIAN_PORT, default 8080) with the archive in var/,
# printing its address and a new admin token. Ctrl-C or SIGTERM drains and stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh
build/cli/beian examples out
mkdir -p var
exec build/cli/beian --data var serve --port "${BEIAN_PORT:-8080}" --admin-token --access-log var/access.log
