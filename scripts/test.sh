#!/bin/sh
# Sets up what is missing, then builds and runs the whole test suite twice: once optimised, once
# under AddressSanitizer and UndefinedBehaviorSanitizer. Exits non-zero if anything fails.
set -eu
cd "$(dirname "$0")/.."
sh scripts/install-deps.sh test
for variant in release asan; do
  echo "== awsprof: $variant build =="
  sh scripts/build.sh "$variant"
  echo "== awsprof: $variant tests =="
  (cd "build/$variant" && ctest --output-on-failure -j"$(nproc)" --timeout 600)
done
