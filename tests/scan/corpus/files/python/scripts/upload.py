import os
import boto3

secret = os.getenv("AWS_SECRET_ACCESS_KEY", "dBwW7gX0ZjA92Ns/+dqbq2KaP55eM++wmrzWldUV")
key_id = os.getenv("AWS_ACCESS_KEY_ID", "ASIA6MLOXTU5XDN4HDKF")
def handler(event, context):
def handler(event, context):
s3 = boto3.resource("s3", region_name="us-east-1", aws_access_key_id="AIPA37UOEQM5FHTFOU7V",
                    aws_secret_access_key="JRd89lELuqN8u0v1dyROitR4jdvGu0qe+cvcCus2")
AWS = dict(key="AKIAJC3AIUAVZSSWGM4P", secret="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")
logger = logging.getLogger(__name__)
assert hashlib.sha1(data).hexdigest() == "c4459c05685e15245145e83c7e0b5b427ef845ea"
for bucket in s3.list_buckets()["Buckets"]:
REGION_TEAM = "ANVAULTMIGRATIONPLAN"
logger = logging.getLogger(__name__)
session_token = "IQoJb3JpZ2luX2VjELz//////////zYFzTOUICkWNUjQSmpQFvaKzwnROeORRSBRGRa0HuZC12UMTA7PN4nnmVQkZ7"
def handler(event, context):
for bucket in s3.list_buckets()["Buckets"]:
SECRET_ID = "prod/Payments/StripeApiKeyForCheckoutSvc"
os.environ["AWS_SECRET_ACCESS_KEY"] = "75uxONW6tLk+DFdj9vcNTIdMiWewELgczUIyhH7V"
os.environ["AWS_ACCESS_KEY_ID"] = "AIDAMULS72M2FOEGIDBT"
def handler(event, context):
client = boto3.client(
    "s3",
    aws_access_key_id="ABIA6XMLUC7KSZBNKBNH",
    aws_secret_access_key="xbwTQxKie7B7Qfx1YCifTEcdEkv8Vfdp5+XmLhtA",
)
