#!/usr/bin/env python3
"""The layering of libconfig is enforced by the build: a source of layer L sees only the public
headers of L and of the layers L uses (libconfig/CMakeLists.txt). This preprocesses, for every pair
of layers (L, M), a one-line file of layer L that includes a public header of M, with exactly the
flags the build gives L's sources (from compile_commands.json), and checks that every include
resolves when L may use M, and fails with "No such file or directory" when it may not. Only the
preprocessor decides where an include is found; that each installed header also compiles on its own
is checked by the install tests (install.headers).

Usage: layer_test.py --build-dir DIR --layer NAME=USED,USED... [--layer ...]
Exit 0: the build enforces every direction; 1: a pair behaves otherwise (each printed).
"""
import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile


def layer_flags(commands, source_dir, layer):
    """The compiler and flags of one source of `layer`, without its output, input, dependency file
    and precompiled header."""
    prefix = os.path.join(source_dir, "libconfig", "src", layer) + os.sep
    for entry in commands:
        if entry["file"].startswith(prefix):
            args = shlex.split(entry["command"])
            out, skip = [], False
            for arg in args:
                if skip:
                    skip = False
                    continue
                if arg in ("-o", "-MF", "-MT", "-MQ", "-c"):
                    skip = True
                    continue
                if arg in ("-MD", "-MMD", "-Winvalid-pch") or arg == entry["file"]:
                    continue
                if arg == "-include" or "cmake_pch" in arg:
                    continue
                out.append(arg)
            # "-include X" pairs: drop the file name left after "-include".
            cleaned = [a for a in out if not a.endswith((".hxx", ".hxx.gch"))]
            return cleaned, entry["directory"]
    return None, None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build-dir", required=True)
    parser.add_argument("--source-dir", required=True)
    parser.add_argument("--layer", action="append", default=[])
    options = parser.parse_args()
    uses = {}
    for spec in options.layer:
        name, _, used = spec.partition("=")
        uses[name] = {u for u in used.split(",") if u}
    with open(os.path.join(options.build_dir, "compile_commands.json")) as f:
        commands = json.load(f)
    include_root = os.path.join(options.source_dir, "libconfig", "include", "awsprof")
    header_of = {}
    for layer in uses:
        headers = sorted(h for h in os.listdir(os.path.join(include_root, layer)) if h.endswith(".hpp"))
        header_of[layer] = f"awsprof/{layer}/{headers[0]}"
    failures = []
    checked = 0
    with tempfile.TemporaryDirectory() as tmp:
        for layer in uses:
            flags, directory = layer_flags(commands, options.source_dir, layer)
            if flags is None:
                failures.append(f"{layer}: no source of this layer in compile_commands.json")
                continue
            for other, header in header_of.items():
                allowed = other == layer or other in uses[layer]
                probe = os.path.join(tmp, f"{layer}_includes_{other}.cpp")
                with open(probe, "w") as f:
                    f.write(f'#include "{header}"\n')
                result = subprocess.run(flags + ["-E", "-o", os.devnull, probe], cwd=directory,
                                        capture_output=True, text=True)
                checked += 1
                if allowed and result.returncode != 0:
                    failures.append(f"{layer} may include {header}, but it does not preprocess:\n{result.stderr}")
                elif not allowed and (result.returncode == 0 or "No such file or directory" not in result.stderr):
                    failures.append(f"{layer} must not see {header}, but "
                                    + ("it compiles" if result.returncode == 0 else result.stderr))
                else:
                    print(f"ok: {layer} {'includes' if allowed else 'cannot include'} {header}")
    for failure in failures:
        print("FAIL: " + failure)
    print(f"{checked} pairs checked, {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
