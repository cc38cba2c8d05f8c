#!/usr/bin/env python3
"""Write safety of awsprof's edits, by fault injection with strace, checked with botocore.

For every operation that changes the config and the credentials files together (and a few that
change one), this kills the process at each fsync, rename, link, unlink and write it makes, in turn
(`strace -e inject=SYSCALL:signal=KILL:when=N`), then runs `awsprof list` (which finishes or undoes
what the killed process left) and checks that:
  - the pair of files is exactly the old pair or exactly the new pair (0 torn pairs),
  - botocore parses both files,
  - no temporary, backup or journal file is left,
  - every file awsprof created (temporary files, backups, the journal) was mode 0600, under umask 000.
It then injects EIO at each of those calls, and ENOSPC and EDQUOT at each write and fsync, and
checks that an exit 2 left the old pair byte for byte (0 changed files after an error exit), that an
exit 0 left the new pair, and that nothing else ever happens (no crash, no other exit code).
Last, the real limits: a file-size limit (ulimit -f) and a full tmpfs (mounted when root may; else
SKIPPED, with the injected ENOSPC above standing in).

Usage: write_safety.py --bin-dir DIR
Exit 0: all held; 1: a failure (each printed); 77: strace or botocore missing (SKIPPED).
"""
import argparse
import os
import shutil
import stat
import subprocess
import sys
import tempfile

SKIP = 77
KILL_SYSCALLS = ["fsync", "rename", "link", "unlink", "write"]
ERROR_INJECTIONS = [(name, "EIO") for name in KILL_SYSCALLS] + [
    (name, code) for name in ("write", "fsync") for code in ("ENOSPC", "EDQUOT")]

CONFIG = """# team settings
[default]
region = us-east-1

[profile dev]
region = eu-west-1
output = json
; keep this comment

[profile ops]
region = us-west-2

[profile app]
role_arn = arn:aws:iam::123456789012:role/app
source_profile = base
"""

CREDENTIALS = """[default]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY

[dev]
aws_access_key_id = AKIAIOSFODNN7DEVDEV1
aws_secret_access_key = devSecretValue/abcdefghijklmnopqrstWXYZ
aws_session_token = devToken

[ops]
aws_access_key_id = AKIAIOSFODNN7OPSOPS1
aws_secret_access_key = opsSecretValue/abcdefghijklmnopqrstWXYZ

[base]
aws_access_key_id = AKIAIOSFODNN7BASEBAS
aws_secret_access_key = baseSecretValue/abcdefghijklmnopqrstWXY
"""

CSV = """User name,Password,Access key ID,Secret access key,Console login link
carol,,AKIAIOSFODNN7CAROL01,carolSecret/abcdefghijklmnopqrstuvwxyzABCD,https://example.signin.aws.amazon.com/console
"""

# (name, the command: a binary of the build and its arguments); the first five change both files.
OPERATIONS = [
    ("set-both-files", ["awsprof-set", "--profile", "dev", "region", "eu-west-2", "aws_access_key_id",
                        "AKIAIOSFODNN7NEWKEY1", "aws_secret_access_key",
                        "newSecretValue/abcdefghijklmnopqrstuWXYZ"]),
    ("unset-both-files", ["awsprof-unset", "--profile", "dev", "output", "aws_session_token"]),
    ("rename-profile", ["awsprof-set", "--rename-profile", "dev", "dev-renamed"]),
    ("copy-profile", ["awsprof-set", "--copy-profile", "ops", "ops-copy"]),
    ("delete-profile", ["awsprof-set", "--delete-profile", "ops"]),
    ("set-config-only", ["awsprof-set", "--profile", "ops", "output", "table"]),
    ("import-csv", ["awsprof-import", "--csv", "CSV"]),
]


class Failures:
    def __init__(self):
        self.items = []

    def add(self, message):
        self.items.append(message)
        print("FAIL: " + message, flush=True)


def botocore_parses(paths):
    from botocore.configloader import raw_config_parse
    for path in paths:
        if os.path.exists(path):
            try:
                raw_config_parse(path)
            except Exception as error:  # botocore raises its own ConfigParseError and others
                return f"{path}: {error}"
    return None


class Case:
    """A fresh HOME with the two files, for one run."""

    def __init__(self, root, bin_dir):
        self.home = tempfile.mkdtemp(dir=root)
        self.aws = os.path.join(self.home, ".aws")
        os.mkdir(self.aws, 0o700)
        self.config = os.path.join(self.aws, "config")
        self.credentials = os.path.join(self.aws, "credentials")
        for path, text in ((self.config, CONFIG), (self.credentials, CREDENTIALS)):
            with open(path, "w") as f:
                f.write(text)
            os.chmod(path, 0o600)
        self.csv = os.path.join(self.home, "keys.csv")
        with open(self.csv, "w") as f:
            f.write(CSV)
        self.bin_dir = bin_dir
        self.env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": self.home,
                    "AWS_CONFIG_FILE": self.config, "AWS_SHARED_CREDENTIALS_FILE": self.credentials,
                    "LC_ALL": "C.UTF-8", "AWSPROF_LOCK_TIMEOUT": "5"}

    def command(self, args):
        tool = os.path.join(self.bin_dir, args[0])
        return [tool] + [self.csv if a == "CSV" else a for a in args[1:]]

    def run(self, args, strace=None):
        cmd = self.command(args)
        if strace:
            cmd = ["strace", "-f", "-qq", "-o", "/dev/null"] + strace + cmd
        # umask 000: whatever awsprof creates must still be private.
        return subprocess.run(cmd, env=self.env, cwd=self.home, capture_output=True, text=True,
                              timeout=60, preexec_fn=lambda: os.umask(0))

    def pair(self):
        out = []
        for path in (self.config, self.credentials):
            try:
                with open(path, "rb") as f:
                    out.append(f.read())
            except FileNotFoundError:
                out.append(None)
        return tuple(out)

    def extra_files(self):
        return sorted(set(os.listdir(self.aws)) - {"config", "credentials"})

    def private_violations(self):
        """awsprof's own files in .aws that are not 0600 (read before recovery removes them)."""
        bad = []
        for name in self.extra_files():
            path = os.path.join(self.aws, name)
            st = os.lstat(path)
            if name.startswith(".awsprof-orig."):
                continue  # a hard link to the original: the user's file, with the user's mode
            if stat.S_IMODE(st.st_mode) != 0o600:
                bad.append(f"{name} {oct(stat.S_IMODE(st.st_mode))}")
        return bad

    def cleanup(self):
        shutil.rmtree(self.home, ignore_errors=True)


def count_calls(root, bin_dir, args, syscall):
    case = Case(root, bin_dir)
    log = os.path.join(case.home, "strace.log")
    cmd = ["strace", "-f", "-qq", "-o", log, "-e", f"trace={syscall}"] + case.command(args)
    subprocess.run(cmd, env=case.env, cwd=case.home, capture_output=True, timeout=60,
                   preexec_fn=lambda: os.umask(0))
    with open(log) as f:
        count = sum(1 for line in f if "resumed>" not in line and "+++" not in line and "---" not in line)
    case.cleanup()
    return count


def expected_pairs(root, bin_dir, args, failures, name):
    case = Case(root, bin_dir)
    old = case.pair()
    result = case.run(args)
    new = case.pair()
    if result.returncode != 0:
        failures.add(f"{name}: the operation itself failed ({result.returncode}): {result.stderr.strip()}")
    leftovers = case.extra_files()
    if leftovers:
        failures.add(f"{name}: a clean run left {leftovers}")
    case.cleanup()
    return old, new


def check_after(case, label, old, new, failures, allowed):
    """Recovery by the next command, then: the pair, botocore, no leftovers."""
    left_before = case.extra_files()
    listed = case.run(["awsprof-list"])
    if listed.returncode != 0:
        failures.add(f"{label}: awsprof list after it exited {listed.returncode}: {listed.stderr.strip()}")
    notes = [line for line in listed.stderr.splitlines() if line.startswith("awsprof list: note: ")]
    if bool(left_before) != bool(notes) or len(notes) > 2 or len(notes) != len(listed.stderr.splitlines()):
        failures.add(f"{label}: left {left_before}, and list said: {listed.stderr.strip()!r} "
                     "(expected one note per repair, and only then)")
    pair = case.pair()
    if pair not in allowed:
        which = "old" if allowed == [old] else "new" if allowed == [new] else "old or new"
        failures.add(f"{label}: the files are neither as expected ({which}): a torn or changed pair")
    if (problem := botocore_parses([case.config, case.credentials])):
        failures.add(f"{label}: botocore cannot parse: {problem}")
    if (left := case.extra_files()):
        failures.add(f"{label}: files left behind after recovery: {left}")
    return listed


def injected_runs(root, bin_dir, failures, injections):
    """Each operation, run once for each (syscall, n) with `inject=SYSCALL:WHAT:when=n`, in a fresh
    case: yields (label, case, result, old pair, new pair), and cleans the case up after."""
    for name, args in OPERATIONS:
        old, new = expected_pairs(root, bin_dir, args, failures, name)
        for syscall, what in injections:
            for n in range(1, count_calls(root, bin_dir, args, syscall) + 1):
                case = Case(root, bin_dir)
                result = case.run(args, ["-e", f"trace={syscall}", "-e", f"inject={syscall}:{what}:when={n}"])
                yield f"{name}: {what} at {syscall} #{n}", case, result, old, new
                case.cleanup()


def run_kills(root, bin_dir, failures):
    points = torn = 0
    for label, case, result, old, new in injected_runs(root, bin_dir, failures,
                                                       [(name, "signal=KILL") for name in KILL_SYSCALLS]):
        points += 1
        if result.returncode not in (-9, 137, 0):
            failures.add(f"{label}: exited {result.returncode}: {result.stderr.strip()}")
        if (bad := case.private_violations()):
            failures.add(f"{label}: files awsprof created are not 0600: {bad}")
        before = len(failures.items)
        check_after(case, label, old, new, failures, [old, new])
        torn += 1 if len(failures.items) > before else 0
    print(f"kill injection: {points} points over {len(OPERATIONS)} operations, {torn} failed")


def run_errors(root, bin_dir, failures):
    points = changed_after_error = 0
    for label, case, result, old, new in injected_runs(root, bin_dir, failures,
                                                       [(name, f"error={code}") for name, code in ERROR_INJECTIONS]):
        points += 1
        if result.returncode == 2:
            if case.pair() != old:
                changed_after_error += 1
                failures.add(f"{label}: exit 2, but the files changed")
            allowed = [old]
        elif result.returncode == 0:
            allowed = [new]
        else:
            failures.add(f"{label}: exited {result.returncode} (only 0 or 2 may happen): {result.stderr.strip()}")
            allowed = [old, new]
        if "Sanitizer" in result.stderr:
            failures.add(f"{label}: {result.stderr.strip()}")
        check_after(case, label, old, new, failures, allowed)
    print(f"error injection: {points} points, {changed_after_error} changed files after an error exit")


def run_file_size_limit(root, bin_dir, failures):
    case = Case(root, bin_dir)
    old = case.pair()
    big = "x" * 50000
    cmd = " ".join(["ulimit -f 20;", "exec"] + [f"'{a}'" for a in case.command(["awsprof-set", "--profile", "dev",
                                                                                  "cli_pager", big])])
    result = subprocess.run(["sh", "-c", cmd], env=case.env, cwd=case.home, capture_output=True, text=True,
                            timeout=60)
    if result.returncode != 2 or case.config not in result.stderr or "too large" not in result.stderr:
        failures.add(f"ulimit -f: expected exit 2 naming {case.config} ('File too large'), got "
                     f"{result.returncode}: {result.stderr.strip()}")
    if case.pair() != old or case.extra_files():
        failures.add(f"ulimit -f: the files changed or {case.extra_files()} were left")
    case.cleanup()
    print("file-size limit: checked")


def run_busy_lock(root, bin_dir, failures):
    """Another process holds the lock: a writer waits a bounded time, says who holds it, then fails
    with nothing written; a reader does not wait."""
    import fcntl
    case = Case(root, bin_dir)
    old = case.pair()
    fd = os.open(case.aws, os.O_RDONLY | os.O_DIRECTORY)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        case.env["AWSPROF_LOCK_TIMEOUT"] = "0.5"
        result = case.run(["awsprof-set", "--profile", "dev", "region", "eu-west-2", "aws_access_key_id",
                           "AKIAIOSFODNN7NEWKEY1"])
        waiting = (f"awsprof set: waiting for {case.aws}, locked by process {os.getpid()} "
                   f"(python3) (giving up after 0.5 s)")
        failed = (f"awsprof set: error: {case.aws}: process {os.getpid()} (python3) still holds the lock "
                  "after 0.5 s; nothing was written")
        if result.returncode != 2 or result.stderr.splitlines() != [waiting, failed]:
            failures.add(f"busy lock: expected exit 2 and {[waiting, failed]}, got {result.returncode}: "
                         f"{result.stderr.splitlines()}")
        if case.pair() != old or case.extra_files():
            failures.add(f"busy lock: the files changed or {case.extra_files()} were left")
        listed = case.run(["awsprof-list", "--names"])
        if listed.returncode != 0 or listed.stderr:
            failures.add(f"busy lock: a reader failed or waited: {listed.returncode} {listed.stderr.strip()}")
    finally:
        os.close(fd)
        case.cleanup()
    print("busy lock: checked")


def run_full_tmpfs(root, bin_dir, failures):
    mount_point = tempfile.mkdtemp(dir=root)
    if os.geteuid() != 0 or not shutil.which("mount"):
        print("SKIPPED: full tmpfs (needs root to mount one); injected ENOSPC covers the error path")
        return
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k,mode=0700", "tmpfs", mount_point],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        print(f"SKIPPED: full tmpfs (mount refused: {mounted.stderr.strip()}); injected ENOSPC covers it")
        return
    try:
        case = Case(root, bin_dir)
        config = os.path.join(mount_point, "config")
        credentials = os.path.join(mount_point, "credentials")
        with open(config, "w") as f:
            f.write(CONFIG + "\n".join(f"[profile p{i}]\nregion = eu-west-1\n" for i in range(1200)))
        with open(credentials, "w") as f:
            f.write(CREDENTIALS)
        # Fill the rest of the tmpfs, so that the new copy of config cannot be written whole.
        fd = os.open(os.path.join(mount_point, "filler"), os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            while os.write(fd, b"\0" * 1024) > 0:
                pass
        except OSError:
            pass
        finally:
            os.close(fd)
        before = (open(config, "rb").read(), open(credentials, "rb").read())
        env = dict(case.env, AWS_CONFIG_FILE=config, AWS_SHARED_CREDENTIALS_FILE=credentials)
        result = subprocess.run(case.command(["awsprof-set", "--profile", "dev", "region", "eu-west-2",
                                              "aws_access_key_id", "AKIAIOSFODNN7NEWKEY1"]),
                                env=env, capture_output=True, text=True, timeout=60)
        after = (open(config, "rb").read(), open(credentials, "rb").read())
        left = sorted(set(os.listdir(mount_point)) - {"config", "credentials", "filler"})
        if result.returncode != 2 or "No space left on device" not in result.stderr:
            failures.add(f"full tmpfs: expected exit 2 with 'No space left on device', got {result.returncode}: "
                         f"{result.stderr.strip()}")
        if after != before or left:
            failures.add(f"full tmpfs: the files changed or {left} were left")
        print("full tmpfs: checked")
        case.cleanup()
    finally:
        subprocess.run(["umount", mount_point], capture_output=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin-dir", required=True)
    options = parser.parse_args()
    if not shutil.which("strace"):
        print("SKIPPED: strace is not installed (sh scripts/install-deps.sh)")
        return SKIP
    try:
        import botocore.configloader  # noqa: F401
    except ImportError:
        print("SKIPPED: botocore is not installed (sh scripts/install-deps.sh)")
        return SKIP
    probe = subprocess.run(["strace", "-f", "-qq", "-o", "/dev/null", "true"], capture_output=True, text=True)
    if probe.returncode != 0:
        print(f"SKIPPED: strace cannot trace here: {probe.stderr.strip()}")
        return SKIP
    failures = Failures()
    root = tempfile.mkdtemp(prefix="awsprof-safety-")
    try:
        bin_dir = os.path.abspath(options.bin_dir)
        run_kills(root, bin_dir, failures)
        run_errors(root, bin_dir, failures)
        run_file_size_limit(root, bin_dir, failures)
        run_busy_lock(root, bin_dir, failures)
        run_full_tmpfs(root, bin_dir, failures)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print(f"{len(failures.items)} failures")
    return 1 if failures.items else 0


if __name__ == "__main__":
    sys.exit(main())
