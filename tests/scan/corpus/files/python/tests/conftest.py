import os
import boto3

os.environ["AWS_SECRET_ACCESS_KEY"] = "8Qtf+SSP87mAsf2P41ApkWTb6iZFiXXKotJVjsgw"
os.environ["AWS_ACCESS_KEY_ID"] = "AKIAG3BL4DG65727TIP4"
for bucket in s3.list_buckets()["Buckets"]:
CREDENTIALS = ("ACCA6ILX6MHKJGSHNLAY", "lRRaCvTJF3dAZlQuIITeX2Z4mg7hrIyjCARSFkY1")
os.environ.setdefault("AWS_SESSION_TOKEN", "IQoJb3JpZ2luX2VjEEJr//////////nU6qd4vJWimjOeyMEHSr4LbdxQ4jRdrSJbNUKxxg6lN5Bd/kQmpvdCfqiBz3QHfTiLrToMzuSLS3L1ncTSKqsN4bL/vJwuKIAb8XrHkqLa1XjNiIGlCH/kSdP7gz7PxFJ4FL4BBm0kShw1wBGnPo2umJadfVcLnErMwZpNFs0JHNkJCItcxwalKOcqjLfHkrLeLeXHlhCAteJJfQLJ8KXGOpthNaCGkaCpi/LjcP7KOsuqPv4ODaEhHQMAGdwKvxOcLp9iCrLMRhis/FtTBiUB80BAh6uYnvycKq2+rKnIbnAxIMSdD0lX33iSmY8UQlu7b2W0b9X+zqkAnnlap0olBIL/2kB19VYRei8Yv5j+MooLlkEDpHXnWLXXJDkmpJy5L3bU2G6wbKg/9QR02po85qgk8aPpF/+ZvbuH")
aws_secret_access_key = os.environ["AWS_SECRET_ACCESS_KEY"]
logger = logging.getLogger(__name__)
FAKE_KEY = "AKIAYYYYYYYYZZZZZZZZ"  # used by the moto tests
FAKE_SECRET = "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
def handler(event, context):
def handler(event, context):
GITHUB_TOKEN = "ghp_pcdOVMhQCOcWt4WDB3daQk2XxCeBRYQTwFen"
def handler(event, context):
client = boto3.client(
    "s3",
    aws_access_key_id="AKIAXNNJ2VU26IRN7WX6",
    aws_secret_access_key="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",
)
for bucket in s3.list_buckets()["Buckets"]:
AWS = dict(key="ACCALRXJVZ6M7Y5HNOSI", secret="AUFC0P5Lhp9AhhiHDLEUg4iOyG8DpU+qTBkzeEge")
    return {"statusCode": 200}
BUCKET = "reports"
assert hashlib.sha1(data).hexdigest() == "20ec313e33105b62f86bed6859f586924ae0cf09"
