#!/usr/bin/env python3
"""Peer test: `awsprof list --names` against `/usr/bin/aws configure list-profiles`.

Usage: peer_list_profiles.py --bin-dir DIR [--cases N] [--seed S]

Runs a few hand-written file pairs and N generated ones (random profile sets with [default] and
[profile default], credentials-only profiles, quoted names, unprefixed sections, [DEFAULT], and now
and then a duplicate section the AWS CLI refuses). For each pair, both tools run in a scrubbed
environment (HOME, AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE in a temporary directory,
AWS_PAGER=""). Where the AWS CLI succeeds, awsprof must print the same bytes and exit 0; where it
fails, awsprof must exit 2.

The CLI runs through aws_cli.py: every case's `configure list-profiles` in one batch (/usr/bin/aws's
own main() loaded once, ~40 ms a case instead of ~0.5 s), and a sample of the cases again as real
/usr/bin/aws processes, whose answers must equal the batch's. Always /usr/bin/aws (Debian's AWS CLI
v2): the first `aws` on PATH may be a v1 CLI. Without it the test prints SKIPPED and exits 77
(CTest's SKIP_RETURN_CODE).
"""

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from aws_cli import (AWS, PROCESS_CHECK, SKIP, ProcessCheck, decode, installed, run_jobs,  # noqa: E402
                     scrubbed_env, spread)

HAND_WRITTEN = [
    ("default then profile default",
     "[default]\nregion = us-east-1\n[profile default]\nregion = eu-west-1\n", ""),
    ("profile default then default",
     "[profile default]\nregion = eu-west-1\n[default]\nregion = us-east-1\n", ""),
    ("credentials only", "", "[zeta]\naws_access_key_id = A\n[alpha]\naws_access_key_id = B\n"),
    ("quoted and odd headers",
     '[profile "a b"]\n[profile  two-spaces]\n[profilex]\n[Profile Upper]\n[ profile leading]\n'
     "[plain]\n[DEFAULT]\nregion = us-east-2\n[Default]\n[sso-session s]\n[services s]\n",
     '[DEFAULT]\nregion = x\n[profile inside-credentials]\n["quoted"]\n[plain]\n'),
    ("same names in both files", "[profile b]\n[profile a]\n", "[a]\n[c]\n[b]\n"),
    ("duplicate section", "[profile a]\n[profile a]\n", ""),
    ("duplicate key", "", "[a]\nregion = x\nregion = y\n"),
    ("comments and blanks", "# top\n\n[profile a] ; trailing\n; x\n[profile b]\n\n", "   \n[c]\n# end\n"),
]

NAME_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789-_.@+"
KEYS = ["region", "output", "role_arn", "source_profile", "aws_access_key_id", "sso_session",
        "credential_process", "cli_pager"]


def random_name(rng):
    if rng.random() < 0.1:
        return rng.choice(["default", "prod", "dev", "café", "a b", "x.y"])
    return "".join(rng.choice(NAME_CHARS) for _ in range(rng.randint(1, 10)))


def config_header(rng, name):
    if name == "default" and rng.random() < 0.5:
        return "[default]"
    if " " in name or rng.random() < 0.1:
        return '[profile "%s"]' % name
    if rng.random() < 0.05:
        return "[DEFAULT]"
    return rng.choice(["[profile %s]"] * 8 + ["[%s]", "[profile  %s]", "[sso-session %s]", "[services %s]"]) % name


def body(rng):
    lines = []
    for key in rng.sample(KEYS, rng.randint(0, 3)):
        lines.append("%s = v%d" % (key, rng.randint(0, 99)))
    if rng.random() < 0.2:
        lines.append(rng.choice(["# comment", "; comment", ""]))
    return "".join(line + "\n" for line in lines)


def generate(rng):
    """A (config, credentials) pair; about one in twelve has a duplicate section."""
    config, credentials = [], []
    for _ in range(rng.randint(0, 8)):
        config.append(config_header(rng, random_name(rng)) + "\n" + body(rng))
    for _ in range(rng.randint(0, 5)):
        name = random_name(rng)
        header = "[DEFAULT]" if rng.random() < 0.05 else "[%s]" % name
        credentials.append(header + "\n" + body(rng))
    if rng.random() < 0.08 and config:
        config.append(rng.choice(config))
    rng.shuffle(config)
    return "".join(config), "".join(credentials)


def prepare(work, index, config, credentials):
    """The case's own HOME with its files; returns the CLI job that lists its profiles."""
    tmp = os.path.join(work, "case%d" % index)
    os.mkdir(tmp)
    for file, text in (("config", config), ("credentials", credentials)):
        if text:  # "" stands for a missing file
            with open(os.path.join(tmp, file), "w", encoding="utf-8") as f:
                f.write(text)
    env = scrubbed_env(tmp, os.path.join(tmp, "config"), os.path.join(tmp, "credentials"))
    return {"argv": ["configure", "list-profiles"], "env": env, "cwd": tmp}


def check(name, config, credentials, awsprof, job, cli):
    """Returns None when awsprof agrees with the AWS CLI's answer `cli` to `job`, else a report."""
    proc = subprocess.run([awsprof, "list", "--names"], cwd=job["cwd"], env=job["env"], stdin=subprocess.DEVNULL,
                          capture_output=True, timeout=60)
    aws_rc, aws_out, aws_err = cli["exit"], cli["stdout"], cli["stderr"]
    our_rc, our_out, our_err = proc.returncode, decode(proc.stdout), decode(proc.stderr)
    if aws_rc == 0 and (our_rc, our_out) == (0, aws_out):
        return None
    if aws_rc != 0 and our_rc == 2:
        return None
    return ("FAIL %s\n--- config\n%s--- credentials\n%s--- aws (exit %d)\n%s%s--- awsprof list --names (exit %d)\n%s%s"
            % (name, config, credentials, aws_rc, aws_out, aws_err, our_rc, our_out, our_err))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin-dir", required=True)
    parser.add_argument("--cases", type=int, default=30, help="generated cases")
    parser.add_argument("--seed", type=int, default=20240611)
    args = parser.parse_args()
    if not installed():
        print("SKIPPED: %s (Debian awscli) not installed" % AWS, flush=True)
        return SKIP
    sys.stdout.reconfigure(errors="backslashreplace")  # reports quote the tools' bytes, valid UTF-8 or not
    awsprof = os.path.join(os.path.realpath(args.bin_dir), "awsprof")
    rng = random.Random(args.seed)
    cases = list(HAND_WRITTEN) + [("generated #%d (seed %d)" % (i, args.seed),) + generate(rng)
                                  for i in range(args.cases)]
    work = tempfile.mkdtemp(prefix="awsprof-peer-")
    try:
        jobs = [prepare(work, i, c, k) for i, (_, c, k) in enumerate(cases)]
        # The sample run as real processes: spread over the cases, and a file pair the CLI refuses.
        refused = [i for i, (name, _, _) in enumerate(cases) if name == "duplicate section"]
        checked = sorted(set(spread(5, len(jobs)) + refused))
        process_check = ProcessCheck([jobs[i] for i in checked])
        answers = run_jobs(jobs)
        failures = [report for report in (check(name, c, k, awsprof, job, cli)
                                          for (name, c, k), job, cli in zip(cases, jobs, answers)) if report]
        harness = [problem for _, problem in process_check.compare([answers[i] for i in checked]) if problem]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for report in failures:
        print(report)
    for problem in harness:
        print("FAIL %s: %s" % (PROCESS_CHECK, problem))
    print("%d of %d cases agree with %s configure list-profiles" % (len(cases) - len(failures), len(cases), AWS))
    print("%s: %d of %d sampled cases" % (PROCESS_CHECK, len(checked) - len(harness), len(checked)))
    return 1 if failures or harness else 0


if __name__ == "__main__":
    sys.exit(main())
