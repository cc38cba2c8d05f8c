#!/usr/bin/env python3
"""Peer test: awsprof get/set against the real AWS CLI v2 (/usr/bin/aws), on generated files.

  get   `awsprof get KEY` against `aws configure get KEY`: stdout, stderr and exit status identical,
        over generated file pairs x environment combinations (AWS_PROFILE, AWS_DEFAULT_PROFILE,
        --profile, none) x keys (plain, dotted, profile.NAME.KEY, default.KEY, missing profiles,
        nested s3 blocks, blocks that are not values). Where the CLI cannot parse a file it exits
        255 with "Unable to parse config file"; awsprof exits 2 naming file:line (counted apart).
  set   `awsprof set` and `aws configure set` applied to copies of the same files, both results
        read as the CLI reads them (botocore's Session.full_config: load_config, build_profile_map
        and the credentials merge):
          expected  awsprof's result reads as the original plus exactly the values set;
          cli       it reads exactly like the CLI's result (except the CLI defects listed in
                    KNOWN_CLI_DEFECTS, counted and printed apart);
          bytes     every line of the awsprof-edited files that is not one of the keys set is
                    byte for byte unchanged, line endings and a missing final newline included.

The CLI is run through ../aws_cli.py: ../aws_batch.py loads /usr/bin/aws's own main() once and
runs many jobs in one process (~40 ms a job instead of ~0.5 s), here two such processes at once; a
sample of the get and set jobs is also run as real `/usr/bin/aws` processes to check that the batch
gives the same answers (stdout, stderr, exit status, the files written). Prints per-check counts;
exits 77 (CTest skip) with SKIPPED when /usr/bin/aws is missing.
"""

import argparse
import copy
import difflib
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from aws_cli import (AWS, PROCESS_CHECK, SKIP, ProcessCheck, decode, installed, run_batch,  # noqa: E402
                     scrubbed_env, spread)

# CLI behaviours awsprof deliberately does not copy; a set scenario that meets one may read
# differently from the CLI's result (see man/awsprof-set.1, "DIFFERENCES FROM THE AWS CLI").
KNOWN_CLI_DEFECTS = {
    "profile-default": "the CLI edits or appends [default] even when [profile default] comes later, "
                       "so what it reads back is not what it wrote",
    "key-case": "the CLI appends a second 'region' beside 'REGION'; botocore then refuses the file",
}


def base_env(root, extra=None):
    return scrubbed_env(root, os.path.join(root, ".aws", "config"), os.path.join(root, ".aws", "credentials"), extra)


# ---- generated files ------------------------------------------------------------------------

class Files:
    """One generated pair of files: text (None = missing), and the quirks they contain."""

    def __init__(self, name, config, credentials, quirks=()):
        self.name, self.config, self.credentials, self.quirks = name, config, credentials, set(quirks)

    def write(self, root):
        os.makedirs(os.path.join(root, ".aws"), exist_ok=True)
        for text, base in ((self.config, "config"), (self.credentials, "credentials")):
            path = os.path.join(root, ".aws", base)
            if text is not None:
                with open(path, "w", encoding="utf-8", newline="") as f:
                    f.write(text)

    def read(self, root):
        out = []
        for base in ("config", "credentials"):
            path = os.path.join(root, ".aws", base)
            out.append(open(path, encoding="utf-8", newline="").read() if os.path.exists(path) else None)
        return out


def body(rng, indent_s3, with_s3):
    lines = []
    if rng.random() < 0.8:
        lines.append("region = " + rng.choice(["us-east-1", "eu-west-1", "ap-south-1"]))
    if rng.random() < 0.5:
        lines.append("# a comment inside")
    if rng.random() < 0.6:
        lines.append("output=" + rng.choice(["json", "text"]))
    if with_s3:
        lines.append("s3 =")
        pad = " " * indent_s3
        lines.append(pad + "addressing_style = path")
        if rng.random() < 0.5:
            lines.append(pad + "max_concurrent_requests = 5")
    return lines


def generate(index):
    rng = random.Random(1000 + index)
    eol = "\r\n" if index % 4 == 3 else "\n"
    final_newline = index % 5 != 2
    quirks = set()
    sections = []
    style = index % 6
    if style in (0, 4, 5):
        sections.append(["[default]"] + body(rng, 2, style != 0))
    elif style == 2:
        sections.append(["[profile default]"] + body(rng, 4, True))
        quirks.add("profile-default")
    elif style == 3:
        sections.append(["[default]", "region = us-west-2"])
        sections.append(["[profile default]"] + body(rng, 2, True))
        quirks.add("profile-default")
    sections.append(["[profile dev]"] + body(rng, rng.choice([2, 4]), rng.random() < 0.6))
    if rng.random() < 0.6:
        sections.append(["[profile prod]", "# prod settings", "region = eu-central-1"])
    if index % 7 == 1:
        sections.append(["[profile dev2]", "REGION = sa-east-1"])
        quirks.add("key-case")
    if rng.random() < 0.4:
        sections.append(["[plugins]", "cli_legacy_plugin_path = /usr/lib/plugins"])
    if rng.random() < 0.4:
        sections.append(["[sso-session corp]", "sso_region = us-east-1", "sso_start_url = https://corp.awsapps.com/start"])
    if rng.random() < 0.3:
        sections.append(['[profile "with space"]', "region = us-west-1"])
    rng.shuffle(sections)
    lines = ["# generated config " + str(index)] if rng.random() < 0.7 else []
    for i, section in enumerate(sections):
        if i and rng.random() < 0.7:
            lines.append("")
        lines.extend(section)
    config = eol.join(lines) + (eol if final_newline and lines else "")
    cred_lines = []
    if rng.random() < 0.7:
        cred_lines += ["[default]", "aws_access_key_id = AKIAIOSFODNN7DEFAULT",
                       "aws_secret_access_key = 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"]
    cred_lines += ["", "[dev]", "aws_access_key_id = AKIAIOSFODNN7EXAMPLE", "# rotated 2024",
                   "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"]
    if rng.random() < 0.5:
        cred_lines += ["[ci]", "aws_access_key_id = AKIAIOSFODNN7CICICICI", "aws_secret_access_key = ci-secret-0000"]
    credentials = eol.join(cred_lines) + (eol if final_newline else "")
    if index == 6:
        config = None  # missing config file
    if index == 7:
        credentials = None
    return Files("files%d" % index, config, credentials, quirks)


BROKEN = Files("broken", "[default]\nregion = a\n[default]\nregion = b\n", "[dev]\naws_access_key_id = A\n")

GET_ENVS = [
    ("no-profile", {}, []),
    ("AWS_PROFILE=dev", {"AWS_PROFILE": "dev"}, []),
    ("AWS_PROFILE=nope", {"AWS_PROFILE": "nope"}, []),
    ("AWS_DEFAULT_PROFILE=prod", {"AWS_DEFAULT_PROFILE": "prod"}, []),
    ("AWS_PROFILE=ci+AWS_DEFAULT_PROFILE=dev", {"AWS_PROFILE": "ci", "AWS_DEFAULT_PROFILE": "dev"}, []),
    ("--profile dev (AWS_PROFILE=prod)", {"AWS_PROFILE": "prod"}, ["--profile", "dev"]),
    ("--profile default", {}, ["--profile", "default"]),
    ("--profile nope", {}, ["--profile", "nope"]),
]

GET_KEYS = ["region", "s3", "s3.addressing_style", "aws_access_key_id", "aws_secret_access_key",
            "profile.dev.region", "profile.dev.s3.addressing_style", "default.region", "dev.output", "nope.region",
            "profile.nope.region", "profile.x", "plugins.cli_legacy_plugin_path", "profile.dev.s3.addressing_style.x",
            "profile.with space.region", "dev2.region"]


# ---- set scenarios ----------------------------------------------------------------------------

SET_SCENARIOS = [
    # (label, [(KEY, VALUE)], flags, env, awsprof extra flags)
    ("default region", [("region", "eu-west-3")], [], {}, []),
    ("--profile dev region+output", [("region", "ca-central-1"), ("output", "table")], ["--profile", "dev"], {}, []),
    ("AWS_PROFILE=prod output", [("output", "text")], [], {"AWS_PROFILE": "prod"}, []),
    ("--profile beats AWS_PROFILE", [("region", "us-east-2")], ["--profile", "dev"], {"AWS_PROFILE": "prod"}, []),
    ("AWS_DEFAULT_PROFILE=ci", [("region", "eu-north-1")], [], {"AWS_DEFAULT_PROFILE": "ci"}, []),
    ("nested s3 (default)", [("s3.addressing_style", "virtual")], [], {}, []),
    ("profile.dev.s3 nested", [("profile.dev.s3.max_concurrent_requests", "20")], [], {}, []),
    ("default.region", [("default.region", "us-west-1")], ["--profile", "dev"], {}, []),
    ("credentials --profile dev",
     [("aws_access_key_id", "AKIAIOSFODNN7NEWKEY1"), ("aws_secret_access_key", "newSecretValue/abcdEFGH")],
     ["--profile", "dev"], {}, []),
    ("new profile via profile.NAME",
     [("profile.newbie.region", "me-south-1"), ("profile.newbie.aws_session_token", "FwoGZXIvYXdzEXAMPLE")],
     [], {}, []),
    ("plugins", [("plugins.cli_legacy_plugin_path", "/opt/aws/plugins")], [], {}, []),
    ("AWS_PROFILE=dev block+scalar", [("s3.max_bandwidth", "50MB/s"), ("region", "eu-south-1")], [],
     {"AWS_PROFILE": "dev"}, []),
    ("unknown key with --force", [("custom_key", "custom value")], ["--profile", "dev"], {}, ["--force"]),
    ("profile with a space", [("region", "af-south-1")], ["--profile", "with space"], {}, []),
    ("mixed-case key", [("region", "il-central-1")], ["--profile", "dev2"], {}, []),
    ("empty value", [("output", "")], ["--profile", "prod"], {}, ["--force"]),
    ("profile names with brackets", [("region", "us-east-1"), ("profile.[x].output", "json")],
     ["--profile", "a]b"], {}, []),
    ("values in brackets", [("cli_pager", "[[x]]"), ("ca_bundle", "[a,b]"), ("profile.dev.cli_pager", "[]")],
     [], {}, []),
]


def selected_profile(flags, env):
    if "--profile" in flags:
        return flags[flags.index("--profile") + 1]
    return env.get("AWS_PROFILE") or env.get("AWS_DEFAULT_PROFILE") or "default"


def target_path(key, selected):
    """Where the CLI's reading should show KEY: a path into full_config."""
    parts = key.split(".")
    if len(parts) == 1:
        return ["profiles", selected, key]
    if parts[0] == "plugins":
        return ["plugins", parts[1]]
    if parts[0] == "default":
        return ["profiles", "default"] + parts[1:]
    if parts[0] == "profile":
        return ["profiles", parts[1]] + parts[2:]
    return ["profiles", selected] + parts


def apply_expected(reading, pairs, selected):
    expected = copy.deepcopy(reading)
    for key, value in pairs:
        node = expected
        path = target_path(key, selected)
        for step in path[:-1]:
            if not isinstance(node.get(step), dict):
                node[step] = {}
            node = node[step]
        node[path[-1]] = value
    return expected


def lookup(reading, path):
    node = reading
    for step in path:
        if not isinstance(node, dict) or step not in node:
            return None
        node = node[step]
    return node


KEY_LINE = re.compile(r"^[ \t]*([^=:\s\[#;][^=:]*?)[ \t]*[=:]")
EOL = re.compile(r"(\r\n|\n|\r)$")


def split_lines(text):
    """[(content, line ending)] as Python's universal newlines split them."""
    return [(EOL.sub("", line), EOL.search(line).group(1) if EOL.search(line) else "")
            for line in (text or "").splitlines(keepends=True)]


def unrelated_bytes_unchanged(before, after, names):
    """'' when the only lines changed are lines of keys in `names`, new headers or blanks; else why.

    Unchanged lines must keep their line endings, except that the old last line gains one when
    the file had none and something was appended after it; a missing final newline stays missing,
    and lines added to a CRLF file end in CRLF."""
    if before is None:
        return ""
    a, b = split_lines(before), split_lines(after)
    crlf = bool(a) and all(eol == "\r\n" for _, eol in a[:-1] + ([a[-1]] if a[-1][1] else []))
    matcher = difflib.SequenceMatcher(None, [c for c, _ in a], [c for c, _ in b], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for i, j in zip(range(i1, i2), range(j1, j2)):
                if a[i][1] != b[j][1] and not (i == len(a) - 1 and a[i][1] == ""):
                    return "changed the line ending of %r" % a[i][0]
            continue
        for content, _ in a[i1:i2]:
            m = KEY_LINE.match(content)
            if not m or m.group(1).lower() not in names:
                return "changed or removed an unrelated line: %r" % content
        for content, eol in b[j1:j2]:
            m = KEY_LINE.match(content)
            if not (content.strip() == "" or content.lstrip().startswith("[") or (m and m.group(1).lower() in names)):
                return "added an unexpected line: %r" % content
            if crlf and eol not in ("\r\n", ""):
                return "added a LF line to a CRLF file: %r" % content
    if a and not a[-1][1] and b and b[-1][1]:
        return "added a final newline the file did not have"
    return ""


def normalised(reading):
    """A reading with the keys a missing config file leaves out."""
    if "config" in reading:
        reading = copy.deepcopy(reading)
        reading["config"].setdefault("sso_sessions", {})
    return reading


# ---- the test -----------------------------------------------------------------------------------

class Counts:
    def __init__(self):
        self.passed, self.failed, self.failures = {}, {}, []

    def check(self, name, ok, detail=""):
        (self.passed if ok else self.failed)[name] = (self.passed if ok else self.failed).get(name, 0) + 1
        if not ok:
            self.failures.append("%s: %s" % (name, detail))


def run_awsprof(bin_dir, tool, args, env):
    proc = subprocess.run([os.path.join(bin_dir, "awsprof-" + tool)] + args, env=env, capture_output=True,
                          stdin=subprocess.DEVNULL)
    return {"stdout": decode(proc.stdout), "stderr": decode(proc.stderr), "exit": proc.returncode}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin-dir", required=True)
    parser.add_argument("--files", type=int, default=8, help="generated file pairs for set")
    parser.add_argument("--get-files", type=int, default=6, help="how many of them get reads")
    args = parser.parse_args()
    if not installed():
        print("SKIPPED: %s is not installed (Debian package awscli)" % AWS)
        return SKIP
    started = time.time()
    counts = Counts()
    work = tempfile.mkdtemp(prefix="awsprof-peer-edit-")
    try:
        variants = [generate(i) for i in range(args.files)] + [BROKEN]

        # get: every file pair x environment x key, the CLI in one batch, awsprof one process each.
        get_jobs, get_ours, get_labels = [], [], []
        for files in variants[:args.get_files] + [BROKEN]:
            root = os.path.join(work, "get-" + files.name)
            files.write(root)
            for label, extra, flags in GET_ENVS:
                env = base_env(root, extra)
                for key in GET_KEYS:
                    get_jobs.append({"argv": ["configure", "get", key] + flags, "env": env})
                    get_ours.append(run_awsprof(args.bin_dir, "get", [key] + flags, env))
                    get_labels.append("%s, %s, get %r" % (files.name, label, key))

        # set: each scenario on fresh copies: A for the CLI, B for awsprof; O is the original.
        set_groups, set_cases = [], []
        for files in variants:
            original = os.path.join(work, "set-%s-original" % files.name)
            files.write(original)
            original_at = len(set_groups)
            set_groups.append([{"read": True, "env": base_env(original)}])
            for n, (label, pairs, flags, extra, ours_extra) in enumerate(SET_SCENARIOS):
                cli_root = os.path.join(work, "set-%s-%d-cli" % (files.name, n))
                our_root = os.path.join(work, "set-%s-%d-awsprof" % (files.name, n))
                files.write(cli_root)
                files.write(our_root)
                group = [{"argv": ["configure", "set", key, value] + flags, "env": base_env(cli_root, extra)}
                         for key, value in pairs]
                group += [{"read": True, "env": base_env(cli_root)}, {"read": True, "env": base_env(our_root)}]
                argv = [x for pair in pairs for x in pair] + flags + ours_extra
                ours = run_awsprof(args.bin_dir, "set", argv, base_env(our_root, extra))
                set_cases.append((files, label, pairs, flags, extra, ours_extra, our_root, ours, len(set_groups), original_at))
                set_groups.append(group)
        awsprof_done = time.time()

        # The batch is the CLI: a sample of jobs, run again as real /usr/bin/aws processes: get jobs and
        # set scenarios of one `configure set` (the files it writes are compared too).
        checked_gets = spread(4, len(get_jobs))
        single_sets = [g for g, group in enumerate(set_groups) if sum("argv" in job for job in group) == 1]
        checked_sets = [single_sets[i] for i in spread(4, len(single_sets))]
        process_check = ProcessCheck([get_jobs[i] for i in checked_gets] + [set_groups[g][0] for g in checked_sets])
        results = run_batch([[job] for job in get_jobs] + set_groups)
        get_results = [r[0] for r in results[:len(get_jobs)]]
        set_results = results[len(get_jobs):]
        batch_done = time.time()

        for label, cli, ours in zip(get_labels, get_results, get_ours):
            if cli["exit"] == 255 and "Unable to parse config file" in cli["stderr"]:
                counts.check("get: unparsable file refused by both (CLI 255, awsprof 2)",
                             ours["exit"] == 2 and ours["stdout"] == "" and ".aws/config" in ours["stderr"],
                             "%s: awsprof gave %r" % (label, ours))
                continue
            counts.check("get: stdout and exit status identical",
                         (cli["stdout"], cli["exit"]) == (ours["stdout"], ours["exit"]),
                         "%s: CLI %r, awsprof %r" % (label, cli, ours))
            counts.check("get: stderr identical", cli["stderr"] == ours["stderr"],
                         "%s: CLI %r, awsprof %r" % (label, cli["stderr"], ours["stderr"]))

        known = {}
        for files, label, pairs, flags, extra, ours_extra, our_root, ours, at, original_at in set_cases:
            name = "%s, %s" % (files.name, label)
            cli_runs, (cli_read, our_read) = set_results[at][:-2], set_results[at][-2:]
            original = set_results[original_at][0]
            cli_read, our_read, original = normalised(cli_read), normalised(our_read), normalised(original)
            if "error" in original and "--force" in ours_extra:
                counts.check("set: --force edits a file the CLI refuses (CLI 255, awsprof 0)",
                             all(r["exit"] == 255 for r in cli_runs) and ours["exit"] == 0, "%s: %r" % (name, ours))
                continue
            if "error" in original:
                refused = all(r["exit"] == 255 for r in cli_runs)
                counts.check("set: unparsable file refused by both, unchanged (CLI 255, awsprof 2)",
                             refused and ours["exit"] == 2 and files.read(our_root) == [files.config, files.credentials],
                             "%s: CLI %r, awsprof %r" % (name, cli_runs, ours))
                continue
            counts.check("set: awsprof exits 0 and prints nothing", ours == {"stdout": "", "stderr": "", "exit": 0},
                         "%s: %r" % (name, ours))
            selected = selected_profile(flags, extra)
            expected = apply_expected(original["config"], pairs, selected)
            counts.check("set: awsprof result reads as the original plus the values set",
                         our_read.get("config") == expected,
                         "%s: got %s, expected %s" % (name, json.dumps(our_read), json.dumps(expected)))
            cli_ok = cli_read.get("config") == apply_expected(original["config"], pairs, selected)
            quirk = next((q for q in sorted(files.quirks)
                          if (q == "profile-default" and any(target_path(k, selected)[1:2] == ["default"] for k, _ in pairs))
                          or (q == "key-case" and selected == "dev2")), None)
            if our_read == cli_read:
                counts.check("set: reads exactly like the CLI's result", True)
            elif quirk and not cli_ok:
                known.setdefault(quirk, []).append(name)
            else:
                counts.check("set: reads exactly like the CLI's result", False,
                             "%s: CLI %s, awsprof %s" % (name, json.dumps(cli_read), json.dumps(our_read)))
            after = files.read(our_root)
            names = set()
            for key, _ in pairs:
                path = target_path(key, selected)
                names.update(p.lower() for p in path[1 if path[0] == "plugins" else 2:])
            for before, now, which in ((files.config, after[0], "config"), (files.credentials, after[1], "credentials")):
                why = unrelated_bytes_unchanged(before, now, names)
                counts.check("set: every unrelated byte unchanged", not why, "%s (%s): %s" % (name, which, why))

        for _, problem in process_check.compare([get_results[i] for i in checked_gets]
                                                + [set_results[g][0] for g in checked_sets]):
            counts.check(PROCESS_CHECK, problem is None, problem)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    for name in sorted(set(counts.passed) | set(counts.failed)):
        print("%-75s %5d passed %4d failed" % (name, counts.passed.get(name, 0), counts.failed.get(name, 0)))
    for quirk, cases in sorted(known.items()):
        print("known CLI defect (%s), %d set cases: %s" % (quirk, len(cases), KNOWN_CLI_DEFECTS[quirk]))
    for failure in counts.failures[:int(os.environ.get("PEER_SHOW", "40"))]:
        print("FAIL " + failure)
    if len(counts.failures) > 40:
        print("... and %d more failures" % (len(counts.failures) - 40))
    print("%.1f s (awsprof %.1f s, CLI batch %.1f s)" % (time.time() - started, awsprof_done - started,
                                                        batch_done - awsprof_done))
    return 1 if counts.failed else 0


if __name__ == "__main__":
    sys.exit(main())
