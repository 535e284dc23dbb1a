#!/usr/bin/env bash
# Real fuzzing runs: builds the libFuzzer harnesses of tests/fuzz in build-fuzz/ (clang,
# AddressSanitizer, UndefinedBehaviorSanitizer, LeakSanitizer) and runs each for SECONDS
# (default 600) from a scratch copy of its seed corpus, so tests/fuzz/corpus is never changed.
#
#   scripts/fuzz.sh [SECONDS] [HARNESS...]      e.g. scripts/fuzz.sh 180 json render
#
# Prints the executions and findings of each harness. A harness keeps going after a finding
# (-fork=1 -ignore_crashes=1 ...), so one run can find several; every finding (crash-*, leak-*,
# timeout-*, oom-*) is saved in the scratch folder printed at the end, with the harness's log.
# Reproduce one with `build-fuzz/tests/fuzz/<name>_fuzz FILE`, minimize it with
# `... -minimize_crash=1 -runs=10000 FILE`. Exits 1 when anything was found.
#
# Leaks are findings too (LeakSanitizer, on by default).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

seconds=${1:-600}
shift $(( $# > 0 ? 1 : 0 ))
if (( $# > 0 )); then
  harnesses=("$@")
else
  harnesses=()
  for f in tests/fuzz/*_fuzz.cc; do
    n=${f##*/}
    harnesses+=("${n%_fuzz.cc}")
  done
fi

if ! command -v clang++ >/dev/null; then
  echo "scripts/fuzz.sh needs clang and its libFuzzer runtime: apt-get install clang libclang-rt-14-dev" >&2
  exit 2
fi
CC=clang CXX=clang++ cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBEIAN_FUZZ=ON \
  -DBEIAN_BUILD_TESTS=OFF -DBEIAN_BUILD_BENCH=OFF >/dev/null
cmake --build build-fuzz -j2 --target fuzz

scratch=$(mktemp -d "${TMPDIR:-/tmp}/beian-fuzz.XXXXXX")
export BEIAN_ROOT=$root
# An allocation ASan cannot serve fails (std::bad_alloc) as it does in the upload sandbox, whose
# address space is capped, instead of ending the run; one beyond -rss_limit_mb is an oom finding.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

found=0
printf '%-16s %12s %9s\n' harness executions findings
for name in "${harnesses[@]}"; do
  work=$scratch/$name
  mkdir -p "$work/corpus" "$work/findings"
  cp tests/fuzz/corpus/"$name"/* "$work/corpus/"
  dict=()
  if [[ -f tests/fuzz/$name.dict ]]; then dict=(-dict="$root/tests/fuzz/$name.dict"); fi
  (cd "$work" && "$root/build-fuzz/tests/fuzz/${name}_fuzz" corpus "${dict[@]}" \
    -max_total_time="$seconds" -fork=1 -ignore_crashes=1 -ignore_ooms=1 -ignore_timeouts=1 \
    -timeout=30 -rss_limit_mb=4096 -artifact_prefix="$work/findings/" -print_final_stats=1 \
    >"$work/log" 2>&1) || true
  executions=$(grep -oE '^#[0-9]+' "$work/log" | tail -1 | tr -d '#')
  count=$(find "$work/findings" -type f | wc -l)
  printf '%-16s %12s %9s\n' "$name" "${executions:-?}" "$count"
  if (( count > 0 )); then
    found=1
    find "$work/findings" -type f | sort | sed 's/^/    /'
  fi
done
echo "logs, corpora and findings: $scratch"
exit $found
