  acl    = "private"
resource "aws_s3_bucket" "logs" {
provider "aws" {
  region     = "us-east-1"
  access_key = "AKIAICOASW7M5THMSRMH"
  secret_key = "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"
}
output "bucket" {
  acl    = "private"
terraform {
  backend "s3" {
    bucket     = "tf-state"
    access_key = "APKAQ77GADI6GHEQ6W76"
    secret_key = "agcExHJeC9kRGzztZlNNaZv85tzxLQPDpAECut0N"
  }
}
output "bucket" {
  value = aws_s3_bucket.logs.id
secret_key = var.aws_secret_key
name = "teamAnalyticsWarehouseReadOnlyCredential"
  bucket = "logs-example"
resource "aws_s3_bucket" "logs" {
etag = "6a705718ae26cbcaacca0a646012770b0049e011"
  value = aws_s3_bucket.logs.id
  bucket = "logs-example"
provider "aws" {
  alias      = "ops"
  access_key = "ASIAJ6VHE5MGKXVKBJC2"
  secret_key = "c+r2FieYs+Z7hszM49Kri8kbO5WhjdBBpACcsL5v"
  token      = "IQoJb3JpZ2luX2VjEEGMaJD74nvL5fn9cTKVSQlAPOvwusF7Rvfkw0yr5u2l3MKVmWHuVsvkqlFLqXv+o61lVR6HFkqZph9zL1VowJrErhxpvPlNT6Y5zgqTQDhgHnHHFSVnmEn35o50U6J27rZuzNmuYHxQc7a6teXb5vN95IJ7WCvBk9B+LCYU9r8pmle7byZVaaYIBym5qPnIFzChoFfa4lbVkSY0QMDJcorYbPsOwWoFTfuYMAh4leqBoZX0P6xEcPDQhcYGraXWGzfltOp1jTAsqEHflmX4OypygasY2XHekh28y0ectevMc7XMoacx9AW0xk6vxXZXHnfI+Xp/rs8vg9tTK78GtfQAYyAIE1txwYjYL51nCqzF2LydW55o+i1hWS4HY9RSvOjZgObO51yjamHSjuxFgmQ+NmqmGSl7w1cyrbdqN4pDplXIipJCVA6b56w0ep5vShEVcBfBsSQYda/1jWMBPTS8cxmhf0pXl4eX7IUtwyieWfVHsdlKV2RODGFJ8d5xW7Pt4vZKr2cVQEBVcD83Xt0s2h6Mz6TKCz2nmYjVmZz9bS3yevrt6CopO3RN+Wf2bbliO1YJ1f9OheK9tRssDJ6IVh+1cVdVf2M1nNyIErx4L6M07rlIOSqY5gFvYp27Y5XZYcpNOntWMWA/2jzx2nXNi6TFAgA0iwd+E+LYPNiqTpHDB0LZZsjGpqmpBW6ssRy5U7sZTvnHmNJ/WwkRuIUad1tMZh4pZC5lPXkMNK+HcidteO2OO9t5kmj9vYxtXQKkCMkC9qr2496la5CXeWLcEuNkDVTcIr1qD6f/l6v6f8Q1RkLRUHoCfyFEwOOUZWSoFhZfYFwohGQmYRIg8UlYzWs/fEQrk+INTwG/AcTIfqWmvC59Sd3l7r6Pz6LEwOJwJyvuXtBR4T21XIC6Vg9xET4QmwlaH8KymS8gihhqWAREt3DN35eqHqsLs2rwK7IGR4a4ilyLVjgE5+TgIZfmO8imHPru+nYPpUjmfXhPyaK5GfxpKqdQQTkDHPE9VGCF9LGBNH17EaRdSMru19Mc0ONtyaTX"
}
  bucket = "logs-example"
tags = {
  Team = "ASIANMARKETSOVERVIEW"
}
