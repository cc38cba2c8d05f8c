#!/usr/bin/env python3
"""End-to-end test of `awsprof test`, `awsprof export-credentials` and `awsprof exec` (the real
binaries) against moto_server.

Server A runs with INITIAL_NO_AUTH_ACTION_COUNT set to exactly the number of setup calls made here
(through moto's own IAM API), so every request awsprof makes afterwards has its SigV4 signature
checked. Server B runs without it: moto answers an unsigned AssumeRoleWithWebIdentity with HTTP 500
when checking is on (see ../shared/PEERS.md), so web identity is tested there.

Profiles, all reached through the endpoint override: static keys, a two-hop assume-role chain with
an external id and session names, credential_process (a script written here), awsprof itself as a
credential_process, web identity, environment credentials; failures: a wrong secret
(SignatureDoesNotMatch), a deleted key (InvalidClientTokenId), a credential_process loop.
export-credentials is compared byte for byte with /usr/bin/aws (when it is installed); exec runs
/usr/bin/aws sts get-caller-identity as its child, which must see the profile's identity.

Exit status: 0 all checks passed, 1 a check failed, 77 skipped (no moto_server on PATH).
Servers bind 127.0.0.1 on free ports, are killed at the end (and by `timeout` if this driver is
killed), and every wait is bounded.
"""
import argparse
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from moto_support import (ACCOUNT, ALLOW_ALL, SKIP, Servers, Setup, create_user_with_keys, start_run,  # noqa: E402
                          free_port, stop_and_clean, xml_value)

USER = "e2e-alice"
ROLE1, ROLE2 = "e2e-hop1-role", "e2e-hop2-role"
SESSION1, SESSION2 = "e2e-hop1-session", "e2e-hop2-session"
EXTERNAL_ID = "e2e-external-42"
WEB_ROLE, WEB_SESSION = "e2e-web-role", "e2e-web-session"
SERVER_LIFETIME = 240  # seconds; `timeout` kills a server left behind by a killed driver


def trust(principal, external_id=None):
    statement = {"Effect": "Allow", "Principal": {"AWS": principal}, "Action": "sts:AssumeRole"}
    if external_id:
        statement["Condition"] = {"StringEquals": {"sts:ExternalId": external_id}}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def clean_env():
    """The environment without proxies or AWS settings."""
    return {k: v for k, v in os.environ.items()
            if not k.lower().endswith("_proxy") and not k.startswith("AWS_") and k != "_AWS_CLI_PROFILE_CHAIN"}


class Checks:
    def __init__(self, bin_dir, home):
        self.bin_dir = bin_dir
        self.home = home
        self.failures = 0
        self.passed = 0
        self.secrets = []

    def env(self, extra=None):
        env = clean_env()
        env.update({"HOME": self.home, "AWS_CONFIG_FILE": os.path.join(self.home, ".aws", "config"),
                    "AWS_SHARED_CREDENTIALS_FILE": os.path.join(self.home, ".aws", "credentials"),
                    "AWS_PAGER": "", "AWS_EC2_METADATA_DISABLED": "true", "LC_ALL": "C.UTF-8"})
        env.update(extra or {})
        return env

    def run(self, args, extra_env=None, timeout=90):
        cmd = [os.path.join(self.bin_dir, "awsprof")] + args
        proc = subprocess.run(cmd, env=self.env(extra_env), capture_output=True, text=True, timeout=timeout,
                              stdin=subprocess.DEVNULL)
        return proc

    def test_json(self, args, extra_env=None):
        proc = self.run(["test", "--output", "json", "--debug"] + args, extra_env)
        self.expect_no_secret(f"awsprof test {' '.join(args)}", proc.stdout + proc.stderr)
        try:
            results = {r["profile"]: r for r in json.loads(proc.stdout)}
        except json.JSONDecodeError:
            raise RuntimeError(f"awsprof test {args} printed no JSON (exit {proc.returncode}): "
                               f"{proc.stdout} {proc.stderr}") from None
        return results, proc

    def expect(self, name, condition, detail=""):
        if condition:
            self.passed += 1
            print(f"PASS {name}")
        else:
            self.failures += 1
            print(f"FAIL {name}: {detail}")

    def expect_no_secret(self, name, text):
        leaked = [s[-4:] for s in self.secrets if s and s in text]
        if leaked:
            self.expect(f"no secret in the output of {name}", False, f"secrets ending in {leaked} printed")


def write(path, text, mode=0o600):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, mode)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin-dir", required=True)
    args = parser.parse_args()

    workdir = start_run("the awsprof test end-to-end suite", "awsprof-moto-e2e-")
    if workdir is None:
        return SKIP
    home = os.path.join(workdir, "home")
    os.makedirs(os.path.join(home, ".aws"))
    servers = Servers(workdir, SERVER_LIFETIME, clean_env)
    checks = Checks(args.bin_dir, home)
    try:
        # ---- Server A: signature checks on after exactly N setup calls ------------------------
        setup_calls = 9  # CreateUser, PutUserPolicy, 2 x CreateAccessKey, DeleteAccessKey, 2 x (CreateRole, PutRolePolicy)
        port_a = free_port()
        servers.start(port_a, {"INITIAL_NO_AUTH_ACTION_COUNT": str(setup_calls)})
        iam = Setup(port_a)
        key_id, secret, doomed_id, doomed_secret = create_user_with_keys(iam, USER)
        user_arn = f"arn:aws:iam::{ACCOUNT}:user/{USER}"
        role1_arn = xml_value(iam.iam("CreateRole", RoleName=ROLE1,
                                      AssumeRolePolicyDocument=trust(user_arn, EXTERNAL_ID)), "Arn")
        iam.iam("PutRolePolicy", RoleName=ROLE1, PolicyName="allow-all", PolicyDocument=ALLOW_ALL)
        # The second hop is trusted only from the first hop's session: it must be signed with those keys.
        hop1_session_arn = f"arn:aws:sts::{ACCOUNT}:assumed-role/{ROLE1}/{SESSION1}"
        role2_arn = xml_value(iam.iam("CreateRole", RoleName=ROLE2,
                                      AssumeRolePolicyDocument=trust(hop1_session_arn)), "Arn")
        iam.iam("PutRolePolicy", RoleName=ROLE2, PolicyName="allow-all", PolicyDocument=ALLOW_ALL)
        assert iam.calls == setup_calls, f"made {iam.calls} setup calls, counted {setup_calls}"
        endpoint_a = f"http://127.0.0.1:{port_a}"
        wrong_secret = secret[:-4] + ("AAAA" if not secret.endswith("AAAA") else "BBBB")
        checks.secrets = [secret, doomed_secret, wrong_secret]

        # ---- Server B: no signature checks, for web identity ------------------------------------
        port_b = free_port()
        servers.start(port_b)
        endpoint_b = f"http://127.0.0.1:{port_b}"

        process_script = os.path.join(workdir, "bin", "creds.sh")
        write(process_script, "#!/bin/sh\ncat <<'EOF'\n" + json.dumps(
            {"Version": 1, "AccessKeyId": key_id, "SecretAccessKey": secret, "Expiration": "2099-01-01T00:00:00Z"})
              + "\nEOF\n", 0o700)
        token_file = os.path.join(workdir, "web-token")
        write(token_file, "eyJhbGciOiJub25lIn0.eyJzdWIiOiJlMmUifQ.")  # moto does not validate the token
        exporter = os.path.join(args.bin_dir, "awsprof-export-credentials")
        web_role_arn = f"arn:aws:iam::{ACCOUNT}:role/{WEB_ROLE}"
        write(os.path.join(home, ".aws", "credentials"), f"""[static]
aws_access_key_id = {key_id}
aws_secret_access_key = {secret}

[wrong-secret]
aws_access_key_id = {key_id}
aws_secret_access_key = {wrong_secret}

[deleted-key]
aws_access_key_id = {doomed_id}
aws_secret_access_key = {doomed_secret}
""")
        write(os.path.join(home, ".aws", "config"), f"""[default]
region = us-east-1

[profile static]
region = us-east-1

[profile hop1]
role_arn = {role1_arn}
source_profile = static
external_id = {EXTERNAL_ID}
role_session_name = {SESSION1}

[profile hop2]
role_arn = {role2_arn}
source_profile = hop1
role_session_name = {SESSION2}
region = eu-west-1

[profile wrong-external-id]
role_arn = {role1_arn}
source_profile = static
external_id = not-{EXTERNAL_ID}
role_session_name = {SESSION1}

[profile process]
credential_process = {process_script}

[profile via-awsprof]
credential_process = {exporter} --profile static

[profile loop]
credential_process = {exporter} --profile loop

[profile web]
role_arn = {web_role_arn}
web_identity_token_file = {token_file}
role_session_name = {WEB_SESSION}

[profile wrong-secret]
region = us-east-1

[profile deleted-key]
region = us-east-1
""")

        # ---- The good profiles, one run, concurrently -------------------------------------------
        good = ["static", "hop1", "hop2", "process", "via-awsprof"]
        results, proc = checks.test_json(["--endpoint-url", endpoint_a, "--jobs", "4"] + good)
        checks.expect("good profiles: exit 0", proc.returncode == 0, f"exit {proc.returncode}: {proc.stderr}")
        r = results.get("static", {})
        checks.expect("static keys: GetCallerIdentity is the user",
                      r.get("ok") and r["arn"] == user_arn and r["account"] == ACCOUNT and r["error"] is None and
                      r["chain"] == ["static(static)"] and r["user_id"] and isinstance(r["elapsed_ms"], int), r)
        r = results.get("hop1", {})
        checks.expect("one hop with ExternalId: assumed-role/ROLE1/SESSION1",
                      r.get("ok") and r["arn"] == hop1_session_arn and
                      r["chain"] == ["static(static)", f"assume-role({role1_arn})"], r)
        r = results.get("hop2", {})
        checks.expect("two-hop chain: ARN ends in assumed-role/ROLE2/SESSION2",
                      r.get("ok") and r["arn"].endswith(f":assumed-role/{ROLE2}/{SESSION2}") and
                      r["chain"] == ["static(static)", f"assume-role({role1_arn})", f"assume-role({role2_arn})"], r)
        checks.expect("the endpoint override applies to AssumeRole too (hop2's region eu-west-1 is not used)",
                      f"STS endpoint {endpoint_a} (from --endpoint-url" in proc.stderr and
                      f"AssumeRole {role2_arn} session {SESSION2} at {endpoint_a}" in proc.stderr, proc.stderr)
        r = results.get("process", {})
        checks.expect("credential_process: the user", r.get("ok") and r["arn"] == user_arn and
                      r["chain"] == ["process(process)"], r)
        r = results.get("via-awsprof", {})
        checks.expect("awsprof export-credentials as a credential_process", r.get("ok") and r["arn"] == user_arn, r)

        # ---- The CLI cache: moto's credentials must never land where a normal run reads -------------
        # Its keys do not name the endpoint: the AWS CLI and botocore would take them for real ones.
        cache_dir = os.path.join(home, ".aws", "cli", "cache")

        def cache_entries():
            return sorted(os.listdir(cache_dir)) if os.path.isdir(cache_dir) else []

        checks.expect("--endpoint-url: nothing is written to ~/.aws/cli/cache", cache_entries() == [],
                      cache_entries())
        checks.expect("--debug says why the role credentials were not cached",
                      "not cached: its endpoint is configured" in proc.stderr, proc.stderr[-500:])
        results, proc = checks.test_json(["--endpoint-url", endpoint_a, "hop2"])
        checks.expect("second run: hop2 assumes both roles at the endpoint again (no cache to reuse)",
                      results.get("hop2", {}).get("ok") and proc.stderr.count(f" at {endpoint_a}") >= 2 and
                      "from the cache" not in proc.stderr, proc.stderr)
        aws = "/usr/bin/aws"
        if os.access(aws, os.X_OK):
            # The reader is the AWS CLI itself: with nothing cached it must call the real STS (which is
            # unreachable here, or refuses moto's keys), never hand out moto's credentials.
            for profile in ("hop1", "hop2"):
                cli = subprocess.run([aws, "configure", "export-credentials", "--profile", profile, "--format",
                                      "process"], env=checks.env({"AWS_MAX_ATTEMPTS": "1"}), capture_output=True,
                                     text=True, timeout=90)
                checks.expect(f"the AWS CLI does not get moto's credentials for {profile} from the cache",
                              cli.returncode != 0 and "AccessKeyId" not in cli.stdout,
                              f"exit {cli.returncode}: {cli.stdout[:80]!r}")

        # ---- Environment credentials ----------------------------------------------------------------
        results, proc = checks.test_json(["--endpoint-url", endpoint_a],
                                         {"AWS_ACCESS_KEY_ID": key_id, "AWS_SECRET_ACCESS_KEY": secret,
                                          "AWS_PROFILE": "wrong-secret"})
        r = results.get("wrong-secret", {})
        checks.expect("environment credentials win when the profile is not named on the command line",
                      proc.returncode == 0 and r.get("ok") and r["arn"] == user_arn and r["chain"] == ["env"], r)

        # ---- Web identity, on server B ------------------------------------------------------------
        results, proc = checks.test_json(["--endpoint-url", endpoint_b, "web"])
        r = results.get("web", {})
        checks.expect("web identity: ARN ends in assumed-role/WEB_ROLE/WEB_SESSION",
                      proc.returncode == 0 and r.get("ok") and
                      r["arn"].endswith(f":assumed-role/{WEB_ROLE}/{WEB_SESSION}") and
                      r["chain"] == [f"web-identity({web_role_arn})"], r)
        results, proc = checks.test_json(["web"], {"AWS_ENDPOINT_URL_STS": endpoint_b})
        checks.expect("AWS_ENDPOINT_URL_STS is the endpoint when there is no flag",
                      results.get("web", {}).get("ok") and "from AWS_ENDPOINT_URL_STS" in proc.stderr, proc.stderr)

        # ---- Failures -------------------------------------------------------------------------------
        bad = ["wrong-secret", "deleted-key", "wrong-external-id", "loop"]
        results, proc = checks.test_json(["--endpoint-url", endpoint_a, "static"] + bad)
        checks.expect("any failure: exit 1", proc.returncode == 1, proc.returncode)
        checks.expect("one object per profile, in order", list(results) == ["static"] + bad, list(results))
        r = results.get("wrong-secret", {})
        checks.expect("wrong secret -> SignatureDoesNotMatch",
                      not r.get("ok") and r["error"]["code"] == "SignatureDoesNotMatch" and r["arn"] is None and
                      r["error"]["hint"], r)
        r = results.get("deleted-key", {})
        checks.expect("deleted key -> InvalidClientTokenId",
                      not r.get("ok") and r["error"]["code"] == "InvalidClientTokenId", r)
        r = results.get("wrong-external-id", {})
        checks.expect("wrong ExternalId -> AccessDenied on AssumeRole",
                      not r.get("ok") and r["error"]["code"] == "AccessDenied" and
                      "AssumeRole" in r["error"]["message"], r)
        r = results.get("loop", {})
        checks.expect("credential_process loop through export-credentials is refused",
                      not r.get("ok") and r["error"]["code"] == "ProcessError", r)
        loop = checks.run(["export-credentials", "--profile", "loop"])
        checks.expect("export-credentials names the profile cycle",
                      loop.returncode != 0 and "profile cycle: loop -> loop" in loop.stderr, loop.stderr)

        # ---- export-credentials against the AWS CLI -----------------------------------------------
        if os.access(aws, os.X_OK):
            for profile in ("static", "process"):
                for fmt in ("process", "env", "env-no-export", "powershell", "windows-cmd"):
                    ours = checks.run(["export-credentials", "--profile", profile, "--format", fmt])
                    theirs = subprocess.run([aws, "configure", "export-credentials", "--profile", profile,
                                             "--format", fmt], env=checks.env(), capture_output=True, text=True,
                                            timeout=60)
                    checks.expect(f"export-credentials --profile {profile} --format {fmt} matches the AWS CLI",
                                  ours.returncode == 0 and theirs.returncode == 0 and ours.stdout == theirs.stdout,
                                  f"ours ({ours.returncode}) {ours.stderr!r} / aws ({theirs.returncode}) "
                                  f"{theirs.stderr[-200:]!r}; outputs differ: {ours.stdout != theirs.stdout}")
        else:
            print("SKIPPED (part): /usr/bin/aws not installed; export-credentials not compared with the CLI")
        ours = checks.run(["export-credentials", "--profile", "hop2", "--format", "process", "--endpoint-url",
                           endpoint_a])
        doc = json.loads(ours.stdout) if ours.returncode == 0 else {}
        checks.expect("export-credentials of the two-hop chain: session credentials with an expiration",
                      doc.get("Version") == 1 and doc.get("SessionToken") and doc.get("Expiration", "").endswith("+00:00"),
                      ours.stderr)
        # ---- exec: the child calls STS itself with the credentials exec put in its environment ----
        if os.access(aws, os.X_OK):
            for profile, arn_check in (("static", lambda arn: arn == user_arn),
                                       ("hop2", lambda arn: arn.endswith(f":assumed-role/{ROLE2}/{SESSION2}"))):
                ran = checks.run(["exec", "--profile", profile, "--endpoint-url", endpoint_a, "--", aws, "sts",
                                  "get-caller-identity", "--output", "json", "--endpoint-url", endpoint_a],
                                 {"AWS_PROFILE": "wrong-secret", "AWS_MAX_ATTEMPTS": "1"})
                checks.expect_no_secret(f"awsprof exec --profile {profile}", ran.stderr)
                ident = json.loads(ran.stdout) if ran.returncode == 0 else {}
                checks.expect(f"exec --profile {profile}: the child's aws sts get-caller-identity is the profile's "
                              f"identity in account {ACCOUNT} (AWS_PROFILE unset for it)",
                              ident.get("Account") == ACCOUNT and arn_check(ident.get("Arn", "")),
                              f"exit {ran.returncode}: {ran.stdout[:300]!r} {ran.stderr[-300:]!r}")
            # The child's failure is exec's exit status: the AWS CLI exits 254 on a refused call.
            ran = checks.run(["exec", "--profile", "wrong-secret", "--", aws, "sts", "get-caller-identity",
                              "--endpoint-url", endpoint_a], {"AWS_MAX_ATTEMPTS": "1"})
            checks.expect("exec passes the child's exit status through (254 from the AWS CLI's refused call)",
                          ran.returncode == 254 and "SignatureDoesNotMatch" in ran.stderr,
                          f"exit {ran.returncode}: {ran.stderr[-300:]!r}")
        else:
            print("SKIPPED (part): /usr/bin/aws not installed; exec's child could not call STS")
        checks.expect("after every run against moto (--endpoint-url, AWS_ENDPOINT_URL_STS, export-credentials), "
                      "~/.aws/cli/cache is still empty", cache_entries() == [], cache_entries())
    except (RuntimeError, subprocess.TimeoutExpired, json.JSONDecodeError, ValueError, KeyError, TypeError,
            AssertionError) as e:
        print(f"FAIL setup or run: {type(e).__name__}: {e}")
        checks.failures += 1
    finally:
        stop_and_clean(servers, workdir, checks.failures, "moto logs and files")
    print(f"{checks.passed} passed, {checks.failures} failed")
    return 1 if checks.failures else 0


if __name__ == "__main__":
    sys.exit(main())
