#!/usr/bin/env python3
"""A stand-in STS endpoint for the onboarding test: answers GetCallerIdentity for any request
signed with SigV4 (the signature itself is not checked), and an AccessDenied error otherwise.

    fake_sts.py PORT_FILE [LIFETIME_SECONDS]

Binds 127.0.0.1 on a free port, writes the port to PORT_FILE, and exits after LIFETIME_SECONDS
(default 120) so it never outlives a killed test. Standard library only.
"""
import http.server
import os
import sys
import threading
import urllib.parse

ACCOUNT = "123456789012"
IDENTITY = f"""<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult>
    <Arn>arn:aws:iam::{ACCOUNT}:user/onboarding</Arn>
    <UserId>AIDAONBOARDINGTEST00</UserId>
    <Account>{ACCOUNT}</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ResponseMetadata>
</GetCallerIdentityResponse>
"""
DENIED = """<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error><Type>Sender</Type><Code>AccessDenied</Code><Message>not signed</Message></Error>
  <RequestId>00000000-0000-0000-0000-000000000001</RequestId>
</ErrorResponse>
"""


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        form = urllib.parse.parse_qs(self.rfile.read(length).decode("utf-8", "replace"))
        signed = self.headers.get("Authorization", "").startswith("AWS4-HMAC-SHA256 ")
        ok = signed and form.get("Action") == ["GetCallerIdentity"]
        body = (IDENTITY if ok else DENIED).encode()
        self.send_response(200 if ok else 403)
        self.send_header("Content-Type", "text/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def main():
    port_file = sys.argv[1]
    lifetime = float(sys.argv[2]) if len(sys.argv) > 2 else 120
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Timer(lifetime, server.shutdown).start()
    with open(port_file + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    os.replace(port_file + ".tmp", port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
