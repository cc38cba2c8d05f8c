#!/usr/bin/env python3
"""Writes the labelled corpus for the secret scanner's precision and recall (tests/scan/corpus).

Usage: make_corpus.py [OUTDIR]   (default: the corpus/ directory beside this script)

Writes OUTDIR/files/<type>/... and OUTDIR/labels.tsv, deterministically (fixed seed), so the
committed corpus can be regenerated and reviewed as a diff. Every value is made up: key ids are
random base32 after a real prefix, secrets random base64, session tokens random base64 behind the
framing that real STS tokens start with (or none at all, for the "opaque" ones). None of them ever
authenticated anywhere.

The files are written the way credentials really end up in each kind of file (env files, YAML,
JSON, Terraform, CloudFormation, notebooks, Python/JS/TS/Go/Java/C#, shell, Dockerfile, Makefile,
XML, CSV, Markdown, INI, UTF-16), with decoys beside them: placeholders, documentation values,
hashes, other vendors' secrets, names of secrets, words that start like a key id.

labels.tsv has one line per item: path, line, column (1-based; the column counts the bytes of the
line in UTF-8, for UTF-16 files in their UTF-8 decoding), label, note. The label is the kind a
scanner must report (key-id, secret-key, session-token) or, for a decoy, "decoy-" and the kind it
imitates. A decoy's place is where its value starts.
"""

import os
import random
import re
import string
import sys
import urllib.parse

B32 = string.ascii_uppercase + "234567"
B64 = string.ascii_letters + string.digits + "/+"
HEX = "0123456789abcdef"

# ---- Values.


def key_id(rng, prefix=None):
    if prefix is None:
        prefix = rng.choices(
            ["AKIA", "ASIA", "ABIA", "ACCA", "AIDA", "AROA", "AGPA", "AIPA", "ANPA", "ANVA", "APKA", "ASCA", "A3T"],
            weights=[40, 30, 4, 4, 4, 4, 2, 2, 2, 2, 2, 2, 2])[0]
    if prefix == "A3T":
        prefix += rng.choice(string.ascii_uppercase + string.digits)
    return prefix + "".join(rng.choice(B32) for _ in range(16))


def secret(rng):
    return "".join(rng.choice(B64) for _ in range(40))


def token(rng, style=None):
    """A session token. Real STS tokens are base64 of a protobuf-like blob whose first field names
    the issuer ("origin_ec" today, "er/aws" or "aws" in older ones); "opaque" ones have no framing."""
    style = style or rng.choices(["modern", "older", "oldest", "opaque"], weights=[70, 12, 6, 12])[0]
    length = rng.randint(320, 1100)
    if style == "modern":
        head = rng.choice(["IQoJb3JpZ2luX2Vj", "IQoJb3JpZ2luX2VjE", "IgoJb3JpZ2luX2Vj"])
        head += rng.choice(["EJr//////////", "ELz//////////", "EN7//////////", "EGMa"])
    elif style == "older":
        head = rng.choice(["FwoGZXIvYXdzE", "FQoGZXIvYXdzE"]) + rng.choice(["Ej", "DB", "Lz"])
    elif style == "oldest":
        head = "AQoDYXdzE" + rng.choice(["Pj", "Jr", "GM"])
    else:
        head = ""
    body = "".join(rng.choice(B64) for _ in range(length - len(head)))
    value = head + body
    # Base64 of whole bytes: padded to a multiple of 4.
    while len(value) % 4:
        value = value[:-1]
    if rng.random() < 0.3:
        value = value[:-1] + "="
    return value


def encode(value, how):
    if how == "slash":  # JSON with escaped slashes (PHP json_encode, some serialisers)
        return value.replace("/", "\\/")
    if how == "url":  # form or query string encoding
        return urllib.parse.quote(value, safe="")
    return value


# ---- Decoys: (label kind, value).


def words_key_id(rng):
    """20 capital letters that start like a key id but are words (an enum, a team, a region)."""
    return rng.choice(["ASIAPACIFICEXPANSION", "ASIANMARKETSOVERVIEW", "AROAMINGCHARGESTEAMS", "AKIADOCUMENTATIONSET",
                       "AIDANDSUPPORTSCHEMES", "ASIAOCEANIAREGIONALS", "ANVAULTMIGRATIONPLAN", "ASIAEUROPEMEETINGSUM",
                       "ACCASUPPORTTICKETSEU", "AGPARTNERSHIPREVIEWS"])


def placeholder_key_id(rng):
    prefix = rng.choice(["AKIA", "ASIA"])
    kind = rng.randrange(6)
    if kind == 0:
        return prefix + "X" * 16
    if kind == 1:
        return prefix + prefix[-1] * 16
    if kind == 2:  # masked, last four shown
        return prefix + "X" * 12 + "".join(rng.choice(B32) for _ in range(4))
    if kind == 3:
        return prefix + "ABCDEFGHIJKLMNOP"
    if kind == 4:
        return prefix + "YOURACCESSKEYID2"
    return prefix + "Y" * 8 + "Z" * 8


def example_key_id(rng):
    tail = "".join(rng.choice(B32) for _ in range(9))
    at = rng.randrange(0, 10)
    return (rng.choice(["AKIA", "ASIA"]) + tail[:at] + "EXAMPLE" + tail[at:])[:20]


def example_secret(rng):
    tail = "".join(rng.choice(B64) for _ in range(33))
    at = rng.randrange(5, 30)
    return tail[:at] + "EXAMPLE" + tail[at:]


def placeholder_secret(rng):
    return rng.choice([
        "X" * 40,
        "abcdefghijklmnopqrstuvwxyz0123456789ABCD",
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmn",
        "0123456789abcdefghijABCDEFGHIJ0123456789",
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "SECRETSECRETSECRETSECRETSECRETSECRETSECR",
        "YourSecretAccessKeyGoesHere0000000000000",
        "aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789aBcD",
    ])


def secret_name_value(rng):
    """40-character values that name a secret rather than being one."""
    return rng.choice([
        "prod/Payments/StripeApiKeyForCheckoutSvc",
        "staging/orders/DatabaseMasterUserSecrets",
        "shared/platform/GithubAppPrivateKeyPemFile"[:40],
        "teamAnalyticsWarehouseReadOnlyCredential",
        "/ecs/billing/ReportingServiceApiPassword",
        "dev/Search/OpenSearchMasterUserPasswords",
        "ProductionLedgerServiceTokenEncryptionKey"[:40],
    ])


def hex40(rng):
    return "".join(rng.choice(HEX) for _ in range(40))


def hex40_upper(rng):
    return hex40(rng).upper()


def placeholder_token(rng):
    return rng.choice(["TOKEN" * 40, "x" * 300, "SESSIONTOKEN" * 20, "AQoDYXdzEXAMPLE" + "A" * 200,
                       "IQoJb3JpZ2luX2VjEXAMPLETOKEN" + "EXAMPLE" * 30])


def docs_token(rng):
    # The shape of the STS documentation's sample token: EXAMPLE inside.
    body = "".join(rng.choice(B64) for _ in range(rng.randint(250, 400)))
    return "AQoDYXdzEPT//////////wEXAMPLE" + body + "=="


def jwt(rng):
    def seg(n):
        return "".join(rng.choice(string.ascii_letters + string.digits + "-_") for _ in range(n))
    return "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9." + "eyJ" + seg(rng.randint(150, 300)) + "." + seg(86)


def base64_blob(rng, n=None):
    n = n or rng.randint(200, 600)
    return "".join(rng.choice(B64) for _ in range(n)) + "=="


def github_token(rng):
    return "ghp_" + "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(36))


def azure_secret(rng):
    return "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(3)) + "8Q~" + \
        "".join(rng.choice(string.ascii_letters + string.digits + "~._-") for _ in range(34))


def google_oauth_secret(rng):
    return "GOCSPX-" + "".join(rng.choice(string.ascii_letters + string.digits + "-_") for _ in range(28))


def django_secret(rng):
    return "django-insecure-" + "".join(rng.choice(string.ascii_lowercase + string.digits + "!@#$%^&*(-_=+)")
                                        for _ in range(50))


def identifier40(rng):
    return rng.choice(["SecretsManagerCredentialProviderFactory2"[:40],
                       "AwsSecretAccessKeyEnvironmentVariableName"[:40],
                       "sessionTokenRefreshSchedulerConfigurator"[:40],
                       "SecretKeySpecificationBuilderForAesGcmV2"[:40]])


def imds_token(rng):
    # An IMDSv2 metadata token: not an STS session token.
    return "AQAEA" + "".join(rng.choice(B64) for _ in range(51)) + "=="


def sha_integrity(rng):
    return "sha512-" + "".join(rng.choice(B64) for _ in range(86)) + "=="


DECOYS = {
    "words": ("key-id", words_key_id),
    "placeholder-id": ("key-id", placeholder_key_id),
    "example-id": ("key-id", example_key_id),
    "lower-id": ("key-id", lambda rng: key_id(rng).lower()),
    "long-id": ("key-id", lambda rng: key_id(rng) + rng.choice(B32)),
    "example-secret": ("secret-key", example_secret),
    "placeholder-secret": ("secret-key", placeholder_secret),
    "secret-name": ("secret-key", secret_name_value),
    "hex40": ("secret-key", hex40),
    "HEX40": ("secret-key", hex40_upper),
    "identifier40": ("secret-key", identifier40),
    "github": ("secret-key", github_token),
    "azure": ("secret-key", azure_secret),
    "google": ("secret-key", google_oauth_secret),
    "django": ("secret-key", django_secret),
    "secret41": ("secret-key", lambda rng: secret(rng) + rng.choice(B64)),
    "secret39": ("secret-key", lambda rng: secret(rng)[:39]),
    "placeholder-token": ("session-token", placeholder_token),
    "docs-token": ("session-token", docs_token),
    "jwt": ("session-token", jwt),
    "blob": ("session-token", base64_blob),
    "imds-token": ("session-token", imds_token),
    "integrity": ("session-token", sha_integrity),
    "short-token": ("session-token", lambda rng: token(rng, "modern")[:90]),
}

# ---- Templates. {K}, {S}, {T}: a key id, secret key, session token to find; {K:ASIA}: with that
# prefix; {S|slash}, {S|url}, {T|url}: encoded; {T:opaque} etc.: a token style; {d:NAME}: a decoy
# from DECOYS; {t:TEXT}: a fixed decoy value (label from the text's shape). {{ and }} are braces.

PLACEHOLDER = re.compile(r"\{(K|S|T|d|dk|ds|dt)(?::([^}|]*))?(?:\|([a-z]+))?\}")


class FileWriter:
    def __init__(self, rng):
        self.rng = rng
        self.parts = []
        self.items = []  # (offset, label, note)
        self.size = 0

    def text(self, text):
        self.parts.append(text)
        self.size += len(text)

    def value(self, value, label, note):
        self.items.append((self.size, label, note))
        self.text(value)

    def render(self, template):
        template = template.replace("{{", "\x01").replace("}}", "\x02")
        pos = 0
        for match in PLACEHOLDER.finditer(template):
            self.text(template[pos:match.start()].replace("\x01", "{").replace("\x02", "}"))
            pos = match.end()
            what, arg, how = match.group(1), match.group(2), match.group(3)
            rng = self.rng
            if what == "K":
                self.value(encode(key_id(rng, arg or None), how), "key-id", arg or "")
            elif what == "S":
                self.value(encode(secret(rng), how), "secret-key", how or "")
            elif what == "T":
                self.value(encode(token(rng, arg or None), how), "session-token", (arg or "") + (how or ""))
            elif what == "d":
                label, make = DECOYS[arg]
                self.value(encode(make(rng), how), "decoy-" + label, arg)
            else:  # a fixed decoy text: dk, ds, dt
                label = {"dk": "key-id", "ds": "secret-key", "dt": "session-token"}[what]
                self.value(arg, "decoy-" + label, "fixed")
        self.text(template[pos:].replace("\x01", "{").replace("\x02", "}"))

    def content(self):
        return "".join(self.parts)


# Each type: (directory, [file names], header, [snippets], [filler lines]).

ENV = ("env", [".env", ".env.local", ".env.production", "deploy.env", ".envrc", "ci/secrets.env", "app/.env.test",
               "docker/.env"], "", [
    "AWS_ACCESS_KEY_ID={K}\nAWS_SECRET_ACCESS_KEY={S}\nAWS_DEFAULT_REGION=us-east-1\n",
    "export AWS_ACCESS_KEY_ID=\"{K}\"\nexport AWS_SECRET_ACCESS_KEY=\"{S}\"\nexport AWS_SESSION_TOKEN=\"{T}\"\n",
    "AWS_SK={S}\nAWS_AK={K}\n",
    "S3_ACCESS_KEY={K}\nS3_PRIVATE_KEY={S}\nS3_BUCKET=uploads-prod\n",
    "aws_key={S}\n",
    "AWS_SECRET={S}\n",
    "MINIO_ROOT_USER=admin\nSTORAGE_S3_KEY_ID={K}\nSTORAGE_S3_SECRET={S}\n",
    "BACKUP_AWS_ACCESS_KEY_ID='{K}'\nBACKUP_AWS_SECRET_ACCESS_KEY='{S}'\n",
    "AWS_ACCESS_KEY_ID = {K}\nAWS_SECRET_ACCESS_KEY = {S}\n",
    "AWS_SESSION_TOKEN={T}\n",
    "AWS_SECURITY_TOKEN={T}\n",
    "# decoys\nAWS_ACCESS_KEY_ID={d:placeholder-id}\nAWS_SECRET_ACCESS_KEY={d:placeholder-secret}\n",
    "AWS_ACCESS_KEY_ID={d:example-id}\nAWS_SECRET_ACCESS_KEY={d:example-secret}\n",
    "SECRET_NAME={d:secret-name}\nGIT_SHA={d:hex40}\n",
    "GITHUB_TOKEN={d:github}\nAZURE_CLIENT_SECRET={d:azure}\n",
    "GOOGLE_CLIENT_SECRET={d:google}\nSESSION_SECRET={d:hex40}\n",
    "AWS_SECRET_ACCESS_KEY=${{VAULT_AWS_SECRET}}\nAWS_SESSION_TOKEN={d:placeholder-token}\n",
    "APP_SESSION_TOKEN={d:jwt}\n",
    "AWS_ACCESS_KEY_ID={dk:AKIAIOSFODNN7EXAMPLE}\nAWS_SECRET_ACCESS_KEY={ds:wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY}\n",
    "TEAM_CHANNEL={d:words}\n",
], ["NODE_ENV=production", "LOG_LEVEL=debug", "DATABASE_URL=postgres://app@db:5432/app", "PORT=8080",
    "AWS_REGION=eu-west-1", "REDIS_URL=redis://cache:6379/0", "FEATURE_FLAGS=search,checkout"])

YAML = ("yaml", ["docker-compose.yml", "k8s/deployment.yaml", ".github/workflows/deploy.yml", "serverless.yml",
                 "ansible/group_vars/all.yml", "config/application.yml", "helm/values.yaml", ".gitlab-ci.yml",
                 "k8s/secret.yaml"], "", [
    "services:\n  app:\n    image: app:latest\n    environment:\n      - AWS_ACCESS_KEY_ID={K}\n      - AWS_SECRET_ACCESS_KEY={S}\n",
    "    environment:\n      AWS_ACCESS_KEY_ID: {K}\n      AWS_SECRET_ACCESS_KEY: {S}\n      AWS_SESSION_TOKEN: {T}\n",
    "        env:\n        - name: AWS_ACCESS_KEY_ID\n          value: \"{K}\"\n        - name: AWS_SECRET_ACCESS_KEY\n          value: \"{S}\"\n",
    "cloud:\n  aws:\n    credentials:\n      access-key: {K}\n      secret-key: {S}\n",
    "aws_access_key: \"{K}\"\naws_secret_key: \"{S}\"\nsecurity_token: \"{T}\"\n",
    "s3:\n  access_key_id:     {K}\n  secret_access_key:               {S}\n",
    "      - name: Configure AWS\n        env:\n          AWS_ACCESS_KEY_ID: '{K}'\n          AWS_SECRET_ACCESS_KEY: '{S}'\n",
    "provider:\n  name: aws\n  environment:\n    S3_SECRET: {S}\n",
    "minio:\n  accessKey: {K}\n  secretKey: {S}\n",
    "backup:\n  awsKey: {S}\n  awsKeyId: {K}\n",
    "data:\n  AWS_SECRET_ACCESS_KEY: {S}\n",
    "        - name: AWS_SESSION_TOKEN\n          value: {T}\n",
    "      secretKeyRef:\n        name: aws-credentials\n        key: AWS_SECRET_ACCESS_KEY\n",
    "secretName: {d:secret-name}\n",
    "commit: {d:hex40}\n",
    "aws_access_key_id: {d:placeholder-id}\naws_secret_access_key: {d:placeholder-secret}\n",
    "id_token: {d:jwt}\n",
    "session_token: {d:placeholder-token}\n",
    "team: {d:words}\n",
    "checksum: {d:HEX40}\n",
    "access_key: {d:lower-id}\n",
], ["replicas: 2", "  resources:", "    limits:", "      memory: 512Mi", "restartPolicy: Always", "region: us-east-1",
    "  ports:", "    - 8080:8080", "  labels:", "    app: web"])

JSON = ("json", ["sts-assume-role.json", "create-access-key.json", "imds-credentials.json", "task-definition.json",
                 "credential-process.json", "appsettings.json", "webhook-body.json", "package-lock.json",
                 "php-export.json", "cognito.json"], "", [
    "{{\n  \"Credentials\": {{\n    \"AccessKeyId\": \"{K:ASIA}\",\n    \"SecretAccessKey\": \"{S}\",\n    \"SessionToken\": \"{T}\",\n    \"Expiration\": \"2031-04-01T10:00:00Z\"\n  }}\n}}\n",
    "{{\n    \"AccessKey\": {{\n        \"UserName\": \"ci\",\n        \"AccessKeyId\": \"{K:AKIA}\",\n        \"Status\": \"Active\",\n        \"SecretAccessKey\": \"{S}\"\n    }}\n}}\n",
    "{{\n  \"Code\" : \"Success\",\n  \"LastUpdated\" : \"2030-01-01T00:00:00Z\",\n  \"Type\" : \"AWS-HMAC\",\n  \"AccessKeyId\" : \"{K:ASIA}\",\n  \"SecretAccessKey\" : \"{S}\",\n  \"Token\" : \"{T}\",\n  \"Expiration\" : \"2030-01-01T06:00:00Z\"\n}}\n",
    "{{\"environment\": [{{\"name\": \"AWS_ACCESS_KEY_ID\", \"value\": \"{K}\"}}, {{\"name\": \"AWS_SECRET_ACCESS_KEY\", \"value\": \"{S}\"}}]}}\n",
    "{{\"Version\": 1, \"AccessKeyId\": \"{K}\", \"SecretAccessKey\": \"{S}\", \"SessionToken\": \"{T}\"}}\n",
    "{{\n  \"AWS\": {{\n    \"AccessKey\": \"{K}\",\n    \"SecretKey\": \"{S}\",\n    \"Region\": \"eu-west-1\"\n  }}\n}}\n",
    "{{\"body\": \"{{\\\"AccessKeyId\\\":\\\"{K}\\\",\\\"SecretAccessKey\\\":\\\"{S}\\\"}}\"}}\n",
    "{{\"aws_secret\":\"{S|slash}\",\"aws_key\":\"{K}\"}}\n",
    "{{\"message\": \"{{\\\"SessionToken\\\": \\\"{T|slash}\\\"}}\"}}\n",
    "{{\"Credentials\": {{\"AccessKeyId\": \"{K:ASIA}\", \"SecretKey\": \"{S}\", \"SessionToken\": \"{T}\"}}}}\n",
    "{{\"integrity\": \"{d:integrity}\", \"resolved\": \"https://registry.npmjs.org/x/-/x-1.0.0.tgz\"}}\n",
    "{{\"SecretId\": \"{d:secret-name}\", \"VersionStage\": \"AWSCURRENT\"}}\n",
    "{{\"sha\": \"{d:hex40}\", \"tree\": {{\"sha\": \"{d:hex40}\"}}}}\n",
    "{{\"AccessKeyId\": \"{d:placeholder-id}\", \"SecretAccessKey\": \"{d:placeholder-secret}\", \"SessionToken\": \"{d:placeholder-token}\"}}\n",
    "{{\"SessionToken\": \"{d:docs-token}\"}}\n",
    "{{\"id_token\": \"{d:jwt}\", \"token_type\": \"Bearer\"}}\n",
    "{{\"thumbnail\": \"data:image/png;base64,{d:blob}\"}}\n",
    "{{\"RoleId\": \"{K:AROA}\", \"Arn\": \"arn:aws:iam::210987654321:role/deploy\"}}\n",
    "{{\"UserId\": \"{K:AIDA}\", \"UserName\": \"ci\"}}\n",
    "{{\"region\": \"{d:words}\"}}\n",
    "{{\"client_secret\": \"{d:google}\"}}\n",
], [])

TERRAFORM = ("terraform", ["main.tf", "providers.tf", "backend.tf", "terraform.tfvars", "modules/s3/variables.tf",
                           "envs/prod.auto.tfvars"], "", [
    "provider \"aws\" {{\n  region     = \"us-east-1\"\n  access_key = \"{K}\"\n  secret_key = \"{S}\"\n}}\n",
    "provider \"aws\" {{\n  alias      = \"ops\"\n  access_key = \"{K:ASIA}\"\n  secret_key = \"{S}\"\n  token      = \"{T}\"\n}}\n",
    "aws_access_key                  = \"{K}\"\naws_secret_key                  = \"{S}\"\n",
    "terraform {{\n  backend \"s3\" {{\n    bucket     = \"tf-state\"\n    access_key = \"{K}\"\n    secret_key = \"{S}\"\n  }}\n}}\n",
    "variable \"aws_secret_key\" {{\n  type    = string\n  default = \"{S}\"\n}}\n",
    "locals {{\n  aws_creds = {{\n    id     = \"{K}\"\n    secret = \"{S}\"\n  }}\n}}\n",
    "secret_key = var.aws_secret_key\n",
    "kms_key_id = \"arn:aws:kms:us-east-1:210987654321:key/{d:hex40}\"\n",
    "access_key = \"{d:placeholder-id}\"\nsecret_key = \"{d:example-secret}\"\n",
    "name = \"{d:secret-name}\"\n",
    "etag = \"{d:hex40}\"\n",
    "tags = {{\n  Team = \"{d:words}\"\n}}\n",
], ["resource \"aws_s3_bucket\" \"logs\" {", "  bucket = \"logs-example\"", "}", "  acl    = \"private\"",
    "output \"bucket\" {", "  value = aws_s3_bucket.logs.id"])

CLOUDFORMATION = ("cloudformation", ["template.yaml", "stack.json", "pipeline.yml", "lambda.yaml"], "", [
    "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Environment:\n        Variables:\n          AWS_KEY_ID: {K}\n          AWS_SECRET_KEY: {S}\n",
    "Parameters:\n  AccessKeySecret:\n    Type: String\n    NoEcho: true\n    Default: {S}\n",
    "\"Environment\": {{\"Variables\": {{\"S3_ACCESS_KEY_ID\": \"{K}\", \"S3_SECRET_ACCESS_KEY\": \"{S}\"}}}}\n",
    "      ContainerDefinitions:\n        - Environment:\n            - Name: AWS_SECRET_ACCESS_KEY\n              Value: {S}\n            - Name: AWS_ACCESS_KEY_ID\n              Value: {K}\n",
    "Outputs:\n  SecretKey:\n    Value: !GetAtt AccessKey.SecretAccessKey\n",
    "  DbSecret:\n    Type: AWS::SecretsManager::Secret\n    Properties:\n      Name: {d:secret-name}\n",
    "      ImageId: ami-0abcdef1234567890\n      SecretArn: !Ref DbSecret\n",
    "  Bucket:\n    Properties:\n      Tags:\n        - Key: team\n          Value: {d:words}\n",
    "\"Default\": \"{d:placeholder-secret}\"\n",
    "      SessionToken: {T}\n",
], ["AWSTemplateFormatVersion: '2010-09-09'", "Description: app stack", "  Type: AWS::S3::Bucket",
    "    DeletionPolicy: Retain"])

NOTEBOOK = ("notebooks", ["analysis.ipynb", "etl.ipynb", "explore.ipynb", "s3-debug.ipynb"],
            "{{\n \"cells\": [\n", [
    "  {{\n   \"cell_type\": \"code\",\n   \"metadata\": {{}},\n   \"source\": [\n    \"import boto3\\n\",\n    \"s3 = boto3.client('s3', aws_access_key_id='{K}', aws_secret_access_key='{S}')\\n\"\n   ]\n  }},\n",
    "  {{\n   \"cell_type\": \"code\",\n   \"source\": [\n    \"session = boto3.Session(\\n\",\n    \"    aws_access_key_id=\\\"{K:ASIA}\\\",\\n\",\n    \"    aws_secret_access_key=\\\"{S}\\\",\\n\",\n    \"    aws_session_token=\\\"{T}\\\")\\n\"\n   ]\n  }},\n",
    "  {{\n   \"output_type\": \"stream\",\n   \"text\": [\n    \"{{'AccessKeyId': '{K:ASIA}', 'SecretAccessKey': '{S}', 'SessionToken': '{T}'}}\\n\"\n   ]\n  }},\n",
    "  {{\n   \"output_type\": \"execute_result\",\n   \"data\": {{\"text/plain\": [\"{{\\\"SecretAccessKey\\\": \\\"{S}\\\", \\\"AccessKeyId\\\": \\\"{K}\\\"}}\"]}}\n  }},\n",
    "  {{\n   \"cell_type\": \"code\",\n   \"source\": [\n    \"os.environ['AWS_SECRET_ACCESS_KEY'] = '{S}'\\n\",\n    \"os.environ['AWS_ACCESS_KEY_ID'] = '{K}'\\n\"\n   ]\n  }},\n",
    "  {{\n   \"output_type\": \"display_data\",\n   \"data\": {{\"image/png\": \"{d:blob}\"}}\n  }},\n",
    "  {{\n   \"cell_type\": \"code\",\n   \"source\": [\"secret_name = '{d:secret-name}'\\n\"]\n  }},\n",
    "  {{\n   \"cell_type\": \"code\",\n   \"source\": [\"key = '{d:placeholder-id}'\\n\", \"secret = '{d:placeholder-secret}'\\n\"]\n  }},\n",
], [])

PYTHON = ("python", ["settings.py", "deploy.py", "tests/conftest.py", "scripts/upload.py", "app/aws.py",
                     "lambda_function.py"], "import os\nimport boto3\n\n", [
    "client = boto3.client(\n    \"s3\",\n    aws_access_key_id=\"{K}\",\n    aws_secret_access_key=\"{S}\",\n)\n",
    "session = boto3.Session(aws_access_key_id='{K:ASIA}', aws_secret_access_key='{S}', aws_session_token='{T}')\n",
    "os.environ[\"AWS_SECRET_ACCESS_KEY\"] = \"{S}\"\nos.environ[\"AWS_ACCESS_KEY_ID\"] = \"{K}\"\n",
    "secret = os.getenv(\"AWS_SECRET_ACCESS_KEY\", \"{S}\")\nkey_id = os.getenv(\"AWS_ACCESS_KEY_ID\", \"{K}\")\n",
    "AWS_SECRET_KEY: str = \"{S}\"\nAWS_KEY_ID: str = \"{K}\"\n",
    "CREDENTIALS = (\"{K}\", \"{S}\")\n",
    "s3 = boto3.resource(\"s3\", region_name=\"us-east-1\", aws_access_key_id=\"{K}\",\n                    aws_secret_access_key=\"{S}\")\n",
    "creds = {{\n    \"aws_access_key_id\": \"{K}\",\n    \"aws_secret_access_key\": \"{S}\",\n}}\n",
    "os.environ.setdefault(\"AWS_SESSION_TOKEN\", \"{T}\")\n",
    "AWS = dict(key=\"{K}\", secret=\"{S}\")\n",
    "SECRET_KEY = \"{d:django}\"\n",
    "aws_secret_access_key = os.environ[\"AWS_SECRET_ACCESS_KEY\"]\n",
    "assert hashlib.sha1(data).hexdigest() == \"{d:hex40}\"\n",
    "SECRET_ID = \"{d:secret-name}\"\n",
    "FAKE_KEY = \"{d:placeholder-id}\"  # used by the moto tests\nFAKE_SECRET = \"{d:placeholder-secret}\"\n",
    "REGION_TEAM = \"{d:words}\"\n",
    "ENV_NAME = \"{d:identifier40}\"\n",
    "GITHUB_TOKEN = \"{d:github}\"\n",
    "session_token = \"{d:short-token}\"\n",
], ["def handler(event, context):", "    return {\"statusCode\": 200}", "logger = logging.getLogger(__name__)",
    "for bucket in s3.list_buckets()[\"Buckets\"]:", "    print(bucket[\"Name\"])", "BUCKET = \"reports\""])

JS = ("javascript", ["src/aws.js", "config.ts", "upload.mjs", "lib/s3.ts", "test/setup.js", "webpack.config.js"], "", [
    "AWS.config.update({{ accessKeyId: '{K}', secretAccessKey: '{S}', region: 'us-east-1' }});\n",
    "const client = new S3Client({{\n  region: \"eu-west-1\",\n  credentials: {{\n    accessKeyId: \"{K}\",\n    secretAccessKey: \"{S}\",\n    sessionToken: \"{T}\",\n  }},\n}});\n",
    "const awsSecretKey: string = \"{S}\";\nconst awsKeyId: string = \"{K}\";\n",
    "const k: string = \"{S}\";\n",
    "process.env.AWS_SECRET_ACCESS_KEY = '{S}';\nprocess.env.AWS_ACCESS_KEY_ID = '{K}';\n",
    "export const credentials = {{ accessKeyId: `{K}`, secretAccessKey: `{S}` }};\n",
    "const creds = new AWS.Credentials('{K}', '{S}');\n",
    "let secret_key = \"{S}\"\n",
    "headers['x-amz-security-token'] = '{T}';\n",
    "const url = `https://bucket.s3.amazonaws.com/report.csv?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential={K:ASIA}%2F20300101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Security-Token={T|url}&X-Amz-Signature={d:hex40}`;\n",
    "const secretName = \"{d:secret-name}\";\n",
    "const commit = '{d:hex40}';\n",
    "const placeholder = {{ accessKeyId: '{d:placeholder-id}', secretAccessKey: '{d:placeholder-secret}' }};\n",
    "const token = '{d:jwt}';\n",
    "const AZURE_SECRET = '{d:azure}';\n",
    "const TEAM = '{d:words}';\n",
], ["import {{ S3Client }} from \"@aws-sdk/client-s3\";", "export default client;", "module.exports = {{ upload };",
    "  if (!res.ok) throw new Error(res.statusText);", "const bucket = process.env.BUCKET;"])

GO = ("go", ["main.go", "internal/aws/client.go", "cmd/upload/main.go", "config_test.go"], "package main\n\n", [
    "var awsSecretAccessKey string = \"{S}\"\nvar awsAccessKeyID string = \"{K}\"\n",
    "creds := credentials.NewStaticCredentials(\"{K}\", \"{S}\", \"\")\n",
    "provider := credentials.NewStaticCredentialsProvider(\"{K:ASIA}\", \"{S}\", \"{T}\")\n",
    "cfg := aws.Credentials{{\n\tAccessKeyID:     \"{K}\",\n\tSecretAccessKey: \"{S}\",\n\tSessionToken:    \"{T}\",\n}}\n",
    "\tcreds := aws.Credentials{{\n\t\tAccessKeyID:                  \"{K}\",\n\t\tSecretAccessKey:               \"{S}\",\n\t}}\n",
    "const secretKey = `{S}`\n",
    "os.Setenv(\"AWS_SECRET_ACCESS_KEY\", \"{S}\")\nos.Setenv(\"AWS_ACCESS_KEY_ID\", \"{K}\")\n",
    "\tSecretAccessKey: os.Getenv(\"AWS_SECRET_ACCESS_KEY\"),\n",
    "const expectedHash = \"{d:hex40}\"\n",
    "var secretName = \"{d:secret-name}\"\n",
    "\tAccessKeyID: \"{d:example-id}\",\n\tSecretAccessKey: \"{d:example-secret}\",\n",
    "\tSessionToken: \"{d:placeholder-token}\",\n",
], ["import (", "\t\"context\"", ")", "func main() {", "}", "\tif err != nil {", "\t\treturn err", "\t}"])

JAVA = ("java", ["src/main/java/com/acme/S3Config.java", "src/test/java/com/acme/UploadTest.java",
                 "src/main/resources/application.properties", "src/main/java/com/acme/Creds.java"], "", [
    "AWSCredentials credentials = new BasicAWSCredentials(\"{K}\", \"{S}\");\n",
    "AwsBasicCredentials creds = AwsBasicCredentials.create(\"{K}\", \"{S}\");\n",
    "AwsSessionCredentials session = AwsSessionCredentials.create(\"{K:ASIA}\", \"{S}\", \"{T}\");\n",
    "private static final String SECRET_KEY = \"{S}\";\nprivate static final String ACCESS_KEY = \"{K}\";\n",
    "System.setProperty(\"aws.secretKey\", \"{S}\");\nSystem.setProperty(\"aws.accessKeyId\", \"{K}\");\n",
    "aws.accessKeyId={K}\naws.secretKey={S}\n",
    "cloud.aws.credentials.access-key={K}\ncloud.aws.credentials.secret-key={S}\n",
    "BasicSessionCredentials temp = new BasicSessionCredentials(\n        \"{K:ASIA}\",\n        \"{S}\",\n        \"{T}\");\n",
    "private static final String SECRET_KEY_PROPERTY = \"aws.secretKey\";\n",
    "private static final String SECRET_NAME = \"{d:secret-name}\";\n",
    "String sha = \"{d:hex40}\";\n",
    "String providerClass = \"{d:identifier40}\";\n",
    "credentials.secret = {d:placeholder-secret}\n",
], ["package com.acme;", "import software.amazon.awssdk.auth.credentials.*;", "public class S3Config {", "}",
    "    @Bean", "    public S3Client s3() {", "        return S3Client.builder().build();"])

CSHARP = ("csharp", ["Program.cs", "Services/S3Service.cs", "appsettings.Development.json", "App.config",
                     "Tests/Fixtures.cs"], "", [
    "var credentials = new BasicAWSCredentials(\"{K}\", \"{S}\");\n",
    "var session = new SessionAWSCredentials(\"{K:ASIA}\", \"{S}\", \"{T}\");\n",
    "Environment.SetEnvironmentVariable(\"AWS_SECRET_ACCESS_KEY\", \"{S}\");\n",
    "private const string AwsSecretKey = \"{S}\";\nprivate const string AwsAccessKey = \"{K}\";\n",
    "{{\n  \"AWS\": {{\n    \"Profile\": \"default\",\n    \"AccessKey\": \"{K}\",\n    \"SecretKey\": \"{S}\"\n  }}\n}}\n",
    "<appSettings>\n  <add key=\"AWSAccessKey\" value=\"{K}\" />\n  <add key=\"AWSSecretKey\" value=\"{S}\" />\n</appSettings>\n",
    "string secretId = \"{d:secret-name}\";\n",
    "const string Sha = \"{d:HEX40}\";\n",
    "var key = \"{d:placeholder-id}\";\n",
], ["using Amazon.S3;", "namespace Acme.Storage", "{", "}", "    public class S3Service", "        await client.ListBucketsAsync();"])

SHELL = ("shell", ["deploy.sh", "scripts/bootstrap.sh", "ci/release.bash", ".bashrc", "tools/presign.sh"],
         "#!/bin/sh\nset -eu\n", [
    "aws configure set aws_access_key_id {K}\naws configure set aws_secret_access_key {S}\n",
    "aws configure set aws_session_token {T} --profile temp\n",
    "export AWS_ACCESS_KEY_ID={K}\nexport AWS_SECRET_ACCESS_KEY={S}\n",
    "AWS_ACCESS_KEY_ID={K} AWS_SECRET_ACCESS_KEY={S} aws s3 ls s3://backups\n",
    "curl -s -H \"x-amz-security-token: {T}\" https://example-bucket.s3.amazonaws.com/\n",
    "s3cmd --access_key={K} --secret_key={S} put dump.sql s3://backups/\n",
    "cat > ~/.aws/credentials <<EOF\n[default]\naws_access_key_id = {K}\naws_secret_access_key = {S}\nEOF\n",
    "export AWS_SESSION_TOKEN='{T}'\n",
    "echo \"{K},{S}\" >> keys.csv\n",
    "export AWS_SECRET_ACCESS_KEY=$(vault kv get -field=secret aws/ci)\n",
    "expected_sha={d:hex40}\n",
    "aws secretsmanager get-secret-value --secret-id {d:secret-name}\n",
    "export AWS_ACCESS_KEY_ID={d:placeholder-id} AWS_SECRET_ACCESS_KEY={d:placeholder-secret}\n",
    "TOKEN=$(curl -s -X PUT http://169.254.169.254/latest/api/token)  # e.g. {d:imds-token}\n",
], ["echo \"deploying $VERSION\"", "cd \"$(dirname \"$0\")\"", "if [ -z \"${BUCKET:-}\" ]; then", "fi",
    "aws s3 sync dist/ \"s3://$BUCKET/\""])

DOCKERFILE = ("docker", ["Dockerfile", "build/Dockerfile.ci", "services/worker/Dockerfile"], "FROM python:3.12-slim\n", [
    "ENV AWS_ACCESS_KEY_ID {K}\nENV AWS_SECRET_ACCESS_KEY {S}\n",
    "ENV AWS_ACCESS_KEY_ID={K} \\\n    AWS_SECRET_ACCESS_KEY={S}\n",
    "ARG AWS_SECRET_ACCESS_KEY={S}\nARG AWS_ACCESS_KEY_ID={K}\n",
    "RUN aws configure set aws_access_key_id {K} && aws configure set aws_secret_access_key {S}\n",
    "ENV AWS_SESSION_TOKEN {T}\n",
    "ENV AWS_SECRET_ACCESS_KEY=\"\"\n",
    "LABEL org.opencontainers.image.revision=\"{d:hex40}\"\n",
    "ENV AWS_ACCESS_KEY_ID={d:example-id}\n",
], ["WORKDIR /app", "COPY . .", "RUN pip install -r requirements.txt", "CMD [\"python\", \"main.py\"]"])

MAKEFILE = ("make", ["Makefile", "deploy.mk", "build/common.mk"], "", [
    "AWS_SECRET_ACCESS_KEY ?= {S}\nAWS_ACCESS_KEY_ID ?= {K}\n",
    "AWS_SECRET ::= {S}\n",
    "SECRET_KEY := {S}\nACCESS_KEY := {K}\n",
    "export AWS_SECRET_ACCESS_KEY = {S}\n",
    "deploy:\n\tAWS_ACCESS_KEY_ID={K} AWS_SECRET_ACCESS_KEY={S} ./deploy.sh\n",
    "AWS_SESSION_TOKEN ?= {T}\n",
    "GIT_COMMIT := {d:hex40}\n",
    "SECRET_NAME := {d:secret-name}\n",
], [".PHONY: all test", "all: build", "build:", "\tgo build ./...", "test:", "\tgo test ./..."])

XML = ("xml", ["core-site.xml", "settings.xml", "Info.plist", "web.config", "sts-response.xml", "hive-site.xml"],
       "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", [
    "<property>\n  <name>fs.s3a.access.key</name>\n  <value>{K}</value>\n</property>\n<property>\n  <name>fs.s3a.secret.key</name>\n  <value>{S}</value>\n</property>\n",
    "<property><name>fs.s3a.secret.key</name><value>{S}</value></property>\n",
    "<property>\n  <name>fs.s3a.session.token</name>\n  <value>{T}</value>\n</property>\n",
    "<server>\n  <id>s3-releases</id>\n  <username>{K}</username>\n  <password>{S}</password>\n</server>\n",
    "<key>AWSAccessKeyId</key>\n<string>{K}</string>\n<key>AWSSecretKey</key>\n<string>{S}</string>\n",
    "<add key=\"AWSSecretKey\" value=\"{S}\" />\n",
    "<Credentials>\n  <AccessKeyId>{K:ASIA}</AccessKeyId>\n  <SecretAccessKey>{S}</SecretAccessKey>\n  <SessionToken>{T}</SessionToken>\n</Credentials>\n",
    "<property><name>fs.s3a.secret.key</name><value>${{env.S3_SECRET}}</value></property>\n",
    "<checksum>{d:hex40}</checksum>\n",
    "<secretName>{d:secret-name}</secretName>\n",
    "<SessionToken>{d:docs-token}</SessionToken>\n",
], ["<configuration>", "</configuration>", "<dependency>", "  <groupId>com.amazonaws</groupId>", "</dependency>"])

CSV = ("csv", ["credentials.csv", "accessKeys.csv", "rotation-report.csv", "users.csv"], "", [
    "User name,Password,Access key ID,Secret access key,Console login link\nci-bot,,{K},{S},https://210987654321.signin.aws.amazon.com/console\n",
    "Access key ID,Secret access key\n{K},{S}\n",
    "{K:AKIA},{S}\n",
    "\"{K}\",\"{S}\",\"2030-01-01\"\n",
    "user,key_id,last_used\nalice,{K},2030-01-01\n",
    "commit,author\n{d:hex40},alice\n",
    "region,team\nap-southeast-1,{d:words}\n",
    "example,{d:example-id},{d:example-secret}\n",
], [])

MARKDOWN = ("markdown", ["README.md", "docs/setup.md", "docs/troubleshooting.md", "CONTRIBUTING.md", "notes.md"], "# Setup\n\n", [
    "```ini\n[default]\naws_access_key_id = {K}\naws_secret_access_key = {S}\n```\n",
    "Set `AWS_ACCESS_KEY_ID` to `{K}` and `AWS_SECRET_ACCESS_KEY` to `{S}`.\n",
    "- `aws_secret_access_key`: `{S}`\n",
    "| Name | Value |\n|---|---|\n| Access key ID | {K} |\n| Secret access key | {S} |\n",
    "```sh\nexport AWS_SESSION_TOKEN={T}\n```\n",
    "The key we used in the demo was {K} with secret {S} (rotated since).\n",
    "Use the example keys `{dk:AKIAIOSFODNN7EXAMPLE}` and `{ds:wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY}`.\n",
    "Replace `{d:placeholder-id}` with your key id and `{d:placeholder-secret}` with your secret.\n",
    "Our Singapore office ({d:words}) owns the bucket.\n",
    "The secret is stored as `{d:secret-name}` in Secrets Manager.\n",
    "Fixed in commit {d:hex40}.\n",
    "An example key id looks like `{d:example-id}`.\n",
], ["", "Run `make deploy` after configuring the AWS CLI.", "See the [AWS docs](https://docs.aws.amazon.com/).",
    "## Troubleshooting", "* check the region"])

INI = ("ini", ["aws/credentials", ".s3cfg", ".boto", "rclone.conf", "setup.cfg"], "", [
    "[default]\naws_access_key_id = {K}\naws_secret_access_key = {S}\n",
    "[temp]\naws_access_key_id = {K:ASIA}\naws_secret_access_key = {S}\naws_session_token = {T}\n",
    "[default]\naccess_key = {K}\nsecret_key = {S}\n",
    "[Credentials]\naws_access_key_id = {K}\naws_secret_access_key = {S}\n",
    "[s3]\ntype = s3\nprovider = AWS\naccess_key_id = {K}\nsecret_access_key = {S}\n",
    "[sandbox]\naws_access_key_id={K}\naws_secret_access_key={S}\n",
    "[test]\naws_access_key_id = {d:example-id}\naws_secret_access_key = {d:example-secret}\n",
    "[hashes]\nsha = {d:hex40}\n",
], ["region = us-east-1", "output = json", "; comment", "[profile ops]", "role_arn = arn:aws:iam::210987654321:role/ops"])

POWERSHELL = ("utf16", ["windows.env", "setup.ps1", "deploy.ps1", "credentials.ini", "notes.txt"], "", [
    "AWS_ACCESS_KEY_ID={K}\r\nAWS_SECRET_ACCESS_KEY={S}\r\n",
    "$env:AWS_ACCESS_KEY_ID = \"{K}\"\r\n$env:AWS_SECRET_ACCESS_KEY = \"{S}\"\r\n",
    "Set-AWSCredential -AccessKey {K} -SecretKey {S} -StoreAs default\r\n",
    "$env:AWS_SESSION_TOKEN = \"{T}\"\r\n",
    "[default]\r\naws_access_key_id = {K}\r\naws_secret_access_key = {S}\r\n",
    "$hash = \"{d:hex40}\"\r\n",
    "AWS_ACCESS_KEY_ID={d:placeholder-id}\r\n",
], ["Write-Host \"done\"", "$ErrorActionPreference = \"Stop\"", "Import-Module AWSPowerShell", "REM setup"])

TYPES = [ENV, YAML, JSON, TERRAFORM, CLOUDFORMATION, NOTEBOOK, PYTHON, JS, GO, JAVA, CSHARP, SHELL, DOCKERFILE,
         MAKEFILE, XML, CSV, MARKDOWN, INI, POWERSHELL]


def build_file(rng, kind, header, snippets, filler, index):
    writer = FileWriter(rng)
    writer.render(header)
    # Every snippet of the type appears in some file; each file takes a shuffled share of them.
    chosen = snippets[index::3] + rng.sample(snippets, min(3, len(snippets)))
    for snippet in chosen:
        for _ in range(rng.randint(0, 2)):
            if filler:
                writer.render(rng.choice(filler) + "\n")
        writer.render(snippet)
        if kind == "notebooks" and filler == []:
            pass
    if kind == "notebooks":
        writer.render("  {{\"cell_type\": \"markdown\", \"source\": [\"done\"]}}\n ],\n \"nbformat\": 4\n}}\n")
    return writer


def line_and_column(text, offset):
    before = text[:offset]
    line = before.count("\n") + 1
    start = before.rfind("\n") + 1
    return line, len(before[start:].encode("utf-8")) + 1


def main():
    outdir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")
    files_dir = os.path.join(outdir, "files")
    rng = random.Random(20240611)
    labels = []
    written = set()
    for directory, names, header, snippets, filler in TYPES:
        for index, name in enumerate(names):
            writer = build_file(rng, directory, header, snippets, filler, index)
            text = writer.content()
            relative = os.path.join(directory, name)
            assert relative not in written, relative
            written.add(relative)
            path = os.path.join(files_dir, relative)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            if directory == "utf16":
                # Windows editors and PowerShell's Out-File write UTF-16LE with a byte-order mark;
                # one file is big-endian and one has no mark at all.
                if index == 1:
                    data = b"\xfe\xff" + text.encode("utf-16-be")
                elif index == 3:
                    data = text.encode("utf-16-le")
                else:
                    data = b"\xff\xfe" + text.encode("utf-16-le")
            else:
                data = text.encode("utf-8")
            with open(path, "wb") as f:
                f.write(data)
            for offset, label, note in writer.items:
                line, column = line_and_column(text, offset)
                labels.append((relative, line, column, label, note))
    labels.sort()
    with open(os.path.join(outdir, "labels.tsv"), "w", encoding="utf-8") as f:
        f.write("# path\tline\tcolumn\tlabel\tnote  (written by make_corpus.py; do not edit)\n")
        for row in labels:
            f.write("\t".join(str(x) for x in row) + "\n")
    counts = {}
    for row in labels:
        counts[row[3]] = counts.get(row[3], 0) + 1
    print("%d files, %d items: %s" % (len(written), len(labels),
                                      ", ".join("%s %d" % kv for kv in sorted(counts.items()))))


if __name__ == "__main__":
    main()
