#!/bin/sh
set -eu
echo "deploying $VERSION"
aws s3 sync dist/ "s3://$BUCKET/"
export AWS_ACCESS_KEY_ID=ASIALIOJZ3BVPAI3CU2S
export AWS_SECRET_ACCESS_KEY=ulY019ojNqjfHST3ween831eCxf+NTag2Wy9e3p7
if [ -z "${BUCKET:-}" ]; then
s3cmd --access_key=AKIAI4EHOHFB6QKQKYO7 --secret_key=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 put dump.sql s3://backups/
if [ -z "${BUCKET:-}" ]; then
if [ -z "${BUCKET:-}" ]; then
echo "AKIAEB4QLWLIHT47FEEC,Zi4MCWQKka2TsUoD6ExKTKr14ORWu7tuSjKY7hf+" >> keys.csv
aws secretsmanager get-secret-value --secret-id teamAnalyticsWarehouseReadOnlyCredential
aws s3 sync dist/ "s3://$BUCKET/"
cd "$(dirname "$0")"
export AWS_ACCESS_KEY_ID=AKIAB5CSGTOHPXAANKPL
export AWS_SECRET_ACCESS_KEY=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
aws configure set aws_access_key_id ASIACJPJK7GPBXIWSXBQ
aws configure set aws_secret_access_key z7hCXE6DxZ4e+kRz87tGz/RsZJyGV17jhyyp4qd3
TOKEN=$(curl -s -X PUT http://169.254.169.254/latest/api/token)  # e.g. AQAEAIdKnU764va+BkmXTNNZOcWlpgA+HD6kQ2rfQcasIp6r+ZQ6enLI==
