#!/bin/sh
set -eu
aws configure set aws_access_key_id AKIAHBNUCKDOH4X6MNDE
aws configure set aws_secret_access_key 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
AWS_ACCESS_KEY_ID=A3TG4PXA6DZCLURGKAWX AWS_SECRET_ACCESS_KEY=CElpxSfY6sMzBOw0r0zgNixTWrhgGnY1FlGyckJt aws s3 ls s3://backups
if [ -z "${BUCKET:-}" ]; then
fi
cat > ~/.aws/credentials <<EOF
[default]
aws_access_key_id = AKIAGTA6YWCKBWYNFKOM
aws_secret_access_key = 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
EOF
aws s3 sync dist/ "s3://$BUCKET/"
export AWS_SECRET_ACCESS_KEY=$(vault kv get -field=secret aws/ci)
export AWS_ACCESS_KEY_ID=ASIAYYYYYYYYZZZZZZZZ AWS_SECRET_ACCESS_KEY=0123456789abcdefghijABCDEFGHIJ0123456789
expected_sha=be09a14714e447d90018c759c0c3b6f4dd2925dc
export AWS_ACCESS_KEY_ID=AKIAYYYYYYYYZZZZZZZZ AWS_SECRET_ACCESS_KEY=0123456789abcdefghijABCDEFGHIJ0123456789
if [ -z "${BUCKET:-}" ]; then
aws s3 sync dist/ "s3://$BUCKET/"
export AWS_SECRET_ACCESS_KEY=$(vault kv get -field=secret aws/ci)
