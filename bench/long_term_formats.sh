#!/usr/bin/env bash
# The 11-page 资质核查信息表 in long-term formats, beside Typst's own PDF/A-3u export, in one run:
# beian (render_bench: PDF/A-3u with its data embedded, and the plain PDF of earlier documents),
# then Typst warm (../shared/bench/peers/warm_typst.js) plain and with TYPST_PDF_STANDARD=a-3u.
# Prints figures; asserts nothing.
#
#   bench/long_term_formats.sh [BUILD_DIR=build] [PEERS_NODE_MODULES=/tmp/peers/node_modules]
#
# Typst is a yardstick, never a dependency: install it where you like (README-peers.md there):
#   mkdir -p /tmp/peers && cd /tmp/peers && npm init -y && npm install @myriaddreamin/typst-ts-node-compiler
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
MODULES=${2:-/tmp/peers/node_modules}
PEERS=$(cd ../shared/bench/peers 2>/dev/null && pwd || true)
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

echo "== beian (render_bench, one process, warm) =="
"$BUILD"/bench/render_bench --runs 60 --no-large
if [ -z "$PEERS" ] || [ ! -d "$MODULES/@myriaddreamin/typst-ts-node-compiler" ]; then
  echo "(Typst not run: needs ../shared/bench/peers and the compiler under $MODULES)"
  exit 0
fi
echo
echo "== Typst 0.14 (warm_typst.js, one node process, N=20) =="
echo "-- plain PDF"
NODE_PATH="$MODULES" node "$PEERS/warm_typst.js" "$OUT/plain" 20 | grep -E "^(docno|seeds):" | sed 's/ runs_ms=.*//'
echo "-- PDF/A-3u"
TYPST_PDF_STANDARD=a-3u NODE_PATH="$MODULES" node "$PEERS/warm_typst.js" "$OUT/a3u" 20 |
  grep -E "^(docno|seeds):" | sed 's/ runs_ms=.*//'
