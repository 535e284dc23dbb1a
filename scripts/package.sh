#!/usr/bin/env bash
# Builds the Debian package into build/package/ and checks it with lintian:
#   scripts/package.sh        then: sudo apt-get install ./build/package/beian_*.deb
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
if ! dpkg-query -W -f='${Status}' lintian dpkg-dev 2>/dev/null | grep -q "install ok installed.*install ok installed"; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends lintian dpkg-dev >/dev/null
fi
scripts/build.sh
rm -rf build/package
(cd build && cpack -G DEB -B package >/dev/null)
deb=$(ls build/package/beian_*.deb)
echo "$deb"
# Tags left are explained in packaging/lintian.md.
lintian --info --display-info "$deb" || true
