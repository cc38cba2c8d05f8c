#!/usr/bin/env python3
"""Generates a source tree for the secret-scan benchmark (bench/run-scan.sh).

Usage: gen_scan_tree.py OUTDIR [--megabytes 210] [--seed 4]

Writes OUTDIR/tree/ (mixed text files in nested directories, some binary files) and
OUTDIR/manifest.json: the planted credentials awsprof must report, as {"path", "line", "column",
"kind"} (path relative to the tree), and the count of each kind of decoy it must not report.

Planted: access key ids with every prefix, 40-character secrets next to a secret/access name in
several syntaxes, and session tokens. Decoys: key ids of the wrong length, the wrong prefix, in
lowercase, with non-base32 digits, glued inside longer base32 runs; the documented EXAMPLE keys;
secrets with no name, of 41 characters, or all hex; short "tokens"; and keys inside binary files
(which are skipped). None of the values are real credentials.
"""

import argparse
import json
import os
import random
import string

B32 = string.ascii_uppercase + "234567"
B64 = string.ascii_letters + string.digits + "/+"
PREFIXES = ["AKIA", "ASIA", "AGPA", "AIDA", "AROA", "AIPA", "ANPA", "ANVA", "A3TA"]
WORDS = ("the of and to in is for on with as by at from this that return if else while value key "
         "config profile region bucket object request response client session handler error result "
         "count index buffer stream parse format table column record account service user role policy").split()
# Words that wake the secret-name prefilter, at roughly the rate real code has them (about 0.3% of
# the lines of /usr/include and /usr/lib/python3 mention "secret" or "access").
RARE_WORDS = ["secret_name", "access_level", "accessor", "session_token_count", "SecretString"]
EXTENSIONS = [".py", ".js", ".go", ".java", ".c", ".md", ".yaml", ".json", ".txt", ".sh", ".tf"]


def key_id(rng, prefix=None):
    return (prefix or rng.choice(PREFIXES)) + "".join(rng.choice(B32) for _ in range(16))


def secret(rng):
    while True:
        value = "".join(rng.choice(B64) for _ in range(40))
        if any(c.islower() for c in value) and any(c.isupper() for c in value) and not value.endswith("EXAMPLE"):
            return value


def token(rng, length):
    return "IQoJb3JpZ2luX2Vj" + "".join(rng.choice(B64) for _ in range(length - 16))


def filler_line(rng):
    kind = rng.random()
    if kind < 0.004:
        return "    %s = %s" % (rng.choice(RARE_WORDS), rng.choice(WORDS))
    if kind < 0.55:
        indent = " " * rng.choice([0, 2, 4, 8])
        return indent + " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 14)))
    if kind < 0.7:
        return "    %s = %s(%s, %d)" % (rng.choice(WORDS), rng.choice(WORDS), rng.choice(WORDS), rng.randint(0, 99999))
    if kind < 0.8:  # a base64 blob (lower-case heavy, as in data URIs and lock files)
        return '  "' + "".join(rng.choice(string.ascii_lowercase + string.digits + "/+") for _ in range(rng.randint(40, 120))) + '",'
    if kind < 0.9:  # a git-style hash
        return "  sha1 = %040x" % rng.getrandbits(160)
    return "# " + " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 10)))


def planted_line(rng, kind):
    """Returns (line, column of the value, kind) for a credential that must be found."""
    if kind == "key":
        value = key_id(rng)
        template = rng.choice(['    aws_access_key_id = "{}"', "export AWS_ACCESS_KEY_ID={}", '  "AccessKeyId": "{}",',
                               "id: {}", "key={} # do not commit"])
        line = template.format(value)
        return line, line.index(value) + 1, "access key id"
    if kind == "secret":
        value = secret(rng)
        template = rng.choice(['aws_secret_access_key = "{}"', "AWS_SECRET_ACCESS_KEY={}", '  "SecretAccessKey": "{}",',
                               "    secret_key: '{}'", "access_key=>{}"])
        line = template.format(value)
        return line, line.index(value) + 1, "secret access key"
    value = token(rng, rng.randint(300, 800))
    line = rng.choice(["aws_session_token = {}", 'export AWS_SESSION_TOKEN="{}"', '"SessionToken": "{}"']).format(value)
    return line, line.index(value) + 1, "session token"


def decoy_line(rng):
    """Returns (line, decoy kind) for something that must NOT be reported."""
    kind = rng.choice(["short", "long", "prefix", "lowercase", "digits", "embedded", "example", "no-name",
                       "secret-41", "hex", "short-token"])
    if kind == "short":
        return "id = " + key_id(rng)[:19], kind
    if kind == "long":
        return "id = " + key_id(rng) + rng.choice(B32), kind
    if kind == "prefix":
        return "id = " + rng.choice(["AKIB", "BKIA", "AKAI", "ASIB", "AXIA"]) + key_id(rng)[4:], kind
    if kind == "lowercase":
        return "id = " + key_id(rng).lower(), kind
    if kind == "digits":
        return "id = " + key_id(rng)[:16] + "0189", kind
    if kind == "embedded":
        return "blob " + "".join(rng.choice(B32) for _ in range(rng.randint(1, 12))) + key_id(rng) + \
            "".join(rng.choice(B32) for _ in range(rng.randint(1, 12))), kind
    if kind == "example":
        return rng.choice(["aws_access_key_id = AKIAIOSFODNN7EXAMPLE", "key AKIAI44QH8DHBEXAMPLE",
                           "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                           "aws_secret_access_key = je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY"]), kind
    if kind == "no-name":
        return "checksum = " + secret(rng), kind
    if kind == "secret-41":
        return "aws_secret_access_key = " + secret(rng) + rng.choice(B64), kind
    if kind == "hex":
        return "access_hash = %040x" % rng.getrandbits(160), kind
    return "aws_session_token = " + token(rng, 60), kind


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir")
    parser.add_argument("--megabytes", type=int, default=210)
    parser.add_argument("--seed", type=int, default=4)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    tree = os.path.join(args.outdir, "tree")
    os.makedirs(tree, exist_ok=True)
    pool = [filler_line(rng) for _ in range(50000)]
    target = args.megabytes * 1024 * 1024
    total = 0
    planted, decoys = [], {}
    index = 0
    while total < target:
        index += 1
        directory = os.path.join("pkg%02d" % (index % 23), "mod%02d" % (index % 7))
        if index % 61 == 0:  # a binary file: NUL early, keys inside that must not be reported
            name = os.path.join(directory, "blob%05d.bin" % index)
            data = bytes(rng.getrandbits(8) for _ in range(64)) + b"\0" + \
                ("\n".join(planted_line(rng, "key")[0] for _ in range(5)) + "\n").encode() + os.urandom(rng.randint(100000, 900000))
            decoys["binary"] = decoys.get("binary", 0) + 5
        else:
            name = os.path.join(directory, "file%05d%s" % (index, rng.choice(EXTENSIONS)))
            lines = rng.choices(pool, k=rng.randint(200, 3000))
            if rng.random() < 0.25:
                for _ in range(rng.randint(1, 3)):
                    at = rng.randrange(len(lines) + 1)
                    line, column, kind = planted_line(rng, rng.choice(["key", "key", "secret", "secret", "token"]))
                    lines.insert(at, line)
                    planted.append([name, at, column, kind, line])
            if rng.random() < 0.35:
                for _ in range(rng.randint(1, 4)):
                    line, kind = decoy_line(rng)
                    lines.insert(rng.randrange(len(lines) + 1), line)
                    decoys[kind] = decoys.get(kind, 0) + 1
            # Line numbers of planted lines, after every insertion.
            text = "\n".join(lines) + "\n"
            data = text.encode()
            mine = [p for p in planted if p[0] == name]
            for p in mine:
                p[1] = lines.index(p[4]) + 1
        path = os.path.join(tree, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
        total += len(data)
    manifest = {
        "bytes": total,
        "files": index,
        "planted": [{"path": p[0], "line": p[1], "column": p[2], "kind": p[3]} for p in planted],
        "decoys": decoys,
    }
    with open(os.path.join(args.outdir, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    print("%d files, %.1f MB, %d planted credentials, %d decoys" %
          (index, total / 1e6, len(planted), sum(decoys.values())))


if __name__ == "__main__":
    main()
