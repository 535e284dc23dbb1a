#!/usr/bin/env bash
# The main job: install what is missing, build, render every kind's example into out/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh
build/cli/beian examples out
