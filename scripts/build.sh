#!/bin/sh
# Configures and builds one variant of awsprof into build/<variant>.
#   build.sh release   optimised (-O2)
#   build.sh asan      AddressSanitizer + UndefinedBehaviorSanitizer, at -O1 -g1: what the
#                      sanitizers recommend (stacks with line numbers), and much quicker to build
set -eu
cd "$(dirname "$0")/.."
variant="${1:-release}"
case "$variant" in
  release) set -- -DCMAKE_BUILD_TYPE=Release ;;
  asan) set -- -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1" -DAWSPROF_SANITIZE=ON ;;
  *) echo "usage: build.sh release|asan" >&2; exit 2 ;;
esac
cmake -S . -B "build/$variant" "$@" >/dev/null
cmake --build "build/$variant" -j"$(nproc)"
