# Sourced by the benchmark scripts (from the top of the checkout).

# Prints the absolute bin directory of the build to time: $AWSPROF_BUILD_DIR/bin when that is set,
# else build/release/bin, built first.
bench_bin_dir() {
  if [ -n "${AWSPROF_BUILD_DIR:-}" ]; then
    (cd "$AWSPROF_BUILD_DIR/bin" && pwd)
  else
    sh scripts/build.sh release >/dev/null
    (cd build/release/bin && pwd)
  fi
}

# bench_need NAME TOOL...: exits 2, naming the first missing tool, unless all are installed.
bench_need() {
  name=$1
  shift
  for tool in "$@"; do
    command -v "$tool" >/dev/null 2>&1 || { echo "$name: $tool is missing (sh scripts/install-deps.sh)" >&2; exit 2; }
  done
}
