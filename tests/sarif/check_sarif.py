#!/usr/bin/env python3
"""Runs a findings tool with --output sarif on files that trigger many rules (and on clean files,
and on the first again with an .awsprof.toml that suppresses some), and validates each log against
the SARIF 2.1.0 JSON schema with jsonschema.

Usage: check_sarif.py --bin-dir DIR --schema sarif-schema-2.1.0.json TOOL...
       check_sarif.py --bin-dir DIR --schema sarif-schema-2.1.0.json --scan

With --scan, runs `awsprof lint --scan --output sarif` on files with non-ASCII text before the
credentials (UTF-8, and UTF-16 as Windows editors save it), validates the log, and checks that every
startColumn counts Unicode code points, as the log's columnKind declares.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile

import jsonschema

CONFIG = """[profile main]
regoin = us-east-1
output = jsno
region = us-east-1 # main
duration_seconds = 10
s3 =
  max_concurent_requests = 2

[profile default]
region = eu-west-1

[profile a]
role_arn = arn:aws:iam::123456789012:role/a
source_profile = b
[profile b]
role_arn = arn:aws:iam::123456789012:role/b
source_profile = a
credential_source = Environment
[profile "my name"]
sso_session = missing
sso_account_id = 123456789012
credential_process = "~/bin/helper
[dev]
endpoint_url = localhost
  [profile indented]
[sso-session corp]
sso_region = us-east-1
[profile caf\u00e9]
region = \u00e9u-west-1
"""

CREDENTIALS = """[profile ci]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
region = us-east-1
[a]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
"""


RULES = """[rules]
"validate.unknown-key" = "off"
[allow]
paths = ["credentials"]
"""


def run(tool, bin_dir, home, config, credentials, rules=None):
    os.makedirs(os.path.join(home, ".aws"), exist_ok=True)
    if rules is not None:
        with open(os.path.join(home, ".awsprof.toml"), "w", encoding="utf-8") as f:
            f.write(rules)
    for name, text in (("config", config), ("credentials", credentials)):
        with open(os.path.join(home, ".aws", name), "w", encoding="utf-8") as f:
            f.write(text)
    env = {"HOME": home, "PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8",
           "AWS_CONFIG_FILE": os.path.join(home, ".aws", "config"),
           "AWS_SHARED_CREDENTIALS_FILE": os.path.join(home, ".aws", "credentials")}
    proc = subprocess.run([os.path.join(bin_dir, tool), "--output", "sarif"], cwd=home, env=env,
                          capture_output=True, timeout=60)
    if proc.returncode not in (0, 1):
        sys.exit(f"{tool} exited {proc.returncode}: {proc.stderr.decode(errors='replace')}")
    return json.loads(proc.stdout)


# Made-up key ids, after text of 1-, 2-, 3- and 4-byte characters.
SCAN_FILES = {
    "ascii.py": ("KEY = \"AKIA2MOCKMOCKMOCKQ3Z\"\n", "utf-8"),
    "accents.py": ("# caf\u00e9 \u00fcber alles\nKEY = \"AKIA2MOCKMOCKMOCKQ3Z\"  # \u00e9t\u00e9: \"ASIA2MOCKMOCKMOCKQ3Z\"\n", "utf-8"),
    "cjk.txt": ("\u5bc6\u94a5 = \"AKIA2MOCKMOCKMOCKQ3Z\"\n\U0001f511\U0001f511 ASIA2MOCKMOCKMOCKQ3Z\n", "utf-8"),
    "windows.env": ("# Gr\u00fc\u00dfe\r\nKEY=\u00e4\u00f6 AKIA2MOCKMOCKMOCKQ3Z\r\n", "utf-16"),
}


def check_scan_columns(bin_dir, validator):
    """Errors in the SARIF log of a scan: schema problems and columns that are not code points."""
    with tempfile.TemporaryDirectory(prefix="awsprof-sarif-scan-") as home:
        expected = set()
        for name, (text, encoding) in SCAN_FILES.items():
            with open(os.path.join(home, name), "wb") as f:
                f.write(text.encode(encoding))
            for number, line in enumerate(text.split("\n"), 1):
                for start in range(len(line)):
                    if line.startswith(("AKIA", "ASIA"), start):
                        expected.add((name, number, start + 1))  # str indexes count code points
        env = {"HOME": home, "PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8",
               "AWS_CONFIG_FILE": os.path.join(home, "none"), "AWS_SHARED_CREDENTIALS_FILE": os.path.join(home, "none")}
        proc = subprocess.run([os.path.join(bin_dir, "awsprof"), "lint", "--scan"] + sorted(SCAN_FILES) +
                              ["--output", "sarif"], cwd=home, env=env, capture_output=True, timeout=60)
    log = json.loads(proc.stdout)
    errors = ["%s: %s" % ("/".join(map(str, e.path)), e.message) for e in validator.iter_errors(log)]
    if log["runs"][0].get("columnKind") != "unicodeCodePoints":
        errors.append("columnKind is not unicodeCodePoints")
    actual = set()
    for result in log["runs"][0]["results"]:
        location = result["locations"][0]["physicalLocation"]
        actual.add((location["artifactLocation"]["uri"], location["region"]["startLine"],
                    location["region"]["startColumn"]))
    for place in sorted(expected - actual):
        errors.append("expected a result at %s:%d, column %d (code points)" % place)
    for place in sorted(actual - expected):
        errors.append("a result at %s:%d, column %d, where no key starts" % place)
    print("awsprof lint --scan: %d results, %s" % (len(actual), "INVALID" if errors else "valid SARIF 2.1.0, "
                                                   "columns in code points"))
    return errors


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin-dir", required=True)
    parser.add_argument("--schema", required=True)
    parser.add_argument("--scan", action="store_true")
    parser.add_argument("tools", nargs="*")
    args = parser.parse_args()
    args.bin_dir = os.path.abspath(args.bin_dir)
    with open(args.schema, encoding="utf-8") as f:
        schema = json.load(f)
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema)
    failed = False
    if args.scan:
        for error in check_scan_columns(args.bin_dir, validator):
            print("awsprof lint --scan: " + error)
            failed = True
    for tool in args.tools:
        cases = (("findings", CONFIG, CREDENTIALS, None), ("clean", "[default]\nregion = us-east-1\n", "", None),
                 ("suppressed", CONFIG, CREDENTIALS, RULES))
        for label, config, credentials, rules in cases:
            with tempfile.TemporaryDirectory(prefix="awsprof-sarif-") as home:
                log = run(tool, args.bin_dir, home, config, credentials, rules)
                rules_path = os.path.join(home, ".awsprof.toml")
            errors = sorted(validator.iter_errors(log), key=lambda e: list(e.path))
            for error in errors:
                print(f"{tool} ({label}): {'/'.join(map(str, error.path))}: {error.message}")
            results = log["runs"][0]["results"]
            rule_ids = [r["id"] for r in log["runs"][0]["tool"]["driver"]["rules"]]
            for result in results:
                index = result.get("ruleIndex")
                if index is None or rule_ids[index] != result["ruleId"]:
                    print(f"{tool} ({label}): result {result['ruleId']} has a wrong ruleIndex")
                    errors.append(result)
            if label == "findings" and len(set(r["ruleId"] for r in results)) < 15:
                print(f"{tool} ({label}): expected findings of at least 15 rules")
                errors.append(None)
            if label == "suppressed":
                # Suppressed findings are results with an external suppression naming the file.
                suppressed = [r for r in results if r.get("suppressions")]
                kinds = set(r["ruleId"] for r in suppressed)
                justified = all(s["kind"] == "external" and rules_path in s["justification"]
                                for r in suppressed for s in r["suppressions"])
                if "validate.unknown-key" not in kinds or not justified or \
                        not any("credentials" in r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                                for r in suppressed):
                    print(f"{tool} ({label}): expected suppressed results for the rule turned off and the "
                          f"allowlisted file, each naming {rules_path}")
                    errors.append(None)
            if "wJalrXUtnFEMI" in json.dumps(log):
                print(f"{tool} ({label}): a secret appears in the SARIF log")
                errors.append(None)
            failed = failed or bool(errors)
            print(f"{tool} ({label}): {len(results)} results, {len(rule_ids)} rules, "
                  f"{'INVALID' if errors else 'valid'} SARIF 2.1.0")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
