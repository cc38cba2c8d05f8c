#!/bin/sh
# Secret-scan benchmark: awsprof lint --scan against git-secrets and grep on a generated tree.
#
# Usage: bench/run-scan.sh [BUILD_DIR] [MEGABYTES]
#   BUILD_DIR  the awsprof build (default: build/release, built first with scripts/build.sh)
#   MEGABYTES  size of the generated tree (default: 210; the goal is stated for >= 200)
#
# Generates (once, kept for later runs) /tmp/awsprof-scan-bench/tree with gen_scan_tree.py: mixed
# text files, binary files, planted credentials and look-alike decoys. Never inside the repo.
# Then, with the tree warm in the page cache and each command run RUNS times interleaved:
#   awsprof lint --scan TREE             (HOME without credentials: no own-key patterns)
#   git secrets --scan -r TREE           (Debian git-secrets, --register-aws patterns, in a temp HOME)
#   grep -rcE KEY_ID_PATTERN TREE        (git-secrets' key-id pattern: the practical limit)
# It checks that awsprof reports every planted credential at its path:line:col and nothing else
# (no decoy, nothing from the binary files), prints min/median times and the two ratios, and
# exits 1 if the check fails. Goals: awsprof >= 3x faster than git-secrets, <= 2x grep's time.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
if [ -n "${1:-}" ]; then
  build=$1
else
  sh "$here/../scripts/build.sh" release >/dev/null
  build=$here/../build/release
fi
megabytes=${2:-210}
runs=${RUNS:-7}
awsprof=$(cd "$build/bin" && pwd)/awsprof
out=/tmp/awsprof-scan-bench
tree=$out/tree

[ -x "$awsprof" ] || { echo "no $awsprof: build first" >&2; exit 2; }
command -v git-secrets >/dev/null || { echo "git-secrets is not installed" >&2; exit 2; }

if [ ! -f "$out/manifest.json" ] || [ "$(cat "$out/megabytes" 2>/dev/null)" != "$megabytes" ]; then
  rm -rf "$out"
  mkdir -p "$out"
  python3 "$here/gen_scan_tree.py" "$out" --megabytes "$megabytes"
  echo "$megabytes" > "$out/megabytes"
fi

# git-secrets keeps its patterns in git config: a throw-away HOME and repository for it.
work=$(mktemp -d /tmp/awsprof-scan-bench-run.XXXXXX)
trap 'rm -rf "$work"' EXIT INT TERM
mkdir -p "$work/home" "$work/repo"
HOME=$work/home git config --global user.email bench@example.com
HOME=$work/home git config --global user.name bench
HOME=$work/home git -C "$work/repo" init -q
(cd "$work/repo" && HOME=$work/home git secrets --register-aws --global >/dev/null)

python3 - "$awsprof" "$tree" "$out/manifest.json" "$work" "$runs" <<'EOF'
import json, os, statistics, subprocess, sys, time

awsprof, tree, manifest_path, work, runs = sys.argv[1:6]
runs = int(runs)
key_pattern = "(A3T[A-Z0-9]|AKIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|ASIA)[A-Z0-9]{16}"
env_awsprof = {"HOME": work + "/home", "PATH": "/usr/bin:/bin", "LC_ALL": "C"}
env_secrets = {"HOME": work + "/home", "PATH": "/usr/bin:/bin", "LC_ALL": "C"}
commands = {
    "awsprof": ([awsprof, "lint", "--scan", tree, "--output", "json", "--no-progress"], env_awsprof, None),
    "git-secrets": (["git", "secrets", "--scan", "-r", tree], env_secrets, work + "/repo"),
    "grep": (["grep", "-rcE", key_pattern, tree], {"PATH": "/usr/bin:/bin", "LC_ALL": "C"}, None),
}

# Warm the page cache.
for root, _, files in os.walk(tree):
    for name in files:
        with open(os.path.join(root, name), "rb") as f:
            while f.read(1 << 20):
                pass

def run(name):
    argv, env, cwd = commands[name]
    start = time.perf_counter()
    proc = subprocess.run(argv, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start, proc

# Correctness: every planted credential, nothing else.
manifest = json.load(open(manifest_path))
_, proc = run("awsprof")
findings = json.loads(proc.stdout)
found = {(os.path.relpath(f["path"], tree), f["line"], f["column"]) for f in findings}
planted = {(p["path"], p["line"], p["column"]) for p in manifest["planted"]}
missed, extra = planted - found, found - planted
leaked = [f for f in findings if "AKIA" in f["message"] or "ASIA" in f["message"]]
print("tree: %d files, %.1f MB; planted %d, decoys %d (%s)" % (
    manifest["files"], manifest["bytes"] / 1e6, len(planted), sum(manifest["decoys"].values()),
    ", ".join("%s %d" % kv for kv in sorted(manifest["decoys"].items()))))
print("awsprof: %d findings, %d planted found, %d missed, %d not planted (decoys), exit %d" % (
    len(findings), len(planted & found), len(missed), len(extra), proc.returncode))
for item in sorted(missed)[:5]:
    print("  missed %s:%d:%d" % item)
for item in sorted(extra)[:5]:
    print("  decoy reported %s:%d:%d" % item)

times = {name: [] for name in commands}
for _ in range(runs):
    for name in commands:
        times[name].append(run(name)[0])
for name, values in times.items():
    print("%-12s min %.3f s  median %.3f s  (%d runs)" % (name, min(values), statistics.median(values), runs))
a, s, g = (statistics.median(times[n]) for n in ("awsprof", "git-secrets", "grep"))
print("awsprof vs git-secrets: %.1fx faster (goal >= 3x)" % (s / a))
print("awsprof vs grep: %.2fx grep's time (goal <= 2x)" % (a / g))
amin, smin, gmin = (min(times[n]) for n in ("awsprof", "git-secrets", "grep"))
print("(best runs: %.1fx faster than git-secrets, %.2fx grep's time)" % (smin / amin, amin / gmin))
ok = not missed and not extra and not leaked and proc.returncode == 1
print("check: %s" % ("PASS" if ok else "FAIL"))
sys.exit(0 if ok else 1)
EOF
