#!/bin/sh
# Benchmark: `awsprof test --all` over 200 profiles against a local moto_server, compared with
#  (1) a shell loop of `/usr/bin/aws sts get-caller-identity --profile P --endpoint-url URL` (a sample
#      of CLI_SAMPLE calls is timed and scaled to 200, because each call costs ~0.5 s of start-up), and
#  (2) the server's own capacity: 200 GetCallerIdentity requests signed by curl (--aws-sigv4) in one
#      curl invocation, which reuses its connection whenever the server allows it (moto's werkzeug
#      server answers "Connection: close", so curl reconnects; nothing faster is possible against it).
# moto checks every signature after the setup calls (INITIAL_NO_AUTH_ACTION_COUNT = exactly 3).
#
# Usage: sh bench/run-test.sh [BUILD_DIR]     (default: build/release, built first with scripts/build.sh)
# Goals: awsprof >= 30x faster than the CLI loop, and within 1.5x of the server's capacity.
# Exit: 0 both goals met, 1 a goal missed or a run failed, 77 moto_server (or curl) missing.
set -eu

cd "$(dirname "$0")/.."
if [ -n "${1:-}" ]; then
  BUILD_DIR=$1
else
  sh scripts/build.sh release >/dev/null
  BUILD_DIR=build/release
fi
BIN=$BUILD_DIR/bin
PROFILES=${PROFILES:-200}
CLI_SAMPLE=${CLI_SAMPLE:-20}
AWS=/usr/bin/aws

for tool in moto_server curl python3; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "SKIPPED: $tool not found"
    exit 77
  fi
done
if [ ! -x "$BIN/awsprof-test" ]; then
  echo "error: $BIN/awsprof-test not built (cmake --build $BUILD_DIR)" >&2
  exit 2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/awsprof-bench-test.XXXXXX")
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
url="http://127.0.0.1:$port"
# No proxy may sit between the clients and moto.
unset HTTP_PROXY HTTPS_PROXY http_proxy https_proxy ALL_PROXY all_proxy NO_PROXY no_proxy || true
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN || true
INITIAL_NO_AUTH_ACTION_COUNT=3 timeout -s KILL 900 moto_server -H 127.0.0.1 -p "$port" >"$work/moto.log" 2>&1 &
moto_pid=$!
cleanup() {
  kill "$moto_pid" 2>/dev/null || true
  wait "$moto_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

i=0
until python3 -c "import socket,sys; socket.create_connection(('127.0.0.1', $port), timeout=1)" 2>/dev/null; do
  i=$((i + 1))
  if [ "$i" -gt 150 ]; then
    echo "error: moto_server did not listen within 30 s" >&2
    exit 1
  fi
  sleep 0.2
done

# Setup: exactly three unauthenticated IAM calls (moto routes them by the credential scope).
iam() {
  curl -sS --max-time 20 -X POST "$url/" \
    -H 'Content-Type: application/x-www-form-urlencoded; charset=utf-8' \
    -H 'Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=00' \
    --data "Version=2010-05-08&$1"
}
iam 'Action=CreateUser&UserName=bench' >/dev/null
iam 'Action=PutUserPolicy&UserName=bench&PolicyName=allow-all&PolicyDocument=%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22*%22%2C%22Resource%22%3A%22*%22%7D%5D%7D' >/dev/null
key_xml=$(iam 'Action=CreateAccessKey&UserName=bench')
key_id=$(printf '%s' "$key_xml" | sed -n 's:.*<AccessKeyId>\(.*\)</AccessKeyId>.*:\1:p')
secret=$(printf '%s' "$key_xml" | sed -n 's:.*<SecretAccessKey>\(.*\)</SecretAccessKey>.*:\1:p')
if [ -z "$key_id" ] || [ -z "$secret" ]; then
  echo "error: setup failed: no access key from moto" >&2
  exit 1
fi

export HOME="$work/home" AWS_CONFIG_FILE="$work/home/.aws/config" AWS_SHARED_CREDENTIALS_FILE="$work/home/.aws/credentials"
export AWS_PAGER="" AWS_EC2_METADATA_DISABLED=true
mkdir -p "$HOME/.aws"
python3 - "$PROFILES" "$key_id" "$secret" <<'EOF'
import os, sys
n, key_id, secret = int(sys.argv[1]), sys.argv[2], sys.argv[3]
with open(os.environ["AWS_CONFIG_FILE"], "w") as f:
    for i in range(n):
        f.write(f"[profile p{i}]\nregion = us-east-1\n\n")
with open(os.environ["AWS_SHARED_CREDENTIALS_FILE"], "w") as f:
    for i in range(n):
        f.write(f"[p{i}]\naws_access_key_id = {key_id}\naws_secret_access_key = {secret}\n\n")
os.chmod(os.environ["AWS_SHARED_CREDENTIALS_FILE"], 0o600)
EOF

now_ns() { date +%s%N; }
ms_since() { echo $(( ($(now_ns) - $1) / 1000000 )); }

# 1. awsprof test --all: best of 3 runs.
best_awsprof=
for run in 1 2 3; do
  start=$(now_ns)
  status=0
  "$BIN/awsprof" test --all --endpoint-url "$url" --output json >"$work/awsprof.json" 2>"$work/awsprof.err" || status=$?
  elapsed=$(ms_since "$start")
  ok=$(grep -c '"ok": true' "$work/awsprof.json" || true)
  if [ "$status" -ne 0 ] || [ "$ok" -ne "$PROFILES" ]; then
    echo "error: awsprof test --all: exit $status, $ok of $PROFILES profiles ok" >&2
    head -c 2000 "$work/awsprof.err" >&2
    exit 1
  fi
  echo "awsprof test --all ($PROFILES profiles), run $run: ${elapsed} ms"
  if [ -z "$best_awsprof" ] || [ "$elapsed" -lt "$best_awsprof" ]; then best_awsprof=$elapsed; fi
done

# 2. The server alone: 200 signed GetCallerIdentity requests in one curl invocation.
urls=$(i=0; while [ "$i" -lt "$PROFILES" ]; do printf '%s/ ' "$url"; i=$((i + 1)); done)
best_curl=
for run in 1 2 3; do
  start=$(now_ns)
  # shellcheck disable=SC2086
  curl -sS --max-time 300 --aws-sigv4 "aws:amz:us-east-1:sts" --user "$key_id:$secret" \
    -H 'Content-Type: application/x-www-form-urlencoded; charset=utf-8' \
    --data 'Action=GetCallerIdentity&Version=2011-06-15' $urls >"$work/curl.out" 2>"$work/curl.err"
  elapsed=$(ms_since "$start")
  ok=$(grep -o '<Arn>' "$work/curl.out" | wc -l)
  if [ "$ok" -ne "$PROFILES" ]; then
    echo "error: curl: $ok of $PROFILES requests answered with an Arn" >&2
    exit 1
  fi
  echo "curl --aws-sigv4, $PROFILES requests in one invocation, run $run: ${elapsed} ms"
  if [ -z "$best_curl" ] || [ "$elapsed" -lt "$best_curl" ]; then best_curl=$elapsed; fi
done

# 3. The AWS CLI: a sample of CLI_SAMPLE calls, scaled to $PROFILES.
if [ -x "$AWS" ]; then
  start=$(now_ns)
  i=0
  while [ "$i" -lt "$CLI_SAMPLE" ]; do
    "$AWS" sts get-caller-identity --profile "p$i" --endpoint-url "$url" --output json >/dev/null
    i=$((i + 1))
  done
  sample=$(ms_since "$start")
  cli_scaled=$((sample * PROFILES / CLI_SAMPLE))
  echo "aws sts get-caller-identity loop: $CLI_SAMPLE calls took ${sample} ms, scaled to $PROFILES: ${cli_scaled} ms (estimate)"
else
  cli_scaled=
  echo "SKIPPED (part): $AWS not installed; no CLI comparison"
fi

python3 - "$best_awsprof" "$best_curl" "${cli_scaled:-0}" "$PROFILES" <<'EOF'
import sys
awsprof, curl, cli, n = (int(x) for x in sys.argv[1:])
print(f"\nawsprof test --all: {awsprof} ms ({awsprof / n:.1f} ms per profile)")
print(f"server capacity (curl): {curl} ms ({curl / n:.1f} ms per request)")
ok = True
ratio_server = awsprof / curl
print(f"awsprof / server capacity: {ratio_server:.2f}x (goal <= 1.5x) {'met' if ratio_server <= 1.5 else 'MISSED'}")
ok &= ratio_server <= 1.5
if cli:
    speedup = cli / awsprof
    print(f"CLI loop / awsprof: {speedup:.1f}x faster (goal >= 30x) {'met' if speedup >= 30 else 'MISSED'}")
    ok &= speedup >= 30
sys.exit(0 if ok else 1)
EOF
