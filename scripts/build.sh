#!/bin/sh
# Configures and builds one variant of awsprof into build/<variant>.
#   build.sh release   optimised (-O2)
#   build.sh asan      AddressSanitizer + UndefinedBehaviorSanitizer, at -O0 -g1: stacks with line
#                      numbers, and half the compile time of -O1 (instrumented code is expensive to
#                      optimise); the tests it runs are short, so the slower code costs little
set -eu
cd "$(dirname "$0")/.."
variant="${1:-release}"
case "$variant" in
  release) set -- -DCMAKE_BUILD_TYPE=Release ;;
  asan) set -- -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O0 -g1" -DAWSPROF_SANITIZE=ON ;;
  *) echo "usage: build.sh release|asan" >&2; exit 2 ;;
esac
cmake -S . -B "build/$variant" "$@" >/dev/null
cmake --build "build/$variant" -j"$(nproc)"
