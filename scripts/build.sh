#!/bin/sh
# Configures and builds one variant of awsprof into build/<variant>.
#   build.sh release   optimised (-O2)
#   build.sh asan      AddressSanitizer + UndefinedBehaviorSanitizer, with clang, at -O0 -g1: stacks
#                      with line numbers, and half the compile time of -O1 (instrumented code is
#                      expensive to optimise); the tests it runs are short, so slower code costs little.
#                      Linked with lld where it is installed.
# The sanitizer build uses clang (Debian's clang with libclang-rt-14-dev, from install-deps.sh): it
# compiles this code under ASan in about a third of g++'s CPU time, clang's sanitizers are the
# reference ones, and the release build stays g++, so every change is compiled, warnings as errors,
# by both compilers. AWSPROF_ASAN_CXX names another compiler; AWSPROF_BUILD_JOBS the number of
# compilers run at once (default: one per core).
set -eu
cd "$(dirname "$0")/.."
variant="${1:-release}"
case "$variant" in
  release) compiler="${CXX:-c++}"
           set -- -DCMAKE_BUILD_TYPE=Release ;;
  asan) compiler="${AWSPROF_ASAN_CXX:-clang++}"
        command -v "$compiler" >/dev/null 2>&1 || compiler="${CXX:-c++}"
        # Linked by lld (Debian lld, from install-deps.sh) where it is installed: the instrumented
        # executables with their line tables are large, and ld.bfd took 3.2 s of CPU to link the unit
        # tests (lld: 0.7 s), 2.3 s for each tool (lld: 0.6 s).
        linker_flags=""
        command -v ld.lld >/dev/null 2>&1 && linker_flags="-fuse-ld=lld"
        set -- -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O0 -g1" -DAWSPROF_SANITIZE=ON \
          "-DCMAKE_EXE_LINKER_FLAGS=$linker_flags" ;;
  *) echo "usage: build.sh release|asan" >&2; exit 2 ;;
esac
compiler="$(command -v "$compiler")"
# Ninja (Debian ninja-build, from install-deps.sh) rather than make: it starts a target's compiles
# without waiting for the libraries the target links to be built, and it does not re-scan
# dependencies per target. Measured on 2 cores, release build: 273 s with make, 243 s with Ninja.
generator=Ninja
# CMake fixes the compiler and the generator when a build tree is first configured: start afresh
# when either changes.
cache="build/$variant/CMakeCache.txt"
if [ -f "$cache" ] && ! { grep -qx "CMAKE_CXX_COMPILER:[A-Z]*=$compiler" "$cache" &&
  grep -qx "CMAKE_GENERATOR:[A-Z]*=$generator" "$cache"; }; then
  rm -rf "build/$variant/CMakeCache.txt" "build/$variant/CMakeFiles"
fi
cmake -S . -B "build/$variant" -G "$generator" -DCMAKE_CXX_COMPILER="$compiler" "$@" >/dev/null
cmake --build "build/$variant" -j"${AWSPROF_BUILD_JOBS:-$(nproc)}"
