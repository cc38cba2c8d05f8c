#!/usr/bin/env python3
"""Peer tests: `awsprof import --csv` vs `aws configure import`, `awsprof explain` vs `aws configure list`.

Usage: peer_import_explain.py --bin-dir DIR [--part import|explain|all] [--seed S] [--explain-cases N]

Always /usr/bin/aws (Debian's AWS CLI v2.9.19), in a scrubbed environment: HOME,
AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE in a temporary directory, AWS_PAGER="", and
AWS_EC2_METADATA_DISABLED=true so that neither tool waits for instance metadata. The CLI runs
through ../aws_cli.py: each part's commands in one batch (/usr/bin/aws's own main() loaded once,
~40 ms a command instead of ~0.5 s), each command with its own HOME and files, which are compared
once the batch has returned; a sample of the commands is run again as real /usr/bin/aws processes,
whose output, exit status and written files must equal the batch's (the "harness" cases).

import: generated IAM console CSVs (the User name form, CRLF, prefix, --skip-invalid, strict
failures, an existing profile). Both tools import into empty (or equal) files; the resulting
credentials files are compared as botocore reads them (botocore.configloader.raw_config_parse).
Where the CLI fails, awsprof must fail too and write nothing. The documented differences (a BOM,
quoted fields, blank lines, the two-column form, overwriting an existing profile) are asserted as
the differences they are, so a change in either tool shows up.

explain: generated files and combinations of --profile, AWS_PROFILE, AWS_DEFAULT_PROFILE,
AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_REGION and AWS_DEFAULT_REGION, keys in the config file,
the credentials file or both. For profile, access_key, secret_key and region the value, type and
location must agree, with two documented mappings: where the CLI prints a list of variables
("['AWS_REGION', 'AWS_DEFAULT_REGION']") awsprof names the one that was read, and where the CLI
leaves the credentials' location blank awsprof gives the file or variable. A region read from the
credentials file is a documented difference (the CLI calls it config-file).

Without /usr/bin/aws or botocore the test prints SKIPPED and exits 77 (CTest's SKIP_RETURN_CODE).
"""

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from aws_cli import AWS, PROCESS_CHECK, SKIP, ProcessCheck, installed, run_jobs, scrubbed_env, spread  # noqa: E402

NOT_SET = "<not set>"
PROCESS_SAMPLE = 4  # commands of each part run again as real /usr/bin/aws processes

try:
    from botocore.configloader import raw_config_parse
except ImportError:  # pragma: no cover
    raw_config_parse = None


class Home:
    """A temporary HOME with its own AWS files."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="awsprof-peer-ie-")
        self.config = os.path.join(self.dir, "config")
        self.credentials = os.path.join(self.dir, "credentials")

    def env(self, extra=None):
        no_metadata = {"AWS_EC2_METADATA_DISABLED": "true"}  # neither tool waits for instance metadata
        return scrubbed_env(self.dir, self.config, self.credentials, dict(no_metadata, **(extra or {})))

    def write(self, name, text, binary=False):
        path = os.path.join(self.dir, name)
        with open(path, "wb") as f:
            f.write(text if binary else text.encode("utf-8"))
        return path

    def run(self, argv, extra=None):
        return subprocess.run(argv, env=self.env(extra), cwd=self.dir, stdin=subprocess.DEVNULL,
                              capture_output=True, text=True, timeout=60)

    def cli_job(self, argv, extra=None):
        """`aws ARGV` in this HOME, as run() would run it, for the batch."""
        return {"argv": argv, "env": self.env(extra), "cwd": self.dir}

    def read_credentials(self):
        if not os.path.exists(self.credentials):
            return {}
        return {k: dict(v) for k, v in raw_config_parse(self.credentials).items()}

    def remove(self):
        shutil.rmtree(self.dir, ignore_errors=True)


def completed(answer):
    """A batch answer in the form subprocess.run() gives."""
    return subprocess.CompletedProcess(None, answer["exit"], answer["stdout"], answer["stderr"])


def run_cli(jobs, labels):
    """The batch's answers to `jobs`, and what report_process_check() needs: a ProcessCheck over a
    sample of them (made before the batch runs), the sample's labels and batch answers."""
    checked = spread(PROCESS_SAMPLE, len(jobs))
    process_check = ProcessCheck([jobs[i] for i in checked])
    answers = run_jobs(jobs)
    return answers, (process_check, [labels[i] for i in checked], [answers[i] for i in checked])


def report_process_check(process_check, labels, answers):
    """Prints a PASS or FAIL line for each sampled job; returns (cases, failed)."""
    failed = 0
    for label, (_, problem) in zip(labels, process_check.compare(answers)):
        print("%s %s: %s" % ("FAIL" if problem else "PASS", PROCESS_CHECK, label) + (": " + problem if problem else ""))
        failed += bool(problem)
    return len(answers), failed


# ------------------------------------------------------------------------------------------------
# import

def csv_text(rows, header="User name,Password,Access key ID,Secret access key,Console login link", eol="\n"):
    return eol.join([header] + rows) + eol


def row(user, akid, sak):
    return "%s,,%s,%s,https://123456789012.signin.aws.amazon.com/console" % (user, akid, sak)


def random_key(rng, prefix="AKIA", n=16):
    return prefix + "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _ in range(n))


def random_secret(rng):
    return "".join(rng.choice("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/+") for _ in range(40))


# Each case: (name, csv bytes, aws args, awsprof args, existing credentials, expectation)
# expectation: "same" (both succeed with equal files), "both-fail", or a function(cli, ours) -> error.
def import_cases(rng):
    users = ["alice", "bob.smith", "carol+ops", "dave_1"]
    keys = {u: (random_key(rng), random_secret(rng)) for u in users}
    rows = [row(u, *keys[u]) for u in users]
    cases = [
        ("user-name form", csv_text(rows), [], [], "", "same"),
        ("CRLF line endings", csv_text(rows, eol="\r\n"), [], [], "", "same"),
        ("profile prefix", csv_text(rows[:2]), ["--profile-prefix", "team-"], ["--profile-prefix", "team-"], "", "same"),
        ("skip-invalid", csv_text(rows[:1] + ["eve,,,%s," % random_secret(rng)] + rows[1:2] + ["frank,,%s,," % random_key(rng)]),
         ["--skip-invalid"], ["--skip-invalid"], "", "same"),
        ("invalid row, strict", csv_text(rows[:1] + ["eve,,,%s," % random_secret(rng)]), [], [], "", "both-fail"),
        ("missing header", "User name,Access key ID\nalice,%s\n" % keys["alice"][0], [], [], "", "both-fail"),
        ("empty file", "\n", [], [], "", "both-fail"),
        ("extra columns reordered", "Secret access key,Console login link,User name,Access key ID\n%s,x,%s,%s\n"
         % (keys["bob.smith"][1], "bob.smith", keys["bob.smith"][0]), [], [], "", "same"),
        ("padded cells", csv_text(["  alice , , %s , %s ,x" % keys["alice"]]), [], [], "", "same"),
        ("existing profile, same keys", csv_text(rows[:1]), [], [],
         "[alice]\naws_access_key_id = %s\naws_secret_access_key = %s\n" % keys["alice"], "same"),
        ("existing other profile kept", csv_text(rows[:1]), [], [],
         "# mine\n[other]\naws_access_key_id = AKIAOTHER\naws_secret_access_key = othersecret\n", "same"),
    ]
    bom = b"\xef\xbb\xbf" + csv_text(rows[:1]).encode()
    cases.append(("BOM (difference: the CLI fails on it)", bom, [], [], "", "bom"))
    quoted = csv_text(['"alice",,"%s","%s",x' % keys["alice"]])
    cases.append(("quoted fields (difference: the CLI keeps the quotes)", quoted, [], [], "", "quotes"))
    cases.append(("blank line (difference: the CLI counts it as an invalid entry)", csv_text(rows[:1] + [""] + rows[1:2]),
                  [], [], "", "blank"))
    two = "Access key ID,Secret access key\n%s,%s\n" % keys["alice"]
    cases.append(("two-column form (difference: the CLI needs User name)", two, [], ["--profile", "alice"], "", "two-column"))
    old = "[alice]\naws_access_key_id = AKIAOLDOLDOLDOLD1111\naws_secret_access_key = oldsecret\n"
    cases.append(("existing profile, other keys (difference: awsprof needs --overwrite)", csv_text(rows[:1]), [], [], old, "overwrite"))
    return cases, keys


def prepare_import_case(case):
    """Two HOMEs with the case's CSV and credentials (the CLI's, awsprof's); the CLI's import job."""
    name, text, aws_args, our_args, existing, expect = case
    cli, ours = Home(), Home()
    for home in (cli, ours):
        home.write("in.csv", text if isinstance(text, bytes) else text.encode(), binary=True)
        if existing:
            home.write("credentials", existing)
    csv_url = "file://" + os.path.join(cli.dir, "in.csv")
    return cli, ours, cli.cli_job(["configure", "import", "--csv", csv_url] + aws_args)


def check_import_case(bin_dir, case, keys, cli, ours, c):
    """None when awsprof's import into `ours` agrees with the CLI's into `cli` (whose answer is c)."""
    name, text, aws_args, our_args, existing, expect = case
    o = ours.run([os.path.join(bin_dir, "awsprof-import"), "--csv", "in.csv"] + our_args)
    cli_files, our_files = cli.read_credentials(), ours.read_credentials()
    if expect == "same":
        if c.returncode != 0:
            return "the CLI failed: %s" % c.stderr.strip()
        if o.returncode != 0:
            return "awsprof failed (%d): %s" % (o.returncode, o.stderr.strip())
        if cli_files != our_files:
            return "credentials differ:\n  cli:     %s\n  awsprof: %s" % (cli_files, our_files)
        if "Successfully imported" not in c.stdout:
            return "the CLI printed %r" % c.stdout
        if any(v in o.stdout + o.stderr for k in keys.values() for v in (k[1],)):
            return "awsprof printed a secret"
    elif expect == "both-fail":
        if c.returncode == 0:
            return "the CLI succeeded"
        if o.returncode != 2:
            return "awsprof exited %d, expected 2" % o.returncode
        if our_files != ({} if not existing else cli_files):
            return "awsprof wrote something on failure"
    elif expect == "bom":
        if c.returncode == 0 or 'Expected header "User Name" not found' not in c.stderr:
            return "the CLI no longer fails on a BOM: %s" % c.stderr
        if o.returncode != 0 or set(our_files) != {"alice"}:
            return "awsprof did not import past the BOM: %s %s" % (o.stderr, our_files)
    elif expect == "quotes":
        if set(cli_files) != {'"alice"'} or not cli_files['"alice"']["aws_secret_access_key"].startswith('"'):
            return "the CLI no longer keeps quotes: %s" % cli_files
        want = {"alice": {"aws_access_key_id": keys["alice"][0], "aws_secret_access_key": keys["alice"][1]}}
        if our_files != want:
            return "awsprof did not unquote: %s" % our_files
    elif expect == "blank":
        if c.returncode == 0:
            return "the CLI no longer fails on a blank line"
        if o.returncode != 0 or set(our_files) != {"alice", "bob.smith"}:
            return "awsprof did not skip the blank line: %s" % our_files
    elif expect == "two-column":
        if c.returncode == 0:
            return "the CLI now reads the two-column form"
        if o.returncode != 0 or set(our_files) != {"alice"}:
            return "awsprof did not import the two-column form: %s" % o.stderr
    elif expect == "overwrite":
        if c.returncode != 0 or cli_files["alice"]["aws_access_key_id"] != keys["alice"][0]:
            return "the CLI no longer overwrites: %s" % cli_files
        if o.returncode != 1 or our_files["alice"]["aws_access_key_id"] != "AKIAOLDOLDOLDOLD1111":
            return "awsprof overwrote without --overwrite (exit %d)" % o.returncode
        o = ours.run([os.path.join(bin_dir, "awsprof-import"), "--csv", "in.csv", "--overwrite"])
        if o.returncode != 0 or ours.read_credentials() != cli_files:
            return "with --overwrite awsprof differs: %s vs %s" % (ours.read_credentials(), cli_files)
    if expect not in ("both-fail",) and os.path.exists(ours.credentials) and not existing:
        mode = os.stat(ours.credentials).st_mode & 0o777
        if mode != 0o600:
            return "awsprof left the credentials file at %o" % mode
    return None


def run_import(bin_dir, rng):
    cases, keys = import_cases(rng)
    prepared = []
    try:
        for case in cases:
            prepared.append(prepare_import_case(case))
        answers, process_check = run_cli([job for _, _, job in prepared], ["import: " + case[0] for case in cases])
        failed = 0
        for case, (cli, ours, _), answer in zip(cases, prepared, answers):
            error = check_import_case(bin_dir, case, keys, cli, ours, completed(answer))
            print(("FAIL " if error else "PASS ") + "import: " + case[0] + (": " + error if error else ""))
            failed += bool(error)
        checked, checked_failed = report_process_check(*process_check)
        return len(cases) + checked, failed + checked_failed
    finally:
        for cli, ours, _ in prepared:
            cli.remove()
            ours.remove()


# ------------------------------------------------------------------------------------------------
# explain

ROW = re.compile(r"^\s*(\S+)\s+(\S+)\s+(\S+)\s{4}(.*)$")


def parse_list(stdout):
    rows = {}
    for line in stdout.splitlines()[2:]:
        m = ROW.match(line.replace(NOT_SET, "<not-set>"))
        if m:
            rows[m.group(1)] = tuple(NOT_SET if v == "<not-set>" else v
                                     for v in (m.group(2), m.group(3), m.group(4).strip()))
    return rows


def make_files(rng):
    """A config and credentials file with profiles of every shape, random keys."""
    k = lambda: (random_key(rng), random_secret(rng))
    d, c, b1, b2, kk = k(), k(), k(), k(), k()
    config = ("[default]\nregion = us-west-2\n\n"
              "[profile c]\naws_access_key_id = %s\naws_secret_access_key = %s\nregion = eu-west-1\n\n"
              "[profile both]\naws_access_key_id = %s\naws_secret_access_key = %s\nregion = eu-central-1\n\n"
              "[profile r]\nregion = sa-east-1\noutput = json\n\n"
              "[profile noregion]\noutput = text\n" % (c + b1))
    credentials = ("[default]\naws_access_key_id = %s\naws_secret_access_key = %s\n\n"
                   "[both]\naws_access_key_id = %s\naws_secret_access_key = %s\n\n"
                   "[k]\naws_access_key_id = %s\naws_secret_access_key = %s\n\n"
                   "[noregion]\naws_access_key_id = AKIANOREGION0000\naws_secret_access_key = x9\n" % (d + b2 + kk))
    return config, credentials


HAND = [
    ({}, []),
    ({}, ["--profile", "c"]),
    ({"AWS_PROFILE": "both"}, []),
    ({"AWS_DEFAULT_PROFILE": "k"}, []),
    ({"AWS_PROFILE": "c", "AWS_DEFAULT_PROFILE": "k"}, []),
    ({"AWS_PROFILE": "c"}, ["--profile", "both"]),
    ({"AWS_ACCESS_KEY_ID": "AKIAENVENVENV1234", "AWS_SECRET_ACCESS_KEY": "envsecret5678"}, []),
    ({"AWS_ACCESS_KEY_ID": "AKIAENVENVENV1234", "AWS_SECRET_ACCESS_KEY": "envsecret5678"}, ["--profile", "c"]),
    ({"AWS_ACCESS_KEY_ID": "AKIAENVENVENV1234", "AWS_SECRET_ACCESS_KEY": "abc", "AWS_PROFILE": "r"}, []),
    ({"AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-east-2"}, ["--profile", "r"]),
    ({"AWS_DEFAULT_REGION": "us-east-2"}, ["--profile", "k"]),
    ({"AWS_REGION": "ap-south-1"}, []),
    ({}, ["--profile", "r"]),
    ({}, ["--profile", "noregion"]),
]


def random_combination(rng):
    env, args = {}, []
    profile = rng.choice(["default", "c", "both", "r", "k", "noregion"])
    how = rng.choice(["none", "flag", "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "flag+env"])
    if how == "none":
        profile = "default"
    if how in ("flag", "flag+env"):
        args = ["--profile", profile]
    if how in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE"):
        env[how] = profile
    if how == "flag+env":
        env["AWS_PROFILE"] = rng.choice(["c", "k"])
    if rng.random() < 0.4:
        env["AWS_ACCESS_KEY_ID"] = random_key(rng)
        env["AWS_SECRET_ACCESS_KEY"] = random_secret(rng)
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        if rng.random() < 0.35:
            env[name] = rng.choice(["us-east-1", "us-east-2", "ap-northeast-1"])
    return env, args


def compare_explain(home, env, args, bin_dir, c):
    """None when `awsprof explain` agrees with the CLI's `configure list` (whose answer is c), else why."""
    o = home.run([os.path.join(bin_dir, "awsprof-explain"), "--output", "json"] + args, env)
    if c.returncode != 0:
        if o.returncode == 0:
            return "the CLI failed (%s) but awsprof explained" % c.stderr.strip()
        return None
    if o.returncode not in (0, 1):
        return "awsprof failed: %s" % o.stderr.strip()
    cli = parse_list(c.stdout)
    ours = json.loads(o.stdout)
    settings = {s["name"]: s for s in ours["settings"]}
    problems = []
    # profile
    value, typ, loc = cli["profile"]
    p = ours["profile"]
    if value == NOT_SET:
        if (typ, loc) != ("None", "None") or p["source"]["type"] != "default" or p["name"] != "default":
            problems.append("profile: cli %s, awsprof %s" % (cli["profile"], p))
    elif value != p["name"] or typ != p["source"]["type"] or not location_matches(loc, p["source"]["location"]):
        problems.append("profile: cli %s, awsprof %s" % (cli["profile"], p))
    # access_key, secret_key
    for label, name in (("access_key", "aws_access_key_id"), ("secret_key", "aws_secret_access_key")):
        value, typ, loc = cli[label]
        mine = settings.get(name)
        if value == NOT_SET:
            if mine is not None:
                problems.append("%s: cli not set, awsprof %s" % (label, mine))
            continue
        if mine is None:
            problems.append("%s: cli %s, awsprof not set" % (label, cli[label]))
            continue
        expected_location = {"shared-credentials-file": home.credentials, "config-file": home.config}.get(
            typ, {"access_key": "AWS_ACCESS_KEY_ID", "secret_key": "AWS_SECRET_ACCESS_KEY"}[label])
        if (value, typ) != (mine["value"], mine["source"]["type"]) or (loc or expected_location) != mine["source"]["location"]:
            problems.append("%s: cli %s, awsprof %s" % (label, cli[label], mine["value"] + " " + json.dumps(mine["source"])))
    # region
    value, typ, loc = cli["region"]
    mine = settings.get("region")
    if value == NOT_SET:
        if mine is not None:
            problems.append("region: cli not set, awsprof %s" % mine)
    elif mine is None:
        problems.append("region: cli %s, awsprof not set" % (cli["region"],))
    elif mine["source"]["type"] == "shared-credentials-file":
        # Documented difference: botocore merges the credentials file into the profile, and the CLI
        # then calls the value config-file with the config file's path.
        if (value, typ, loc) != (mine["value"], "config-file", home.config):
            problems.append("region (credentials file): cli %s, awsprof %s" % (cli["region"], mine))
    elif value != mine["value"] or typ != mine["source"]["type"] or not location_matches(loc, mine["source"]["location"]):
        problems.append("region: cli %s, awsprof %s %s" % (cli["region"], mine["value"], mine["source"]))
    if any(v in o.stdout for v in env.values() if len(v) > 20):
        problems.append("awsprof printed a secret from the environment")
    return "; ".join(problems) or None


def location_matches(cli_location, ours):
    if cli_location.startswith("["):  # "['AWS_REGION', 'AWS_DEFAULT_REGION']": ours is the one read
        return ours in re.findall(r"'([^']+)'", cli_location)
    return cli_location == ours


def run_explain(bin_dir, rng, count):
    home, cr_home = Home(), Home()
    try:
        config, credentials = make_files(rng)
        home.write("config", config)
        home.write("credentials", credentials)
        # A profile whose region is in the credentials file (the documented difference).
        cr_home.write("config", config)
        cr_home.write("credentials", credentials + "\n[cr]\nregion = me-south-1\naws_access_key_id = AKIACRCRCRCR0000\n"
                                                   "aws_secret_access_key = crsecret\n")
        runs = []
        for env, args in HAND + [random_combination(rng) for _ in range(count)]:
            label = "explain: %s %s" % (" ".join("%s=%s" % (k, v if "SECRET" not in k else "***")
                                                 for k, v in sorted(env.items())), " ".join(args))
            runs.append((home, env, args, label.strip()))
        runs.append((cr_home, {}, ["--profile", "cr"],
                     "explain: region in the credentials file (documented difference)"))
        answers, process_check = run_cli([h.cli_job(["configure", "list"] + args, env) for h, env, args, _ in runs],
                                         [label for _, _, _, label in runs])
        failed = 0
        for (h, env, args, label), answer in zip(runs, answers):
            error = compare_explain(h, env, args, bin_dir, completed(answer))
            print(("FAIL " if error else "PASS ") + label + (": " + error if error else ""))
            failed += bool(error)
        checked, checked_failed = report_process_check(*process_check)
        return len(runs) + checked, failed + checked_failed
    finally:
        home.remove()
        cr_home.remove()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin-dir", required=True)
    parser.add_argument("--part", choices=("import", "explain", "all"), default="all")
    parser.add_argument("--seed", type=int, default=20260601)
    parser.add_argument("--explain-cases", type=int, default=10)
    args = parser.parse_args()
    if not installed():
        print("SKIPPED: %s (the AWS CLI v2) is not installed" % AWS)
        return SKIP
    if raw_config_parse is None:
        print("SKIPPED: botocore is not importable by %s" % sys.executable)
        return SKIP
    sys.stdout.reconfigure(errors="backslashreplace")  # reports quote the tools' output, valid UTF-8 or not
    bin_dir = os.path.realpath(args.bin_dir)
    rng = random.Random(args.seed)
    total = failed = 0
    if args.part in ("import", "all"):
        t, f = run_import(bin_dir, rng)
        total, failed = total + t, failed + f
    if args.part in ("explain", "all"):
        t, f = run_explain(bin_dir, rng, args.explain_cases)
        total, failed = total + t, failed + f
    print("%d of %d peer cases agree" % (total - failed, total))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
