#!/usr/bin/env bash
# Installs the Debian packages beian needs to build, test and run, if any are missing.
# --test also installs what the test suite needs beyond that: Debian's Chromium and Node.js,
# and the npm packages of tests/browser (playwright-core drives that Chromium; it never
# downloads a browser); Java and Apache PDFBox's Preflight for the PDF/A tests.
set -euo pipefail
cd "$(dirname "$0")/.."
PACKAGES=(
  g++ cmake make pkg-config
  libpodofo-dev libharfbuzz-dev libicu-dev libqrencode-dev libpoco-dev libdeflate-dev libssl-dev libsqlite3-dev libpq-dev
  libseccomp-dev libpng-dev libjpeg62-turbo-dev
  libgtest-dev
  fonts-arphic-gbsn00lp fonts-wqy-zenhei fonts-arphic-gkai00mp fonts-arphic-uming fonts-hanazono
  icc-profiles-free
  poppler-utils qpdf zbar-tools openssl
)
TEST=0
[ "${1:-}" = "--test" ] && TEST=1
if [ $TEST -eq 1 ]; then
  PACKAGES+=(chromium faketime unzip libxml2-utils)
  # The Debian package is built and checked: dpkg-shlibdeps, systemd-analyze.
  PACKAGES+=(dpkg-dev systemd)
  # A private PostgreSQL cluster runs the catalog tests on the second engine;
  # nginx balances the multi-node test.
  PACKAGES+=(postgresql nginx)
  # Apache PDFBox Preflight, and the two jars it needs that its package does not pull in.
  PACKAGES+=(libpdfbox2-java libactivation-java libjaxb-api-java)
  command -v java >/dev/null 2>&1 || PACKAGES+=(default-jre-headless)
  # Node.js from Debian unless one is installed already (Debian 12's is 18: enough for the
  # playwright-core version pinned in tests/browser).
  command -v node >/dev/null 2>&1 || PACKAGES+=(nodejs)
  command -v npm >/dev/null 2>&1 || PACKAGES+=(npm)
fi
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
# npm ci again whenever package-lock.json changed since the last install.
STAMP=tests/browser/node_modules/.beian-package-lock.sha256
if [ $TEST -eq 1 ] && [ "$(sha256sum < tests/browser/package-lock.json)" != "$(cat "$STAMP" 2>/dev/null)" ]; then
  echo "beian: installing the npm packages of tests/browser" >&2
  (cd tests/browser && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  sha256sum < tests/browser/package-lock.json > "$STAMP"
fi
