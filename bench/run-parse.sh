#!/bin/sh
# The parse benchmark, in one command: awsprof's lossless parser vs inih vs botocore on a
# generated 10,000-profile config (about 1.5 MB), with the speed ratios and each one's peak memory.
#
#   sh bench/run-parse.sh
#
# Builds the release variant first (sh scripts/build.sh release; a no-op when it is up to date).
# AWSPROF_BUILD_DIR=DIR uses an already configured build directory instead, building only
# parse_bench there; AWSPROF_BENCH_SKIP_BUILD=1 also skips that (runs the parse_bench already built,
# e.g. while the tree is mid-change). Exits 0 when both goals are met, 1 when one is missed, 2 on
# an error.
#
# Goals: the lossless parse at least as fast as inih, and at least 50x as fast as botocore.
set -eu
cd "$(dirname "$0")/.."

build_dir="${AWSPROF_BUILD_DIR:-build/release}"
if [ "${AWSPROF_BENCH_SKIP_BUILD:-0}" = 1 ]; then
  :
elif [ -n "${AWSPROF_BUILD_DIR:-}" ]; then
  cmake --build "$build_dir" --target parse_bench -j1 >/dev/null
else
  sh scripts/build.sh release >/dev/null
fi
bench="$build_dir/bin/parse_bench"
[ -x "$bench" ] || { echo "run-parse: $bench was not built" >&2; exit 2; }

python=""
for candidate in python3 /usr/bin/python3; do
  if "$candidate" -c 'import botocore.configloader' 2>/dev/null; then
    python="$candidate"
    break
  fi
done
[ -n "$python" ] || { echo "run-parse: no python3 can import botocore (apt-get install python3-botocore)" >&2; exit 2; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT INT TERM
config="$work/config"
"$python" bench/gen_config.py "$config"

"$bench" --tsv "$config" >"$work/cpp.tsv"
"$python" bench/botocore_parse.py --tsv "$config" | tail -n +2 >"$work/botocore.tsv"

bytes="$(wc -c <"$config" | tr -d ' ')"
profiles="$(grep -c '^\[profile ' "$config")"
echo "== awsprof parse benchmark: $profiles profiles, $bytes bytes (bench/gen_config.py, fixed seed)"
echo "   medians; MB = 10^6 bytes; the C++ parsers read from memory, botocore from the (cached) file"
echo
tail -n +2 "$work/cpp.tsv" | cat - "$work/botocore.tsv" | awk -F '\t' '
  { mode[NR] = $1; secs[$1] = $2; mbps[$1] = $3; peak[$1] = $4; base[$1] = $5; what[$1] = $6 }
  END {
    printf "%-9s %11s %10s %14s %15s\n", "parser", "median ms", "MB/s", "peak RSS KiB", "over baseline"
    for (i = 1; i <= NR; i++) {
      m = mode[i]
      printf "%-9s %11.3f %10.2f %14d %15d\n", m, secs[m] * 1000, mbps[m], peak[m], peak[m] - base[m]
    }
    print ""
    for (i = 1; i <= NR; i++) printf "  %-9s %s\n", mode[i] ":", what[mode[i]]
    printf "  (baseline: a process that only read the file, %d KiB; for botocore, one that imported it, %d KiB)\n",
           base["lossless"], base["botocore"]
    print ""
    missed = 0
    r = secs["inih"] / secs["lossless"]
    ok = r >= 1 ? "met" : "MISSED"; if (r < 1) missed = 1
    printf "lossless vs inih:      %8.2fx as fast   (goal >= 1x:  %s)\n", r, ok
    r = secs["botocore"] / secs["lossless"]
    ok = r >= 50 ? "met" : "MISSED"; if (r < 50) missed = 1
    printf "lossless vs botocore:  %8.1fx as fast   (goal >= 50x: %s)\n", r, ok
    printf "model (cli reading) vs botocore: %.1fx as fast\n", secs["botocore"] / secs["model"]
    printf "peak memory: lossless %d KiB (+%d), inih %d KiB (+%d), botocore %d KiB (+%d)\n",
           peak["lossless"], peak["lossless"] - base["lossless"], peak["inih"], peak["inih"] - base["inih"],
           peak["botocore"], peak["botocore"] - base["botocore"]
    exit missed
  }'
