  value = aws_s3_bucket.logs.id
resource "aws_s3_bucket" "logs" {
terraform {
  backend "s3" {
    bucket     = "tf-state"
    access_key = "AKIASLR3TMLHB5DPRVTN"
    secret_key = "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"
  }
}
secret_key = var.aws_secret_key
name = "teamAnalyticsWarehouseReadOnlyCredential"
output "bucket" {
  bucket = "logs-example"
provider "aws" {
  region     = "us-east-1"
  access_key = "AKIA6G6OIGBA7UQ3WPHS"
  secret_key = "byZCjKaNR8iU0g6TJUsQzsAe/lCgDRwSjW4wp9ZW"
}
output "bucket" {
  value = aws_s3_bucket.logs.id
tags = {
  Team = "ANVAULTMIGRATIONPLAN"
}
  bucket = "logs-example"
access_key = "ASIAAAAAAAAAAAAAAAAA"
secret_key = "u9WKfaHZ77D13ZNWcmn2opVBEXAMPLEITT8iQ8mG"
