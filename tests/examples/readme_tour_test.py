#!/usr/bin/env python3
"""Runs the tour of README.md, line by line, in the checkout, and checks that each line does what
its comment says. Every tour line needs a check here: a line added to the tour without one fails.

Usage: readme_tour_test.py BIN_DIR SOURCE_DIR

The tour runs with the checkout as working directory (so the repository's own .awsprof.toml is
found, as it is for a reader), HOME in a temporary directory, and `test` sent to a proxy that
refuses connections (no network is needed; the example keys must fail either way).
"""

import hashlib
import os
import re
import subprocess
import sys
import tempfile


def tour_lines(readme):
    text = open(readme, encoding="utf-8").read()
    block = re.search(r"## A tour\n.*?```sh\n(.*?)```", text, re.S)
    if not block:
        sys.exit("FAIL: README.md has no ```sh block under '## A tour'")
    return [line for line in block.group(1).splitlines() if line.strip()]


def broken_rule_ids(path):
    """The validate/parse rule ids the comments of examples/broken/config promise."""
    ids = set()
    for line in open(path, encoding="utf-8"):
        if line.startswith("#"):
            ids.update(re.findall(r"\b((?:parse|validate)\.[a-z-]+)", line))
    return ids


def main():
    bin_dir, source = sys.argv[1], sys.argv[2]
    lines = tour_lines(os.path.join(source, "README.md"))
    export, commands = lines[0], lines[1:]
    if not export.startswith("export "):
        sys.exit("FAIL: the tour's first line must be its export line: " + export)
    config = os.path.join(source, "examples", "config")
    before = hashlib.sha256(open(config, "rb").read()).hexdigest()
    failures = []

    def expect(condition, line, what, result):
        if not condition:
            failures.append("%s\n  expected: %s\n  exit %d\n  stdout:\n%s\n  stderr:\n%s" %
                            (line, what, result.returncode, result.stdout, result.stderr))

    checks = {
        "awsprof list": lambda r, line: (
            expect(r.returncode == 0, line, "exit 0", r),
            expect([row.split("\t")[0] for row in r.stdout.splitlines()] ==
                   ["default", "dev", "prod-admin", "ci", "eks", "tools", "legacy"], line,
                   "every profile of examples/config and examples/credentials", r),
            expect(all(len(row.split("\t")) == 5 for row in r.stdout.splitlines()), line,
                   "name, kind, region, file, expiry on each row", r)),
        "awsprof list --names --config-file examples/medium/config": lambda r, line: (
            expect(r.returncode == 0 and len(r.stdout.splitlines()) == 301, line,
                   "300 profiles + legacy", r)),
        "awsprof list --long --kind assume-role --kind sso": lambda r, line: (
            expect(r.returncode == 0, line, "exit 0", r),
            expect([row.split("\t")[:1] + row.split("\t")[5:9] for row in r.stdout.splitlines()] ==
                   [["dev", "111122223333", "Developer", "corp", "-"],
                    ["prod-admin", "444455556666", "Admin", "-", "default"]], line,
                   "the SSO and role profiles, with account, role, sso_session and source", r)),
        "awsprof graph": lambda r, line: (
            expect(r.returncode == 0, line, "exit 0 (no problems in examples/)", r),
            expect("default  static\n\u2514\u2500\u2500 prod-admin  assume-role" in r.stdout and
                   "sso-session corp" in r.stdout and "\u2514\u2500\u2500 dev  sso" in r.stdout, line,
                   "prod-admin under default's keys, dev under the corp SSO session", r)),
        "AWS_REGION=us-east-2 awsprof explain --profile prod-admin region": lambda r, line: (
            expect(r.returncode == 0, line, "exit 0", r),
            expect(re.search(r"region\s+us-east-2\s+env\s+AWS_REGION", r.stdout) is not None, line,
                   "region from AWS_REGION", r),
            expect(re.search(r"\(shadows\)\s+eu-west-1\s+config-file\s+examples/config", r.stdout) is not None,
                   line, "the config file's region, shadowed", r)),
        "awsprof set --profile dev region eu-west-1 --dry-run": lambda r, line: (
            expect(r.returncode == 0 and "-region = us-west-2\n+region = eu-west-1\n" in r.stdout, line,
                   "the unified diff of the change", r)),
        "awsprof validate --config-file examples/broken/config": lambda r, line: (
            expect(r.returncode == 1, line, "exit 1 (errors found)", r),
            expect(not (broken_rule_ids(os.path.join(source, "examples/broken/config")) -
                        set(re.findall(r"\[((?:parse|validate)\.[a-z-]+)\]$", r.stdout, re.M))), line,
                   "every rule id the comments of examples/broken/config name: %s" %
                   sorted(broken_rule_ids(os.path.join(source, "examples/broken/config"))), r),
            expect("suppressed" not in r.stdout + r.stderr, line, "nothing suppressed", r)),
        "awsprof lint": lambda r, line: (
            expect(r.returncode == 1, line, "exit 1 (errors found)", r),
            expect(r.stdout.count("[lint.example-key]") == 4, line,
                   "the four example keys of examples/credentials flagged", r),
            expect("suppressed" not in r.stdout + r.stderr, line, "nothing suppressed", r)),
        "awsprof diff --profile dev --against prod-admin": lambda r, line: (
            expect(r.returncode == 1, line, "exit 1 (differences)", r),
            expect("-sso_session = corp\n" in r.stdout and "+role_arn = arn:aws:iam::444455556666:role/Admin\n"
                   in r.stdout, line, "the keys of both profiles", r)),
        "awsprof test default legacy --timeout 5": lambda r, line: (
            expect(r.returncode == 1, line, "exit 1: the example keys do not work", r),
            expect([row.split("\t")[0] for row in r.stdout.splitlines()] == ["default", "legacy"], line,
                   "a row for each profile", r)),
        "awsprof sso status": lambda r, line: (
            expect(r.returncode == 1, line, "exit 1: nobody has logged in to the example session", r),
            expect([row.split("\t")[:2] + row.split("\t")[3:4] for row in r.stdout.splitlines()] ==
                   [["corp", "https://my-sso-portal.awsapps.com/start", "missing"]], line,
                   "the example's [sso-session corp], its start URL, and no token yet", r)),
        "awsprof sso populate --dry-run": lambda r, line: (
            expect(r.returncode == 1, line, "exit 1: without a login the source fails", r),
            expect("no SSO token for sso-session corp" in r.stderr and "nothing was changed" in r.stderr and
                   "awsprof sso login --sso-session corp" in r.stderr, line,
                   "why nothing was generated, and the login that fixes it", r)),
    }
    with tempfile.TemporaryDirectory(prefix="awsprof-tour-") as home:
        env = {"HOME": home, "PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8",
               "HTTPS_PROXY": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9"}
        for line in commands:
            command = line.split("#")[0].strip()
            check = checks.get(command)
            if check is None:
                failures.append("%s\n  has no check in tests/examples/readme_tour_test.py" % line)
                continue
            script = export.replace("$PWD/build/release/bin", bin_dir) + "\n" + command
            result = subprocess.run(["sh", "-c", script], cwd=source, env=env, capture_output=True, text=True,
                                    timeout=120)
            check(result, line)
            print("ran: " + command)
    after = hashlib.sha256(open(config, "rb").read()).hexdigest()
    if before != after:
        failures.append("examples/config changed: the tour must write nothing")
    for failure in failures:
        print("FAIL: " + failure, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
