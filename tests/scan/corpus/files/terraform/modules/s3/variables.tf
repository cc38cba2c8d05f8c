variable "aws_secret_key" {
  type    = string
  default = "2nuT2lMhSUbB3lxQwO9o1jCabsjwYo5RGBTOPzB6"
}
output "bucket" {
  value = aws_s3_bucket.logs.id
kms_key_id = "arn:aws:kms:us-east-1:210987654321:key/4776ba6600877860c30e3f79a775d5b36d595516"
  acl    = "private"
etag = "52467adb43f6d9b1a1d13b55c84700c164c9b2db"
  value = aws_s3_bucket.logs.id
}
variable "aws_secret_key" {
  type    = string
  default = "zk4RjK+7fO4yYzrVJ0TZf/+LdDgDsZGmnrBC3PvA"
}
  value = aws_s3_bucket.logs.id
  value = aws_s3_bucket.logs.id
secret_key = var.aws_secret_key
  acl    = "private"
access_key = "AKIAABCDEFGHIJKLMNOP"
secret_key = "MVb5A15knOHr0YhNK8jyazl71EXAMPLEvu9OioqN"
