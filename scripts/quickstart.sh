#!/bin/sh
# Sets up what is missing, builds awsprof, and lists the profiles of the bundled example files.
set -eu
cd "$(dirname "$0")/.."
sh scripts/install-deps.sh build
sh scripts/build.sh release >/dev/null
exec build/release/bin/awsprof list --config-file examples/config --credentials-file examples/credentials "$@"
