#!/bin/sh
# Installs, from Debian 12 packages, what awsprof needs.
#   install-deps.sh build   what building needs (python3-botocore: its partitions.json is compiled in)
#   install-deps.sh test    that, plus the real peers and checkers the test suite runs (default)
# It does nothing when everything is present, so it is safe to run before every build.
set -eu

BUILD_PACKAGES="g++ cmake ninja-build make pkg-config libgtest-dev libgmock-dev
  libtomlplusplus-dev libcli11-dev nlohmann-json3-dev libinih-dev
  libcurl4-openssl-dev libssl-dev libexpat1-dev libhyperscan-dev libre2-dev libdtl-dev
  libutf8proc-dev python3-botocore"

TEST_PACKAGES="awscli python3 python3-jsonschema git git-secrets
  pre-commit mandoc man-db bash-completion zsh fish clang libclang-rt-14-dev lld
  curl hyperfine dpkg-dev file strace graphviz"

case "${1:-test}" in
  build) wanted="$BUILD_PACKAGES" ;;
  test) wanted="$BUILD_PACKAGES $TEST_PACKAGES" ;;
  *) echo "usage: install-deps.sh [build|test]" >&2; exit 2 ;;
esac

missing=""
for pkg in $wanted; do
  case "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)" in
    *" installed") ;;
    *) missing="$missing $pkg" ;;
  esac
done
[ -z "$missing" ] && exit 0

echo "install-deps: installing:$missing" >&2
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
