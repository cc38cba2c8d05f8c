#!/usr/bin/env python3
"""Writes examples/medium/config: an SSO-populated config of one organisation with 300 profiles
([default] and 299 SSO profiles over two sso-sessions), as an AWS IAM Identity Center setup would give its engineers. It was generated once
and committed; run it again (python3 generate_medium.py > config) only to change its shape.
Deterministic: the same output on every run."""

ORG = "acme"
# (account name, environment): the roles an account offers depend on its environment.
TEAMS = ["payments", "ledger", "identity", "search", "catalog", "checkout", "shipping", "pricing",
         "reviews", "media", "mobile-api", "web", "analytics", "ml-platform", "data-lake", "etl",
         "notifications", "billing", "support", "crm", "inventory", "warehouse", "fraud", "risk",
         "ads", "recommendations", "streaming", "chat", "maps", "partners", "loyalty", "tax"]
ROLES = {
    "prod": [("admin", "AdministratorAccess"), ("readonly", "ReadOnlyAccess"),
             ("deploy", "Deployer"), ("audit", "SecurityAudit"), ("oncall", "OnCallSupport")],
    "staging": [("admin", "AdministratorAccess"), ("developer", "PowerUserAccess"),
                ("readonly", "ReadOnlyAccess")],
    "dev": [("admin", "AdministratorAccess"), ("developer", "PowerUserAccess"),
            ("readonly", "ReadOnlyAccess")],
}
SHARED = [("security", [("admin", "AdministratorAccess"), ("audit", "SecurityAudit")]),
          ("network", [("admin", "NetworkAdministrator"), ("readonly", "ReadOnlyAccess")]),
          ("logging", [("readonly", "ReadOnlyAccess")]),
          ("sandbox", [("admin", "AdministratorAccess"), ("developer", "PowerUserAccess")])]
REGIONS = ["us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2"]


def main():
    out = ["[default]",
           "region = us-east-1",
           "output = json",
           "",
           f"[sso-session {ORG}]",
           f"sso_start_url = https://{ORG}.awsapps.com/start",
           "sso_region = us-east-1",
           "sso_registration_scopes = sso:account:access",
           "",
           f"[sso-session {ORG}-eu]",
           f"sso_start_url = https://{ORG}-eu.awsapps.com/start",
           "sso_region = eu-central-1",
           "sso_registration_scopes = sso:account:access",
           ""]
    accounts = [(name, roles) for name, roles in SHARED]
    for team in TEAMS:
        for env in ("prod", "staging", "dev"):
            if env == "staging" and TEAMS.index(team) % 2:
                continue  # half the teams have no staging account
            accounts.append((f"{team}-{env}", ROLES[env]))
    count = 1  # [default]
    used = set()
    for number, (account, roles) in enumerate(accounts):
        account_id = f"{100000000000 + number * 7919 + 1:012d}"
        region = REGIONS[number % len(REGIONS)]
        session = f"{ORG}-eu" if region.startswith("eu-") else ORG
        for short, role in roles:
            if count == 300:
                break
            used.add(account)
            out += [f"[profile {ORG}-{account}-{short}]",
                    f"sso_session = {session}",
                    f"sso_account_id = {account_id}",
                    f"sso_role_name = {role}",
                    f"region = {region}"]
            if short == "readonly":
                out.append("output = table")
            out.append("")
            count += 1
    assert count == 300, count
    header = [f"# A medium-sized config: one organisation, {len(used)} accounts, 300 profiles, all but",
              "# [default] through IAM Identity Center (SSO). Generated once by generate_medium.py.", ""]
    print("\n".join(header + out).rstrip("\n"))


if __name__ == "__main__":
    main()
