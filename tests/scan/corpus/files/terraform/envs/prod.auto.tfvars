locals {
  aws_creds = {
    id     = "A3T3V2YRXKHMQYW2M7R4"
    secret = "OuNrZYrrQxqfynQkdGExkEiJhYPK9xtC6bGmKk7Z"
  }
}
access_key = "ASIAXXXXXXXXXXXXXXXX"
secret_key = "flWJIl/EXAMPLE7/yYFfxiRwm2Gh/jKHiMJeR5pd"
resource "aws_s3_bucket" "logs" {
tags = {
  Team = "AIDANDSUPPORTSCHEMES"
}
resource "aws_s3_bucket" "logs" {
}
access_key = "ASIAABCDEFGHIJKLMNOP"
secret_key = "RH1wFVXmeByHEXAMPLE0rtUDV52Aq5/ly88174m/"
etag = "31463832eec47e8b08803d353d8ba54878482d34"
resource "aws_s3_bucket" "logs" {
  bucket = "logs-example"
tags = {
  Team = "AGPARTNERSHIPREVIEWS"
}
