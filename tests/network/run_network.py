#!/usr/bin/env python3
"""End-to-end network behaviour of the real `awsprof test`, against servers started here on
127.0.0.1 (standard library only; every server is a thread of this process, so none outlives it).

    run_network.py --bin-dir DIR timeout   --timeout N bounds each profile's whole resolution and call
    run_network.py --bin-dir DIR mfa       one MFA prompt per device per run, on a pseudo-terminal

timeout: one `awsprof test --timeout 2` run over profiles that each stall at a different network
step (GetCallerIdentity, an AssumeRole hop, STS retries that each answer slowly, credential_process,
container credentials, instance metadata, the SSO portal). Every profile must end in "Timeout"
within the bound, and the whole run too.

mfa: three role profiles with one mfa_serial, tested in one run on a pseudo-terminal against a fake
STS: the code is asked once, the prompt names the profile and the device, nothing is drawn over the
prompt, and the fake sees one GetSessionToken with the code, then each AssumeRole signed with the
MFA session (no code of its own).

Exit status: 0 all checks passed, 1 a check failed.
"""
import argparse
import json
import os
import pty
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ACCOUNT = "123456789012"
KEY_ID, SECRET = "AKIANETWORKTEST00001", "networkTestSecretValue0123456789abcdefgh"


class StallServer:
    """Accepts connections, reads what is sent, never answers."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.held = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.held.append(conn)

    def stop(self):
        self.sock.close()
        for conn in self.held:
            conn.close()


class Http:
    """A ThreadingHTTPServer on 127.0.0.1 whose POST answers come from `answer(form) -> (status, body)`."""

    def __init__(self, answer, delay=0.0):
        outer = self
        self.requests = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                form = {k: v[0] for k, v in urllib.parse.parse_qs(self.rfile.read(length).decode()).items()}
                form["_authorization"] = self.headers.get("Authorization", "")
                form["_token"] = self.headers.get("X-Amz-Security-Token", "")
                outer.requests.append(form)
                time.sleep(delay)
                status, body = answer(form)
                data = body.encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "text/xml")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up at its deadline: what the timeout case wants

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def sts_error(code, status=503):
    return status, (f"<ErrorResponse><Error><Type>Receiver</Type><Code>{code}</Code><Message>m</Message></Error>"
                    "<RequestId>r</RequestId></ErrorResponse>")


class Checks:
    """Each check prints PASS or FAIL (with the detail) at once; the counts come at the end."""

    def __init__(self):
        self.outcomes = []

    def expect(self, name, condition, detail=""):
        self.outcomes.append(bool(condition))
        print(f"PASS {name}" if condition else f"FAIL {name}: {detail}")

    @property
    def failures(self):
        return self.outcomes.count(False)


def environment(home, extra=None):
    env = {k: v for k, v in os.environ.items()
           if not k.lower().endswith("_proxy") and not k.startswith("AWS_") and k != "NO_COLOR"}
    env.update({"HOME": home, "AWS_CONFIG_FILE": os.path.join(home, ".aws", "config"),
                "AWS_SHARED_CREDENTIALS_FILE": os.path.join(home, ".aws", "credentials"), "LC_ALL": "C.UTF-8"})
    env.update(extra or {})
    return env


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


# ---------------------------------------------------------------------------------------------
# --timeout

TIMEOUT = 2.0
SLACK = 0.6  # scheduling on a loaded 2-core machine; the unfixed build took 7 s for a 2 s timeout


def check_timeout(bin_dir, work, checks):
    stall = StallServer()
    slow = Http(lambda form: sts_error("ServiceUnavailable"), delay=0.3)  # every attempt retryable, slow
    try:
        stall_url, slow_url = f"http://127.0.0.1:{stall.port}", f"http://127.0.0.1:{slow.port}"
        home = os.path.join(work, "home")
        role = f"arn:aws:iam::{ACCOUNT}:role/r"
        write(os.path.join(home, ".aws", "config"), f"""[profile call]
aws_access_key_id = {KEY_ID}
aws_secret_access_key = {SECRET}
endpoint_url = {stall_url}

[profile hop]
endpoint_url = {stall_url}
role_arn = {role}
source_profile = call

[profile retries]
aws_access_key_id = {KEY_ID}
aws_secret_access_key = {SECRET}
endpoint_url = {slow_url}
max_attempts = 20

[profile process]
credential_process = /bin/sleep 30

[profile container]
role_arn = {role}
credential_source = EcsContainer
endpoint_url = {stall_url}

[profile imds]
role_arn = {role}
credential_source = Ec2InstanceMetadata
ec2_metadata_service_endpoint = {stall_url}
metadata_service_timeout = 10
metadata_service_num_attempts = 3
endpoint_url = {stall_url}

[profile sso]
sso_start_url = https://example.awsapps.com/start
sso_region = us-east-1
sso_account_id = {ACCOUNT}
sso_role_name = Admin
endpoint_url = {stall_url}
""")
        # The SSO token `aws sso login` would have left (file name: SHA-1 of the start URL).
        import hashlib
        token_name = hashlib.sha1(b"https://example.awsapps.com/start").hexdigest() + ".json"
        write(os.path.join(home, ".aws", "sso", "cache", token_name),
              json.dumps({"accessToken": "not-a-real-token", "expiresAt": "2099-01-01T00:00:00Z"}))
        profiles = ["call", "hop", "retries", "process", "container", "imds", "sso"]
        env = environment(home, {"AWS_CONTAINER_CREDENTIALS_FULL_URI": f"{stall_url}/creds", "AWS_REGION": "us-east-1"})
        start = time.monotonic()
        proc = subprocess.run([os.path.join(bin_dir, "awsprof"), "test", "--output", "json", "--timeout",
                               str(TIMEOUT), "--jobs", str(len(profiles))] + profiles,
                              env=env, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
        wall = time.monotonic() - start
        try:
            results = {r["profile"]: r for r in json.loads(proc.stdout)}
        except json.JSONDecodeError:
            checks.expect("awsprof test printed JSON", False, f"exit {proc.returncode}: {proc.stderr}")
            return
        checks.expect("any timeout: exit 1", proc.returncode == 1, proc.returncode)
        for name in profiles:
            r = results.get(name, {})
            elapsed = r.get("elapsed_ms", -1) / 1000
            code = (r.get("error") or {}).get("code")
            # A stalled step is cut at the deadline; retries stop when the next backoff would reach it.
            earliest = 0 if name == "retries" else TIMEOUT - 0.05
            checks.expect(f"{name}: Timeout within {TIMEOUT} s (took {elapsed:.2f} s)",
                          code == "Timeout" and earliest <= elapsed <= TIMEOUT + SLACK,
                          f"{code}: {(r.get('error') or {}).get('message')}")
        checks.expect(f"the whole run is bounded too (took {wall:.2f} s)", wall <= TIMEOUT + SLACK + 1.0, wall)
        checks.expect("the slow server saw no attempt that started after the deadline",
                      len(slow.requests) <= int(TIMEOUT / 0.3) + 1, len(slow.requests))
    finally:
        stall.stop()
        slow.stop()


# ---------------------------------------------------------------------------------------------
# MFA

SERIAL = f"arn:aws:iam::{ACCOUNT}:mfa/alice"
PROMPT = re.compile(rb"Enter MFA code for \S+( \(profile [^)]*\))?: ")
CODE = "271828"


def fake_sts(form):
    """GetSessionToken, AssumeRole and GetCallerIdentity, with credentials that say who got them."""
    action = form.get("Action")

    def credentials(key, token):
        return (f"<Credentials><AccessKeyId>{key}</AccessKeyId><SecretAccessKey>secret-{key}</SecretAccessKey>"
                f"<SessionToken>{token}</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials>")

    if action == "GetSessionToken":
        if form.get("SerialNumber") != SERIAL or form.get("TokenCode") != CODE:
            return sts_error("AccessDenied", 403)
        return 200, ("<GetSessionTokenResponse><GetSessionTokenResult>" + credentials("ASIASESSION", "session-token")
                     + "</GetSessionTokenResult></GetSessionTokenResponse>")
    if action == "AssumeRole":
        role = form["RoleArn"].rsplit("/", 1)[-1]
        return 200, ("<AssumeRoleResponse><AssumeRoleResult>" + credentials("ASIA" + role.upper(), "role-" + role) +
                     f"<AssumedRoleUser><AssumedRoleId>AROA:{role}</AssumedRoleId><Arn>arn:aws:sts::{ACCOUNT}:"
                     f"assumed-role/{role}/s</Arn></AssumedRoleUser></AssumeRoleResult></AssumeRoleResponse>")
    if action == "GetCallerIdentity":
        token = form["_token"]
        arn = (f"arn:aws:sts::{ACCOUNT}:assumed-role/{token[5:]}/s" if token.startswith("role-") else
               f"arn:aws:iam::{ACCOUNT}:user/alice" if not token else "unknown")
        return 200, (f"<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>{arn}</Arn><UserId>U</UserId>"
                     f"<Account>{ACCOUNT}</Account></GetCallerIdentityResult></GetCallerIdentityResponse>")
    return sts_error("InvalidAction", 400)


def run_on_pty(argv, env, answers, timeout=60, think=0.5):
    """Runs argv with a pseudo-terminal as its controlling terminal, stdin and stderr; types each
    answer `think` seconds after a prompt ("Enter MFA code ...: ") appears. Returns (exit code,
    terminal transcript, prompts seen)."""
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(argv[0], argv, env)
    transcript, prompts = b"", 0
    deadline = time.monotonic() + timeout
    answers = list(answers)
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            transcript += chunk
            if len(PROMPT.findall(transcript)) > prompts:
                prompts += 1
                time.sleep(think)  # meanwhile other profiles finish: their progress must wait
                os.write(fd, ((answers.pop(0) if answers else "") + "\n").encode())
    else:
        os.kill(pid, signal.SIGKILL)  # still waiting for an answer it never got
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), transcript.decode(errors="replace"), prompts


def check_mfa(bin_dir, work, checks):
    sts = Http(fake_sts)
    try:
        home = os.path.join(work, "home")
        endpoint = f"http://127.0.0.1:{sts.port}"
        roles = ["dev", "prod", "audit"]
        config = f"""[profile base]
aws_access_key_id = {KEY_ID}
aws_secret_access_key = {SECRET}
"""  # base itself needs no MFA: it finishes while the prompt waits
        for role in roles:
            config += f"""
[profile {role}]
role_arn = arn:aws:iam::{ACCOUNT}:role/{role}
source_profile = base
mfa_serial = {SERIAL}
"""
        write(os.path.join(home, ".aws", "config"), config)
        # stdout into a file (a script reading the results); stdin and stderr on the terminal.
        out_path = os.path.join(work, "stdout.json")
        argv = ["/bin/sh", "-c", f'exec "$0" "$@" >"{out_path}"', os.path.join(bin_dir, "awsprof"), "test",
                "--output", "json", "--endpoint-url", endpoint, "--jobs", "4"] + roles + ["base"]
        code, transcript, prompts = run_on_pty(argv, environment(home, {"TERM": "xterm"}), [CODE] * 3)
        with open(out_path) as f:
            text = f.read()
        try:
            results = {r["profile"]: r for r in json.loads(text)}
        except json.JSONDecodeError:
            checks.expect("awsprof test printed JSON", False, f"exit {code}: {text!r} {transcript!r}")
            return
        checks.expect("all three roles (and base) work: exit 0",
                      code == 0 and all(results[r]["ok"] for r in roles + ["base"]),
                      f"exit {code}: {transcript!r} {results}")
        checks.expect("one MFA prompt for the three roles of one device", prompts == 1 and
                      transcript.count("Enter MFA code") == 1, transcript)
        checks.expect("the prompt names the device and the profile",
                      f"Enter MFA code for {SERIAL} (profile " in transcript, transcript)
        checks.expect("the code is not echoed", CODE not in transcript, transcript)
        prompt_at = transcript.find("Enter MFA code")
        line_end = transcript.find("\n", prompt_at)
        prompt_line = transcript[prompt_at:line_end if line_end >= 0 else len(transcript)] if prompt_at >= 0 else ""
        checks.expect("nothing is drawn over the prompt while it waits (base finished meanwhile)",
                      prompt_at >= 0 and "\r" not in prompt_line.rstrip("\r") and "testing profiles" not in prompt_line,
                      repr(prompt_line))
        checks.expect("the progress comes back after the prompt", "testing profiles: 4/4" in transcript[line_end:],
                      repr(transcript[line_end:]))
        actions = [r["Action"] for r in sts.requests]
        sessions = [r for r in sts.requests if r["Action"] == "GetSessionToken"]
        assumes = [r for r in sts.requests if r["Action"] == "AssumeRole"]
        checks.expect("one GetSessionToken with the device and the code, signed with the long-term key",
                      len(sessions) == 1 and sessions[0].get("SerialNumber") == SERIAL and
                      sessions[0].get("TokenCode") == CODE and f"Credential={KEY_ID}/" in sessions[0]["_authorization"],
                      actions)
        checks.expect("each AssumeRole is signed with the MFA session and carries no code of its own",
                      len(assumes) == 3 and all(r["_token"] == "session-token" and "TokenCode" not in r and
                                                "SerialNumber" not in r for r in assumes), assumes)
        checks.expect("each profile is its own role",
                      all(results[r]["arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/{r}/s" for r in roles), results)
        cache = os.path.join(home, ".aws", "cli", "cache")
        checks.expect("nothing from the fake STS is cached", not os.path.isdir(cache) or not os.listdir(cache),
                      os.listdir(cache) if os.path.isdir(cache) else [])
    finally:
        sts.stop()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin-dir", required=True)
    parser.add_argument("case", choices=["timeout", "mfa"])
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix=f"awsprof-network-{args.case}-")
    checks = Checks()
    try:
        {"timeout": check_timeout, "mfa": check_mfa}[args.case](os.path.abspath(args.bin_dir), work, checks)
    except (OSError, subprocess.TimeoutExpired, KeyError, ValueError) as e:
        checks.expect("setup or run", False, f"{type(e).__name__}: {e}")
    finally:
        if checks.failures:
            print(f"files kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    print(f"{len(checks.outcomes) - checks.failures} passed, {checks.failures} failed")
    return 1 if checks.failures else 0


if __name__ == "__main__":
    sys.exit(main())
