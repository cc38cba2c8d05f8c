#!/bin/sh
# Configures and builds one variant of awsprof into build/<variant>.
#   build.sh release   optimised (-O2)
#   build.sh asan      AddressSanitizer + UndefinedBehaviorSanitizer
set -eu
cd "$(dirname "$0")/.."
variant="${1:-release}"
case "$variant" in
  release) flags="-DCMAKE_BUILD_TYPE=Release" ;;
  asan) flags="-DCMAKE_BUILD_TYPE=RelWithDebInfo -DAWSPROF_SANITIZE=ON" ;;
  *) echo "usage: build.sh release|asan" >&2; exit 2 ;;
esac
# shellcheck disable=SC2086
cmake -S . -B "build/$variant" $flags >/dev/null
cmake --build "build/$variant" -j"$(nproc)"
