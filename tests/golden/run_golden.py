#!/usr/bin/env python3
"""Golden CLI tests: run the real awsprof binaries and compare stdout, stderr and exit code exactly.

Usage: run_golden.py --bin-dir DIR [--awsprof-version V] [--update] CASE.test|DIR ...

A case file (tests/golden/<tool>/<case>.test) is a description, then blocks that each start with a
marker line beginning with "--- ":

    What this case checks (free text, up to the first marker).
    --- file .aws/config            a file to create (path relative to the case directory %t);
    [default]                       its content is every line up to the next marker
    region = us-east-1
    --- file bin/awsprof-x mode=755 the same, with a mode (octal)
    --- file x owner=65534          the same, owned by that uid (needs root: otherwise SKIPPED)
    --- dir .aws/credentials        a directory to create (e.g. to make a file unreadable, even for root)
    --- copy awsprof bin/awsprof    a copy of the built binary awsprof at %t/bin/awsprof
    --- env AWS_PROFILE=dev         set a variable (--- env NAME alone removes it)
    --- stdin                       what the command reads on stdin (omitted: nothing, /dev/null)
    --- sso-server                  start the fake IAM Identity Center (tests/sso/fake_identity_center.py)
    {"access_token_seconds": 60}    for this case; its content, if any, is a JSON object of its settings
                                    (and "accounts"). %sso is its URL; AWS_ENDPOINT_URL_SSO and
                                    AWS_ENDPOINT_URL_SSO_OIDC point at it
    --- sso-control ACTION          a call of its control interface, made where the block stands; the
    {"operation": "CreateToken"}    content is the JSON body (issue_token with "cache_dir" writes a token
                                    file as the AWS CLI would)
    --- run                         the command: the next line, split like a shell would (no pipes);
    awsprof list --output json      a first word "awsprof..." without "/" is the built binary
    --- stdout                      the expected stdout (omitted: must be empty)
    ...
    --- stderr                      the expected stderr (omitted: must be empty)
    ...
    --- exit 0                      the expected exit code (omitted: 0)

Each block's content ends with a newline. A content line that itself begins with "--- " (a unified
diff's header, say) is written with a backslash before it, "\\--- a/config"; --update does this. Substitutions, in file contents, env values, the command
and the expected output: %t (the case directory, also HOME and the cwd), %bin (the binary
directory), %version (the awsprof version), %sso (the fake Identity Center's URL), %src (the
source tree, for cases over its examples/ files).

Every case runs in a scrubbed environment: HOME=%t (so the AWS files are %t/.aws/config and
%t/.aws/credentials, as defaults), PATH=/usr/bin:/bin, LC_ALL=C.UTF-8, and nothing else from the
caller (no AWS_* leaks in).

--update rewrites the stdout, stderr and exit blocks of each case from what the binaries did (review
the diff before committing it).
"""

import argparse
import difflib
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "sso"))
from fake_identity_center import FakeIdentityCenter  # noqa: E402

MARKER = "--- "
SOURCE_DIR = os.path.realpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
ESCAPED_MARKER = "\\" + MARKER
RESULT_BLOCKS = ("stdout", "stderr", "exit")
SKIP_EXIT = 77  # CTest's SKIP_RETURN_CODE for these tests


class CaseError(Exception):
    pass


class CaseSkipped(Exception):
    pass


def parse_case(text):
    """Returns (description, [(marker words, content)])."""
    description, blocks = [], []
    for line in text.splitlines(keepends=True):
        if line.startswith(MARKER):
            blocks.append((line[len(MARKER):].split(), []))
        elif blocks:
            blocks[-1][1].append(line[1:] if line.startswith(ESCAPED_MARKER) else line)
        else:
            description.append(line)
    return "".join(description), [(words, "".join(lines)) for words, lines in blocks]


def substitute(text, subs):
    for key, value in subs:
        text = text.replace(key, value)
    return text


def run_case(path, bin_dir, version):
    """Runs one case; returns (expected, actual, tmp, URLs of its fake servers); expected and actual
    are dicts of stdout/stderr/exit."""
    servers = []
    try:
        expected, actual, tmp = run_case_with(path, bin_dir, version, servers)
        return expected, actual, tmp, [server.url for server in servers]
    finally:
        for server in servers:
            server.stop()


def run_case_with(path, bin_dir, version, servers):
    with open(path, encoding="utf-8") as f:
        _, blocks = parse_case(f.read())
    tmp = os.path.realpath(tempfile.mkdtemp(prefix="awsprof-golden-"))
    subs = [("%version", version), ("%bin", bin_dir), ("%src", SOURCE_DIR), ("%t", tmp)]
    # The AWS files are HOME's, %t/.aws/config and %t/.aws/credentials, as defaults: not named by
    # AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE, which make a missing file an error for validate/lint.
    env = {
        "HOME": tmp,
        "PATH": "/usr/bin:/bin",
        "LC_ALL": "C.UTF-8",
    }
    expected = {"stdout": "", "stderr": "", "exit": 0}
    command = None
    stdin = None
    for words, content in blocks:
        kind, args = (words[0], words[1:]) if words else ("", [])
        if kind == "file" and args:
            target = os.path.join(tmp, args[0])
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "w", encoding="utf-8", newline="") as f:
                f.write(substitute(content, subs))
            for option in args[1:]:
                if option.startswith("mode="):
                    os.chmod(target, int(option[5:], 8))
                elif option.startswith("owner="):
                    if os.geteuid() != 0:
                        raise CaseSkipped("giving a file another owner needs root")
                    os.chown(target, int(option[6:]), -1)
        elif kind == "dir" and len(args) == 1:
            os.makedirs(os.path.join(tmp, args[0]), exist_ok=True)
        elif kind == "copy" and len(args) == 2:
            target = os.path.join(tmp, args[1])
            os.makedirs(os.path.dirname(target), exist_ok=True)
            shutil.copy2(os.path.join(bin_dir, args[0]), target)
        elif kind == "env" and len(args) == 1:
            name, eq, value = args[0].partition("=")
            if eq:
                env[name] = substitute(value, subs)
            else:
                env.pop(name, None)
        elif kind == "run" and not args:
            lines = [l for l in content.splitlines() if l.strip()]
            if len(lines) != 1:
                raise CaseError("--- run needs exactly one command line")
            command = shlex.split(substitute(lines[0], subs))
        elif kind == "sso-server" and not args:
            server = FakeIdentityCenter(tmp, lifetime=120, config=json.loads(substitute(content, subs) or "{}"))
            servers.append(server.start())
            subs.insert(0, ("%sso", server.url))
            env["AWS_ENDPOINT_URL_SSO"] = env["AWS_ENDPOINT_URL_SSO_OIDC"] = server.url
        elif kind == "sso-control" and len(args) == 1:
            if not servers:
                raise CaseError("--- sso-control before --- sso-server")
            servers[-1].control(args[0], **json.loads(substitute(content, subs) or "{}"))
        elif kind == "stdin" and not args:
            stdin = substitute(content, subs).encode("utf-8")
        elif kind in ("stdout", "stderr") and not args:
            expected[kind] = substitute(content, subs)
        elif kind == "exit" and len(args) == 1:
            expected["exit"] = int(args[0])
        else:
            raise CaseError("unknown marker line: --- " + " ".join(words))
    if not command:
        raise CaseError("no --- run block")
    if "/" not in command[0] and command[0].startswith("awsprof"):
        command[0] = os.path.join(bin_dir, command[0])
    proc = subprocess.run(command, cwd=tmp, env=env, capture_output=True, timeout=60,
                          **({"input": stdin} if stdin is not None else {"stdin": subprocess.DEVNULL}))
    actual = {
        "stdout": proc.stdout.decode("utf-8", "backslashreplace"),
        "stderr": proc.stderr.decode("utf-8", "backslashreplace"),
        "exit": proc.returncode,
    }
    return expected, actual, tmp


def remove_tree(tmp):
    for root, dirs, _ in os.walk(tmp):
        for d in dirs:
            os.chmod(os.path.join(root, d), 0o700)
    shutil.rmtree(tmp, ignore_errors=True)


def diff(name, expected, actual):
    return "".join(difflib.unified_diff(expected.splitlines(keepends=True), actual.splitlines(keepends=True),
                                        "expected " + name, "actual " + name))


def update_case(path, actual, tmp, bin_dir, version, sso_urls):
    """Rewrites the result blocks of the case from `actual`."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    description, blocks = parse_case(text)
    unsubs = [(tmp, "%t"), (bin_dir, "%bin"), (SOURCE_DIR, "%src")] + [(url, "%sso") for url in sso_urls] + ([("awsprof " + version, "awsprof %version")] if version else [])
    out = [description]
    for words, content in blocks:
        if words and words[0] in RESULT_BLOCKS:
            continue
        out.append(MARKER + " ".join(words) + "\n" + content)
    for stream in ("stdout", "stderr"):
        if actual[stream]:
            body = substitute(actual[stream], unsubs)
            body = "".join("\\" + line if line.startswith(MARKER) else line for line in body.splitlines(keepends=True))
            out.append("--- " + stream + "\n" + body + ("" if body.endswith("\n") else "\n"))
    out.append("--- exit %d\n" % actual["exit"])
    with open(path, "w", encoding="utf-8") as f:
        f.write("".join(out))


def case_files(paths):
    for path in paths:
        if os.path.isdir(path):
            for root, _, files in sorted(os.walk(path)):
                for name in sorted(files):
                    if name.endswith(".test"):
                        yield os.path.join(root, name)
        else:
            yield path


def case_name(path):
    parent = os.path.basename(os.path.dirname(os.path.abspath(path)))
    return parent + "/" + os.path.basename(path)[: -len(".test")]


def main():
    parser = argparse.ArgumentParser(description="Run awsprof golden CLI tests.")
    parser.add_argument("--bin-dir", required=True, help="directory with the built awsprof binaries")
    parser.add_argument("--awsprof-version", default="", help="value of %%version")
    parser.add_argument("--update", action="store_true", help="rewrite expected output from actual output")
    parser.add_argument("cases", nargs="+", help="case files or directories of them")
    args = parser.parse_args()
    bin_dir = os.path.realpath(args.bin_dir)
    failed = total = skipped = 0
    for path in case_files(args.cases):
        total += 1
        name = case_name(path)
        try:
            expected, actual, tmp, sso_urls = run_case(path, bin_dir, args.awsprof_version)
        except CaseSkipped as why:
            skipped += 1
            print("SKIPPED %s: %s" % (name, why))
            continue
        except (CaseError, OSError, ValueError, RuntimeError, subprocess.TimeoutExpired) as error:
            failed += 1
            print("FAIL %s: %s" % (name, error))
            continue
        try:
            if args.update:
                update_case(path, actual, tmp, bin_dir, args.awsprof_version, sso_urls)
                print("UPDATED %s" % name)
            elif expected == actual:
                print("PASS %s" % name)
            else:
                failed += 1
                print("FAIL %s" % name)
                for stream in ("stdout", "stderr"):
                    if expected[stream] != actual[stream]:
                        print(diff(stream, expected[stream], actual[stream]), end="")
                if expected["exit"] != actual["exit"]:
                    print("exit code: expected %d, actual %d" % (expected["exit"], actual["exit"]))
        finally:
            remove_tree(tmp)
    print("%d of %d golden cases passed" % (total - failed - skipped, total) +
          (", %d SKIPPED" % skipped if skipped else ""))
    if failed:
        return 1
    return SKIP_EXIT if skipped and skipped == total else 0


if __name__ == "__main__":
    sys.exit(main())
