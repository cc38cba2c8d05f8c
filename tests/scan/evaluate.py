#!/usr/bin/env python3
"""Precision and recall of `awsprof lint --scan` on the labelled corpus, next to git-secrets.

Usage: evaluate.py --bin-dir DIR [--corpus DIR (default: corpus/ beside it)] [--min-recall 0.95]
                   [--min-precision 0.97]

Scans CORPUS/files with awsprof (JSON output) and, when it is installed, with git-secrets
(`git secrets --register-aws`, `git secrets --scan -r`, in a throw-away HOME), and compares what each
reports with CORPUS/labels.tsv (see make_corpus.py):

  - awsprof: a finding counts when its path, line, column and kind are those of a labelled value;
  - git-secrets prints whole lines, so each reported line is matched again with its own patterns
    (as `grep -w` does) and a match counts when a labelled value of that kind starts inside it. Its
    account-id pattern is left out (awsprof reports account ids only with --account-ids).

Prints, per kind (key id, secret key, session token), the recall (labelled values found) and the
precision (reports that are labelled values), then every miss and false alarm of awsprof. Exits 1
when awsprof is below --min-recall or --min-precision for any kind, 2 when a tool cannot be run.
"""

import argparse
import collections
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

KINDS = ["key-id", "secret-key", "session-token"]
RULE_KINDS = {"lint.scan-access-key-id": "key-id", "lint.scan-secret-access-key": "secret-key",
              "lint.scan-session-token": "session-token"}


def read_labels(path):
    positives, decoys = {}, {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            relative, number, column, label, note = (line.rstrip("\n").split("\t") + [""])[:5]
            place = (relative, int(number), int(column))
            if label.startswith("decoy-"):
                decoys[place] = (label[len("decoy-"):], note)
            else:
                positives[place] = (label, note)
    return positives, decoys


def run_awsprof(bin_dir, files, work):
    env = {"HOME": work, "PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8",
           "AWS_CONFIG_FILE": os.path.join(work, "none-config"),
           "AWS_SHARED_CREDENTIALS_FILE": os.path.join(work, "none-credentials")}
    proc = subprocess.run([os.path.join(bin_dir, "awsprof"), "lint", "--scan", files, "--output", "json",
                           "--no-progress"], cwd=work, env=env, capture_output=True, timeout=120)
    if proc.returncode not in (0, 1):
        sys.exit("awsprof exited %d: %s" % (proc.returncode, proc.stderr.decode(errors="replace")))
    reports = []
    for finding in json.loads(proc.stdout):
        kind = RULE_KINDS.get(finding["rule"])
        if kind is None:
            sys.exit("unexpected rule %s" % finding["rule"])
        reports.append(((os.path.relpath(finding["path"], files), finding["line"], finding["column"]), kind))
    return reports


def run_git_secrets(files, work):
    """(place of each match, kind), or None when git-secrets is not installed."""
    if shutil.which("git-secrets") is None:
        return None
    home, repo = os.path.join(work, "gs-home"), os.path.join(work, "gs-repo")
    os.makedirs(home)
    os.makedirs(repo)
    env = {"HOME": home, "PATH": "/usr/bin:/bin", "LC_ALL": "C", "GIT_CONFIG_NOSYSTEM": "1"}
    subprocess.run(["git", "init", "-q", repo], env=env, check=True)
    subprocess.run(["git", "secrets", "--register-aws", "--global"], cwd=repo, env=env, check=True,
                   capture_output=True)
    patterns = subprocess.run(["git", "config", "--global", "--get-all", "secrets.patterns"], cwd=repo, env=env,
                              check=True, capture_output=True, text=True).stdout.splitlines()
    # The order --register-aws writes them in: key id, secret key, account id.
    kinds = ["key-id", "secret-key", None]
    proc = subprocess.run(["git", "secrets", "--scan", "-r", files], cwd=repo, env=env, capture_output=True)
    reports = []
    for raw in proc.stderr.decode("latin-1").splitlines():
        match = re.match(r"^(.*?):(\d+):(.*)$", raw)
        if not match or not match.group(1).startswith(files):
            continue
        relative, number, text = os.path.relpath(match.group(1), files), int(match.group(2)), match.group(3)
        for pattern, kind in zip(patterns, kinds):
            if kind is None:
                continue
            # grep -w: the match must not touch a word character on either side.
            for found in re.finditer(r"(?<![A-Za-z0-9_])(?:%s)(?![A-Za-z0-9_])" % pattern, text):
                reports.append(((relative, number, found.start() + 1, found.end() + 1), kind))
    return reports


def score(reports, positives, exact):
    """Per kind: found positives, false alarms (as (place, kind) lists)."""
    found, false_alarms = set(), []
    by_line = collections.defaultdict(list)
    for place, (kind, _) in positives.items():
        by_line[place[:2]].append((place[2], kind, place))
    for report, kind in reports:
        hit = None
        if exact:
            if positives.get(report, (None,))[0] == kind:
                hit = report
        else:
            relative, number, start, end = report
            for column, label, place in by_line[(relative, number)]:
                if label == kind and start <= column < end:
                    hit = place
        if hit is not None:
            found.add(hit)
        else:
            false_alarms.append((report[:3], kind))
    return found, false_alarms


def table(name, positives, found, false_alarms):
    rows, ok = [], True
    for kind in KINDS:
        total = sum(1 for label, _ in positives.values() if label == kind)
        hits = sum(1 for place in found if positives[place][0] == kind)
        alarms = sum(1 for _, k in false_alarms if k == kind)
        recall = hits / total if total else 1.0
        precision = hits / (hits + alarms) if hits + alarms else 1.0
        rows.append((kind, hits, total, recall, alarms, precision))
    print("%s:" % name)
    hits, total, alarms = (sum(row[i] for row in rows) for i in (1, 2, 4))
    for kind, hits_, total_, recall, alarms_, precision in rows + [
            ("all kinds", hits, total, hits / total, alarms, hits / (hits + alarms) if hits + alarms else 1.0)]:
        shown = "%6.1f%%" % (100 * precision) if hits_ + alarms_ else "    n/a"  # nothing reported
        print("  %-14s recall %6.1f%% (%d of %d)   precision %s (%d false alarms)" % (
            kind, 100 * recall, hits_, total_, shown, alarms_))
    return rows


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin-dir", required=True)
    parser.add_argument("--corpus", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus"))
    parser.add_argument("--min-recall", type=float, default=0.95)
    parser.add_argument("--min-precision", type=float, default=0.97)
    args = parser.parse_args()
    files = os.path.join(os.path.abspath(args.corpus), "files")
    positives, decoys = read_labels(os.path.join(args.corpus, "labels.tsv"))
    kinds = collections.Counter(label for label, _ in positives.values())
    decoy_kinds = collections.Counter(label for label, _ in decoys.values())
    print("corpus: %d labelled values (%s) and %d decoys (%s)" % (
        len(positives), ", ".join("%s %d" % (k, kinds[k]) for k in KINDS), len(decoys),
        ", ".join("%s %d" % (k, decoy_kinds[k]) for k in KINDS)))
    with tempfile.TemporaryDirectory(prefix="awsprof-corpus-") as work:
        awsprof = run_awsprof(os.path.abspath(args.bin_dir), files, work)
        secrets = run_git_secrets(files, work)
    found, false_alarms = score(awsprof, positives, exact=True)
    rows = table("awsprof lint --scan", positives, found, false_alarms)
    if secrets is None:
        print("git-secrets: not installed (Debian package git-secrets); no comparison")
    else:
        gs_found, gs_alarms = score(secrets, positives, exact=False)
        table("git-secrets --register-aws (same corpus)", positives, gs_found, gs_alarms)
    misses = sorted(place for place in positives if place not in found)
    for place in misses:
        label, note = positives[place]
        print("  missed %s:%d:%d %s%s" % (place + (label, " (%s)" % note if note else "")))
    for place, kind in sorted(false_alarms):
        decoy = decoys.get(place)
        what = "decoy %s (%s)" % decoy if decoy else "not labelled"
        print("  false alarm %s:%d:%d %s: %s" % (place + (kind, what)))
    failed = [kind for kind, _, _, recall, _, precision in rows
              if recall < args.min_recall or precision < args.min_precision]
    if failed:
        print("FAIL: below recall %.0f%% or precision %.0f%% for %s" % (
            100 * args.min_recall, 100 * args.min_precision, ", ".join(failed)))
        sys.exit(1)
    print("PASS: recall >= %.0f%% and precision >= %.0f%% for every kind" % (
        100 * args.min_recall, 100 * args.min_precision))


if __name__ == "__main__":
    main()
