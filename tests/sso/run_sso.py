#!/usr/bin/env python3
"""SSO end to end, against the fake IAM Identity Center (fake_identity_center.py) on 127.0.0.1.

    run_sso.py [--bin-dir DIR] CASE

Cases:
  fake-botocore   botocore's own sso-oidc and sso clients against the fake: every operation, the
                  OAuth errors mapped to botocore's exception classes, pagination with botocore's
                  paginators, bearer-token checks, throttling (the fake's wire format is the model's).

Each botocore check runs under every Python that has botocore: this interpreter (Debian's, whose
botocore is the AWS CLI v2's own) and the first python3 on PATH (botocore from PyPI), so both
oracles agree or the case fails. Exit status: 0 all checks passed, 1 a check failed, 77 skipped.
"""
import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from fake_identity_center import FakeIdentityCenter  # noqa: E402

SKIP = 77


class Checks:
    def __init__(self):
        self.failed = 0

    def check(self, ok, what, detail=""):
        print(("ok   " if ok else "FAIL ") + what + ("" if ok or not detail else "\n     " + str(detail)),
              flush=True)
        if not ok:
            self.failed += 1
        return ok


def botocore_pythons():
    """Interpreters with botocore, each once: [(path, botocore version)]."""
    found, seen = [], set()
    for candidate in (sys.executable, shutil.which("python3")):
        if not candidate:
            continue
        real = os.path.realpath(candidate)
        try:
            version = subprocess.run([candidate, "-c", "import botocore; print(botocore.__version__)"],
                                     capture_output=True, text=True, timeout=60).stdout.strip()
        except (OSError, subprocess.TimeoutExpired):
            continue
        if version and (real, version) not in seen:
            seen.add((real, version))
            found.append((candidate, version))
    return found


def run_python(python, script, env_extra, timeout=120):
    """Runs `script` (Python source) under `python`; returns (exit code, stdout, stderr)."""
    env = dict(os.environ)
    env.update(env_extra)
    proc = subprocess.run([python, "-c", script], capture_output=True, text=True, env=env, timeout=timeout)
    return proc.returncode, proc.stdout, proc.stderr


BOTOCORE_CLIENTS = r'''
import json, os, sys
import botocore, botocore.config, botocore.session
url = os.environ["FAKE_URL"]
config = botocore.config.Config(signature_version=botocore.UNSIGNED, region_name="us-east-1",
                                retries={"total_max_attempts": 1})
session = botocore.session.Session()
oidc = session.create_client("sso-oidc", endpoint_url=url, config=config)
sso = session.create_client("sso", endpoint_url=url, config=config)
out = {}
def error_of(call):
    try:
        call()
    except botocore.exceptions.ClientError as e:
        return e.response["Error"]["Code"] + "/" + str(e.response["ResponseMetadata"]["HTTPStatusCode"])
    return "no error"
reg = oidc.register_client(clientName="botocore-client-test", clientType="public")
out["register"] = sorted(k for k in reg if k != "ResponseMetadata")
auth = oidc.start_device_authorization(clientId=reg["clientId"], clientSecret=reg["clientSecret"],
                                       startUrl="https://d-1234567890.awsapps.com/start")
out["device"] = sorted(k for k in auth if k != "ResponseMetadata")
grant = dict(grantType="urn:ietf:params:oauth:grant-type:device_code", clientId=reg["clientId"],
             clientSecret=reg["clientSecret"], deviceCode=auth["deviceCode"])
try:
    oidc.create_token(**grant)
    out["pending"] = "no error"
except oidc.exceptions.AuthorizationPendingException as e:
    out["pending"] = e.response["error"] if "error" in e.response else "AuthorizationPendingException"
try:
    oidc.create_token(**grant)
    out["slow_down"] = "no error"
except oidc.exceptions.SlowDownException:
    out["slow_down"] = "SlowDownException"
print(json.dumps({"step": "approve", "userCode": auth["userCode"]}), flush=True)
sys.stdin.readline()  # the driver approves the device code
token = oidc.create_token(**grant)
out["token"] = sorted(k for k in token if k != "ResponseMetadata")
out["reuse"] = error_of(lambda: oidc.create_token(**grant))
bearer = token["accessToken"]
accounts = [a for page in sso.get_paginator("list_accounts").paginate(
    accessToken=bearer, PaginationConfig={"PageSize": 7}) for a in page["accountList"]]
out["accounts"] = len(accounts)
out["account_fields"] = sorted(accounts[0])
roles = [r for page in sso.get_paginator("list_account_roles").paginate(
    accessToken=bearer, accountId=accounts[0]["accountId"], PaginationConfig={"PageSize": 1})
    for r in page["roleList"]]
out["roles"] = [r["roleName"] for r in roles]
creds = sso.get_role_credentials(accessToken=bearer, accountId=accounts[0]["accountId"],
                                 roleName=roles[0]["roleName"])["roleCredentials"]
out["credentials"] = sorted(creds)
out["forbidden"] = error_of(lambda: sso.get_role_credentials(
    accessToken=bearer, accountId=accounts[0]["accountId"], roleName="NoSuchRole"))
out["bad_bearer"] = error_of(lambda: sso.list_accounts(accessToken="not-a-token"))
out["bad_page"] = error_of(lambda: sso.list_accounts(accessToken=bearer, nextToken="forged"))
out["bad_size"] = error_of(lambda: sso.list_accounts(accessToken=bearer, maxResults=101))
refreshed = oidc.create_token(grantType="refresh_token", clientId=reg["clientId"],
                              clientSecret=reg["clientSecret"], refreshToken=token["refreshToken"])
out["refreshed"] = sorted(k for k in refreshed if k != "ResponseMetadata")
out["old_refresh"] = error_of(lambda: oidc.create_token(
    grantType="refresh_token", clientId=reg["clientId"], clientSecret=reg["clientSecret"],
    refreshToken=token["refreshToken"]))
out["bad_secret"] = error_of(lambda: oidc.create_token(
    grantType="refresh_token", clientId=reg["clientId"], clientSecret="wrong",
    refreshToken=refreshed["refreshToken"]))
print(json.dumps({"step": "throttle"}), flush=True)
sys.stdin.readline()  # the driver injects one 429
out["throttled"] = error_of(lambda: sso.list_accounts(accessToken=refreshed["accessToken"]))
sso.logout(accessToken=refreshed["accessToken"])
out["after_logout"] = error_of(lambda: sso.list_accounts(accessToken=refreshed["accessToken"]))
out["refresh_after_logout"] = error_of(lambda: oidc.create_token(
    grantType="refresh_token", clientId=reg["clientId"], clientSecret=reg["clientSecret"],
    refreshToken=refreshed["refreshToken"]))
print(json.dumps({"step": "done", "result": out}), flush=True)
'''

EXPECTED_CLIENTS = {
    "register": ["clientId", "clientIdIssuedAt", "clientSecret", "clientSecretExpiresAt"],
    "device": ["deviceCode", "expiresIn", "interval", "userCode", "verificationUri", "verificationUriComplete"],
    "pending": "authorization_pending",
    "slow_down": "SlowDownException",
    "token": ["accessToken", "expiresIn", "refreshToken", "tokenType"],
    "reuse": "InvalidGrantException/400",
    "accounts": 23,
    "account_fields": ["accountId", "accountName", "emailAddress"],
    "roles": ["AdministratorAccess", "ReadOnly", "Billing"],
    "credentials": ["accessKeyId", "expiration", "secretAccessKey", "sessionToken"],
    "forbidden": "ForbiddenException/403",
    "bad_bearer": "UnauthorizedException/401",
    "bad_page": "InvalidRequestException/400",
    "bad_size": "InvalidRequestException/400",
    "refreshed": ["accessToken", "expiresIn", "refreshToken", "tokenType"],
    "old_refresh": "InvalidGrantException/400",
    "bad_secret": "InvalidClientException/401",
    "throttled": "TooManyRequestsException/429",
    "after_logout": "UnauthorizedException/401",
    "refresh_after_logout": "InvalidGrantException/400",
}


def case_fake_botocore(_bin_dir, work, checks):
    pythons = botocore_pythons()
    if not pythons:
        print("SKIPPED: no Python with botocore")
        return SKIP
    for python, version in pythons:
        with FakeIdentityCenter(work, lifetime=300, accounts=23,
                                roles=["AdministratorAccess", "ReadOnly", "Billing"]) as fake:
            env = dict(os.environ, FAKE_URL=fake.url)
            proc = subprocess.Popen([python, "-c", BOTOCORE_CLIENTS], stdin=subprocess.PIPE,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
            result = None
            for line in proc.stdout:
                step = json.loads(line)
                if step["step"] == "approve":
                    fake.control("approve_device", user_code=step["userCode"])
                elif step["step"] == "throttle":
                    fake.control("inject", operation="ListAccounts", status=429,
                                 error="TooManyRequestsException", message="Rate exceeded")
                elif step["step"] == "done":
                    result = step["result"]
                    break
                proc.stdin.write("\n")
                proc.stdin.flush()
            proc.stdin.close()
            stderr = proc.stderr.read()
            proc.wait(timeout=60)
            what = f"botocore {version} ({python})"
            if not checks.check(result is not None, what + " ran every call", stderr[-2000:]):
                continue
            for key, expected in EXPECTED_CLIENTS.items():
                checks.check(result.get(key) == expected, f"{what}: {key}",
                             f"expected {expected!r}, got {result.get(key)!r}")
            counts = fake.counts()
            checks.check(counts["ListAccounts"] == 4 + 5, f"{what}: the fake counted every ListAccounts",
                         counts)
    return 0


CASES = {
    "fake-botocore": case_fake_botocore,
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin-dir", default="")
    parser.add_argument("case", choices=sorted(CASES))
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    work = tempfile.mkdtemp(prefix="awsprof-sso-")
    checks = Checks()
    keep = True
    try:
        status = CASES[args.case](os.path.realpath(args.bin_dir) if args.bin_dir else "", work, checks)
        keep = bool(checks.failed)
        if status == SKIP:
            return SKIP
        return 1 if checks.failed else 0
    finally:
        if keep:
            print(f"work directory kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
