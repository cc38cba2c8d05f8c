#!/usr/bin/env python3
"""`awsprof lint --scan` and `--staged` on what a scan cannot read, and on UTF-16 files.

Usage: scan_cli_test.py --bin-dir DIR

In temporary directories (HOME and the AWS files too), checks the messages and exit codes of:
  - a symbolic link named on the command line: a warning, not followed, exit as the findings say;
    an error and exit 2 when a pre-commit hook runs the scan (PRE_COMMIT=1, as the pre-commit
    framework sets it);
  - an unreadable subdirectory, in a plain directory and in a git work tree: an error naming it
    and exit 2, after the findings in what could be read (as uid 65534 when run as root, since
    root reads any directory);
  - a UTF-16 file (.env saved by a Windows editor) scanned with --scan and staged for --staged,
    and .awsprof.toml line patterns matched against its decoded text;
  - an inline allow comment.
Prints PASS/FAIL lines; exits 1 when a check fails.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile

KEY = "AKIA2MOCKMOCKMOCKQ3Z"  # made up
SECRET = "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"  # made up
failed = []


def check(name, condition, detail=""):
    print(("PASS " if condition else "FAIL ") + name)
    if not condition:
        failed.append(name)
        for line in detail.splitlines():
            print("  | " + line)


def lint(bin_dir, cwd, args, env_extra=None, unprivileged=False):
    env = {"HOME": cwd, "PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8",
           "AWS_CONFIG_FILE": os.path.join(cwd, "no-config"),
           "AWS_SHARED_CREDENTIALS_FILE": os.path.join(cwd, "no-credentials"),
           # git refuses a repository another user owns unless told it is safe.
           "GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": "safe.directory", "GIT_CONFIG_VALUE_0": "*"}
    env.update(env_extra or {})
    demote = None
    if unprivileged and os.geteuid() == 0:
        def demote():
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)
    proc = subprocess.run([os.path.join(bin_dir, "awsprof"), "lint"] + args, cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=60, preexec_fn=demote)
    return proc.returncode, proc.stdout, proc.stderr


def report(code, out, err):
    return "exit %d\nstdout:\n%s\nstderr:\n%s" % (code, out, err)


def git(repo, *args):
    subprocess.run(["git", "-C", repo, "-c", "user.name=t", "-c", "user.email=t@t"] + list(args), check=True,
                   capture_output=True)


def utf16(text):
    return b"\xff\xfe" + text.encode("utf-16-le")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin-dir", required=True)
    bin_dir = os.path.abspath(parser.parse_args().bin_dir)
    tmp = tempfile.mkdtemp(prefix="awsprof-scan-cli-")
    try:
        os.chmod(tmp, 0o755)  # the unprivileged runs must reach it
        run(bin_dir, tmp)
    finally:
        for root, dirs, _ in os.walk(tmp):
            for d in dirs:
                os.chmod(os.path.join(root, d), 0o755)
        shutil.rmtree(tmp, ignore_errors=True)
    sys.exit(1 if failed else 0)


def run(bin_dir, tmp):
    # --- A symbolic link named on the command line.
    with open(os.path.join(tmp, "target.py"), "w") as f:
        f.write('KEY = "%s"\n' % KEY)
    os.symlink("target.py", os.path.join(tmp, "link.py"))
    code, out, err = lint(bin_dir, tmp, ["--scan", "link.py"])
    check("named symlink: a warning, not followed, exit 0",
          code == 0 and out == "" and
          err == "awsprof lint: warning: link.py: a symbolic link, not followed (name its target to scan it)\n",
          report(code, out, err))
    code, out, err = lint(bin_dir, tmp, ["--scan", "link.py"], {"PRE_COMMIT": "1"})
    check("named symlink under a pre-commit hook: an error, exit 2",
          code == 2 and
          err == "awsprof lint: error: link.py: a symbolic link, not followed (name its target to scan it)\n",
          report(code, out, err))

    # --- An unreadable subdirectory, in a plain directory and in a git work tree.
    for label, is_repo in (("plain directory", False), ("git work tree", True)):
        top = os.path.join(tmp, "repo" if is_repo else "plain")
        os.makedirs(os.path.join(top, "secret-dir"))
        with open(os.path.join(top, "open.py"), "w") as f:
            f.write('KEY = "%s"\n' % KEY)
        with open(os.path.join(top, "secret-dir", "hidden.py"), "w") as f:
            f.write('KEY = "%s"\n' % KEY)
        if is_repo:
            git(top, "init", "-q")
            git(top, "add", "open.py", "secret-dir/hidden.py")
            with open(os.path.join(top, "secret-dir", "untracked.py"), "w") as f:
                f.write("x = 1\n")
        os.chmod(os.path.join(top, "secret-dir"), 0o000)
        code, out, err = lint(bin_dir, tmp, ["--scan", os.path.basename(top)], unprivileged=True)
        os.chmod(os.path.join(top, "secret-dir"), 0o755)
        name = os.path.basename(top)
        check("unreadable subdirectory (%s): the readable file's finding, an error naming it, exit 2" % label,
              code == 2 and "%s/open.py:1:8: error: possible AWS access key id" % name in out and
              ("awsprof lint: error: %s/secret-dir: Permission denied\n" % name) in err,
              report(code, out, err))

    # --- UTF-16 files: scanned with --scan, and staged.
    repo = os.path.join(tmp, "utf16")
    os.makedirs(repo)
    with open(os.path.join(repo, "windows.env"), "wb") as f:
        f.write(utf16("REGION=eu-west-1\r\nAWS_SECRET_ACCESS_KEY=%s\r\n" % SECRET))
    code, out, err = lint(bin_dir, tmp, ["--scan", "utf16/windows.env"])
    check("UTF-16 file: decoded and scanned",
          code == 1 and out.startswith("utf16/windows.env:2:23: error: possible AWS secret access key "
                                       "(****************Tr0B)"), report(code, out, err))
    git(repo, "init", "-q")
    git(repo, "add", "windows.env")
    code, out, err = lint(bin_dir, repo, ["--staged"])
    check("UTF-16 file staged: decoded and scanned",
          code == 1 and out.startswith("windows.env:2:23: error: possible AWS secret access key"),
          report(code, out, err))

    # A pattern allowlist of .awsprof.toml matches the decoded line of a UTF-16 file.
    with open(os.path.join(tmp, "utf16", "test.env"), "wb") as f:
        f.write(utf16("FIXTURE_KEY_ID=%s\r\n" % KEY))
    with open(os.path.join(tmp, "allow.toml"), "w") as f:
        f.write('[allow]\npatterns = ["^FIXTURE_"]\n')
    code, out, err = lint(bin_dir, tmp, ["--scan", "utf16/test.env"])
    found = code == 1 and out.startswith("utf16/test.env:1:16: error: possible AWS access key id")
    code, out, err = lint(bin_dir, tmp, ["--scan", "utf16/test.env", "--rules", "allow.toml"])
    check("UTF-16 file: .awsprof.toml patterns match its decoded lines",
          found and code == 0 and "error:" not in out and "1 finding suppressed by allow.toml" in out,
          report(code, out, err))

    # --- An inline allow comment.
    with open(os.path.join(tmp, "allowed.py"), "w") as f:
        f.write('TEST_KEY = "%s"  # awsprof:allow\nKEY = "%s"\n' % (KEY, KEY))
    code, out, err = lint(bin_dir, tmp, ["--scan", "allowed.py"])
    check("inline allow comment: that line only",
          code == 1 and out == "allowed.py:2:8: error: possible AWS access key id (****************KQ3Z) "
                               "[lint.scan-access-key-id]\n1 error, 0 warnings, 0 notes\n",
          report(code, out, err))


if __name__ == "__main__":
    main()
