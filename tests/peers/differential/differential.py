#!/usr/bin/env python3
"""Differential test: libconfig's cli dialect against botocore's own reader.

Generates random config and credentials files full of the awkward cases (CRLF, BOM, missing final
newline, tabs, indented headers, continuation lines, blank lines and comments inside values, nested
s3 blocks, ':' delimiters, inline '#'/';', duplicates, [DEFAULT], [default] vs [profile default],
quoted names, names with spaces, [profilefoo], credentials-only profiles, mixed key case, invalid
UTF-8, whitespace other than spaces and tabs ...), reads each pair with botocore the way the AWS CLI does
(botocore.configloader.load_config on the config file, then the credentials file merged as
botocore.session.Session.full_config does), and with the C++ dumper (cli_model_dump), and compares.
The peer fixtures (botocore-cfg/*, the profile-parser texts) are run first, as config and as
credentials files, then one fixed case for each whitespace character in SPACES.

Environment: AWSPROF_DIFF_CASES=N random cases (default 300), AWSPROF_DIFF_SEED=S (default fixed).
Exit status: 0 all equal, 1 mismatches, 2 usage or tool errors, 77 skipped (no botocore).
"""

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile

SKIP = 77
REEXEC_MARK = "AWSPROF_DIFF_REEXEC"


def import_botocore():
    """Imports botocore, re-executing under /usr/bin/python3 (in UTF-8 mode) when needed."""
    if not sys.flags.utf8_mode and os.environ.get(REEXEC_MARK) != "utf8":
        # botocore reads files in the locale's encoding; the AWS CLI's reading is UTF-8.
        env = dict(os.environ, PYTHONUTF8="1", **{REEXEC_MARK: "utf8"})
        os.execve(sys.executable, [sys.executable] + sys.argv, env)
    try:
        import botocore  # noqa: F401
        import botocore.configloader
        import botocore.exceptions
        return botocore
    except ImportError:
        fallback = "/usr/bin/python3"
        if (os.environ.get(REEXEC_MARK) != "fallback" and os.path.exists(fallback)
                and os.path.realpath(sys.executable) != os.path.realpath(fallback)):
            env = dict(os.environ, PYTHONUTF8="1", **{REEXEC_MARK: "fallback"})
            os.execve(fallback, [fallback] + sys.argv, env)
        print("SKIPPED: no python3 with botocore")
        sys.exit(SKIP)


# ------------------------------------------------------------------------------------------------
# botocore's reading


def botocore_model(botocore, config_path, credentials_path):
    """What the AWS CLI reads: load_config(config), then Session.full_config's credentials merge."""
    configloader = botocore.configloader
    exceptions = botocore.exceptions
    try:
        try:
            config = configloader.load_config(config_path)
        except exceptions.ConfigNotFound:
            config = {"profiles": {}}
        try:
            cred_profiles = configloader.raw_config_parse(credentials_path)
            for profile in cred_profiles:
                cred_vars = cred_profiles[profile]
                if profile not in config["profiles"]:
                    config["profiles"][profile] = cred_vars
                else:
                    config["profiles"][profile].update(cred_vars)
        except exceptions.ConfigNotFound:
            pass
    except exceptions.ConfigParseError:
        return {"error": True}
    return {
        "profiles": [[name, values] for name, values in config["profiles"].items()],
        "sso_sessions": config.get("sso_sessions", {}),
        "services": config.get("services", {}),
    }


def reads_services(botocore):
    """botocore before 1.31 (Debian 12's python3-botocore is 1.29) has no [services] sections."""
    return "services" in botocore.configloader.build_profile_map({})


def comparable(model, with_services):
    if with_services or model.get("error"):
        return model
    return {key: value for key, value in model.items() if key != "services"}


# ------------------------------------------------------------------------------------------------
# Random files

NAMES = ["default", "dev", "prod", "Dev", "a b", "x.y", "t\u00e9st", "sso", "my-services", "Default"]
KEYS = ["region", "output", "aws_access_key_id", "aws_secret_access_key", "Region", "REGION", "s3",
        "sso_session", "services", "endpoint_url", "k-1", "key with space", "x", "Output", "dynamodb"]
RARE_KEYS = ["", "\u00c4key", "\u0130x", "k\u00a0", "a[b]", "#notcomment", "k\x00z", "\x1ck", "k\x1f", "\x0bk\x0c"]
VALUES = ["us-east-1", "", "a=b", "v ; c", "v # c", "v;c", "v#c", "  padded  ", "\u00fcn\u00efcode",
          "x:y", '"quoted"', "https://localhost:1234/", "a = b = c", "[not a header]", "\t"]
RARE_VALUES = ["v\u00a0", "\u00a0v", "v\x00w", "v\x0cw", "\u2028v", "v\x1cw", "\ufeffv"]
DELIMS = [" = ", "=", " : ", ":", "\t=\t", " =  ", "= ", " :"]
SUB_KEYS = ["addressing_style", "signature_version", "endpoint_url", "Max_Concurrent", "in valid"]
INVALID_UTF8 = [b"\xff", b"\x80", b"\xc0\x80", b"\xc3", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xe2\x82"]


def quote_name(rng, name):
    style = rng.random()
    if style < 0.55 and " " not in name:
        return name
    if style < 0.8:
        return '"' + name + '"'
    if style < 0.9:
        return "'" + name + "'"
    return name.replace(" ", "\\ ")


def config_header(rng, name):
    q = quote_name(rng, name)
    forms = [
        (30, lambda: "profile " + q),
        (10, lambda: "default"),
        (6, lambda: "profile default"),
        (3, lambda: "profile  " + q + " "),
        (3, lambda: " profile " + q),
        (3, lambda: "profile\t" + q),
        (3, lambda: "profile" + name.replace(" ", "")),
        (2, lambda: "profilefoo " + q),
        (2, lambda: "profile " + q + " extra"),
        (2, lambda: 'profile "' + name),
        (4, lambda: "DEFAULT"),
        (2, lambda: "Default"),
        (2, lambda: " default "),
        (5, lambda: "sso-session " + q),
        (4, lambda: "services " + q),
        (1, lambda: "sso-session" + name.replace(" ", "")),
        (2, lambda: "plugins"),
        (1, lambda: "profile"),
        (1, lambda: 'profile ""'),
        (1, lambda: "a]b"),
        (1, lambda: "profile " + name.replace(" ", "") + "]x"),
        (1, lambda: "profile [" + name.replace(" ", "") + "]"),
    ]
    return weighted(rng, forms)()


def credentials_header(rng, name):
    forms = [
        (40, lambda: name),
        (8, lambda: "default"),
        (4, lambda: "profile " + name),
        (3, lambda: "DEFAULT"),
        (2, lambda: " " + name + " "),
        (2, lambda: '"' + name + '"'),
        (1, lambda: name + "]x"),
        (1, lambda: "[" + name + "]"),
    ]
    return weighted(rng, forms)()


def weighted(rng, choices):
    total = sum(w for w, _ in choices)
    pick = rng.uniform(0, total)
    for weight, item in choices:
        pick -= weight
        if pick <= 0:
            return item
    return choices[-1][1]


def header_line(rng, text):
    line = "[" + text + "]"
    roll = rng.random()
    if roll < 0.08:
        line = rng.choice(["  ", "\t", " "]) + line
    elif roll < 0.14:
        line += rng.choice([" # comment", " ; comment", "# c", ";c", " trailing", "   ", " = v", "]"])
    return line


def pick_key(rng):
    if rng.random() < 0.03:
        return rng.choice(RARE_KEYS)
    return rng.choice(KEYS)


def pick_value(rng):
    if rng.random() < 0.04:
        return rng.choice(RARE_VALUES)
    return rng.choice(VALUES)


def property_lines(rng, key, allow_bad):
    """One property, possibly with continuation lines or a nested block."""
    delim = rng.choice(DELIMS) if rng.random() < 0.35 else " = "
    roll = rng.random()
    if roll < 0.18:
        # A nested block: "key =" then indented sub-properties.
        lines = [key + rng.choice([" =", "=", " = ", " :"])]
        indent = rng.choice(["  ", "    ", "\t", " "])
        for _ in range(rng.randint(0, 4)):
            r = rng.random()
            if r < 0.6:
                lines.append(indent + rng.choice(SUB_KEYS) + rng.choice([" = ", "=", " =", "= "]) + pick_value(rng))
            elif r < 0.7:
                lines.append(rng.choice(["", "   ", "\t"]))
            elif r < 0.8:
                lines.append(indent + rng.choice(["# comment", "; comment"]))
            elif r < 0.88 and allow_bad:
                lines.append(indent + rng.choice(["bad_syntax @ s3v4", "k : v", "novalue", "= v"]))
            else:
                lines.append(indent + indent + rng.choice(SUB_KEYS) + " = deeper")
        return lines
    lines = [key + delim + pick_value(rng)]
    if roll < 0.35:
        # Continuation lines, with blank lines and comments inside the value.
        for _ in range(rng.randint(1, 3)):
            r = rng.random()
            if r < 0.55:
                lines.append(rng.choice(["  ", "\t", " ", "    "]) + rng.choice(["more", "-continued", "x = y", "k: v", "# c", "; c"]))
            elif r < 0.75:
                lines.append(rng.choice(["", "  ", "\t"]))
            else:
                lines.append(rng.choice(["# full-line comment", "; full-line comment", "  # indented comment"]))
    return lines


def section_body(rng, allow_dups, allow_bad):
    lines = []
    used = set()
    for _ in range(rng.randint(0, 5)):
        r = rng.random()
        if r < 0.72:
            key = pick_key(rng)
            if not allow_dups:
                if key.lower() in used:
                    continue
                used.add(key.lower())
            lines.extend(property_lines(rng, key, allow_bad))
        elif r < 0.84:
            lines.append(rng.choice(["", "  ", "\t"]))
        elif r < 0.94:
            lines.append(rng.choice(["# comment", "; comment", "#", "  # indented", "# k = v"]))
        elif allow_bad:
            lines.append(rng.choice(["junk line", "[unterminated", "= novalue", "  [profile indented]", "[]", "[a=b", "[=]"]))
    return lines


def random_file(rng, kind):
    allow_dups = rng.random() < 0.15
    allow_bad = rng.random() < 0.2
    lines = []
    if rng.random() < 0.1:
        lines.append(rng.choice(["# leading comment", "", "; c"]))
    if allow_bad and rng.random() < 0.15:
        lines.append(rng.choice(["aws_access_key_id = before_any_section", "  indented = first", "junk"]))
    used_headers = set()
    for _ in range(rng.randint(0, 5)):
        name = rng.choice(NAMES)
        text = config_header(rng, name) if kind == "config" else credentials_header(rng, name)
        if not allow_dups:
            if text in used_headers:
                continue
            used_headers.add(text)
        lines.append(header_line(rng, text))
        lines.extend(section_body(rng, allow_dups, allow_bad))
        if rng.random() < 0.3:
            lines.append("")
    eol_style = weighted(rng, [(60, "\n"), (25, "\r\n"), (10, "mixed"), (5, "\r")])
    out = []
    for line in lines:
        eol = rng.choice(["\n", "\r\n", "\r"]) if eol_style == "mixed" else eol_style
        out.append(line + eol)
    text = "".join(out)
    if out and rng.random() < 0.2:
        text = text.rstrip("\r\n")
    data = text.encode("utf-8")
    if rng.random() < 0.03:
        data = b"\xef\xbb\xbf" + data
    if rng.random() < 0.03 and data:
        pos = rng.randrange(len(data) + 1)
        data = data[:pos] + rng.choice(INVALID_UTF8) + data[pos:]
    return data


def random_case(rng):
    config = random_file(rng, "config") if rng.random() < 0.9 else None
    credentials = random_file(rng, "credentials") if rng.random() < 0.7 else None
    if config is not None and credentials is not None and rng.random() < 0.4:
        # A profile in both files: give the credentials file a section the config also defines.
        name = rng.choice(["default", "dev", "prod"])
        if b"[" + name.encode() + b"]" not in credentials:
            credentials += b"\n[" + name.encode() + b"]\nregion = from-credentials\naws_access_key_id = AKIDCREDS\n"
    return config, credentials


# Python's whitespace beyond spaces and tabs (str.isspace), and two characters that are not
# whitespace to it: around keys, values and headers, as indentation, and inside blocks.
SPACES = ["\x1c", "\x1d", "\x1e", "\x1f", "\x0b", "\x0c", "\u0085", "\u00a0", "\u2028", "\u3000",
          "\u200b", "\ufeff"]


def whitespace_cases():
    cases = []
    for c in SPACES:
        config = ("[default]\n{c}{c}region{c} = {c}us-east-1{c}\noutput = json\n{c}more = x\n"
                  "{c}[profile a]\ns3 =\n{c}    max_concurrent_requests = 1{c}\n"
                  "[profile b]\n{c}k = 1\n  j = 2\n").format(c=c)
        credentials = "{c}[b]\naws_access_key_id{c}=AKID{c}\n".format(c=c)
        cases.append(("whitespace U+%04X" % ord(c), config.encode("utf-8"), credentials.encode("utf-8")))
    return cases


def fixture_cases(shared_dir):
    """The peer fixtures, each as a config file and as a credentials file."""
    cases = []
    cfg_dir = os.path.join(shared_dir, "peer-tests", "botocore-cfg")
    for name in sorted(os.listdir(cfg_dir)):
        if name == "expected.json":
            continue
        with open(os.path.join(cfg_dir, name), "rb") as f:
            data = f.read()
        cases.append(("botocore-cfg/" + name + " as config", data, None))
        cases.append(("botocore-cfg/" + name + " as credentials", None, data))
    parser_tests = os.path.join(shared_dir, "peer-tests", "profile-parser", "profile-parser-tests.json")
    with open(parser_tests, encoding="utf-8") as f:
        tests = json.load(f)["tests"]
    for i, test in enumerate(tests):
        inp = test["input"]
        config = inp["configFile"].encode("utf-8") if "configFile" in inp else None
        credentials = inp["credentialsFile"].encode("utf-8") if "credentialsFile" in inp else None
        cases.append(("profile-parser #%d %s" % (i, test["name"]), config, credentials))
    return cases


# ------------------------------------------------------------------------------------------------
# Running and comparing


class Workspace:
    def __init__(self):
        self.dir = tempfile.TemporaryDirectory(prefix="awsprof-diff-")
        self.count = 0

    def write_pair(self, config, credentials):
        self.count += 1
        base = os.path.join(self.dir.name, "case%d" % self.count)
        paths = []
        for suffix, data in (("config", config), ("credentials", credentials)):
            path = base + "." + suffix
            if data is not None:
                with open(path, "wb") as f:
                    f.write(data)
            paths.append(path)  # absent data: the path does not exist (a missing file)
        return paths


def run_dumper(dumper, workspace, pairs):
    manifest = os.path.join(workspace.dir.name, "manifest%d.txt" % workspace.count)
    workspace.count += 1
    with open(manifest, "w", encoding="utf-8") as f:
        for config_path, credentials_path in pairs:
            f.write(config_path + "\t" + credentials_path + "\n")
    proc = subprocess.run([dumper, "--batch", manifest], capture_output=True, timeout=120)
    if proc.returncode != 0:
        raise RuntimeError("cli_model_dump exited %d: %s" % (proc.returncode, proc.stderr.decode(errors="replace")))
    # Not splitlines(): it would also split at U+2028 and friends inside the JSON strings.
    lines = proc.stdout.decode("utf-8").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if len(lines) != len(pairs):
        raise RuntimeError("cli_model_dump printed %d lines for %d pairs" % (len(lines), len(pairs)))
    return [json.loads(line) for line in lines]


def compare(case_pair, botocore, dumper, workspace):
    config, credentials = case_pair
    paths = workspace.write_pair(config, credentials)
    with_services = reads_services(botocore)
    expected = comparable(botocore_model(botocore, *paths), with_services)
    actual = comparable(run_dumper(dumper, workspace, [paths])[0], with_services)
    return expected == actual, expected, actual


def shrink(case_pair, botocore, dumper, workspace, budget=400):
    """Removes whole files, then single lines, while the two readings still differ (to a fixpoint)."""
    files = list(case_pair)

    def still_differs(trial):
        nonlocal budget
        budget -= 1
        return not compare(tuple(trial), botocore, dumper, workspace)[0]

    for index in (0, 1):
        if files[index] is not None:
            trial = list(files)
            trial[index] = None
            if still_differs(trial):
                files = trial
    changed = True
    while changed and budget > 0:
        changed = False
        for index in (0, 1):
            if files[index] is None:
                continue
            lines = files[index].splitlines(keepends=True)
            i = 0
            while i < len(lines) and budget > 0:
                trial = list(files)
                trial[index] = b"".join(lines[:i] + lines[i + 1:])
                if still_differs(trial):
                    files = trial
                    lines = lines[:i] + lines[i + 1:]
                    changed = True
                else:
                    i += 1
    return tuple(files)


def show(label, data):
    return "%s: %s" % (label, "(no file)" if data is None else repr(data))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dumper", required=True, help="path to cli_model_dump")
    parser.add_argument("--shared-dir", required=True, help="the shared/ folder holding peer-tests/")
    parser.add_argument("--max-reports", type=int, default=10, help="mismatches to print in full")
    args = parser.parse_args()

    botocore = import_botocore()
    cases_wanted = int(os.environ.get("AWSPROF_DIFF_CASES", "300"))
    seed = int(os.environ.get("AWSPROF_DIFF_SEED", "20240611"))
    print("botocore %s (%s), python %s, utf8_mode=%d, seed %d, %d random cases"
          % (botocore.__version__, os.path.dirname(botocore.__file__), sys.version.split()[0],
             sys.flags.utf8_mode, seed, cases_wanted))

    with_services = reads_services(botocore)
    if not with_services:
        print("note: this botocore has no [services] sections; services are not compared")

    rng = random.Random(seed)
    cases = fixture_cases(args.shared_dir) + whitespace_cases()
    for i in range(cases_wanted):
        config, credentials = random_case(rng)
        cases.append(("random #%d" % i, config, credentials))

    workspace = Workspace()
    pairs = [workspace.write_pair(config, credentials) for _, config, credentials in cases]
    try:
        actual_all = run_dumper(args.dumper, workspace, pairs)
    except (RuntimeError, OSError, subprocess.TimeoutExpired) as e:
        print("error: %s" % e)
        return 2

    mismatches = 0
    errors_seen = 0
    for (label, config, credentials), paths, actual in zip(cases, pairs, actual_all):
        try:
            expected = comparable(botocore_model(botocore, *paths), with_services)
        except Exception as e:  # a botocore crash is worth knowing about, not a test failure
            print("note: %s: botocore raised %s: %s" % (label, type(e).__name__, e))
            continue
        if expected.get("error"):
            errors_seen += 1
        if expected == comparable(actual, with_services):
            continue
        mismatches += 1
        if mismatches > args.max_reports:
            continue
        small = shrink((config, credentials), botocore, args.dumper, workspace)
        _, small_expected, small_actual = compare(small, botocore, args.dumper, workspace)
        print("MISMATCH %s (shrunk from %s and %s bytes)" % (
            label, "-" if config is None else len(config), "-" if credentials is None else len(credentials)))
        print("  " + show("config     ", small[0]))
        print("  " + show("credentials", small[1]))
        print("  botocore: " + json.dumps(small_expected, ensure_ascii=True))
        print("  awsprof:  " + json.dumps(small_actual, ensure_ascii=True))
    total = len(cases)
    print("differential: %d/%d equal (%d fixture cases, %d random; botocore refused %d)"
          % (total - mismatches, total, total - cases_wanted, cases_wanted, errors_seen))
    if mismatches > args.max_reports:
        print("(%d further mismatches not shown)" % (mismatches - args.max_reports))
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
