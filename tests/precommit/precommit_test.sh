#!/bin/sh
# Usage: precommit_test.sh BIN_DIR SOURCE_DIR
# In temporary git repositories (nothing is downloaded; HOME, the pre-commit cache and the AWS
# files are all temporary):
#  1. the pre-commit framework, with this checkout's .pre-commit-hooks.yaml from a local clone,
#     refuses a commit that adds an access key and accepts a clean commit;
#  2. the same through `repo: local`;
#  3. the plain hook from `awsprof lint --install-hook` refuses and accepts the same commits, and
#     a different existing hook is not overwritten without --force.
set -u
bin=$1
source=$2
fail=0

if ! command -v pre-commit >/dev/null 2>&1; then
  echo "SKIPPED: pre-commit is not installed (Debian package pre-commit); the integration test did not run"
  exit 77
fi

tmp=$(mktemp -d /tmp/awsprof-precommit.XXXXXX)
trap 'rm -rf "$tmp"' EXIT INT TERM
export HOME="$tmp/home" PRE_COMMIT_HOME="$tmp/cache" PATH="$bin:/usr/bin:/bin" LC_ALL=C.UTF-8
export AWS_CONFIG_FILE="$tmp/home/.aws/config" AWS_SHARED_CREDENTIALS_FILE="$tmp/home/.aws/credentials"
export GIT_CONFIG_NOSYSTEM=1
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE
mkdir -p "$HOME"
git config --global user.email test@example.com
git config --global user.name test
git config --global init.defaultBranch main
git config --global protocol.file.allow always

# Not a real key: base32 after AKIA, 20 characters.
key=AKIA2MOCKMOCKMOCKQ3Z

check() {  # check NAME EXPECTED_STATUS ACTUAL_STATUS LOG [PATTERN]
  if [ "$2" = ok ] && [ "$3" -ne 0 ]; then
    echo "FAIL $1: expected success, got exit $3"; sed 's/^/  | /' "$4"; fail=1; return
  fi
  if [ "$2" = refused ] && [ "$3" -eq 0 ]; then
    echo "FAIL $1: expected the commit to be refused"; sed 's/^/  | /' "$4"; fail=1; return
  fi
  if [ $# -ge 5 ] && ! grep -q -- "$5" "$4"; then
    echo "FAIL $1: output lacks '$5'"; sed 's/^/  | /' "$4"; fail=1; return
  fi
  if grep -q "$key" "$4"; then
    echo "FAIL $1: the key appears unmasked in the output"; fail=1; return
  fi
  echo "PASS $1"
}

# try_commits REPO LABEL: a commit adding the key must be refused, then a clean one accepted.
try_commits() {
  repo=$1
  label=$2
  printf 'import os\nACCESS_KEY_ID = "%s"\n' "$key" > "$repo/settings.py"
  git -C "$repo" add settings.py
  git -C "$repo" commit -q -m "add a key" > "$tmp/log" 2>&1
  check "$label: commit with a key is refused" refused $? "$tmp/log" "settings.py:2:18"
  printf 'import os\nACCESS_KEY_ID = os.environ["AWS_ACCESS_KEY_ID"]\n' > "$repo/settings.py"
  git -C "$repo" add settings.py
  git -C "$repo" commit -q -m "read the key from the environment" > "$tmp/log" 2>&1
  check "$label: clean commit is accepted" ok $? "$tmp/log"
  count=$(git -C "$repo" rev-list --count HEAD)
  [ "$count" -eq 2 ] || { echo "FAIL $label: expected 2 commits, found $count"; fail=1; }
}

# --- 1. The framework, from a local clone of this checkout with its current hook manifest.
clone="$tmp/awsprof-clone"
if git clone -q "$source" "$clone" 2>"$tmp/log"; then
  cp "$source/.pre-commit-hooks.yaml" "$clone/.pre-commit-hooks.yaml"
  git -C "$clone" add .pre-commit-hooks.yaml
  git -C "$clone" commit -q --no-verify -m "hook manifest under test" >/dev/null 2>&1
else  # not a git checkout (a source tarball): a repository holding only the manifest
  mkdir -p "$clone" && git -C "$clone" init -q
  cp "$source/.pre-commit-hooks.yaml" "$clone/"
  git -C "$clone" add .pre-commit-hooks.yaml && git -C "$clone" commit -q -m manifest
fi
rev=$(git -C "$clone" rev-parse HEAD)

repo="$tmp/framework"
git init -q "$repo"
cat > "$repo/.pre-commit-config.yaml" <<YAML
repos:
  - repo: $clone
    rev: $rev
    hooks:
      - id: awsprof-lint
YAML
git -C "$repo" add .pre-commit-config.yaml
git -C "$repo" commit -q -m "pre-commit configuration" >/dev/null
(cd "$repo" && pre-commit install >"$tmp/log" 2>&1)
check "framework: pre-commit install" ok $? "$tmp/log"
try_commits "$repo" "framework (local clone)"
# A UTF-16 file with no extension (a credentials file saved by a Windows editor): pre-commit's own
# text test calls it binary, so the hook must take every file and let awsprof decode it.
printf '\377\376' > "$repo/credentials"
printf 'aws_access_key_id=%s\n' "$key" | iconv -f UTF-8 -t UTF-16LE >> "$repo/credentials"
git -C "$repo" add credentials
git -C "$repo" commit -q -m "add a UTF-16 file" > "$tmp/log" 2>&1
check "framework: a UTF-16 file with a key is refused" refused $? "$tmp/log" "credentials:1:19"
git -C "$repo" rm -q --cached credentials && rm "$repo/credentials"

# --- 2. repo: local, from examples/pre-commit-config.yaml's commented variant.
repo="$tmp/local"
git init -q "$repo"
cat > "$repo/.pre-commit-config.yaml" <<'YAML'
repos:
  - repo: local
    hooks:
      - id: awsprof-lint
        name: awsprof lint (AWS credentials)
        entry: awsprof lint --scan
        language: system
        types: [file]
YAML
git -C "$repo" add .pre-commit-config.yaml
git -C "$repo" commit -q -m "pre-commit configuration" >/dev/null
(cd "$repo" && pre-commit install >"$tmp/log" 2>&1)
try_commits "$repo" "framework (repo: local)"

# --- 3. The plain hook.
repo="$tmp/plain"
git init -q "$repo"
git -C "$repo" commit -q --allow-empty -m "start"
(cd "$repo" && awsprof lint --install-hook >"$tmp/log" 2>&1)
check "plain hook: install" ok $? "$tmp/log" "installed"
printf 'import os\nACCESS_KEY_ID = "%s"\n' "$key" > "$repo/settings.py"
git -C "$repo" add settings.py
echo "only in the work tree" > "$repo/settings.py"  # the index still holds the key
git -C "$repo" commit -q -m "add a key" > "$tmp/log" 2>&1
check "plain hook: staged key is refused although the work tree is clean" refused $? "$tmp/log" "lint.scan-access-key-id"
git -C "$repo" add settings.py
git -C "$repo" commit -q -m "clean" > "$tmp/log" 2>&1
check "plain hook: clean commit is accepted" ok $? "$tmp/log"
printf '#!/bin/sh\nexit 0\n' > "$repo/.git/hooks/pre-commit"
(cd "$repo" && awsprof lint --install-hook >"$tmp/log" 2>&1)
status=$?
if [ $status -eq 2 ] && grep -q -- "--force" "$tmp/log"; then echo "PASS plain hook: a different hook is kept"; else
  echo "FAIL plain hook: a different hook was not refused (exit $status)"; fail=1; fi
(cd "$repo" && awsprof lint --install-hook --force >"$tmp/log" 2>&1)
check "plain hook: --force replaces it" ok $? "$tmp/log" "replaced"

[ $fail -eq 0 ] && echo "all pre-commit checks passed"
exit $fail
