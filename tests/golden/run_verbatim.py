#!/usr/bin/env python3
"""Every argument of every tool reaches it verbatim (issue 10 item 2).

CLI11 reads an argument "[a,b]" given to an option that takes several values as the list a, b.
For every awsprof-* executable in --bin-dir, and every positional and every option that takes a
value in its completion spec (--awsprof-completion-spec), this runs the tool with that argument
set to "[zzq,yyq]" (and other arguments left out), in an empty HOME with no AWS_* variables, no
instance metadata and no network, and checks that its output never holds "zzq" or "yyq" on their
own: wherever the tool echoes the argument (an error naming it, a path, a profile, a value), it
must echo all of it. Cases where the tool does not echo it at all cannot show a split and are
counted apart; at least MIN_ECHOED cases must echo it, or the test proves nothing.

Usage: run_verbatim.py --bin-dir DIR   (registered as golden.verbatim-arguments)
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

TOKEN = "[zzq,yyq]"
SPLIT = re.compile(r"(?<!\[)zzq|yyq(?!\])")
MIN_ECHOED = 25


def spec(binary):
    out = subprocess.run([binary, "--awsprof-completion-spec"], capture_output=True, text=True, timeout=30)
    return json.loads(out.stdout)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin-dir", required=True)
    args = parser.parse_args()
    tools = sorted(name for name in os.listdir(args.bin_dir) if name.startswith("awsprof-"))
    failures, echoed, silent = [], 0, 0
    with tempfile.TemporaryDirectory(prefix="awsprof-verbatim-") as home:
        env = {"HOME": home, "PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8", "AWS_EC2_METADATA_DISABLED": "true",
               "AWS_CONFIG_FILE": os.path.join(home, ".aws", "config"),
               "AWS_SHARED_CREDENTIALS_FILE": os.path.join(home, ".aws", "credentials")}
        for tool in tools:
            binary = os.path.join(os.path.abspath(args.bin_dir), tool)
            description = spec(binary)
            cases = [[TOKEN] for _ in description["positionals"][:1]]
            for option in description["options"]:
                if option["takes_value"]:
                    name = next(n for n in option["names"] if n.startswith("--"))
                    cases.append([name, TOKEN])
                    cases.append([name + "=" + TOKEN])
            for case in cases:
                try:
                    run = subprocess.run([binary] + case, capture_output=True, text=True, env=env, cwd=home,
                                         stdin=subprocess.DEVNULL, timeout=60)
                except subprocess.TimeoutExpired:
                    failures.append("%s %s: timed out" % (tool, " ".join(case)))
                    continue
                output = run.stdout + run.stderr
                if SPLIT.search(output):
                    failures.append("%s %s: the argument was split:\n%s" % (tool, " ".join(case), output))
                elif TOKEN in output:
                    echoed += 1
                else:
                    silent += 1
    print("%d cases echo the argument whole, %d do not echo it, %d split it" % (echoed, silent, len(failures)))
    for failure in failures:
        print("FAIL " + failure)
    if echoed < MIN_ECHOED:
        print("FAIL only %d cases echo the argument; expected at least %d" % (echoed, MIN_ECHOED))
        return 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
