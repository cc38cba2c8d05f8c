#!/usr/bin/env python3
"""SSO end to end, against the fake IAM Identity Center (fake_identity_center.py) on 127.0.0.1.

    run_sso.py [--bin-dir DIR] CASE

Cases:
  fake-botocore   botocore's own sso-oidc and sso clients against the fake: every operation, the
                  OAuth errors mapped to botocore's exception classes, pagination with botocore's
                  paginators, bearer-token checks, throttling (the fake's wire format is the model's).
  login-browser   `awsprof sso login` by the authorization code flow, a $BROWSER stand-in opening the
                  URL: the token and registration files as the AWS CLI names and writes them (0600,
                  key order, times), the registration reused, a denied login, then `sso logout`.
  login-device    the device code flow: the prompt, polling until the code is approved.
  oracle          botocore reads and refreshes what awsprof writes, and awsprof reads and refreshes
                  what the AWS CLI's own login code (do_sso_login) and botocore write; each side
                  reuses the other's client registration.
  login-session   a profile's login_session (`aws login`, botocore 1.43's LoginProvider): credentials
                  due within 5 minutes are refreshed with AWS Sign-In CreateOAuth2Token and a DPoP
                  proof (the fake checks its shape), the file rewritten, once for four processes.
  refresh-once    an expired access token with a live refresh token: `awsprof test --all` over 500
                  SSO profiles (STS from moto_server) succeeds with one CreateToken, and eight
                  export-credentials processes at once refresh once too; with a revoked refresh
                  token, test --all fails every profile after one CreateToken.

Each botocore check runs under every Python that has botocore: this interpreter (Debian's, whose
botocore is the AWS CLI v2's own) and the first python3 on PATH (botocore from PyPI), so both
oracles agree or the case fails. Exit status: 0 all checks passed, 1 a check failed, 77 skipped.
"""
import argparse
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time

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
    """Each botocore there is, once: [(python, uses_awscli, version)]. uses_awscli: the AWS CLI v2's
    own botocore (awscli.botocore, which `import awscli` makes the `botocore` package)."""
    found, seen = [], set()
    for candidate in (sys.executable, shutil.which("python3")):
        if not candidate:
            continue
        for uses_awscli in (False, True):
            probe = ("import awscli, sys\nif not awscli.__version__.startswith('2.'): sys.exit(1)\n"
                     if uses_awscli else "") + "import botocore; print(botocore.__version__, botocore.__file__)"
            try:
                out = subprocess.run([candidate, "-c", probe], capture_output=True, text=True, timeout=60)
            except (OSError, subprocess.TimeoutExpired):
                continue
            if out.returncode != 0 or not out.stdout.strip():
                continue
            version, path = out.stdout.split()
            if path not in seen:
                seen.add(path)
                found.append((candidate, uses_awscli, version))
    return found


def botocore_label(version, uses_awscli):
    return f"the AWS CLI v2's botocore {version}" if uses_awscli else f"botocore {version}"


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
# One attempt: the AWS CLI v2's botocore counts max_attempts in total, PyPI's in retries.
config = botocore.config.Config(signature_version=botocore.UNSIGNED, region_name="us-east-1",
                                retries={"max_attempts": 1 if botocore.__version__.startswith("2.") else 0})
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
    for python, uses_awscli, version in pythons:
        with FakeIdentityCenter(work, lifetime=300, accounts=23,
                                roles=["AdministratorAccess", "ReadOnly", "Billing"]) as fake:
            env = dict(os.environ, FAKE_URL=fake.url)
            script = ("import awscli\n" if uses_awscli else "") + BOTOCORE_CLIENTS
            proc = subprocess.Popen([python, "-c", script], stdin=subprocess.PIPE,
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
            what = f"{botocore_label(version, uses_awscli)} ({python})"
            if not checks.check(result is not None, what + " ran every call", stderr[-2000:]):
                continue
            for key, expected in EXPECTED_CLIENTS.items():
                checks.check(result.get(key) == expected, f"{what}: {key}",
                             f"expected {expected!r}, got {result.get(key)!r}")
            counts = fake.counts()
            checks.check(counts["ListAccounts"] == 4 + 5, f"{what}: the fake counted every ListAccounts",
                         counts)
    return 0


# --- awsprof against the fake ------------------------------------------------------------------

START_URL = "https://d-1234567890.awsapps.com/start"
CONFIG = f"""[sso-session corp]
sso_start_url = {START_URL}
sso_region = us-east-1
sso_registration_scopes = sso:account:access

[profile dev]
sso_session = corp
sso_account_id = 111111111111
sso_role_name = AdministratorAccess
region = us-east-1
"""
TOKEN_KEYS = ["startUrl", "region", "accessToken", "expiresAt", "clientId", "clientSecret",
              "registrationExpiresAt", "refreshToken"]
CLI_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


class Home:
    """A HOME with the AWS files, and the environment awsprof runs in (pointed at the fake)."""

    def __init__(self, work, fake, name="home", config=CONFIG):
        self.path = os.path.join(work, name)
        os.makedirs(os.path.join(self.path, ".aws"), exist_ok=True)
        with open(os.path.join(self.path, ".aws", "config"), "w", encoding="utf-8") as f:
            f.write(config)
        self.env = {"HOME": self.path, "PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8",
                    "AWS_CONFIG_FILE": os.path.join(self.path, ".aws", "config"),
                    "AWS_SHARED_CREDENTIALS_FILE": os.path.join(self.path, ".aws", "credentials"),
                    "AWS_ENDPOINT_URL_SSO": fake.url, "AWS_ENDPOINT_URL_SSO_OIDC": fake.url,
                    "BROWSER": f"{sys.executable} {os.path.join(HERE, 'fake_identity_center.py')} browse"}

    @property
    def cache(self):
        return os.path.join(self.path, ".aws", "sso", "cache")

    def token_path(self, session="corp"):
        return os.path.join(self.cache, hashlib.sha1(session.encode()).hexdigest() + ".json")

    def token(self, session="corp"):
        with open(self.token_path(session), encoding="utf-8") as f:
            return f.read()


def awsprof(bin_dir, home, *args, timeout=120, extra_env=None):
    env = dict(home.env, **(extra_env or {}))
    return subprocess.run([os.path.join(bin_dir, "awsprof"), *args], env=env, capture_output=True, text=True,
                          timeout=timeout)


def registration_file_name(region, scopes, session, start_url):
    """The AWS CLI's BaseSSOTokenFetcher._registration_cache_key, written out here."""
    args = {"tool": "botocore", "startUrl": start_url, "region": region, "scopes": scopes, "session_name": session}
    return hashlib.sha1(json.dumps(args, sort_keys=True).encode()).hexdigest() + ".json"


def check_token_file(checks, home, what, keys=TOKEN_KEYS, directory_made_here=True):
    path = home.token_path()
    if not checks.check(os.path.exists(path), f"{what}: the token file is {os.path.basename(path)} (sha1 of corp)"):
        return None
    text = home.token()
    data = json.loads(text)
    checks.check(list(data) == keys, f"{what}: the token file's keys, in the CLI's order", list(data))
    checks.check(text == json.dumps(data), f"{what}: the token file is json.dumps of its data, byte for byte", text)
    for key in ("expiresAt", "registrationExpiresAt"):
        checks.check(bool(CLI_TIME.match(data.get(key, ""))), f"{what}: {key} is %Y-%m-%dT%H:%M:%SZ", data.get(key))
    checks.check(stat.S_IMODE(os.stat(path).st_mode) == 0o600, f"{what}: the token file is 0600",
                 oct(os.stat(path).st_mode))
    if directory_made_here:  # the AWS CLI makes it with the umask's mode; awsprof keeps that
        checks.check(stat.S_IMODE(os.stat(home.cache).st_mode) == 0o700, f"{what}: the cache directory is 0700",
                     oct(os.stat(home.cache).st_mode))
    return data


def case_login_browser(bin_dir, work, checks):
    with FakeIdentityCenter(work, lifetime=300) as fake:
        home = Home(work, fake)
        got = awsprof(bin_dir, home, "sso", "login", "--profile", "dev")
        checks.check(got.returncode == 0, "login exits 0", got.stderr)
        checks.check(got.stdout == f"Successfully logged into Start URL: {START_URL}\n", "login says so on stdout",
                     got.stdout)
        checks.check("Attempting to open your default browser." in got.stderr and "/authorize?" in got.stderr,
                     "the authorization URL is shown on stderr", got.stderr)
        data = check_token_file(checks, home, "browser login")
        name = registration_file_name("us-east-1", ["sso:account:access"], "corp", START_URL)
        registration_path = os.path.join(home.cache, name)
        if checks.check(os.path.exists(registration_path), "the registration file has the CLI's name", os.listdir(home.cache)):
            with open(registration_path, encoding="utf-8") as f:
                registration = json.loads(f.read())
            checks.check(list(registration) == ["clientId", "clientSecret", "expiresAt", "scopes", "grantTypes"],
                         "the registration file's keys, in the CLI's order", list(registration))
            checks.check(registration.get("grantTypes") == ["authorization_code", "refresh_token"],
                         "the registration is for the authorization code flow", registration)
            if data:
                checks.check(data["clientId"] == registration["clientId"] and
                             data["registrationExpiresAt"] == registration["expiresAt"],
                             "the token carries its registration", data)
        counts = fake.counts()
        checks.check((counts["RegisterClient"], counts["Authorize"], counts["CreateToken"]) == (1, 1, 1),
                     "one RegisterClient, one /authorize, one CreateToken", counts)

        again = awsprof(bin_dir, home, "sso", "login", "--profile", "dev", "--output", "json")
        result = json.loads(again.stdout or "{}")
        checks.check(again.returncode == 0 and result.get("registered") is False and
                     result.get("flow") == "authorization_code" and result.get("refreshable") is True,
                     "a second login reuses the cached registration (--output json)", again.stdout + again.stderr)
        checks.check(fake.counts()["RegisterClient"] == 1, "no second RegisterClient", fake.counts())

        before = home.token()
        fake.control("configure", authorize="deny")
        denied = awsprof(bin_dir, home, "sso", "login", "--profile", "dev")
        checks.check(denied.returncode == 1 and denied.stderr.endswith(
            "awsprof sso: error: the authorization was denied (access_denied)\n"
            "awsprof sso: hint: run the login again and approve it\n"), "a denied login fails, exit 1",
            denied.stderr)
        checks.check(home.token() == before, "a denied login leaves the token file as it was")

        out = awsprof(bin_dir, home, "sso", "logout")
        checks.check(out.returncode == 0 and out.stdout ==
                     "Logged out: removed 1 token and 0 cached role credentials\n", "sso logout removes the token",
                     out.stdout + out.stderr)
        checks.check(not os.path.exists(home.token_path()) and os.path.exists(registration_path),
                     "the token file is gone, the registration stays (as with `aws sso logout`)")
        checks.check(fake.counts()["Logout"] == 1, "sso:Logout ended the portal session", fake.counts())
    return 0


def read_until(stream, predicate, limit=200):
    """Lines of `stream` up to the first for which predicate(line) is true; returns (lines, that line)."""
    lines = []
    for _ in range(limit):
        line = stream.readline()
        if not line:
            return lines, None
        lines.append(line)
        if predicate(line):
            return lines, line
    return lines, None


def case_login_device(bin_dir, work, checks):
    with FakeIdentityCenter(work, lifetime=300) as fake:
        home = Home(work, fake)
        proc = subprocess.Popen([os.path.join(bin_dir, "awsprof"), "sso", "login", "--profile", "dev",
                                 "--use-device-code", "--no-browser"], env=home.env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        lines, code = read_until(proc.stderr, lambda l: re.match(r"^FAKE-\d{4}$", l.strip()) is not None)
        checks.check(code is not None, "the device flow shows a user code", "".join(lines))
        prompt = "".join(lines)
        checks.check(prompt.startswith("Browser will not be automatically opened.\nPlease visit the following URL:\n\n"
                                       f"{fake.url}/device\n\nThen enter the code:\n\n"),
                     "the prompt is the CLI's, with the verification URI", prompt)
        time.sleep(1.5)  # a couple of polls: authorization_pending
        if code:
            fake.control("approve_device", user_code=code.strip())
        err = proc.stderr.read()
        proc.stdout.read()
        proc.wait(timeout=60)
        checks.check(proc.returncode == 0, "the login ends once the code is approved", err)
        checks.check("autofill the code" in err, "--no-browser also shows the URL with the code filled in", err)
        check_token_file(checks, home, "device login")
        counts = fake.counts()
        checks.check(counts["StartDeviceAuthorization"] == 1 and counts["CreateToken"] >= 2,
                     "polled CreateToken through authorization_pending", counts)
        name = registration_file_name("us-east-1", ["sso:account:access"], "corp", START_URL)
        with open(os.path.join(home.cache, name), encoding="utf-8") as f:
            registration = json.loads(f.read())
        checks.check(list(registration) == ["clientId", "clientSecret", "expiresAt", "scopes"],
                     "a device-flow registration has no grantTypes, as the CLI writes it", registration)

        # A cached registration that expired is replaced; so is one the service no longer knows.
        fake.control("configure", device_decision="approve")
        registration["expiresAt"] = "2020-01-01T00:00:00Z"
        with open(os.path.join(home.cache, name), "w", encoding="utf-8") as f:
            f.write(json.dumps(registration))
        got = awsprof(bin_dir, home, "sso", "login", "--profile", "dev", "--use-device-code", "--output", "json")
        checks.check(got.returncode == 0 and json.loads(got.stdout or "{}").get("registered") is True and
                     fake.counts()["RegisterClient"] == 2, "an expired cached registration is replaced",
                     got.stderr or fake.counts())
        fake.control("expire_clients")
        got = awsprof(bin_dir, home, "sso", "login", "--profile", "dev", "--use-device-code")
        counts = fake.counts()
        checks.check(got.returncode == 0 and counts["RegisterClient"] == 3,
                     "a registration the service refuses (invalid_client) is replaced once", got.stderr or counts)
    return 0


def run_oracle(python, uses_awscli, command, name, home, fake):
    env = dict(os.environ, **home.env, FAKE_URL=fake.url, ORACLE_AWSCLI="1" if uses_awscli else "")
    env.pop("AWS_ENDPOINT_URL_SSO")
    env.pop("AWS_ENDPOINT_URL_SSO_OIDC")
    proc = subprocess.run([python, os.path.join(HERE, "botocore_oracle.py"), command, name], env=env,
                          capture_output=True, text=True, timeout=120)
    try:
        return json.loads(proc.stdout.strip().splitlines()[-1]), proc.stderr
    except (ValueError, IndexError):
        return None, proc.stdout + proc.stderr


def expiring_login(bin_dir, home, fake, checks, what):
    """An awsprof login whose token is due for a refresh (5 minutes left)."""
    fake.control("configure", access_token_seconds=300)
    got = awsprof(bin_dir, home, "sso", "login", "--profile", "dev")
    fake.control("configure", access_token_seconds=3600)
    checks.check(got.returncode == 0, f"{what}: awsprof logs in (a token with 5 minutes left)", got.stderr)


def case_oracle(bin_dir, work, checks):
    pythons = botocore_pythons()
    if not pythons:
        print("SKIPPED: no Python with botocore")
        return SKIP
    with FakeIdentityCenter(work, lifetime=600) as fake:
        home = Home(work, fake)
        # awsprof writes; botocore reads and refreshes.
        for python, uses_awscli, version in pythons:
            what = botocore_label(version, uses_awscli)
            expiring_login(bin_dir, home, fake, checks, what)
            before = fake.counts()["CreateToken"]
            got, err = run_oracle(python, uses_awscli, "token", "dev", home, fake)
            if checks.check(got is not None, f"{what} loads awsprof's token", err):
                checks.check(fake.counts()["CreateToken"] == before + 1, f"{what} refreshed it (one CreateToken)",
                             fake.counts())
                data = check_token_file(checks, home, f"after {what}'s refresh")
                if data:
                    checks.check(got["sha256"] == hashlib.sha256(data["accessToken"].encode()).hexdigest(),
                                 f"{what} uses the token it saved", got)
            got, err = run_oracle(python, uses_awscli, "credentials", "dev", home, fake)
            checks.check(got == {"method": "sso", "access_key_prefix": "ASIA"},
                         f"{what}'s SSO credential provider gets role credentials with it", err if got is None else got)
            # botocore wrote the token: awsprof reads and refreshes it.
            with open(home.token_path(), encoding="utf-8") as f:
                data = json.loads(f.read())
            data["expiresAt"] = "2020-01-01T00:00:00Z"
            with open(home.token_path(), "w", encoding="utf-8") as f:
                f.write(json.dumps(data))
            before = fake.counts()["CreateToken"]
            got = awsprof(bin_dir, home, "export-credentials", "--profile", "dev", "--format", "env-no-export")
            checks.check(got.returncode == 0 and "AWS_ACCESS_KEY_ID=ASIA" in got.stdout,
                         f"awsprof refreshes the token {what} wrote, and gets credentials", got.stderr)
            checks.check(fake.counts()["CreateToken"] == before + 1, "with one CreateToken", fake.counts())
            check_token_file(checks, home, f"awsprof's refresh of {what}'s token")

        # The AWS CLI's own login code writes; awsprof reuses its registration and refreshes its token.
        cli = [(python, version) for python, uses_awscli, version in pythons if uses_awscli]
        if not checks.check(bool(cli), "the AWS CLI v2's Python package is there to log in with"):
            return 0
        python, version = cli[0]
        cli_home = Home(work, fake, name="cli-home")
        fake.control("configure", access_token_seconds=300, device_decision="approve")
        registered = fake.counts()["RegisterClient"]
        got, err = run_oracle(python, True, "cli-login", "corp", cli_home, fake)
        fake.control("configure", access_token_seconds=3600)
        checks.check(got == {"ok": True}, f"the AWS CLI v2's login code (botocore {version}) logs in (device code flow)", err)
        cli_names = sorted(os.listdir(cli_home.cache))
        name = registration_file_name("us-east-1", ["sso:account:access"], "corp", START_URL)
        checks.check(cli_names == sorted([name, os.path.basename(cli_home.token_path())]),
                     "the CLI wrote the token and registration files awsprof names the same way", cli_names)
        check_token_file(checks, cli_home, "the CLI's login", directory_made_here=False)
        cli_token = cli_home.token()
        got = awsprof(bin_dir, cli_home, "export-credentials", "--profile", "dev", "--format", "env-no-export")
        checks.check(got.returncode == 0, "awsprof refreshes the CLI's token (5 minutes left) and gets credentials",
                     got.stderr)
        refreshed = check_token_file(checks, cli_home, "awsprof's refresh of the CLI's token", directory_made_here=False)
        if refreshed:
            old = json.loads(cli_token)
            checks.check([refreshed[k] for k in ("startUrl", "region", "clientId", "clientSecret",
                                                 "registrationExpiresAt")] ==
                         [old[k] for k in ("startUrl", "region", "clientId", "clientSecret", "registrationExpiresAt")]
                         and refreshed["accessToken"] != old["accessToken"],
                         "the refresh keeps the registration and replaces the token, as botocore does", refreshed)
        got = awsprof(bin_dir, cli_home, "sso", "login", "--profile", "dev", "--use-device-code")
        checks.check(got.returncode == 0, "awsprof logs in again by the device code flow", got.stderr)
        checks.check(fake.counts()["RegisterClient"] == registered + 1,
                     "awsprof reused the CLI's client registration (no RegisterClient)", fake.counts())
        # awsprof registers first: the CLI reuses it.
        fresh_home = Home(work, fake, name="fresh-home")
        got = awsprof(bin_dir, fresh_home, "sso", "login", "--profile", "dev", "--use-device-code")
        registered = fake.counts()["RegisterClient"]
        got, err = run_oracle(python, True, "cli-login", "corp", fresh_home, fake)
        checks.check(got == {"ok": True} and fake.counts()["RegisterClient"] == registered,
                     "the CLI reuses awsprof's device-flow registration", err or fake.counts())
    return 0


def case_refresh_once(bin_dir, work, checks):
    profiles = 500
    accounts = [{"accountId": "%012d" % (200000000000 + i), "accountName": f"acct-{i}",
                 "roles": ["Admin"]} for i in range(profiles)]
    config = CONFIG + "".join(f"""
[profile p{i}]
sso_session = corp
sso_account_id = {a["accountId"]}
sso_role_name = Admin
region = us-east-1
""" for i, a in enumerate(accounts))
    with FakeIdentityCenter(work, lifetime=600, config={"accounts": accounts}) as fake:
        home = Home(work, fake, config=config)

        def expire():
            fake.control("issue_token", cache_dir=home.cache, session="corp", start_url=START_URL,
                         expires_at="2020-01-01T00:00:00Z")
            fake.control("reset_counters")

        # Eight processes at once, one token due: one CreateToken, under the cache directory's lock.
        expire()
        procs = [subprocess.Popen([os.path.join(bin_dir, "awsprof"), "export-credentials", "--profile", f"p{i}"],
                                  env=home.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
                 for i in range(8)]
        errors = [p.communicate(timeout=120)[1] for p in procs]
        checks.check(all(p.returncode == 0 for p in procs), "eight export-credentials at once all succeed",
                     "".join(errors))
        counts = fake.counts()
        checks.check(counts["CreateToken"] == 1, "they refreshed the token once between them", counts)
        checks.check(counts["GetRoleCredentials"] == 8, "and each got its role credentials", counts)

        # The refresh token was revoked: the first profile's attempt fails, and the others of the run
        # do not try again within the minute (botocore's one attempt a minute).
        expire()
        fake.control("revoke_refresh_tokens")
        got = awsprof(bin_dir, home, "test", "--all", "--output", "json", timeout=600)
        results = json.loads(got.stdout or "[]")
        checks.check(len(results) == profiles + 1 and
                     all(r["error"] and r["error"]["code"] == "SsoLoginRequired" for r in results),
                     "test --all with a revoked refresh token: every profile asks for a login",
                     got.stderr[-1000:] or results[:2])
        checks.check(fake.counts()["CreateToken"] == 1, "after one CreateToken, not one per profile", fake.counts())

        moto = shutil.which("moto_server")
        if not checks.check(moto is not None, "moto_server is there for STS (test --all)"):
            return 0
        port = free_port()
        log = open(os.path.join(work, "moto.log"), "wb")
        sts = subprocess.Popen(["timeout", "-s", "KILL", "300", moto, "-H", "127.0.0.1", "-p", str(port)],
                               stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            wait_for_port(port)
            expire()
            start = time.monotonic()
            got = awsprof(bin_dir, home, "test", "--all", "--output", "json", "--endpoint-url",
                          f"http://127.0.0.1:{port}", timeout=600)
            elapsed = time.monotonic() - start
            results = json.loads(got.stdout or "[]")
            ok = [r for r in results if r["ok"]]
            checks.check(len(ok) == profiles + 1 - 1 and got.returncode == 1,
                         f"test --all: the {profiles} SSO profiles pass (dev's role is not assigned: 1 failure)",
                         [r for r in results if not r["ok"]][:3] or got.stderr[-2000:])
            counts = fake.counts()
            checks.check(counts["CreateToken"] == 1, f"test --all over {profiles} SSO profiles refreshed once",
                         counts)
            checks.check(counts["GetRoleCredentials"] == profiles + 1, "one GetRoleCredentials per profile", counts)
            print(f"     test --all, {profiles} SSO profiles after a refresh: {elapsed:.1f} s", flush=True)
        finally:
            os.killpg(sts.pid, signal.SIGKILL)
            sts.wait(timeout=10)
    return 0


# A P-256 test key (openssl ecparam -name prime256v1 -genkey), and its public coordinates.
TEST_DPOP_KEY = """-----BEGIN EC PRIVATE KEY-----
MHcCAQEEIFVJoSSDioxt/A5HpYmozlZ+w4niVfmtNJ0vAobL5/nZoAoGCCqGSM49
AwEHoUQDQgAEdzY5GNv/RnWI1Q++GQuk6b4Ar5s5JJu35rBAZp4+KiW37zAIvMgb
n0cY/j/ADPvvoiSupcVwka5xaVHQNMDabA==
-----END EC PRIVATE KEY-----
"""
TEST_DPOP_JWK = ["dzY5GNv_RnWI1Q--GQuk6b4Ar5s5JJu35rBAZp4-KiU", "t-8wCLzIG59HGP4_wAz776IkrqXFcJGucWlR0DTA2mw"]


def case_login_session(bin_dir, work, checks):
    config = "[profile me]\nlogin_session = me\nregion = us-east-1\n"
    with FakeIdentityCenter(work, lifetime=300) as fake:
        home = Home(work, fake, config=config)
        cache = os.path.join(home.path, ".aws", "login", "cache")
        path = os.path.join(cache, hashlib.sha256(b"me").hexdigest() + ".json")
        env = {"AWS_ENDPOINT_URL_SIGNIN": fake.url}

        def issue(expires_at):
            fake.control("issue_login_session", cache_dir=cache, session="me", dpop_key=TEST_DPOP_KEY,
                         jwk=TEST_DPOP_JWK, expires_at=expires_at)
            fake.control("reset_counters")

        issue("2020-01-01T00:00:00Z")
        with open(path, encoding="utf-8") as f:
            before = json.loads(f.read())
        got = awsprof(bin_dir, home, "export-credentials", "--profile", "me", "--format", "env-no-export",
                      extra_env=env)
        checks.check(got.returncode == 0 and "AWS_ACCESS_KEY_ID=ASIA" in got.stdout,
                     "export-credentials refreshes an expired login session", got.stderr)
        checks.check(fake.counts()["CreateOAuth2Token"] == 1, "with one CreateOAuth2Token (its DPoP proof accepted)",
                     fake.counts())
        with open(path, encoding="utf-8") as f:
            text = f.read()
        after = json.loads(text)
        checks.check(list(after) == list(before) and list(after["accessToken"]) == list(before["accessToken"]) and
                     text == json.dumps(after), "the session file keeps botocore's keys and layout", text[:200])
        checks.check(after["refreshToken"] != before["refreshToken"] and
                     after["accessToken"]["accountId"] == before["accessToken"]["accountId"] and
                     after["dpopKey"] == TEST_DPOP_KEY, "new credentials and refresh token; account and key kept")
        got = awsprof(bin_dir, home, "export-credentials", "--profile", "me", extra_env=env)
        checks.check(got.returncode == 0 and fake.counts()["CreateOAuth2Token"] == 1,
                     "fresh credentials are used without a call", fake.counts())

        issue("2020-01-01T00:00:00Z")
        procs = [subprocess.Popen([os.path.join(bin_dir, "awsprof"), "export-credentials", "--profile", "me"],
                                  env=dict(home.env, **env), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                  text=True) for _ in range(4)]
        errors = [p.communicate(timeout=120)[1] for p in procs]
        checks.check(all(p.returncode == 0 for p in procs), "four processes at once all get credentials",
                     "".join(errors))
        checks.check(fake.counts()["CreateOAuth2Token"] == 1, "and refresh the session once between them",
                     fake.counts())
    return 0


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing listens on port {port} after {seconds} s")


CASES = {
    "fake-botocore": case_fake_botocore,
    "login-browser": case_login_browser,
    "login-device": case_login_device,
    "oracle": case_oracle,
    "refresh-once": case_refresh_once,
    "login-session": case_login_session,
}


def main(cases=None, description=__doc__, prefix="awsprof-sso-"):
    """Runs the case named on the command line (of `cases`, by default this file's) in a work
    directory, kept when a check fails."""
    cases = cases or CASES
    parser = argparse.ArgumentParser(description=description.splitlines()[0])
    parser.add_argument("--bin-dir", default="")
    parser.add_argument("case", choices=sorted(cases))
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    work = tempfile.mkdtemp(prefix=prefix)
    checks = Checks()
    keep = True
    try:
        status = cases[args.case](os.path.realpath(args.bin_dir) if args.bin_dir else "", work, checks)
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
