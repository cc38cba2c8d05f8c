#!/bin/sh
# `awsprof set` on a generated 10,000-profile config (bench/gen_config.py, about 1.5 MB) with a
# 10,000-profile credentials file, timed with hyperfine in this one run: a change to the config
# file alone (one atomic rename) and a change to both files (the journalled two-file commit), next
# to `aws configure set` doing the config change. Each run starts from fresh copies of the files.
#
#   sh bench/run-set.sh
#   AWSPROF_BASELINE_BIN=DIR sh bench/run-set.sh   # also time another build (an older commit's
#                                                  # build/release/bin) and compare
#
# Goal: with a baseline, neither kind of set more than 1.2x slower than the baseline's.
# AWSPROF_BUILD_DIR=DIR uses an already built tree instead of building build/release.
# Exits 0 when the goal is met (or there is no baseline), 1 when missed, 2 when a tool is missing.
set -eu
cd "$(dirname "$0")/.."

. bench/common.sh
bin="$(bench_bin_dir)"
bench_need run-set /usr/bin/aws hyperfine python3

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT INT TERM
python3 bench/gen_config.py "$work/pristine-config"
python3 - "$work/pristine-config" "$work/pristine-credentials" <<'PY'
import re, sys
names = re.findall(r"^\[profile ([^\]]+)\]", open(sys.argv[1]).read(), re.M)
with open(sys.argv[2], "w") as out:
    for i, name in enumerate(names):
        out.write(f"[{name}]\naws_access_key_id = AKIAIOSFODNN7{i:07d}\n"
                  f"aws_secret_access_key = benchSecret/{i:028d}\n\n")
PY
profile="$(sed -n 's/^\[profile \(.*\)\]$/\1/p' "$work/pristine-config" | sed -n 5000p)"
export HOME="$work" AWS_CONFIG_FILE="$work/config" AWS_SHARED_CREDENTIALS_FILE="$work/credentials" AWS_PAGER=""
unset AWS_PROFILE AWS_DEFAULT_PROFILE
reset="cp $work/pristine-config $work/config && cp $work/pristine-credentials $work/credentials"
echo "== set benchmark: $(grep -c '^\[' "$work/pristine-config") config sections, $(wc -c <"$work/pristine-config") bytes;" \
     "$(grep -c '^\[' "$work/pristine-credentials") credentials sections; changing profile $profile"

one="set --profile $profile region eu-west-3"
both="set --profile $profile region eu-west-3 aws_access_key_id AKIAIOSFODNN7NEWKEY1"
set -- -n "awsprof $one" "$bin/awsprof $one" -n "awsprof $both" "$bin/awsprof $both"
if [ -n "${AWSPROF_BASELINE_BIN:-}" ]; then
  base="$(cd "$AWSPROF_BASELINE_BIN" && pwd)"
  set -- "$@" -n "baseline $one" "$base/awsprof $one" -n "baseline $both" "$base/awsprof $both"
fi
hyperfine --style basic --warmup 3 --min-runs 30 --prepare "$reset" --export-json "$work/awsprof.json" "$@" >/dev/null
hyperfine --style basic --warmup 1 --runs 5 --prepare "$reset" --export-json "$work/aws.json" \
  -n "aws configure $one" "/usr/bin/aws configure $one" >/dev/null

python3 - "$work/awsprof.json" "$work/aws.json" <<'PY'
import json, sys
ours = {r["command"]: r["median"] * 1000 for r in json.load(open(sys.argv[1]))["results"]}
cli = json.load(open(sys.argv[2]))["results"][0]
cli_ms = cli["median"] * 1000
print(f"{'command':90} {'median ms':>10} {'vs CLI':>8}")
print(f"{cli['command']:90} {cli_ms:10.1f} {'1.0x':>8}")
for name, ms in ours.items():
    print(f"{name:90} {ms:10.2f} {cli_ms / ms:7.0f}x")
worst = None
for name, ms in ours.items():
    if name.startswith("awsprof "):
        base = ours.get("baseline " + name[len("awsprof "):])
        if base:
            ratio = ms / base
            worst = ratio if worst is None else max(worst, ratio)
            print(f"{name}: {ratio:.2f}x the baseline's time")
if worst is None:
    print("no baseline (AWSPROF_BASELINE_BIN): nothing to compare against")
    sys.exit(0)
print(f"goal: at most 1.2x the baseline's time: {'met' if worst <= 1.2 else 'MISSED'} ({worst:.2f}x)")
sys.exit(0 if worst <= 1.2 else 1)
PY
