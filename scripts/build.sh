#!/usr/bin/env bash
# Configures and builds beian in build/ (Release), for the prefix /usr as Debian
# installs it: `cpack -G DEB` there makes the package (scripts/package.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr >/dev/null
cmake --build build -j"$(nproc)"
