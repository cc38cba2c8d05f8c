#!/bin/sh
# onboarding_test.sh BIN_DIR SOURCE_DIR WORK_DIR
# Runs examples/onboarding.sh in a temporary HOME holding an engineer's own files, twice: the first
# run merges the team baseline and sets the default region, the second must leave both files
# byte-identical. Then checks the merge kept the engineer's own values, that the STS step is skipped
# with a message when AWSPROF_TEST_ENDPOINT is unset, and that a broken file fails loudly.
set -eu
bin=$1 source=$2 work=$3
script=$source/examples/onboarding.sh
fail() {
  echo "FAIL: $*" >&2
  exit 1
}

missing=""
for command in import get set validate lint test list; do
  [ -x "$bin/awsprof-$command" ] || missing="$missing awsprof-$command"
done
[ -z "$missing" ] || fail "examples/onboarding.sh needs$missing, which is not built yet"

rm -rf "$work"
mkdir -p "$work/home/.aws"
chmod 700 "$work/home/.aws"
export HOME="$work/home" PATH="$bin:/usr/bin:/bin"
unset AWS_CONFIG_FILE AWS_SHARED_CREDENTIALS_FILE AWS_PROFILE AWS_DEFAULT_PROFILE AWS_REGION \
  AWS_DEFAULT_REGION AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWSPROF_TEST_ENDPOINT \
  AWSPROF_DEFAULT_REGION 2>/dev/null || true
config=$HOME/.aws/config credentials=$HOME/.aws/credentials
# The engineer's own files: a profile of their own, and platform-dev with their own region.
cat >"$config" <<'CONFIG'
# my own config
[profile personal]
region = us-west-1

[profile platform-dev]
region = us-east-2
CONFIG
cat >"$credentials" <<'CREDENTIALS'
[default]
aws_access_key_id = AKIAZ7ONBOARDTEST0QX
aws_secret_access_key = q9Jm2Vx4Lr8Tn6Wb3Yc7Ze5Ka1Hd0Gf2Sp4Ru8Xi
CREDENTIALS
chmod 600 "$config" "$credentials"

# A stand-in STS endpoint, stopped on exit.
python=/usr/bin/python3
[ -x "$python" ] || python=python3
"$python" "$source/tests/examples/fake_sts.py" "$work/sts.port" 110 &
sts=$!
trap 'kill $sts 2>/dev/null || true' EXIT
i=0
while [ ! -s "$work/sts.port" ]; do
  i=$((i + 1))
  [ $i -le 100 ] || fail "fake_sts.py did not start"
  sleep 0.1
done
export AWSPROF_TEST_ENDPOINT="http://127.0.0.1:$(cat "$work/sts.port")"

echo "== first run"
sh "$script" >"$work/run1.log" 2>&1 || { cat "$work/run1.log"; fail "the first run exited $?"; }
cat "$work/run1.log"
cp "$config" "$work/config.after1"
cp "$credentials" "$work/credentials.after1"

echo "== second run"
sh "$script" >"$work/run2.log" 2>&1 || { cat "$work/run2.log"; fail "the second run exited $?"; }
cat "$work/run2.log"
cmp "$work/config.after1" "$config" || fail "the second run changed ~/.aws/config"
cmp "$work/credentials.after1" "$credentials" || fail "the second run changed ~/.aws/credentials"
echo "ok: the second run left both files byte-identical"

# What the merge did.
names=$(awsprof list --names | tr '\n' ' ')
for profile in personal platform-dev platform-prod-readonly platform-prod-deploy platform-local default; do
  case " $names" in *" $profile "*) ;; *) fail "profile $profile missing after onboarding: $names" ;; esac
done
[ "$(awsprof get --profile platform-dev region)" = us-east-2 ] || fail "the engineer's own region of platform-dev was not kept"
[ "$(awsprof get --profile platform-dev sso_role_name)" = PowerUserAccess ] || fail "platform-dev did not get the baseline's keys"
[ "$(awsprof get --profile default region)" = us-east-1 ] || fail "[default] did not get region us-east-1"
grep -q '^# my own config$' "$config" || fail "the engineer's comment was lost"
grep -q 'awsprof' "$config" && fail "onboarding left a marker in ~/.aws/config"
grep -q "123456789012" "$work/run1.log" || fail "awsprof test did not reach the STS endpoint"
echo "ok: the baseline is merged, the engineer's values and comments are kept, STS answered"

echo "== without AWSPROF_TEST_ENDPOINT"
out=$(env -u AWSPROF_TEST_ENDPOINT sh "$script" 2>&1) || fail "exited $? without AWSPROF_TEST_ENDPOINT: $out"
case "$out" in *"skipped: set AWSPROF_TEST_ENDPOINT"*) echo "ok: the STS step is skipped with a message" ;;
  *) fail "no skip message without AWSPROF_TEST_ENDPOINT: $out" ;; esac
cmp "$work/config.after1" "$config" || fail "a third run changed ~/.aws/config"

echo "== a broken file fails loudly"
cp "$source/examples/broken/config" "$work/broken-config"
if out=$(AWS_CONFIG_FILE="$work/broken-config" sh "$script" 2>&1); then
  fail "onboarding succeeded on examples/broken/config: $out"
fi
case "$out" in *"onboarding: FAILED"*) echo "ok: a broken config fails loudly" ;;
  *) fail "no FAILED message on a broken config: $out" ;; esac
