#!/bin/sh
# Benchmark: `awsprof sso populate` of 1,500 accounts x 3 roles (4,500 profiles) against the fake IAM
# Identity Center (tests/sso/fake_identity_center.py), compared with the server's own capacity:
#   (1) unthrottled: the same requests (the ListAccounts pages in turn, then one ListAccountRoles per
#       account) made by curl, 8 at once (--parallel-max 8, as populate's default --jobs), on reused
#       connections: nothing that asks the same questions can be faster against this server;
#   (2) throttled: ListAccountRoles behind a token bucket of RATE calls a second, whose floor is
#       ACCOUNTS / RATE seconds whatever the client does.
# Also timed: a re-run that finds nothing new (no byte written) and a switch of name preset that
# renames all 4,500 profiles.
#
#   sh bench/run-populate.sh
# AWSPROF_BUILD_DIR=DIR uses an already built tree instead of building build/release.
# Goals: within 1.5x of the server's capacity unthrottled, within 1.25x of the floor throttled.
# Exit: 0 both goals met, 1 a goal missed or a run failed, 2 a tool is missing.
set -eu
cd "$(dirname "$0")/.."

. bench/common.sh
bin="$(bench_bin_dir)"
bench_need run-populate curl python3 timeout
ACCOUNTS=${ACCOUNTS:-1500}
RATE=${RATE:-300}
ROLES=AdministratorAccess,ReadOnly,Billing

work="$(mktemp -d "${TMPDIR:-/tmp}/awsprof-bench-populate.XXXXXX")"
unset HTTP_PROXY HTTPS_PROXY http_proxy https_proxy ALL_PROXY all_proxy NO_PROXY no_proxy || true
timeout -s KILL 1200 python3 tests/sso/fake_identity_center.py serve --lifetime 1100 --accounts "$ACCOUNTS" \
  --roles "$ROLES" --port-file "$work/url" >/dev/null 2>"$work/fake.log" &
fake_pid=$!
cleanup() {
  kill "$fake_pid" 2>/dev/null || true
  wait "$fake_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
i=0
until [ -s "$work/url" ]; do
  i=$((i + 1))
  [ "$i" -le 100 ] || { echo "error: the fake Identity Center did not start" >&2; cat "$work/fake.log" >&2; exit 1; }
  sleep 0.1
done
url=$(cat "$work/url")
control() { curl -sS --fail -X POST "$url/_control/$1" -d "$2" >/dev/null; }

export HOME="$work/home" AWS_CONFIG_FILE="$work/home/.aws/config" AWS_SHARED_CREDENTIALS_FILE="$work/home/.aws/credentials"
export AWS_ENDPOINT_URL_SSO="$url" AWS_ENDPOINT_URL_SSO_OIDC="$url"
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_MAX_ATTEMPTS AWS_RETRY_MODE || true
mkdir -p "$HOME/.aws"
cat >"$work/pristine-config" <<EOF
[sso-session corp]
sso_start_url = https://d-1234567890.awsapps.com/start
sso_region = us-east-1
EOF
token=$(curl -sS --fail -X POST "$url/_control/issue_token" \
  -d "{\"cache_dir\": \"$HOME/.aws/sso/cache\", \"session\": \"corp\", \"start_url\": \"https://d-1234567890.awsapps.com/start\"}" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["accessToken"])')

now_ns() { date +%s%N; }
ms_since() { echo $(( ($(now_ns) - $1) / 1000000 )); }

# populate ARGS...: one timed run into a fresh config (prints the milliseconds); checks the count.
populate() {
  cp "$work/pristine-config" "$AWS_CONFIG_FILE"
  start=$(now_ns)
  "$bin/awsprof" sso populate --output json "$@" >"$work/populate.json" 2>"$work/populate.err" || {
    echo "error: awsprof sso populate $*: exit $?" >&2; head -c 2000 "$work/populate.err" >&2; exit 1; }
  elapsed=$(ms_since "$start")
  python3 - "$work/populate.json" "$ACCOUNTS" <<'EOF' >&2 || exit 1
import json, sys
report = json.load(open(sys.argv[1]))
want = int(sys.argv[2]) * 3
if report["counts"]["created"] != want:
    sys.exit(f"error: {report['counts']['created']} profiles created, {want} wanted")
EOF
  echo "$elapsed"
}
best_of_3() {
  best=
  for run in 1 2 3; do
    t=$(populate "$@")
    echo "awsprof sso populate${*:+ $*}, run $run: $t ms" >&2
    if [ -z "$best" ] || [ "$t" -lt "$best" ]; then best=$t; fi
  done
  echo "$best"
}

echo "== sso populate: $ACCOUNTS accounts x 3 roles"
# 1. Unthrottled.
best_awsprof=$(best_of_3)

# The server alone: the ListAccounts pages in turn (their next tokens), then the ListAccountRoles
# calls in one curl invocation, 8 at once on reused connections.
python3 - "$url" "$token" "$work/roles.curl" <<'EOF'
import json, sys, urllib.request
url, token, out = sys.argv[1:]
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
ids, next_token = [], None
while True:
    query = "max_result=100" + (f"&next_token={next_token}" if next_token else "")
    request = urllib.request.Request(f"{url}/assignment/accounts?{query}", headers={"x-amz-sso_bearer_token": token})
    page = json.load(opener.open(request))
    ids += [a["accountId"] for a in page["accountList"]]
    next_token = page.get("nextToken")
    if not next_token:
        break
with open(out, "w") as f:
    for account in ids:
        f.write(f'url = "{url}/assignment/roles?max_result=100&account_id={account}"\noutput = "/dev/null"\n')
EOF
best_curl=
for run in 1 2 3; do
  # The pages are timed inside Python, without its start-up.
  pages=$(python3 - "$url" "$token" <<'EOF'
import json, sys, time, urllib.request
url, token = sys.argv[1:]
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
start, next_token = time.monotonic(), None
while True:
    query = "max_result=100" + (f"&next_token={next_token}" if next_token else "")
    request = urllib.request.Request(f"{url}/assignment/accounts?{query}", headers={"x-amz-sso_bearer_token": token})
    next_token = json.load(opener.open(request)).get("nextToken")
    if not next_token:
        break
print(int((time.monotonic() - start) * 1000))
EOF
)
  start=$(now_ns)
  curl -sS --no-progress-meter --fail --parallel --parallel-max 8 -H "x-amz-sso_bearer_token: $token" -K "$work/roles.curl"
  elapsed=$(( $(ms_since "$start") + pages ))
  echo "server capacity (ListAccounts pages in turn: $pages ms, then curl 8 at once), run $run: $elapsed ms"
  if [ -z "$best_curl" ] || [ "$elapsed" -lt "$best_curl" ]; then best_curl=$elapsed; fi
done

# A re-run with nothing new, and a switch of preset (every profile renamed).
start=$(now_ns)
"$bin/awsprof" sso populate >/dev/null
rerun=$(ms_since "$start")
echo "re-run, nothing new (no byte written): $rerun ms"
start=$(now_ns)
"$bin/awsprof" sso populate --preset granted >/dev/null
renamed=$(ms_since "$start")
echo "--preset granted (all $((ACCOUNTS * 3)) profiles renamed): $renamed ms"

# 2. Throttled: a token bucket of RATE ListAccountRoles calls a second.
control rate_limit "{\"operation\": \"ListAccountRoles\", \"per_second\": $RATE, \"burst\": $((RATE / 10))}"
best_throttled=$(best_of_3)
python3 -c "import json; r = json.load(open('$work/populate.json')); print('   last throttled run:', r['portal'])"

python3 - "$best_awsprof" "$best_curl" "$best_throttled" "$ACCOUNTS" "$RATE" <<'EOF'
import sys
awsprof, curl, throttled, accounts, rate = (int(x) for x in sys.argv[1:])
floor = accounts * 1000 // rate
print(f"\nawsprof sso populate, unthrottled: {awsprof} ms ({accounts * 3} profiles)")
print(f"server capacity (the same requests by curl): {curl} ms")
ok = True
ratio = awsprof / curl
print(f"awsprof / server capacity: {ratio:.2f}x (goal <= 1.5x) {'met' if ratio <= 1.5 else 'MISSED'}")
ok &= ratio <= 1.5
ratio = throttled / floor
print(f"throttled at {rate}/s: {throttled} ms, floor {floor} ms: {ratio:.2f}x (goal <= 1.25x) "
      f"{'met' if ratio <= 1.25 else 'MISSED'}")
ok &= ratio <= 1.25
sys.exit(0 if ok else 1)
EOF
