#!/bin/sh
# `awsprof list` against `aws configure list-profiles` on a generated 10,000-profile config
# (bench/gen_config.py, about 1.5 MB), both timed in this one run with hyperfine.
#
#   sh bench/run-list.sh
#
# Goal: awsprof list at least 100x faster than the AWS CLI v2 (/usr/bin/aws), in each output form.
# AWSPROF_BUILD_DIR=DIR uses an already built tree instead of building build/release.
# Exits 0 when the goal is met, 1 when it is missed, 2 when a peer or tool is missing.
set -eu
cd "$(dirname "$0")/.."

. bench/common.sh
bin="$(bench_bin_dir)"
bench_need run-list /usr/bin/aws hyperfine python3

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT INT TERM
python3 bench/gen_config.py "$work/config"
: >"$work/credentials"
export HOME="$work" AWS_CONFIG_FILE="$work/config" AWS_SHARED_CREDENTIALS_FILE="$work/credentials" AWS_PAGER=""
unset AWS_PROFILE AWS_DEFAULT_PROFILE

# Same output first: the benchmark only means something if both print the same list.
"$bin/awsprof" list --names >"$work/awsprof.out"
/usr/bin/aws configure list-profiles >"$work/aws.out"
if ! cmp -s "$work/awsprof.out" "$work/aws.out"; then
  echo "run-list: awsprof list --names and aws configure list-profiles disagree" >&2
  exit 1
fi
echo "== list benchmark: $(wc -l <"$work/aws.out") profiles, $(wc -c <"$work/config") bytes; outputs identical"

# The outputs a script can ask for (stdout is not a terminal here, so plain `list` is text).
hyperfine --style basic --warmup 3 --min-runs 30 --export-json "$work/awsprof.json" \
  "$bin/awsprof list --names" "$bin/awsprof list" "$bin/awsprof list --long" "$bin/awsprof list --output json" >/dev/null
hyperfine --style basic --warmup 1 --runs 5 --export-json "$work/aws.json" \
  "/usr/bin/aws configure list-profiles" >/dev/null

python3 - "$work/awsprof.json" "$work/aws.json" <<'PY'
import json, sys
ours = json.load(open(sys.argv[1]))["results"]
cli = json.load(open(sys.argv[2]))["results"][0]
cli_ms = cli["median"] * 1000
print(f"{'command':44} {'median ms':>10} {'ratio':>8}")
print(f"{cli['command']:44} {cli_ms:10.1f} {'1.0x':>8}")
worst = None
for r in ours:
    ms = r["median"] * 1000
    ratio = cli_ms / ms
    worst = ratio if worst is None else min(worst, ratio)
    print(f"{r['command'].split('/')[-1]:44} {ms:10.2f} {ratio:7.0f}x")
goal = 100
print(f"goal: at least {goal}x faster than aws configure list-profiles: {'met' if worst >= goal else 'MISSED'} ({worst:.0f}x)")
sys.exit(0 if worst >= goal else 1)
PY
