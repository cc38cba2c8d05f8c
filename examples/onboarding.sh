#!/bin/sh
# Team onboarding: merges the team's baseline profiles into this user's AWS files, sets a default
# region, validates (failing loudly on errors), lints credential hygiene, and tests the default
# profile's credentials against STS. POSIX sh and awsprof commands only. Idempotent: a second run
# changes nothing.
#
#   sh examples/onboarding.sh [BASELINE]
#
# BASELINE                the team's config file (default: team-baseline.config beside this script)
# AWSPROF_DEFAULT_REGION  the region [default] gets when it has none (default: us-east-1)
# AWSPROF_TEST_ENDPOINT   the STS endpoint `awsprof test` calls (https://sts.eu-west-1.amazonaws.com,
#                         or a local fake); when unset, that step is skipped with a message
# AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE  the files, as for the AWS CLI (default ~/.aws/...)
#
# Exit status: 0 done; 1 the files have errors, or hygiene or credential problems were found;
# 2 a step could not run.
set -u

here=$(dirname "$0")
baseline=${1:-$here/team-baseline.config}
region=${AWSPROF_DEFAULT_REGION:-us-east-1}
status=0

step() { printf '\n== onboarding: %s\n' "$*"; }
die() {
  printf '\nonboarding: FAILED: %s\n' "$*" >&2
  exit "${2:-2}"
}

command -v awsprof >/dev/null 2>&1 || die "awsprof is not on PATH"
[ -r "$baseline" ] || die "cannot read the team baseline $baseline"

step "1/5 merging the team baseline $baseline"
# Adds the profiles and sections you lack, and the keys you lack in the profiles you have. Where you
# set a key differently, your value stays and the conflict is reported (exit 1).
awsprof import --config "$baseline"
case $? in
  0) ;;
  1) echo "onboarding: kept your own values where they differ from the baseline (listed above)" ;;
  *) die "could not merge $baseline" ;;
esac

step "2/5 default region"
# Only when [default] has no region: a region you chose is yours.
if current=$(awsprof get --profile default region 2>/dev/null) && [ -n "$current" ]; then
  echo "onboarding: [default] keeps its region $current"
else
  awsprof set --profile default region "$region" || die "could not set the default region"
  echo "onboarding: [default] region set to $region"
fi

step "3/5 validating"
awsprof validate
case $? in
  0) ;;
  1) die "your AWS files have errors (above): fix them and run onboarding again" 1 ;;
  *) die "could not validate your AWS files" ;;
esac

step "4/5 credential hygiene"
awsprof lint
case $? in
  0) ;;
  1)
    echo "onboarding: fix the hygiene findings above" >&2
    status=1
    ;;
  *) die "could not lint your AWS files" ;;
esac

step "5/5 testing the default profile's credentials"
if [ -z "${AWSPROF_TEST_ENDPOINT:-}" ]; then
  echo "onboarding: skipped: set AWSPROF_TEST_ENDPOINT to an STS endpoint URL to test credentials"
else
  awsprof test --profile default --endpoint-url "$AWSPROF_TEST_ENDPOINT"
  case $? in
    0) ;;
    1)
      echo "onboarding: the default profile's credentials do not work (above)" >&2
      status=1
      ;;
    *) die "could not test credentials against $AWSPROF_TEST_ENDPOINT" ;;
  esac
fi

[ "$status" -eq 0 ] && printf '\nonboarding: done\n'
exit "$status"
