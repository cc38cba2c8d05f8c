#!/usr/bin/env python3
"""Checks that `awsprof graph --output dot` is valid Graphviz: `dot -Tcanon` must accept it without a
warning. Inputs: the expected stdout of every tests/golden/graph case run with `--output dot` (the golden
tests check that the binary prints exactly that), and the live output over the examples/ files.

Exit status: 0 all accepted, 1 one was refused, 77 skipped (dot is not installed: Debian graphviz,
scripts/install-deps.sh test)."""
import argparse
import glob
import os
import shutil
import subprocess
import sys

SKIP = 77


def expected_dot(case_path):
    """The stdout block of a golden case whose command has --output dot, or None."""
    blocks, current = {}, None
    with open(case_path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("--- "):
                current = line[4:].strip()
                blocks[current] = ""
            elif current is not None:
                blocks[current] += line[1:] if line.startswith("\\--- ") else line
    if "--output dot" not in blocks.get("run", ""):
        return None
    return blocks.get("stdout", "")


def check(name, text):
    proc = subprocess.run(["dot", "-Tcanon"], input=text, capture_output=True, text=True, timeout=60)
    if proc.returncode != 0 or proc.stderr.strip():
        print(f"FAIL {name}: dot exit {proc.returncode}: {proc.stderr.strip()}")
        return False
    print(f"PASS {name}")
    return True


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin-dir", required=True)
    parser.add_argument("--source-dir", required=True)
    args = parser.parse_args()
    if shutil.which("dot") is None:
        print("SKIPPED: Graphviz `dot` not found on PATH (apt-get install graphviz); "
              "the DOT output of awsprof graph was NOT checked", flush=True)
        return SKIP
    ok = True
    cases = sorted(glob.glob(os.path.join(args.source_dir, "tests", "golden", "graph", "*.test")))
    checked = 0
    for case in cases:
        text = expected_dot(case)
        if text is not None:
            ok = check(os.path.basename(case), text) and ok
            checked += 1
    if checked == 0:
        print("FAIL no golden graph case runs --output dot")
        ok = False
    graph = os.path.join(args.bin_dir, "awsprof-graph")
    examples = os.path.join(args.source_dir, "examples")
    env = {"HOME": "/nonexistent", "PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8"}
    for config, extra in (("config", []), ("medium/config", []), ("broken/config", ["--dialect", "sdk"])):
        cmd = [graph, "--config-file", os.path.join(examples, config), "--credentials-file",
               os.path.join(examples, "credentials"), "--output", "dot"] + extra
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=60)
        if proc.returncode not in (0, 1) or not proc.stdout.startswith("digraph"):
            print(f"FAIL examples/{config}: awsprof graph exit {proc.returncode}: {proc.stderr.strip()}")
            ok = False
            continue
        ok = check(f"examples/{config}", proc.stdout) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
