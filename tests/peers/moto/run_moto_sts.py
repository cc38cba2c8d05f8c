#!/usr/bin/env python3
"""End-to-end test of awsprof's STS client (StsClient over HttpClient) against moto_server.

Server A runs with INITIAL_NO_AUTH_ACTION_COUNT set to exactly the number of setup calls made here,
so every request sts_moto_probe makes afterwards has its SigV4 signature checked. Server B runs
without it (moto answers an unsigned AssumeRoleWithWebIdentity with HTTP 500 when checking is on)
and with TLS (-s, a self-signed certificate), for web identity and the TLS options.

Exit status: 0 all checks passed, 1 a check failed, 77 skipped (no moto_server on PATH).
Only the standard library is used. Servers bind 127.0.0.1, are killed at the end (and by `timeout`
if this script is itself killed), and every wait is bounded.
"""
import argparse
import json
import os
import socket
import ssl
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from moto_support import (ACCOUNT, ALLOW_ALL, SKIP, Servers, Setup, create_user_with_keys, start_run,  # noqa: E402
                          free_port, stop_and_clean, xml_value)

USER = "awsprof-alice"
ROLE = "awsprof-demo-role"
SESSION = "awsprof-session"
EXTERNAL_ID = "awsprof-ext-123"
WEB_ROLE = "awsprof-web-role"
WEB_SESSION = "awsprof-web-session"
SERVER_LIFETIME = 170  # seconds; `timeout` kills a server left behind by a killed driver
# moto matches the principal against the caller's own ARN (not the account root), and evaluates
# StringEquals conditions, so a wrong ExternalId is refused.
TRUST = json.dumps({"Version": "2012-10-17",
                    "Statement": [{"Effect": "Allow",
                                   "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:user/{USER}"},
                                   "Action": "sts:AssumeRole",
                                   "Condition": {"StringEquals": {"sts:ExternalId": EXTERNAL_ID}}}]})


def clean_env():
    """The environment without any proxy variable, in any case."""
    return {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}


class KeepAliveRelay:
    """An HTTP/1.1 keep-alive front for moto, which closes every connection (werkzeug's dev server
    always sends "Connection: close"). Requests go through unchanged, Host header included, so moto
    still checks every signature; the relay counts the client connections it accepts."""

    def __init__(self, target_port):
        import http.client
        import http.server
        import threading

        relay = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            timeout = 30

            def setup(self):
                super().setup()
                self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                with relay.lock:
                    relay.connections += 1

            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("connection", "keep-alive")}
                upstream = http.client.HTTPConnection("127.0.0.1", target_port, timeout=20)
                try:
                    upstream.request("POST", self.path, body=body, headers=headers)
                    reply = upstream.getresponse()
                    data = reply.read()
                    self.send_response(reply.status)
                    for k, v in reply.getheaders():
                        if k.lower() not in ("connection", "transfer-encoding", "content-length", "server", "date"):
                            self.send_header(k, v)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                finally:
                    upstream.close()

        self.lock = threading.Lock()
        self.connections = 0
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class Checks:
    def __init__(self, probe):
        self.probe = probe
        self.failures = 0
        self.passed = 0

    def run(self, args, env_keys=None, extra_env=None):
        env = clean_env()
        for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
            env.pop(name, None)
        env.update(env_keys or {})
        env.update(extra_env or {})
        start = time.monotonic()
        proc = subprocess.run([self.probe] + args, env=env, capture_output=True, text=True, timeout=90)
        elapsed = time.monotonic() - start
        if proc.returncode != 0:
            raise RuntimeError(f"probe {args[0]} exited {proc.returncode}: {proc.stderr}")
        return json.loads(proc.stdout), elapsed, proc.stdout

    def expect(self, name, condition, detail):
        if condition:
            self.passed += 1
            print(f"PASS {name}")
        else:
            self.failures += 1
            print(f"FAIL {name}: {detail}")


def keys(key_id, secret, token=None):
    env = {"AWS_ACCESS_KEY_ID": key_id, "AWS_SECRET_ACCESS_KEY": secret}
    if token:
        env["AWS_SESSION_TOKEN"] = token
    return env


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--probe", required=True)
    args = parser.parse_args()

    workdir = start_run("the STS end-to-end test", "awsprof-moto-")
    if workdir is None:
        return SKIP
    servers = Servers(workdir, SERVER_LIFETIME, clean_env)
    checks = Checks(args.probe)
    try:
        # ---- Server A: signature checks on after exactly N setup calls -----------------------
        setup_calls = 7  # CreateUser, PutUserPolicy, 2 x CreateAccessKey, DeleteAccessKey, CreateRole, PutRolePolicy
        port_a = free_port()
        servers.start(port_a, {"INITIAL_NO_AUTH_ACTION_COUNT": str(setup_calls)})
        iam = Setup(port_a)
        key_id, secret, doomed_id, doomed_secret = create_user_with_keys(iam, USER)
        role = iam.iam("CreateRole", RoleName=ROLE, AssumeRolePolicyDocument=TRUST)
        role_arn = xml_value(role, "Arn")
        iam.iam("PutRolePolicy", RoleName=ROLE, PolicyName="allow-all", PolicyDocument=ALLOW_ALL)
        assert iam.calls == setup_calls, f"made {iam.calls} setup calls, counted {setup_calls}"
        endpoint_a = f"http://127.0.0.1:{port_a}"
        user_arn = f"arn:aws:iam::{ACCOUNT}:user/{USER}"

        out, _, raw = checks.run(["identity", "--endpoint", endpoint_a], keys(key_id, secret))
        checks.expect("get-caller-identity with the right key", out.get("ok") and out["account"] == ACCOUNT and
                      out["arn"] == user_arn, raw)
        checks.expect("no secret in the probe's output", secret not in raw, "secret printed")

        wrong = secret[:-4] + ("AAAA" if not secret.endswith("AAAA") else "BBBB")
        out, _, raw = checks.run(["identity", "--endpoint", endpoint_a], keys(key_id, wrong))
        checks.expect("wrong secret -> SignatureDoesNotMatch, not retried",
                      not out["ok"] and out["code"] == "SignatureDoesNotMatch" and out["attempts"] == 1 and
                      out["summary"] == "the secret access key does not match the access key id", raw)
        checks.expect("no secret in the error", wrong not in raw and secret not in raw, raw)

        out, _, raw = checks.run(["identity", "--endpoint", endpoint_a], keys(doomed_id, doomed_secret))
        checks.expect("deleted key -> InvalidClientTokenId, not retried",
                      not out["ok"] and out["code"] == "InvalidClientTokenId" and out["attempts"] == 1, raw)

        out, _, raw = checks.run(["assume-role", "--endpoint", endpoint_a, "--role-arn", role_arn,
                                  "--session-name", SESSION, "--external-id", EXTERNAL_ID], keys(key_id, secret))
        suffix = f":assumed-role/{ROLE}/{SESSION}"
        checks.expect("assume-role with ExternalId and RoleSessionName",
                      out.get("ok") and out["assumed_role_arn"].endswith(suffix) and out["has_session_token"], raw)
        checks.expect("assumed credentials: get-caller-identity ARN ends in assumed-role/ROLE/SESSION",
                      out.get("ok") and out["identity"].get("ok") and out["identity"]["arn"].endswith(suffix) and
                      out["identity"]["arn"].startswith(f"arn:aws:sts::{ACCOUNT}:"), raw)
        checks.expect("assumed credentials with a tampered session token -> InvalidClientTokenId",
                      out.get("ok") and out["tampered_token"].get("code") == "InvalidClientTokenId", raw)

        wrong_ext = ["assume-role", "--endpoint", endpoint_a, "--role-arn", role_arn, "--session-name", SESSION,
                     "--external-id", "not-" + EXTERNAL_ID]
        out, _, raw = checks.run(wrong_ext, keys(key_id, secret))
        checks.expect("assume-role with a wrong ExternalId -> AccessDenied with the trust-policy hint",
                      not out["ok"] and out["code"] == "AccessDenied" and "trust policy" in out["hint"] and
                      out["attempts"] == 1, raw)

        # moto closes every connection: each request needs its own, and the client copes.
        out, elapsed, raw = checks.run(["keepalive", "--endpoint", endpoint_a, "--count", "20"], keys(key_id, secret))
        checks.expect("moto closes connections: 20 requests, 20 connections, all signed and accepted",
                      out.get("ok") and out["requests"] == 20 and out["new_connections"] == 20, raw)
        # Through a keep-alive relay: 200 requests on the client's one connection.
        relay = KeepAliveRelay(port_a)
        try:
            out, elapsed, raw = checks.run(["keepalive", "--endpoint", f"http://127.0.0.1:{relay.port}",
                                            "--count", "200"], keys(key_id, secret))
        finally:
            relay.close()
        checks.expect("200 signed requests reuse one connection (keep-alive)",
                      out.get("ok") and out["requests"] == 200 and out["new_connections"] == 1 and
                      relay.connections == 1, f"relay saw {relay.connections} connections; {raw}")
        print(f"     200 GetCallerIdentity calls through the relay took {elapsed:.2f} s "
              f"({elapsed / 200 * 1000:.1f} ms each)")

        # ---- Proxies: uppercase HTTP_PROXY is honoured, NO_PROXY bypasses it ------------------
        dead = free_port()
        out, _, raw = checks.run(["identity", "--endpoint", endpoint_a, "--max-attempts", "1"], keys(key_id, secret),
                                 {"HTTP_PROXY": f"http://127.0.0.1:{dead}"})
        checks.expect("uppercase HTTP_PROXY is used (a dead proxy fails the call)",
                      not out["ok"] and out["kind"] == "transport" and str(dead) in out["message"], raw)
        out, _, raw = checks.run(["identity", "--endpoint", endpoint_a, "--max-attempts", "1"], keys(key_id, secret),
                                 {"HTTP_PROXY": f"http://127.0.0.1:{dead}", "NO_PROXY": "127.0.0.1"})
        checks.expect("NO_PROXY=127.0.0.1 bypasses it", out.get("ok") and out["arn"] == user_arn, raw)

        # ---- Retries and timeouts ----------------------------------------------------------------
        out, elapsed, raw = checks.run(["identity", "--endpoint", f"http://127.0.0.1:{dead}", "--max-attempts", "3"],
                                       keys(key_id, secret))
        checks.expect("connection refused: retried up to max_attempts=3",
                      not out["ok"] and out["kind"] == "transport" and out["attempts"] == 3, raw)
        checks.expect("backoff stays bounded (full jitter: < 1 s + 2 s)", elapsed < 8, f"{elapsed:.1f} s")

        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as silent:  # accepts, never answers
            silent.bind(("127.0.0.1", 0))
            silent.listen(4)
            silent_port = silent.getsockname()[1]
            out, elapsed, raw = checks.run(["identity", "--endpoint", f"http://127.0.0.1:{silent_port}",
                                            "--max-attempts", "1", "--read-timeout-ms", "1000"], keys(key_id, secret))
        checks.expect("read timeout (--cli-read-timeout 1)",
                      not out["ok"] and out["kind"] == "transport" and "read timeout" in out["message"] and
                      elapsed < 6, f"{elapsed:.1f} s {raw}")

        # ---- Server B: no auth count, TLS with a self-signed certificate -----------------------
        port_b = free_port()
        servers.start(port_b, tls=True)
        endpoint_b = f"https://127.0.0.1:{port_b}"
        token_file = os.path.join(workdir, "token")
        with open(token_file, "w") as f:
            f.write("eyJhbGciOiJub25lIn0.eyJzdWIiOiJhd3Nwcm9mIn0.")  # moto does not validate the token
        web_role_arn = f"arn:aws:iam::{ACCOUNT}:role/{WEB_ROLE}"
        web = ["web-identity", "--endpoint", endpoint_b, "--role-arn", web_role_arn, "--session-name", WEB_SESSION,
               "--token-file", token_file]

        out, _, raw = checks.run(web + ["--max-attempts", "1"])
        checks.expect("TLS verification is on by default (self-signed certificate rejected)",
                      not out["ok"] and out["kind"] == "transport" and "certificate" in out["message"].lower(), raw)
        out, _, raw = checks.run(web + ["--max-attempts", "1", "--ca-bundle", os.path.join(workdir, "missing.pem")])
        checks.expect("a missing --ca-bundle file is an error",
                      not out["ok"] and out["kind"] == "transport" and "missing.pem" in out["message"], raw)
        pem = ssl.get_server_certificate(("127.0.0.1", port_b), timeout=10)
        bundle = os.path.join(workdir, "moto.pem")
        with open(bundle, "w") as f:
            f.write(pem)
        out, _, raw = checks.run(web + ["--max-attempts", "1", "--ca-bundle", bundle])
        checks.expect("--ca-bundle is used (moto's certificate is trusted; its name is not 127.0.0.1)",
                      not out["ok"] and out["kind"] == "transport" and "host name" in out["message"] and
                      "self-signed" not in out["message"], raw)
        out, _, raw = checks.run(web + ["--no-verify-ssl"])
        web_suffix = f":assumed-role/{WEB_ROLE}/{WEB_SESSION}"
        checks.expect("AssumeRoleWithWebIdentity (unsigned) over TLS with --no-verify-ssl",
                      out.get("ok") and out["assumed_role_arn"].endswith(web_suffix), raw)
        checks.expect("web identity credentials: get-caller-identity ARN ends in assumed-role/ROLE/SESSION",
                      out.get("ok") and out["identity"].get("ok") and out["identity"]["arn"].endswith(web_suffix), raw)
    except (RuntimeError, subprocess.TimeoutExpired, json.JSONDecodeError, ValueError) as e:
        print(f"FAIL setup or probe: {e}")
        checks.failures += 1
    finally:
        stop_and_clean(servers, workdir, checks.failures)
    print(f"{checks.passed} passed, {checks.failures} failed")
    return 1 if checks.failures else 0


if __name__ == "__main__":
    sys.exit(main())
