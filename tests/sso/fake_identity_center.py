#!/usr/bin/env python3
"""A fake AWS IAM Identity Center for the test suite: the SSO OIDC API and the SSO portal API on one
127.0.0.1 port, standard library only. Wire formats follow botocore's service models (sso-oidc
2019-06-10, sso 2019-06-10, both rest-json): botocore clients talk to it unchanged.

Start it
--------
    fake_identity_center.py serve [--port 0] [--lifetime 600] [--accounts N] [--roles A,B,C]
                                  [--config FILE.json] [--port-file FILE]

It prints its base URL ("http://127.0.0.1:PORT") as the first line of stdout (and into --port-file),
then serves until it gets SIGTERM/SIGINT or its --lifetime (seconds) ends, whichever comes first.
Point both AWS_ENDPOINT_URL_SSO_OIDC and AWS_ENDPOINT_URL_SSO at that URL. --config takes a JSON
object of the settings below (what POST /_control/configure takes), plus "accounts".

From Python, `FakeIdentityCenter(workdir).start()` runs it as a child (under `timeout -s KILL`),
`.url`, `.control(action, **body)`, `.state()`, `.counts()`, `.stop()` (also a context manager).

The APIs served
---------------
OIDC (errors: HTTP status, header x-amzn-ErrorType: <Shape>, body {"error", "error_description"}):
  POST /client/register          RegisterClient {clientName, clientType="public", scopes?, grantTypes?,
                                 redirectUris?, issuerUrl?} -> {clientId, clientSecret,
                                 clientIdIssuedAt, clientSecretExpiresAt}. grantTypes with
                                 "authorization_code" needs loopback redirectUris and an issuerUrl.
  POST /device_authorization     StartDeviceAuthorization {clientId, clientSecret, startUrl} ->
                                 {deviceCode, userCode, verificationUri, verificationUriComplete,
                                 expiresIn, interval}
  GET  /authorize?...            the browser step of the authorization-code flow (response_type=code,
                                 client_id, redirect_uri, state, code_challenge_method=S256,
                                 code_challenge, scopes): answers 302 to redirect_uri with
                                 ?code=..&state=.. (or ?error=access_denied&state=.. when the
                                 "authorize" setting is "deny"), as a user logging in would.
  POST /token                    CreateToken {clientId, clientSecret, grantType, deviceCode? | code,
                                 redirectUri, codeVerifier? | refreshToken?} -> {accessToken,
                                 tokenType, expiresIn, refreshToken?, idToken?}.
      grantType urn:ietf:params:oauth:grant-type:device_code: AuthorizationPendingException
        (authorization_pending) until approved, SlowDownException (slow_down) when polled faster
        than the interval, ExpiredTokenException (expired_token) after expiresIn,
        AccessDeniedException (access_denied) when denied, InvalidGrantException for a used or
        unknown device code.
      grantType authorization_code: the code once, within 10 minutes, for the same client and the
        redirect URI it was issued for; PKCE S256 (base64url(sha256(codeVerifier)) must equal the
        code_challenge), else InvalidGrantException (invalid_grant).
      grantType refresh_token: a live refresh token of the same client, else InvalidGrantException
        (invalid_grant). A new refresh token is returned unless rotate_refresh_tokens is false.
      A wrong clientSecret or an expired registration: InvalidClientException (invalid_client, 401).
Portal (bearer token in header x-amz-sso_bearer_token; errors: x-amzn-ErrorType and {"message"}):
  GET  /federation/credentials?role_name=&account_id=   GetRoleCredentials -> {roleCredentials:
                                 {accessKeyId, secretAccessKey, sessionToken, expiration (ms)}};
                                 403 ForbiddenException for a role not assigned.
  GET  /assignment/accounts?max_result=&next_token=     ListAccounts -> {accountList, nextToken?}
  GET  /assignment/roles?account_id=&max_result=&next_token=   ListAccountRoles -> {roleList,
                                 nextToken?}
  POST /logout                   Logout: the access token (and its refresh token) stop working.
  A missing, unknown, expired or logged-out token: 401 UnauthorizedException. max_result must be
  1..100 (400 InvalidRequestException); a next_token is bound to its operation, account and token
  (another one is InvalidRequestException). Throttling: 429 TooManyRequestsException.

Control interface (JSON bodies; every answer is JSON)
-----------------------------------------------------
  GET  /_control/state           {"counts": {operation: requests}, "pending_devices": [{userCode,
                                 status}], "clients", "access_tokens", "refresh_tokens", "settings"}
  POST /_control/configure       any of the settings (unknown keys are an error):
        access_token_seconds (3600), client_secret_seconds (7776000), device_code_seconds (600),
        interval (1), role_credentials_seconds (3600), default_page_size (20),
        rotate_refresh_tokens (true), return_refresh_token (true; false: CreateToken omits it),
        authorize ("approve" | "deny": what /authorize does), device_decision ("pending" |
        "approve" | "deny": the state of each new device code; "pending" waits for approve_device),
        enforce_interval (true: slow_down when polled too fast), latency_ms (0, every API call)
  POST /_control/accounts        {"accounts": [{"accountId", "accountName", "emailAddress",
                                 "roles": [names]}]} or {"generate": {"count": N, "roles": [names],
                                 "name_prefix": "account-", "first_id": 100000000000}}
  POST /_control/approve_device  {"user_code"?}: approve that (else every) pending device code
  POST /_control/deny_device     {"user_code"?}: deny it (CreateToken then says access_denied)
  POST /_control/inject          {"operation", "status", "error" (the x-amzn-ErrorType),
                                 "message"?, "count" (default 1; -1: until cleared), "drop"?
                                 (true: close the connection without an answer)}; queued per
                                 operation, used before anything else is checked
  POST /_control/rate_limit      {"operation", "per_second", "burst"?}: a token bucket; calls
                                 beyond it get 429 TooManyRequestsException. per_second 0 removes it.
  POST /_control/throttle        {"operation", "fraction"}: answers that share of its calls (0..1, spread
                                 evenly: with 0.25, every fourth) with 429 TooManyRequestsException, as
                                 a busy service does at any rate. fraction 0 removes it.
  POST /_control/clear_faults    removes injections, rate limits and throttles
  POST /_control/expire_access_tokens   every access token issued so far is expired
  POST /_control/revoke_refresh_tokens  every refresh token issued so far is revoked
  POST /_control/expire_clients         every client registration is expired
  POST /_control/issue_token     {"start_url"?, "scopes"?}: registers a client and mints a token as
                                 a finished login would -> {clientId, clientSecret,
                                 clientSecretExpiresAt, accessToken, refreshToken, expiresIn}.
                                 With "cache_dir" (and "start_url", "session"?, "region"?,
                                 "expires_at"?, "registration_expires_at"?, "refresh"? (false: no
                                 refresh token in the file)) it also writes the token file there as
                                 the AWS CLI v2 would (name, key order, times, mode 0600).
  POST /_control/issue_login_session  {"cache_dir", "session", "dpop_key" (PEM), "jwk": [x, y] (the
                                 key's public coordinates, base64url), "expires_at"?, "account_id"?,
                                 "client_id"?}: writes an `aws login` session file there (see below)
  POST /_control/revoke_login_sessions  every sign-in refresh token is revoked
  POST /_control/reset_counters
Operation names (counts, inject, rate_limit): RegisterClient, StartDeviceAuthorization, Authorize,
CreateToken, GetRoleCredentials, ListAccounts, ListAccountRoles, Logout, CreateOAuth2Token.

AWS Sign-In too (the `aws login` session, for AWS_ENDPOINT_URL_SIGNIN): POST /v1/token,
CreateOAuth2Token {clientId, grantType "refresh_token", refreshToken} -> {accessToken
{accessKeyId, secretAccessKey, sessionToken}, tokenType, expiresIn, refreshToken}; the DPoP header's
shape is checked (ES256 JWT, P-256 jwk bound to the session, htm/htu/iat/jti) but not its signature;
a used or revoked refresh token is AccessDeniedException {"error": "TOKEN_EXPIRED"}.

`fake_identity_center.py browse URL` is a stand-in for a browser ($BROWSER): it opens URL, follows
the redirects (the /authorize answer to the loopback callback) and exits 0 on a 2xx.
"""
import argparse
import base64
import hashlib
import http.server
import json
import os
import secrets
import shutil
import signal
import socket
import socketserver
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
KNOWN_GRANTS = {DEVICE_GRANT, "authorization_code", "refresh_token"}
OPERATIONS = ("RegisterClient", "StartDeviceAuthorization", "Authorize", "CreateToken",
              "GetRoleCredentials", "ListAccounts", "ListAccountRoles", "Logout", "CreateOAuth2Token")
DEFAULT_SETTINGS = {
    "access_token_seconds": 3600,
    "client_secret_seconds": 90 * 24 * 3600,
    "device_code_seconds": 600,
    "interval": 1,
    "role_credentials_seconds": 3600,
    "default_page_size": 20,
    "rotate_refresh_tokens": True,
    "return_refresh_token": True,
    "authorize": "approve",
    "device_decision": "pending",
    "enforce_interval": True,
    "latency_ms": 0,
}
CODE_VERIFIER_CHARS = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")


class ApiError(Exception):
    """An error answer: HTTP status, the x-amzn-ErrorType shape, and the body."""

    def __init__(self, status, shape, body):
        super().__init__(shape)
        self.status, self.shape, self.body = status, shape, body


def oidc_error(status, shape, error, description):
    return ApiError(status, shape, {"error": error, "error_description": description})


def portal_error(status, shape, message):
    return ApiError(status, shape, {"message": message})


def unauthorized():
    return portal_error(401, "UnauthorizedException", "Session token not found or invalid")


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


class State:
    """Everything the fake service knows. One lock guards it all; every handler holds it briefly."""

    def __init__(self):
        self.lock = threading.Lock()
        self.settings = dict(DEFAULT_SETTINGS)
        self.accounts = []         # [{"accountId", "accountName", "emailAddress"}], in listing order
        self.roles = {}            # accountId -> [roleName]
        self.clients = {}          # clientId -> registration
        self.devices = {}          # deviceCode -> authorization
        self.codes = {}            # authorization code -> grant
        self.access_tokens = {}    # token -> {"client", "expires", "session", "scopes", "valid"}
        self.refresh_tokens = {}   # token -> {"client", "session", "scopes", "valid"}
        self.sessions = {}         # session id -> logged out?
        self.counts = {op: 0 for op in OPERATIONS}
        self.injected = {}         # operation -> [fault]
        self.buckets = {}          # operation -> [per_second, burst, tokens, last]
        self.throttles = {}        # operation -> [fraction, calls so far]
        self.page_secret = secrets.token_bytes(16)
        self.login_refresh_tokens = {}  # AWS Sign-In: refresh token -> {"client", "jwk", "valid"}
        self.dpop_ids = set()
        self.set_accounts(generated(3, ["AdministratorAccess", "ReadOnly"], "account-", 111111111111))

    # --- control -----------------------------------------------------------------------------

    def configure(self, body):
        unknown = sorted(set(body) - set(DEFAULT_SETTINGS))
        if unknown:
            raise ValueError("unknown settings: " + ", ".join(unknown))
        if "authorize" in body and body["authorize"] not in ("approve", "deny"):
            raise ValueError('authorize must be "approve" or "deny"')
        if "device_decision" in body and body["device_decision"] not in ("pending", "approve", "deny"):
            raise ValueError('device_decision must be "pending", "approve" or "deny"')
        self.settings.update(body)

    def set_accounts(self, accounts):
        self.accounts, self.roles = [], {}
        for a in accounts:
            account_id = str(a["accountId"])
            self.accounts.append({"accountId": account_id, "accountName": a.get("accountName", account_id),
                                  "emailAddress": a.get("emailAddress", f"aws+{account_id}@example.com")})
            self.roles[account_id] = list(a.get("roles", []))

    def fault(self, operation):
        """The next injected fault or throttle for `operation`, or None."""
        queue = self.injected.get(operation)
        if queue:
            fault = queue[0]
            if fault["count"] > 0:
                fault["count"] -= 1
                if fault["count"] == 0:
                    queue.pop(0)
            return fault
        throttle = self.throttles.get(operation)
        if throttle:
            fraction, calls = throttle
            throttle[1] = calls + 1
            if int((calls + 1) * fraction) != int(calls * fraction):
                return {"status": 429, "error": "TooManyRequestsException", "message": "Rate exceeded"}
        bucket = self.buckets.get(operation)
        if bucket:
            per_second, burst, tokens, last = bucket
            now = time.monotonic()
            tokens = min(burst, tokens + (now - last) * per_second)
            if tokens < 1:
                bucket[2:] = [tokens, now]
                return {"status": 429, "error": "TooManyRequestsException", "message": "Too many requests"}
            bucket[2:] = [tokens - 1, now]
        return None

    def new_session(self, client_id, scopes, start_url):
        session = secrets.token_hex(8)
        self.sessions[session] = {"logged_out": False, "start_url": start_url}
        return self.mint(client_id, session, scopes)

    def mint(self, client_id, session, scopes, with_refresh=True):
        """A new access token (and, unless told otherwise, refresh token) for a session."""
        access = "aoa" + secrets.token_urlsafe(24)
        self.access_tokens[access] = {"client": client_id, "session": session, "scopes": scopes,
                                      "expires": time.time() + self.settings["access_token_seconds"],
                                      "valid": True}
        out = {"accessToken": access, "tokenType": "Bearer",
               "expiresIn": int(self.settings["access_token_seconds"])}
        if with_refresh and self.settings["return_refresh_token"]:
            refresh = "aor" + secrets.token_urlsafe(24)
            self.refresh_tokens[refresh] = {"client": client_id, "session": session, "scopes": scopes,
                                            "valid": True}
            out["refreshToken"] = refresh
        return out

    def register(self, name, grant_types, redirect_uris, scopes, issuer_url):
        client_id = "client-" + secrets.token_urlsafe(12)
        secret = "secret-" + secrets.token_urlsafe(24)
        now = int(time.time())
        expires = now + int(self.settings["client_secret_seconds"])
        self.clients[client_id] = {"secret": secret, "expires": expires, "name": name,
                                   "grantTypes": grant_types or [DEVICE_GRANT, "refresh_token"],
                                   "redirectUris": redirect_uris or [], "scopes": scopes or [],
                                   "issuerUrl": issuer_url}
        return {"clientId": client_id, "clientSecret": secret, "clientIdIssuedAt": now,
                "clientSecretExpiresAt": expires}

    def client(self, body):
        """The registration named by clientId/clientSecret, or InvalidClientException."""
        client = self.clients.get(body.get("clientId"))
        if client is None or not secrets.compare_digest(client["secret"], str(body.get("clientSecret"))):
            raise oidc_error(401, "InvalidClientException", "invalid_client", "Invalid client credentials")
        if client["expires"] <= time.time():
            raise oidc_error(401, "InvalidClientException", "invalid_client", "Client registration expired")
        return client

    def bearer(self, token):
        """The live access token, else UnauthorizedException."""
        record = self.access_tokens.get(token) if token else None
        if record is None or not record["valid"] or record["expires"] <= time.time():
            raise unauthorized()
        if self.sessions.get(record["session"], {}).get("logged_out", True):
            raise unauthorized()
        if record["scopes"] and "sso:account:access" not in record["scopes"]:
            raise portal_error(403, "ForbiddenException", "The token's scopes do not grant account access")
        return record

    def page_token(self, operation, scope, token, offset):
        mac = hashlib.sha256(self.page_secret + f"{operation}|{scope}|{token}|{offset}".encode()).digest()
        return b64url(json.dumps([offset, b64url(mac[:12])]).encode())

    def page_offset(self, operation, scope, token, next_token):
        if next_token is None:
            return 0
        try:
            padded = next_token + "=" * (-len(next_token) % 4)
            offset, mac = json.loads(base64.urlsafe_b64decode(padded))
            if self.page_token(operation, scope, token, int(offset)) == next_token:
                return int(offset)
        except (ValueError, TypeError, json.JSONDecodeError):
            pass
        raise portal_error(400, "InvalidRequestException", "Invalid next token")


def cli_time(seconds):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


def write_cache_token(body, registration, token):
    """Writes the token as `aws sso login` (AWS CLI v2) would have: <cache_dir>/<sha1 of the session
    name, or of the start URL>.json, json.dumps in the CLI's key order, 0600 in a 0700 directory.
    expires_at / registration_expires_at (strings) override the times the fake gave."""
    name = body.get("session") or body["start_url"]
    data = {"startUrl": body["start_url"], "region": body.get("region", "us-east-1"),
            "accessToken": token["accessToken"],
            "expiresAt": body.get("expires_at") or cli_time(time.time() + token["expiresIn"]),
            "clientId": registration["clientId"], "clientSecret": registration["clientSecret"],
            "registrationExpiresAt": body.get("registration_expires_at")
            or cli_time(registration["clientSecretExpiresAt"])}
    if "refreshToken" in token and body.get("refresh", True):
        data["refreshToken"] = token["refreshToken"]
    os.makedirs(body["cache_dir"], mode=0o700, exist_ok=True)
    path = os.path.join(body["cache_dir"], hashlib.sha1(name.encode()).hexdigest() + ".json")
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
        f.write(json.dumps(data))


def write_login_session(body, client, refresh):
    """An `aws login` session file: <cache_dir>/<sha256 of the session name>.json, as botocore 1.43
    reads it (accessToken {accessKeyId, secretAccessKey, sessionToken, accountId, expiresAt},
    refreshToken, clientId, dpopKey)."""
    data = {"accessToken": {"accessKeyId": "ASIA" + secrets.token_hex(8).upper(),
                            "secretAccessKey": secrets.token_urlsafe(30),
                            "sessionToken": "IQoJb3JpZ2luX2VjE" + secrets.token_urlsafe(40),
                            "accountId": body.get("account_id", "111122223333"),
                            "expiresAt": body.get("expires_at") or cli_time(time.time() + 900)},
            "tokenType": "aws_sigv4", "refreshToken": refresh, "clientId": client, "dpopKey": body["dpop_key"]}
    os.makedirs(body["cache_dir"], mode=0o700, exist_ok=True)
    path = os.path.join(body["cache_dir"], hashlib.sha256(body["session"].encode()).hexdigest() + ".json")
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
        f.write(json.dumps(data))


def generated(count, roles, prefix, first_id):
    return [{"accountId": "%012d" % (first_id + i), "accountName": f"{prefix}{i + 1}",
             "emailAddress": f"aws+{prefix}{i + 1}@example.com", "roles": list(roles)} for i in range(count)]


def page_size(query, settings):
    raw = query.get("max_result")
    if raw is None:
        return int(settings["default_page_size"])
    try:
        size = int(raw)
    except ValueError:
        raise portal_error(400, "InvalidRequestException", "max_result must be a number") from None
    if not 1 <= size <= 100:
        raise portal_error(400, "InvalidRequestException", "max_result must be between 1 and 100")
    return size


def is_loopback_redirect(uri):
    parsed = urllib.parse.urlsplit(uri)
    return parsed.scheme == "http" and parsed.hostname in ("127.0.0.1", "localhost", "::1")


def same_redirect(registered, used):
    """RFC 8252 7.3: a loopback redirect matches whatever its port."""
    a, b = urllib.parse.urlsplit(registered), urllib.parse.urlsplit(used)
    return (a.scheme, a.hostname, a.path) == (b.scheme, b.hostname, b.path)


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FakeIdentityCenter/1"

    def log_message(self, format, *args):  # quiet
        pass

    def setup(self):
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    # --- plumbing ------------------------------------------------------------------------------

    def send_json(self, status, body, headers=()):
        data = json.dumps(body).encode() if body is not None else b""
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def send_error_answer(self, error):
        self.send_json(error.status, error.body, [("x-amzn-ErrorType", error.shape)])

    def read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def json_body(self):
        raw = self.read_body()
        if not raw:
            return {}
        try:
            body = json.loads(raw)
        except json.JSONDecodeError:
            body = None
        if not isinstance(body, dict):
            raise oidc_error(400, "InvalidRequestException", "invalid_request", "The body is not a JSON object")
        return body

    def route(self, method):
        parsed = urllib.parse.urlsplit(self.path)
        query = {k: v[-1] for k, v in urllib.parse.parse_qs(parsed.query, keep_blank_values=True).items()}
        path = parsed.path
        state = self.server.state
        if path.startswith("/_control/"):
            return self.control(method, path[len("/_control/"):])
        table = {
            ("POST", "/client/register"): ("RegisterClient", self.register_client),
            ("POST", "/device_authorization"): ("StartDeviceAuthorization", self.start_device_authorization),
            ("GET", "/authorize"): ("Authorize", self.authorize),
            ("POST", "/token"): ("CreateToken", self.create_token),
            ("GET", "/federation/credentials"): ("GetRoleCredentials", self.get_role_credentials),
            ("GET", "/assignment/accounts"): ("ListAccounts", self.list_accounts),
            ("GET", "/assignment/roles"): ("ListAccountRoles", self.list_account_roles),
            ("POST", "/logout"): ("Logout", self.logout),
            ("POST", "/v1/token"): ("CreateOAuth2Token", self.create_oauth2_token),
        }
        entry = table.get((method, path))
        if entry is None:
            self.read_body()
            return self.send_json(404, {"message": f"no such operation: {method} {path}"},
                                  [("x-amzn-ErrorType", "UnknownOperationException")])
        operation, handler = entry
        latency = state.settings["latency_ms"]
        if latency:
            time.sleep(latency / 1000.0)
        with state.lock:
            state.counts[operation] += 1
            fault = state.fault(operation)
        if fault is not None:
            self.read_body()
            if fault.get("drop"):
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return None
            body = ({"error": fault.get("oauth_error", "server_error"), "error_description": fault.get("message", "")}
                    if operation in ("RegisterClient", "StartDeviceAuthorization", "CreateToken")
                    else {"message": fault.get("message", fault["error"])})
            return self.send_json(fault["status"], body, [("x-amzn-ErrorType", fault["error"])])
        try:
            status, body, headers = handler(query)
        except ApiError as error:
            return self.send_error_answer(error)
        return self.send_json(status, body, headers)

    def do_GET(self):
        self.route("GET")

    def do_POST(self):
        self.route("POST")

    # --- OIDC ----------------------------------------------------------------------------------

    def register_client(self, _query):
        body = self.json_body()
        state = self.server.state
        for field in ("clientName", "clientType"):
            if not isinstance(body.get(field), str) or not body[field]:
                raise oidc_error(400, "InvalidRequestException", "invalid_request", f"{field} is required")
        if body["clientType"] != "public":
            raise oidc_error(400, "InvalidClientMetadataException", "invalid_client_metadata",
                             "clientType must be public")
        grants = body.get("grantTypes") or []
        unknown = [g for g in grants if g not in KNOWN_GRANTS]
        if unknown:
            raise oidc_error(400, "UnsupportedGrantTypeException", "unsupported_grant_type",
                             "unsupported grant types: " + ", ".join(unknown))
        redirects = body.get("redirectUris") or []
        if "authorization_code" in grants:
            if not redirects or not all(is_loopback_redirect(u) for u in redirects):
                raise oidc_error(400, "InvalidRedirectUriException", "invalid_redirect_uri",
                                 "authorization_code needs loopback redirectUris")
            if not body.get("issuerUrl"):
                raise oidc_error(400, "InvalidRequestException", "invalid_request",
                                 "issuerUrl is required for authorization_code")
        scopes = body.get("scopes") or []
        if any(not isinstance(s, str) or not s.startswith("sso") for s in scopes):
            raise oidc_error(400, "InvalidScopeException", "invalid_scope", "unknown scope")
        with state.lock:
            out = state.register(body["clientName"], grants, redirects, scopes, body.get("issuerUrl"))
        return 200, out, ()

    def start_device_authorization(self, _query):
        body = self.json_body()
        state = self.server.state
        if not body.get("startUrl"):
            raise oidc_error(400, "InvalidRequestException", "invalid_request", "startUrl is required")
        with state.lock:
            client = state.client(body)
            if client["grantTypes"] and DEVICE_GRANT not in client["grantTypes"]:
                raise oidc_error(400, "UnauthorizedClientException", "unauthorized_client",
                                 "the client may not use the device code grant")
            device_code = "dev-" + secrets.token_urlsafe(24)
            user_code = "FAKE-%04d" % (len(state.devices) + 1)  # predictable, for golden tests
            lifetime = int(state.settings["device_code_seconds"])
            interval = int(state.settings["interval"])
            state.devices[device_code] = {
                "client": body["clientId"], "userCode": user_code, "startUrl": body["startUrl"],
                "expires": time.time() + lifetime, "interval": interval, "last_poll": None,
                "status": {"pending": "pending", "approve": "approved", "deny": "denied"}[
                    state.settings["device_decision"]],
                "scopes": client["scopes"]}
        base = f"http://{self.headers.get('Host', '127.0.0.1')}"
        return 200, {"deviceCode": device_code, "userCode": user_code,
                     "verificationUri": base + "/device",
                     "verificationUriComplete": base + "/device?user_code=" + user_code,
                     "expiresIn": lifetime, "interval": interval}, ()

    def authorize(self, query):
        state = self.server.state
        for field in ("response_type", "client_id", "redirect_uri", "state", "code_challenge",
                      "code_challenge_method"):
            if not query.get(field):
                return 400, {"message": f"{field} is required"}, ()
        if query["response_type"] != "code" or query["code_challenge_method"] != "S256":
            return 400, {"message": "response_type must be code and code_challenge_method S256"}, ()
        with state.lock:
            client = state.clients.get(query["client_id"])
            if client is None or "authorization_code" not in client["grantTypes"]:
                return 400, {"message": "unknown client, or not registered for authorization_code"}, ()
            if not any(same_redirect(r, query["redirect_uri"]) for r in client["redirectUris"]):
                return 400, {"message": "redirect_uri was not registered"}, ()
            if state.settings["authorize"] == "deny":
                params = {"error": "access_denied", "state": query["state"]}
            else:
                code = "code-" + secrets.token_urlsafe(24)
                state.codes[code] = {"client": query["client_id"], "redirect": query["redirect_uri"],
                                     "challenge": query["code_challenge"], "expires": time.time() + 600,
                                     "scopes": (query.get("scopes") or "").split() or client["scopes"]}
                params = {"code": code, "state": query["state"]}
        location = query["redirect_uri"] + ("&" if "?" in query["redirect_uri"] else "?") + \
            urllib.parse.urlencode(params)
        return 302, None, [("Location", location)]

    def create_token(self, _query):
        body = self.json_body()
        state = self.server.state
        for field in ("clientId", "clientSecret", "grantType"):
            if not body.get(field):
                raise oidc_error(400, "InvalidRequestException", "invalid_request", f"{field} is required")
        grant = body["grantType"]
        with state.lock:
            client = state.client(body)
            if grant not in KNOWN_GRANTS:
                raise oidc_error(400, "UnsupportedGrantTypeException", "unsupported_grant_type",
                                 f"unsupported grant type {grant}")
            if grant not in client["grantTypes"]:
                raise oidc_error(400, "UnauthorizedClientException", "unauthorized_client",
                                 f"the client may not use {grant}")
            if grant == DEVICE_GRANT:
                return 200, self.device_token(state, body), ()
            if grant == "authorization_code":
                return 200, self.code_token(state, body), ()
            return 200, self.refreshed_token(state, body), ()

    def device_token(self, state, body):
        device = state.devices.get(body.get("deviceCode"))
        if device is None or device["client"] != body["clientId"]:
            raise oidc_error(400, "InvalidGrantException", "invalid_grant", "Invalid device code")
        now = time.time()
        if device["expires"] <= now:
            raise oidc_error(400, "ExpiredTokenException", "expired_token", "Device code expired")
        if device["status"] == "denied":
            raise oidc_error(400, "AccessDeniedException", "access_denied", "Authorization denied")
        if device["status"] == "used":
            raise oidc_error(400, "InvalidGrantException", "invalid_grant", "Device code already used")
        if device["status"] == "pending":
            too_fast = (state.settings["enforce_interval"] and device["last_poll"] is not None
                        and now - device["last_poll"] < device["interval"] - 0.05)
            device["last_poll"] = now
            if too_fast:
                device["interval"] += 5
                raise oidc_error(400, "SlowDownException", "slow_down", "Client is polling too fast")
            raise oidc_error(400, "AuthorizationPendingException", "authorization_pending",
                             "Authorization is pending")
        device["status"] = "used"
        return state.new_session(body["clientId"], device["scopes"], device["startUrl"])

    def code_token(self, state, body):
        grant = state.codes.get(body.get("code"))
        if grant is None or grant["client"] != body["clientId"] or grant.get("used"):
            raise oidc_error(400, "InvalidGrantException", "invalid_grant", "Invalid authorization code")
        if grant["expires"] <= time.time():
            raise oidc_error(400, "ExpiredTokenException", "expired_token", "Authorization code expired")
        if body.get("redirectUri") != grant["redirect"]:
            raise oidc_error(400, "InvalidGrantException", "invalid_grant", "redirectUri does not match")
        verifier = body.get("codeVerifier") or ""
        if not 43 <= len(verifier) <= 128 or not set(verifier) <= CODE_VERIFIER_CHARS:
            raise oidc_error(400, "InvalidRequestException", "invalid_request", "Invalid code_verifier")
        if b64url(hashlib.sha256(verifier.encode()).digest()) != grant["challenge"]:
            raise oidc_error(400, "InvalidGrantException", "invalid_grant", "PKCE verification failed")
        grant["used"] = True
        return state.new_session(body["clientId"], grant["scopes"], None)

    def refreshed_token(self, state, body):
        record = state.refresh_tokens.get(body.get("refreshToken"))
        if record is None or not record["valid"] or record["client"] != body["clientId"] or \
                state.sessions.get(record["session"], {}).get("logged_out", True):
            raise oidc_error(400, "InvalidGrantException", "invalid_grant", "Invalid refresh token")
        # Without rotation the answer has no refresh token: the client keeps using the old one.
        rotate = state.settings["rotate_refresh_tokens"]
        if rotate:
            record["valid"] = False
        return state.mint(body["clientId"], record["session"], record["scopes"], with_refresh=rotate)

    # --- portal --------------------------------------------------------------------------------

    def token(self):
        return self.headers.get("x-amz-sso_bearer_token")

    def get_role_credentials(self, query):
        state = self.server.state
        for field in ("role_name", "account_id"):
            if not query.get(field):
                raise portal_error(400, "InvalidRequestException", f"{field} is required")
        with state.lock:
            state.bearer(self.token())
            if query["role_name"] not in state.roles.get(query["account_id"], ()):
                raise portal_error(403, "ForbiddenException", "No access")
            seconds = state.settings["role_credentials_seconds"]
        return 200, {"roleCredentials": {
            "accessKeyId": "ASIA" + secrets.token_hex(8).upper(),
            "secretAccessKey": secrets.token_urlsafe(30),
            "sessionToken": "IQoJb3JpZ2luX2VjE" + secrets.token_urlsafe(60),
            "expiration": int((time.time() + seconds) * 1000)}}, ()

    def list_accounts(self, query):
        state = self.server.state
        with state.lock:
            token = self.token()
            state.bearer(token)
            size = page_size(query, state.settings)
            offset = state.page_offset("ListAccounts", "", token, query.get("next_token"))
            page = state.accounts[offset:offset + size]
            out = {"accountList": [dict(a) for a in page]}
            if offset + size < len(state.accounts):
                out["nextToken"] = state.page_token("ListAccounts", "", token, offset + size)
        return 200, out, ()

    def list_account_roles(self, query):
        state = self.server.state
        if not query.get("account_id"):
            raise portal_error(400, "InvalidRequestException", "account_id is required")
        account = query["account_id"]
        with state.lock:
            token = self.token()
            state.bearer(token)
            if account not in state.roles:
                raise portal_error(403, "ForbiddenException", "No access")
            size = page_size(query, state.settings)
            offset = state.page_offset("ListAccountRoles", account, token, query.get("next_token"))
            roles = state.roles[account]
            out = {"roleList": [{"roleName": r, "accountId": account} for r in roles[offset:offset + size]]}
            if offset + size < len(roles):
                out["nextToken"] = state.page_token("ListAccountRoles", account, token, offset + size)
        return 200, out, ()

    def logout(self, _query):
        self.read_body()
        state = self.server.state
        with state.lock:
            record = state.bearer(self.token())
            state.sessions[record["session"]]["logged_out"] = True
        return 200, None, ()

    # --- AWS Sign-In (the `aws login` session) ---------------------------------------------------

    def create_oauth2_token(self, _query):
        def refused(status, shape, error, message):
            return ApiError(status, shape, {"error": error, "message": message})
        try:
            body = json.loads(self.read_body() or b"{}")
        except json.JSONDecodeError:
            body = None
        if not isinstance(body, dict) or body.get("grantType") != "refresh_token" or not body.get("clientId"):
            raise refused(400, "ValidationException", "INVALID_REQUEST", "clientId and grantType refresh_token")
        jwk = self.check_dpop()
        state = self.server.state
        with state.lock:
            record = state.login_refresh_tokens.get(body.get("refreshToken"))
            if record is None or not record["valid"] or record["client"] != body["clientId"]:
                raise refused(400, "AccessDeniedException", "TOKEN_EXPIRED", "The refresh token is not valid")
            if record["jwk"] != jwk:
                raise refused(400, "AccessDeniedException", "INVALID_REQUEST", "The DPoP key is not the session's")
            record["valid"] = False
            refresh = "lrt-" + secrets.token_urlsafe(24)
            state.login_refresh_tokens[refresh] = {"client": body["clientId"], "jwk": jwk, "valid": True}
            seconds = int(state.settings["access_token_seconds"])
        return 200, {"accessToken": {"accessKeyId": "ASIA" + secrets.token_hex(8).upper(),
                                     "secretAccessKey": secrets.token_urlsafe(30),
                                     "sessionToken": "IQoJb3JpZ2luX2VjE" + secrets.token_urlsafe(60)},
                     "tokenType": "aws_sigv4", "expiresIn": seconds, "refreshToken": refresh}, ()

    def check_dpop(self):
        """The DPoP proof's shape (RFC 9449): an ES256 JWT whose header carries a P-256 JWK and whose
        payload names this request (htm, htu), is recent (iat) and new (jti). The signature itself
        is not checked here (no ECDSA in the standard library); the unit tests verify it."""
        def bad(why):
            return ApiError(400, "ValidationException", {"error": "INVALID_REQUEST", "message": "DPoP: " + why})
        parts = (self.headers.get("DPoP") or "").split(".")
        if len(parts) != 3:
            raise bad("missing or not a JWT")
        try:
            header, payload = (json.loads(base64.urlsafe_b64decode(p + "=" * (-len(p) % 4))) for p in parts[:2])
            signature = base64.urlsafe_b64decode(parts[2] + "=" * (-len(parts[2]) % 4))
        except (ValueError, json.JSONDecodeError):
            raise bad("not base64url JSON") from None
        jwk = header.get("jwk") or {}
        if header.get("typ") != "dpop+jwt" or header.get("alg") != "ES256" or jwk.get("kty") != "EC" or \
                jwk.get("crv") != "P-256" or len(jwk.get("x", "")) != 43 or len(jwk.get("y", "")) != 43:
            raise bad("the header is not typ dpop+jwt, alg ES256 with a P-256 jwk")
        if len(signature) != 64:
            raise bad("an ES256 signature is 64 bytes")
        url = f"http://{self.headers.get('Host')}/v1/token"
        if payload.get("htm") != "POST" or payload.get("htu") != url:
            raise bad(f"htm/htu do not name POST {url}")
        if not isinstance(payload.get("iat"), int) or abs(payload["iat"] - time.time()) > 300:
            raise bad("iat is not now")
        state = self.server.state
        with state.lock:
            if not payload.get("jti") or payload["jti"] in state.dpop_ids:
                raise bad("jti missing or used before")
            state.dpop_ids.add(payload["jti"])
        return (jwk["x"], jwk["y"])

    # --- control -------------------------------------------------------------------------------

    def control(self, method, action):
        state = self.server.state
        try:
            body = json.loads(self.read_body() or b"{}")
            if not isinstance(body, dict):
                raise ValueError("the body must be a JSON object")
            with state.lock:
                out = self.control_action(state, method, action, body)
        except (ValueError, KeyError, TypeError) as error:
            return self.send_json(400, {"error": f"{action}: {error}"})
        if out is None:
            return self.send_json(404, {"error": f"no control action {method} {action}"})
        return self.send_json(200, out)

    def control_action(self, state, method, action, body):
        if method == "GET" and action == "state":
            return {"counts": dict(state.counts),
                    "pending_devices": [{"userCode": d["userCode"], "status": d["status"]}
                                        for d in state.devices.values()],
                    "clients": len(state.clients), "access_tokens": len(state.access_tokens),
                    "refresh_tokens": sum(1 for r in state.refresh_tokens.values() if r["valid"]),
                    "settings": dict(state.settings)}
        if method != "POST":
            return None
        if action == "configure":
            state.configure(body)
        elif action == "accounts":
            if "generate" in body:
                g = body["generate"]
                state.set_accounts(generated(int(g["count"]), g.get("roles", ["AdministratorAccess"]),
                                             g.get("name_prefix", "account-"), int(g.get("first_id", 100000000000))))
            else:
                state.set_accounts(body["accounts"])
        elif action in ("approve_device", "deny_device"):
            wanted = body.get("user_code")
            changed = 0
            for device in state.devices.values():
                if device["status"] == "pending" and wanted in (None, device["userCode"]):
                    device["status"] = "approved" if action == "approve_device" else "denied"
                    changed += 1
            if not changed:
                raise ValueError("no pending device authorization" + (f" with code {wanted}" if wanted else ""))
            return {"changed": changed}
        elif action == "inject":
            if body.get("operation") not in OPERATIONS:
                raise ValueError("operation must be one of " + ", ".join(OPERATIONS))
            fault = {"status": int(body.get("status", 500)), "error": body.get("error", "InternalServerException"),
                     "message": body.get("message", ""), "count": int(body.get("count", 1)),
                     "drop": bool(body.get("drop", False))}
            if "oauth_error" in body:
                fault["oauth_error"] = body["oauth_error"]
            state.injected.setdefault(body["operation"], []).append(fault)
        elif action == "rate_limit":
            if body.get("operation") not in OPERATIONS:
                raise ValueError("operation must be one of " + ", ".join(OPERATIONS))
            per_second = float(body["per_second"])
            if per_second <= 0:
                state.buckets.pop(body["operation"], None)
            else:
                burst = float(body.get("burst", per_second))
                state.buckets[body["operation"]] = [per_second, burst, burst, time.monotonic()]
        elif action == "throttle":
            if body.get("operation") not in OPERATIONS:
                raise ValueError("operation must be one of " + ", ".join(OPERATIONS))
            fraction = float(body["fraction"])
            if not 0 <= fraction <= 1:
                raise ValueError("fraction must be between 0 and 1")
            if fraction == 0:
                state.throttles.pop(body["operation"], None)
            else:
                state.throttles[body["operation"]] = [fraction, 0]
        elif action == "clear_faults":
            state.injected.clear()
            state.buckets.clear()
            state.throttles.clear()
        elif action == "expire_access_tokens":
            for record in state.access_tokens.values():
                record["expires"] = min(record["expires"], time.time() - 1)
        elif action == "revoke_refresh_tokens":
            for record in state.refresh_tokens.values():
                record["valid"] = False
        elif action == "expire_clients":
            for client in state.clients.values():
                client["expires"] = min(client["expires"], int(time.time()) - 1)
        elif action == "issue_token":
            scopes = body.get("scopes") or []
            grants = [DEVICE_GRANT, "refresh_token"]
            registration = state.register("fake-issued", grants, [], scopes, None)
            token = state.new_session(registration["clientId"], scopes, body.get("start_url"))
            if "cache_dir" in body:
                write_cache_token(body, registration, token)
            return {**registration, **token}
        elif action == "issue_login_session":
            client = body.get("client_id", "arn:aws:signin:::devtools/same-device")
            refresh = "lrt-" + secrets.token_urlsafe(24)
            state.login_refresh_tokens[refresh] = {"client": client, "jwk": tuple(body["jwk"]), "valid": True}
            write_login_session(body, client, refresh)
            return {"refreshToken": refresh}
        elif action == "revoke_login_sessions":
            for record in state.login_refresh_tokens.values():
                record["valid"] = False
        elif action == "reset_counters":
            state.counts = {op: 0 for op in OPERATIONS}
        else:
            return None
        return {"ok": True}


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, port, state):
        super().__init__(("127.0.0.1", port), Handler)
        self.state = state


def serve(args):
    state = State()
    if args.accounts is not None:
        state.set_accounts(generated(args.accounts, args.roles.split(","), "account-", 100000000000))
    if args.config:
        with open(args.config, encoding="utf-8") as f:
            config = json.load(f)
        if "accounts" in config:
            state.set_accounts(config.pop("accounts"))
        state.configure(config)
    server = Server(args.port, state)
    url = f"http://127.0.0.1:{server.server_address[1]}"
    if args.port_file:
        with open(args.port_file + ".tmp", "w", encoding="utf-8") as f:
            f.write(url + "\n")
        os.replace(args.port_file + ".tmp", args.port_file)
    print(url, flush=True)
    # The stop signals are blocked before any thread starts, and so in every thread, and the main
    # thread waits for them. A Python handler would not do: the kernel may deliver the signal to the
    # serving thread, and then nothing wakes a main thread blocked in a wait until its timeout (the
    # test drivers then waited 5 s for it to stop, and killed it: measured in most runs of four
    # golden SSO cases side by side).
    stop_signals = {signal.SIGTERM, signal.SIGINT}
    signal.pthread_sigmask(signal.SIG_BLOCK, stop_signals)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
    thread.start()
    signal.sigtimedwait(stop_signals, args.lifetime)
    server.shutdown()
    server.server_close()
    return 0


def browse(url):
    """What a browser does with the authorization URL: open it and follow the redirects."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=20) as response:
            response.read()
            return 0 if 200 <= response.status < 300 else 1
    except (urllib.error.URLError, OSError) as error:
        print(f"browse: {url}: {error}", file=sys.stderr)
        return 1


class FakeIdentityCenter:
    """Runs the fake as a child process, for test drivers (standard library only)."""

    def __init__(self, workdir, lifetime=600, accounts=None, roles=None, config=None):
        self.workdir, self.lifetime = workdir, lifetime
        self.accounts, self.roles, self.config = accounts, roles, config
        self.proc = None
        self.url = None
        self.opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def start(self):
        cmd = [sys.executable, os.path.abspath(__file__), "serve", "--lifetime", str(self.lifetime)]
        if self.accounts is not None:
            cmd += ["--accounts", str(self.accounts), "--roles", ",".join(self.roles or ["AdministratorAccess"])]
        if self.config is not None:
            path = os.path.join(self.workdir, "fake-identity-center.json")
            with open(path, "w", encoding="utf-8") as f:
                json.dump(self.config, f)
            cmd += ["--config", path]
        if shutil.which("timeout"):
            cmd = ["timeout", "-s", "KILL", str(self.lifetime + 5)] + cmd
        log = open(os.path.join(self.workdir, "fake-identity-center.log"), "wb")
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=log, stdin=subprocess.DEVNULL,
                                     start_new_session=True)
        line = self.proc.stdout.readline().decode().strip()
        if not line.startswith("http://"):
            self.stop()
            raise RuntimeError(f"the fake Identity Center did not start; see {log.name}")
        self.url = line
        return self

    def control(self, action, **body):
        method = "GET" if action == "state" else "POST"
        data = None if method == "GET" else json.dumps(body).encode()
        request = urllib.request.Request(f"{self.url}/_control/{action}", data=data, method=method)
        try:
            with self.opener.open(request, timeout=20) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as error:
            raise RuntimeError(f"control {action}: HTTP {error.code}: {error.read()[:300]!r}") from None

    def state(self):
        return self.control("state")

    def counts(self):
        return self.state()["counts"]

    def stop(self):
        if self.proc is None or self.proc.poll() is not None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=5)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait(timeout=5)

    def __enter__(self):
        return self.start()

    def __exit__(self, *_):
        self.stop()


def main(argv):
    parser = argparse.ArgumentParser(description="A fake IAM Identity Center (SSO OIDC and portal).")
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("serve", help="serve on 127.0.0.1")
    s.add_argument("--port", type=int, default=0)
    s.add_argument("--lifetime", type=float, default=600, help="seconds before it exits by itself")
    s.add_argument("--accounts", type=int, help="generate this many accounts")
    s.add_argument("--roles", default="AdministratorAccess", help="the roles of each generated account")
    s.add_argument("--config", help="a JSON file of settings (and accounts)")
    s.add_argument("--port-file", help="write the base URL here once listening")
    b = sub.add_parser("browse", help="open a URL as a browser would (a $BROWSER stand-in)")
    b.add_argument("url")
    args = parser.parse_args(argv)
    if args.command == "serve":
        return serve(args)
    return browse(args.url)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
