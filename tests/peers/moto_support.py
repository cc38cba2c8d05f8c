"""What the moto_server drivers (moto/run_moto_sts.py, moto-e2e/run_moto_e2e.py) share: free ports,
starting and stopping moto_server, and the IAM setup calls made before signature checking starts.

Only the standard library is used. Servers bind 127.0.0.1, are killed by stop() (and by `timeout`
after their lifetime if the driver is itself killed), and every wait is bounded.
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

SKIP = 77
ACCOUNT = "123456789012"
ALLOW_ALL = json.dumps({"Version": "2012-10-17",
                        "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Servers:
    """moto_server processes, each on its own port with its log in `workdir`. Each runs in the
    environment `base_env()` returns (without INITIAL_NO_AUTH_ACTION_COUNT unless given), under
    `timeout -s KILL lifetime` when `timeout` is installed."""

    def __init__(self, workdir, lifetime, base_env):
        self.workdir = workdir
        self.lifetime = lifetime
        self.base_env = base_env
        self.procs = []

    def start(self, port, extra_env=None, tls=False):
        env = self.base_env()
        env.pop("INITIAL_NO_AUTH_ACTION_COUNT", None)
        env.update(extra_env or {})
        cmd = [shutil.which("moto_server"), "-H", "127.0.0.1", "-p", str(port)] + (["-s"] if tls else [])
        if shutil.which("timeout"):
            cmd = ["timeout", "-s", "KILL", str(self.lifetime)] + cmd
        log = open(os.path.join(self.workdir, f"moto-{port}.log"), "wb")
        proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
        self.procs.append(proc)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"moto_server on port {port} exited with {proc.returncode}; see {log.name}")
            try:  # a bare TCP connect: it sends no request, so it uses none of the no-auth count
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"moto_server on port {port} did not listen within 30 s")

    def stop(self):
        for proc in self.procs:
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        for proc in self.procs:
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                proc.wait(timeout=5)


def start_run(what, prefix):
    """The start of a driver's run: a fresh work directory, or None after saying loudly that
    `what` did not run because moto_server is missing. A SIGTERM (ctest's timeout, Ctrl-C) then
    still runs the driver's `finally`, which stops the servers."""
    if shutil.which("moto_server") is None:
        print(f"SKIPPED: moto_server not found on PATH; {what} did not run", flush=True)
        return None
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    return tempfile.mkdtemp(prefix=prefix)


def stop_and_clean(servers, workdir, keep, kept="moto logs"):
    """Stops the servers, then removes `workdir`, or with `keep` (a check failed) says where it is."""
    servers.stop()
    if keep:
        print(f"{kept} kept in {workdir}")
    else:
        shutil.rmtree(workdir, ignore_errors=True)


class Setup:
    """Plain IAM query-protocol posts. Every call counts against INITIAL_NO_AUTH_ACTION_COUNT."""

    def __init__(self, port):
        self.url = f"http://127.0.0.1:{port}/"
        self.opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        self.calls = 0

    def iam(self, action, **params):
        self.calls += 1
        body = urllib.parse.urlencode({"Action": action, "Version": "2010-05-08", **params}).encode()
        req = urllib.request.Request(self.url, data=body, method="POST")
        req.add_header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
        # Not verified during the no-auth calls, but moto routes by the credential scope's service.
        req.add_header("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240101/us-east-1/iam/"
                                        "aws4_request, SignedHeaders=host, Signature=00")
        try:
            with self.opener.open(req, timeout=20) as resp:
                return resp.read().decode()
        except urllib.error.HTTPError as e:
            raise RuntimeError(f"setup {action} failed: HTTP {e.code}: {e.read()[:300]!r}") from None


def create_user_with_keys(iam, user):
    """Five setup calls: CreateUser with an allow-all policy, then two access keys, the second of
    them deleted. Returns (key_id, secret, deleted_key_id, deleted_secret)."""
    iam.iam("CreateUser", UserName=user)
    iam.iam("PutUserPolicy", UserName=user, PolicyName="allow-all", PolicyDocument=ALLOW_ALL)
    key = iam.iam("CreateAccessKey", UserName=user)
    doomed = iam.iam("CreateAccessKey", UserName=user)
    doomed_id = xml_value(doomed, "AccessKeyId")
    iam.iam("DeleteAccessKey", UserName=user, AccessKeyId=doomed_id)
    return (xml_value(key, "AccessKeyId"), xml_value(key, "SecretAccessKey"), doomed_id,
            xml_value(doomed, "SecretAccessKey"))


def xml_value(xml, tag):
    start = xml.index(f"<{tag}>") + len(tag) + 2
    return xml[start:xml.index(f"</{tag}>", start)]
