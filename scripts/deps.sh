#!/usr/bin/env bash
# Installs the Debian packages beian needs to build, test and run, if any are missing.
set -euo pipefail
PACKAGES=(
  g++ cmake make pkg-config
  libpodofo-dev libpng-dev libjpeg62-turbo-dev libharfbuzz-dev libicu-dev libqrencode-dev libpoco-dev libdeflate-dev libssl-dev libsqlite3-dev
  libgtest-dev
  fonts-arphic-gbsn00lp fonts-wqy-zenhei fonts-arphic-gkai00mp fonts-arphic-uming
  poppler-utils qpdf zbar-tools openssl
)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "beian: installing ${missing[*]}" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
