#!/usr/bin/env python3
"""`awsprof sso populate` end to end, against the fake IAM Identity Center, with botocore as the oracle.

    run_populate.py [--bin-dir DIR] CASE

Cases:
  botocore   populate writes profiles for accounts whose names need sanitising, two accounts of one
             name, and role names with every character IAM allows; then every botocore there is
             (Debian's, the AWS CLI v2's own, PyPI's) reads each profile back under its name, with the
             account and role populate meant, and resolves its credentials through its own SSO
             credential provider against the same fake (GetRoleCredentials). awsprof's own reader
             (list) agrees.
  scale      1,500 accounts x 3 roles, ListAccountRoles rate-limited and a quarter of its calls
             throttled whatever the rate, ListAccounts throttled three times: the listing completes,
             every role gets exactly one profile, botocore reads all 4,500, and a re-run changes no
             byte.

Exit status: 0 all checks passed, 1 a check failed, 77 skipped (no botocore).
"""
import hashlib
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from fake_identity_center import FakeIdentityCenter  # noqa: E402
import run_sso  # noqa: E402
from run_sso import SKIP, START_URL, Home, awsprof, botocore_label, botocore_pythons, run_oracle  # noqa: E402

SESSION_ONLY = f"""[sso-session corp]
sso_start_url = {START_URL}
sso_region = us-east-1
sso_registration_scopes = sso:account:access
"""

# Account names the way organisations write them, and role names with every character IAM allows
# in one (letters, digits and + = , . @ _ -).
NASTY_ACCOUNTS = [
    {"accountId": "111111111111", "accountName": "Acme (Prod)", "roles": ["AdministratorAccess", "Read.Only+x=y,z@w_v-u"]},
    {"accountId": "222222222222", "accountName": "Acme (Prod)", "roles": ["AdministratorAccess"]},
    {"accountId": "333333333333", "accountName": "Société Générale", "roles": ["Billing"]},
    {"accountId": "444444444444", "accountName": " [legacy] it's \"quoted\" \\ ; # =", "roles": ["Dev"]},
    {"accountId": "555555555555", "accountName": "", "roles": ["Dev"]},
    {"accountId": "666666666666", "accountName": "tab\tand\nnewline", "roles": ["Dev"]},
]


def login(fake, home):
    fake.control("issue_token", cache_dir=home.cache, session="corp", start_url=START_URL)


def populate(bin_dir, home, *args, timeout=600):
    got = awsprof(bin_dir, home, "sso", "populate", "--output", "json", *args, timeout=timeout)
    try:
        report = json.loads(got.stdout)
    except ValueError:
        report = None
    return got, report


def sha256_of(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def case_botocore(bin_dir, work, checks):
    pythons = botocore_pythons()
    if not pythons:
        print("SKIPPED: no Python with botocore")
        return SKIP
    with FakeIdentityCenter(work, lifetime=300, config={"accounts": NASTY_ACCOUNTS}) as fake:
        home = Home(work, fake, config=SESSION_ONLY)
        login(fake, home)
        got, report = populate(bin_dir, home, "--region", "eu-west-1")
        if not checks.check(got.returncode == 0 and report is not None, "populate exits 0", got.stderr):
            return 0
        wanted = {(a["accountId"], r) for a in NASTY_ACCOUNTS for r in a["roles"]}
        written = {p["name"]: (p["account_id"], p["role_name"]) for p in report["profiles"]}
        checks.check(sorted(written.values()) == sorted(wanted), "one profile per account and role",
                     sorted(written.values()))
        names = sorted(written)
        print("     names: " + ", ".join(names), flush=True)
        checks.check(all(n and all(c.isascii() and (c.isalnum() or c in "-_/.%@:+") for c in n) for n in names),
                     "every name is portable (letters, digits and - _ / . % @ : +)", names)

        listed = awsprof(bin_dir, home, "list", "--output", "json")
        ours = {p["name"] for p in json.loads(listed.stdout or "[]")} - {"default"}
        checks.check(ours == set(names), "awsprof list reads every name back", sorted(ours ^ set(names)))

        for python, uses_awscli, version in pythons:
            what = botocore_label(version, uses_awscli)
            read, err = run_oracle(python, uses_awscli, "profiles", "-", home, fake)
            if not checks.check(read is not None, f"{what}: reads the config file", err[-2000:]):
                continue
            checks.check(sorted(read) == names, f"{what}: reads every profile under its name",
                         sorted(set(read) ^ set(names)))
            expected = {n: {"sso_session": "corp", "sso_account_id": written[n][0], "sso_role_name": written[n][1],
                            "region": "eu-west-1"} for n in names}
            checks.check(read == expected, f"{what}: each with the account, role, session and region populate meant",
                         {n: read.get(n) for n in names if read.get(n) != expected[n]})
            before = fake.counts()["GetRoleCredentials"]
            failures = []
            for name in names:
                creds, err = run_oracle(python, uses_awscli, "credentials", name, home, fake)
                if creds != {"method": "sso", "access_key_prefix": "ASIA"}:
                    failures.append((name, creds, err[-500:]))
            checks.check(not failures, f"{what}: resolves every profile's credentials through its SSO provider",
                         failures[:3])
            checks.check(fake.counts()["GetRoleCredentials"] - before == len(names),
                         f"{what}: one GetRoleCredentials per profile", fake.counts())
    return 0


def case_scale(bin_dir, work, checks):
    pythons = botocore_pythons()
    accounts, roles = 1500, ["AdministratorAccess", "ReadOnly", "Billing"]
    with FakeIdentityCenter(work, lifetime=900, accounts=accounts, roles=roles) as fake:
        home = Home(work, fake, config=SESSION_ONLY)
        login(fake, home)
        # The portal throttles: a token bucket on ListAccountRoles, a quarter of its calls refused
        # whatever the rate, and a burst of 429s on ListAccounts.
        fake.control("rate_limit", operation="ListAccountRoles", per_second=400, burst=40)
        fake.control("throttle", operation="ListAccountRoles", fraction=0.25)
        fake.control("inject", operation="ListAccounts", status=429, error="TooManyRequestsException",
                     message="Rate exceeded", count=3)
        start = time.monotonic()
        got, report = populate(bin_dir, home, "--region", "us-east-1")
        elapsed = time.monotonic() - start
        if not checks.check(got.returncode == 0 and report is not None, "populate completes under throttling",
                            got.stderr[-2000:]):
            return 0
        portal = report["portal"]
        print(f"     {accounts} accounts x {len(roles)} roles: {elapsed:.1f} s, {portal['requests']} requests, "
              f"{portal['throttled']} throttled, concurrency down to {portal['lowest_concurrency']}", flush=True)
        checks.check(portal["throttled"] >= 500, "the portal did throttle (a quarter of the calls and more)", portal)
        counts = fake.counts()
        checks.check(counts["ListAccountRoles"] == portal["requests"] - counts["ListAccounts"],
                     "every request is counted by the fake", (counts, portal))
        pairs = [(p["account_id"], p["role_name"]) for p in report["profiles"]]
        checks.check(report["counts"]["created"] == accounts * len(roles) and len(set(pairs)) == len(pairs) ==
                     accounts * len(roles), "nothing lost: one profile per account and role", report["counts"])
        config = home.env["AWS_CONFIG_FILE"]
        digest = sha256_of(config)
        for python, uses_awscli, version in pythons:
            what = botocore_label(version, uses_awscli)
            read, err = run_oracle(python, uses_awscli, "profiles", "-", home, fake)
            got_pairs = sorted((v["sso_account_id"], v["sso_role_name"]) for v in (read or {}).values())
            checks.check(got_pairs == sorted(pairs), f"{what}: reads all {len(pairs)} profiles", err[-1000:])
        fake.control("clear_faults")
        again, report = populate(bin_dir, home, "--region", "us-east-1")
        checks.check(again.returncode == 0 and report and report["counts"]["unchanged"] == len(pairs),
                     "a re-run finds every profile unchanged", again.stderr[-1000:])
        checks.check(sha256_of(config) == digest, "and changes no byte")
    return 0


CASES = {"botocore": case_botocore, "scale": case_scale}


if __name__ == "__main__":
    sys.exit(run_sso.main(CASES, __doc__, "awsprof-populate-"))
