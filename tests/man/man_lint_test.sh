#!/bin/sh
# Lints every man page of the source tree: `mandoc -T lint` at every level (errors, warnings and
# style) must print nothing, and `man -l` must render each page without a warning.
#   man_lint_test.sh MAN_DIR
set -eu
dir=$1
command -v mandoc >/dev/null 2>&1 || { echo "FAIL: mandoc is not installed (Debian: mandoc)" >&2; exit 1; }
status=0
for page in "$dir"/*.1; do
  messages=$(mandoc -T lint "$page" 2>&1) || true
  if [ -n "$messages" ]; then
    echo "FAIL: mandoc -T lint ${page##*/}:" >&2
    echo "$messages" >&2
    status=1
    continue
  fi
  if command -v man >/dev/null 2>&1; then
    warnings=$(MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null) || true
    if [ -n "$warnings" ]; then
      echo "FAIL: man --warnings -l ${page##*/}: $warnings" >&2
      status=1
      continue
    fi
  fi
  echo "ok: ${page##*/}"
done
exit $status
