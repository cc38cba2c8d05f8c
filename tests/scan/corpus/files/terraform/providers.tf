  acl    = "private"
provider "aws" {
  alias      = "ops"
  access_key = "ASIAJ7NIDSYP2EBBXVVE"
  secret_key = "vmlXmeRO0Urzx0XzgTUhqshy6C8mYxXQlPrpbB66"
  token      = "IQoJb3JpZ2luX2VjEEGMafMn8ORuuoTFVTxZzLYecU7aHryxW2d0sDUOdXQv1nvakFBUHOjJR07Ca0HdgjXjdHz55zp1xr/pSJHu8QIsksIo40VKhkYXvXhTCnRsXDjyh6FZLgKmAuYN9JfLE5A5mIxEYmfnsQ4afc6oq3bI50zBUGJcjT1Or+76+ylIYvOUEDSNerRLnYyzVI5VIjCU4HF/ydbWjz3Bd3XeqxNbXfixdzL9hLGBacKcHRAm8iB/RRXSZ6n+V7M7WK9hijmIn5uj4Qfh8gYi6SDocs1XX2JiifBgexFwbagxAZTng5V6qYVfavvGWvtWKO3jfCQcDcoaLlSb4sOw5HnYjr0aoPioETkkqbwlJ4/N6vnCpHZR+bJaerJOlEUiuZFhmskOJjcRfOii3F2nBr0tlncvkh/wNXzv39hy/d4QltjY5t7jzPGuP418MdRnzD+x1BZ3d3bp4NyJNYiQ7IwQr+ZxoZ5PugueiGljNTQkVLocxusq9LnVV1To+JF57cF3V1Qq5bZepyMp16q+1HP6+5rzXMS1XG1nPrrzR2weyy/qBefnin5wI9tMJ1VbQ1bPs039YHBd9tLl8tHytgk9RR5x+ClQ8wHosLFn7f5BI2QoxFUJft17mIy5O8bnWuss5FqEjoy5MAgaLMkrdq50NB+ULU82nlcLs8INJC2XXc2ktSEWjHf77xYXw171R6Rb9t50bxk+Gj2u3E06C0uPkq5efeuB8Nelc/EEZv1BBtCs/hy="
}
resource "aws_s3_bucket" "logs" {
  acl    = "private"
variable "aws_secret_key" {
  type    = string
  default = "3jj2EHowBmpU1r8yRsB/pGW7W5kW2aLhP/tKAIA0"
}
output "bucket" {
kms_key_id = "arn:aws:kms:us-east-1:210987654321:key/569e206956ffd2273630a344bee6b053c0ad1332"
  value = aws_s3_bucket.logs.id
etag = "32c89230131586f1d9969301c074bc0fe3412b19"
}
resource "aws_s3_bucket" "logs" {
kms_key_id = "arn:aws:kms:us-east-1:210987654321:key/ad554a550b1f4c5cc724330f8879acff73a5bc45"
resource "aws_s3_bucket" "logs" {
output "bucket" {
provider "aws" {
  alias      = "ops"
  access_key = "ASIAQEHN5QXGMBF6LIX4"
  secret_key = "GGJLc3J56kiw9hvlg8LlN1UW5I69oRKtT+wrmbLb"
  token      = "IgoJb3JpZ2luX2VjEGMatCUG3vd81lGYxNuj6Sd4WADIac6Nta1NnK3Im8vMle4JzcxkWmlRs+NqisiupEoDSb/GntKaAJmKzcIF20JKF9++sO6A8/EY9Tq+cQtAvxdS+7Oe+cL7zRWhJyAqNYmKgG2e4TlTWU/CtkMEjSKmSfC4w+emooXEQQdQuBcXmYbeueeaeXJa/pJUiPj8lm0RJHmwEf8axxEAEicwBrRZHEZO82ixJjUyNu/5ID1ZbzQzqDqPFq8+yKTGIikVEeqGhHAC3X7fzjplAfbGOB3Dw53AyBRGVsTVu7Kocnqgge3z+HeWTBcVhE+6flXe3mnreWU+hNt4gmCx/GxeP1ayZo4mHZtfgdiBTQVGH+V3m2rn6ZY53c32E7rKr1nP24ywMQkj7GVJ5LZlzP27TrURoX8nx0oZNykSkZ8CvSr7XrqefYo8Rm7DdfyYzmr0N4E+9Kj3Z83MBaX3vqzfXvmEGjL1DTBXJdf1"
}
name = "/ecs/billing/ReportingServiceApiPassword"
