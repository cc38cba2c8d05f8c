#!/usr/bin/env python3
"""botocore as the oracle of the SSO token cache, run by run_sso.py under each Python that has
botocore (Debian's, whose botocore is the AWS CLI v2's own, and PyPI's).

    botocore_oracle.py token PROFILE        botocore's SSOTokenProvider for PROFILE's sso-session:
                                            loads the cached token, refreshing it when due (and
                                            writing the cache as botocore does); prints
                                            {"sha256": <of the token>, "expiration"}
    botocore_oracle.py credentials PROFILE  the whole credential chain for PROFILE (botocore's
                                            SSOProvider: token, refresh, GetRoleCredentials);
                                            prints {"method", "access_key_prefix"}
    botocore_oracle.py profiles -           every profile botocore reads from AWS_CONFIG_FILE and
                                            AWS_SHARED_CREDENTIALS_FILE, with its SSO settings as
                                            the SSO credential provider would take them; prints
                                            {NAME: {"sso_session", "sso_account_id", "sso_role_name",
                                            "region"}}
    botocore_oracle.py cli-login SESSION    the AWS CLI v2's own `aws sso login` code (do_sso_login,
                                            device code flow) for [sso-session SESSION]; approves
                                            the code on the fake itself; prints {"ok": true}

HOME, AWS_CONFIG_FILE and FAKE_URL (the fake Identity Center) come from the environment; with
ORACLE_AWSCLI=1 the botocore used is the AWS CLI v2's own (awscli.botocore). Every
sso-oidc and sso client botocore creates is pointed at FAKE_URL (the CLI v2.9 botocore has no
AWS_ENDPOINT_URL_* settings); nothing else about botocore is changed.
"""
import hashlib
import json
import os
import sys
import urllib.request

if os.environ.get("ORACLE_AWSCLI"):
    import awscli  # noqa: F401  (makes `botocore` the AWS CLI v2's own, awscli.botocore)
import botocore.session

FAKE_URL = os.environ["FAKE_URL"]
_create_client = botocore.session.Session.create_client


def create_client(self, service_name, *args, **kwargs):
    if service_name in ("sso-oidc", "sso"):
        kwargs["endpoint_url"] = FAKE_URL
    return _create_client(self, service_name, *args, **kwargs)


botocore.session.Session.create_client = create_client


def token(profile):
    from botocore.tokens import SSOTokenProvider
    session = botocore.session.Session(profile=profile)
    frozen = SSOTokenProvider(session).load_token().get_frozen_token()
    expiration = frozen.expiration
    return {"sha256": hashlib.sha256(frozen.token.encode()).hexdigest(),
            "expiration": expiration if isinstance(expiration, str) else expiration.strftime("%Y-%m-%dT%H:%M:%SZ")}


def credentials(profile):
    session = botocore.session.Session(profile=profile)
    creds = session.get_credentials()
    frozen = creds.get_frozen_credentials()
    return {"method": creds.method, "access_key_prefix": frozen.access_key[:4]}


def profiles(_):
    session = botocore.session.Session()
    keys = ("sso_session", "sso_account_id", "sso_role_name", "region")
    return {name: {key: config.get(key) for key in keys}
            for name, config in session.full_config["profiles"].items()}


def approve(**_):
    request = urllib.request.Request(FAKE_URL + "/_control/approve_device", data=b"{}", method="POST")
    urllib.request.build_opener(urllib.request.ProxyHandler({})).open(request, timeout=20).read()


def cli_login(session_name):
    from awscli.customizations.sso.utils import do_sso_login, parse_sso_registration_scopes
    session = botocore.session.Session()
    config = session.full_config["sso_sessions"][session_name]
    scopes = config.get("sso_registration_scopes")
    do_sso_login(session=session, sso_region=config["sso_region"], start_url=config["sso_start_url"],
                 on_pending_authorization=approve, force_refresh=True, session_name=session_name,
                 registration_scopes=parse_sso_registration_scopes(scopes) if scopes else None)
    return {"ok": True}


def main(argv):
    command, name = argv
    result = {"token": token, "credentials": credentials, "profiles": profiles, "cli-login": cli_login}[command](name)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
