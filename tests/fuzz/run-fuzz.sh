#!/bin/sh
# Builds the libFuzzer target with clang and runs it, seeded from the peer test vectors.
#
#   sh tests/fuzz/run-fuzz.sh [SECONDS]      (default 600)
#
# The seed corpus is assembled in a temporary directory from ../shared/peer-tests: the botocore
# config fixtures, the provider-chain .aws/config and credentials files, and every configFile /
# credentialsFile string embedded in profile-parser-tests.json, plus examples/. Nothing is copied
# into the tree. On a finding the temporary directory is kept and its path printed: the
# reproducer is the crash-* / timeout-* / oom-* file there.
#
# Environment: AWSPROF_FUZZ_BUILD_DIR (default build/fuzz), AWSPROF_PEER_TESTS (default
# ../shared/peer-tests), JOBS (build parallelism, default nproc), AWSPROF_FUZZ_SKIP_BUILD=1 (run
# the fuzzer already built there, e.g. while the tree is mid-change).
set -eu
cd "$(dirname "$0")/../.."
seconds="${1:-600}"
build_dir="${AWSPROF_FUZZ_BUILD_DIR:-build/fuzz}"
peer_tests="${AWSPROF_PEER_TESTS:-../shared/peer-tests}"

if [ "${AWSPROF_FUZZ_SKIP_BUILD:-0}" != 1 ]; then
  if [ ! -f "$build_dir/CMakeCache.txt" ]; then
    CC=clang CXX=clang++ cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DAWSPROF_FUZZ=ON -DAWSPROF_TESTS=OFF >/dev/null
  fi
  cmake --build "$build_dir" --target fuzz_document -j"${JOBS:-$(nproc)}" >/dev/null
fi
fuzzer="$build_dir/bin/fuzz_document"
[ -x "$fuzzer" ] || { echo "run-fuzz: $fuzzer was not built" >&2; exit 2; }

work="$(mktemp -d "${TMPDIR:-/tmp}/awsprof-fuzz.XXXXXX")"
mkdir "$work/corpus" "$work/artifacts"
python3 - "$peer_tests" "$work/corpus" examples <<'EOF'
import hashlib, json, pathlib, sys

peer, out, examples = (pathlib.Path(p) for p in sys.argv[1:])
seeds = []
for path in sorted((peer / "botocore-cfg").iterdir()):
    if path.suffix != ".json":
        seeds.append(path.read_bytes())
for path in sorted((peer / "provider-chain").rglob("*")):
    if path.is_file() and path.parent.name == ".aws":
        seeds.append(path.read_bytes())
for test in json.loads((peer / "profile-parser" / "profile-parser-tests.json").read_text())["tests"]:
    for key in ("configFile", "credentialsFile"):
        if key in test["input"]:
            seeds.append(test["input"][key].encode())
for path in sorted(examples.iterdir()):
    if path.is_file():
        seeds.append(path.read_bytes())
for seed in seeds:
    (out / hashlib.sha1(seed).hexdigest()).write_bytes(seed)
print(f"run-fuzz: {len(set(seeds))} seeds from {peer} and {examples}", file=sys.stderr)
EOF

echo "run-fuzz: fuzzing for ${seconds}s; corpus and artifacts in $work" >&2
if "$fuzzer" -max_len=4096 -timeout=25 -max_total_time="$seconds" -print_final_stats=1 \
  -artifact_prefix="$work/artifacts/" "$work/corpus"; then
  echo "run-fuzz: clean run of ${seconds}s, corpus of $(find "$work/corpus" -type f | wc -l) inputs" >&2
  rm -rf "$work"
else
  echo "run-fuzz: FINDING: reproducer in $work/artifacts/ (re-run: $fuzzer FILE)" >&2
  exit 1
fi
