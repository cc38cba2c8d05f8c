  value = aws_s3_bucket.logs.id
aws_access_key                  = "ANVATWSPFNK6VLA23B6A"
aws_secret_key                  = "r7SnYs2tAA7HAEHIbQOef55ueWB4h7TlHDzpPKZO"
locals {
  aws_creds = {
    id     = "AKIA64EPFMASQWXETATA"
    secret = "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"
  }
}
  acl    = "private"
output "bucket" {
access_key = "AKIAAAAAAAAAAAAAAAAA"
secret_key = "jrvRF9bTsMfwY6sEXAMPLE885ESiuZoDfJKMWdON"
}
tags = {
  Team = "ANVAULTMIGRATIONPLAN"
}
kms_key_id = "arn:aws:kms:us-east-1:210987654321:key/0815b08e958ca5a33d0d6b03cbe1174cd46a89c9"
  value = aws_s3_bucket.logs.id
  acl    = "private"
name = "shared/platform/GithubAppPrivateKeyPemFi"
  value = aws_s3_bucket.logs.id
etag = "af09559518b8e8a88a5796afd7c7cafba233bb7b"
