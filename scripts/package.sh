#!/usr/bin/env bash
# Builds the Debian package into build/package/ and checks it with lintian:
#   scripts/package.sh        then: sudo apt-get install ./build/package/beian_*.deb
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
# dpkg-shlibdeps (the Depends of the libraries) and lintian.
missing=()
for p in dpkg-dev lintian; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
scripts/build.sh
rm -rf build/package
(cd build && cpack -G DEB -B package >/dev/null)
deb=$(ls build/package/beian_*.deb)
echo "$deb"
# Tags left are explained in packaging/lintian.md.
lintian --info --display-info "$deb" || true
