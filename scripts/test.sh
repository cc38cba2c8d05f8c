#!/bin/sh
# Sets up what is missing, then builds and runs the whole test suite twice: once optimised (g++),
# once under AddressSanitizer and UndefinedBehaviorSanitizer (clang). Exits non-zero if anything fails.
#   test.sh            both variants
#   test.sh VARIANT    one variant (release or asan), its output on the terminal
#
# The two variants share nothing, so they build and test side by side. On a machine shared with
# other work that is what keeps the whole run short: one variant alone leaves a core idle during its
# links and its longest tests, and gets a smaller share of a busy machine. Each variant writes to
# build/<variant>.log; the logs are printed whole, one after the other, when both are done.
set -eu
cd "$(dirname "$0")/.."

if [ $# -gt 0 ]; then
  case "$1" in release | asan) ;; *) echo "usage: test.sh [release|asan]" >&2; exit 2 ;; esac
  echo "== awsprof: $1 build =="
  sh scripts/build.sh "$1"
  echo "== awsprof: $1 tests =="
  cd "build/$1" && exec ctest --output-on-failure -j"${AWSPROF_TEST_JOBS:-$(nproc)}" --timeout 600
fi

sh scripts/install-deps.sh test
mkdir -p build
started=$(date +%s)
# More compilers than cores: where other work shares the machine, the scheduler divides it between
# the running processes of a session, so a build of one job per core gets a small part of it
# (measured on a 2-core machine running two busy loops: the release build alone took 13 minutes).
# The release build costs about twice the sanitizer build (g++ at -O2 against clang at -O0), so it
# gets more: both builds then end at about the same time. Each variant runs under `timeout`, which
# puts it in a process group of its own (so an interrupt can stop it wholly; the background jobs of
# a non-interactive shell ignore the terminal's) and stops a variant that hangs for an hour.
cores=$(nproc)
# Tests, too, run more at a time than there are cores. Most of the release tests' time is waiting
# (on servers, throttling, shells' terminals, other programs: 106 s of wall time for 190 CPU-s on an
# idle 2-core machine at three at a time); the sanitizer build's tests spend theirs computing.
AWSPROF_BUILD_JOBS=$((3 * cores)) AWSPROF_TEST_JOBS=$((2 * cores + 1)) timeout -k 30 3600 sh "$0" release </dev/null >build/release.log 2>&1 &
release=$!
AWSPROF_BUILD_JOBS=$((2 * cores)) AWSPROF_TEST_JOBS=$((cores + 1)) timeout -k 30 3600 sh "$0" asan </dev/null >build/asan.log 2>&1 &
asan=$!
trap 'kill -TERM "-$release" "-$asan" 2>/dev/null; exit 130' INT TERM
echo "awsprof: building and testing release and asan side by side (build/release.log, build/asan.log)"

failed=""
wait "$release" || failed="$failed release"
wait "$asan" || failed="$failed asan"
trap - INT TERM
for variant in release asan; do cat "build/$variant.log"; done
echo "awsprof: both variants in $(($(date +%s) - started)) s"
if [ -n "$failed" ]; then
  echo "awsprof: FAILED:$failed (output above, and in build/<variant>.log)" >&2
  exit 1
fi
echo "awsprof: release and asan passed"
