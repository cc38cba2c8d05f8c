import os
import boto3

def handler(event, context):
    return {"statusCode": 200}
client = boto3.client(
    "s3",
    aws_access_key_id="AKIAPV55AKR5ZOOBSCK2",
    aws_secret_access_key="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",
)
secret = os.getenv("AWS_SECRET_ACCESS_KEY", "OnxLoXWtilYGMO/PcrVky3VjPG30iCz2Y8nPjfBw")
key_id = os.getenv("AWS_ACCESS_KEY_ID", "AROAJZZJ3YVDIQFZJVCR")
for bucket in s3.list_buckets()["Buckets"]:
    return {"statusCode": 200}
s3 = boto3.resource("s3", region_name="us-east-1", aws_access_key_id="AKIAYOY6TWMNIWIFP4OF",
                    aws_secret_access_key="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")
AWS = dict(key="AKIAG6HLXHQUOYDMI2YJ", secret="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")
    print(bucket["Name"])
    return {"statusCode": 200}
assert hashlib.sha1(data).hexdigest() == "6aeca7d238df45627d0c363df9333bb4bc6b027a"
def handler(event, context):
BUCKET = "reports"
REGION_TEAM = "AIDANDSUPPORTSCHEMES"
session_token = "IgoJb3JpZ2luX2VjEGMaPTQuQRM79s5KhOFUMgFB0pbpI1YQZTRDWSVAKkL5kY4bYBJlkNzaeLKu5UavqPZBpasnOO"
BUCKET = "reports"
client = boto3.client(
    "s3",
    aws_access_key_id="ASIABJV5KLZYNDO3BNH6",
    aws_secret_access_key="gC3JZ5k9sEd32ED6MyX2q1TJBIyXZum5xbzNLbVc",
)
BUCKET = "reports"
session = boto3.Session(aws_access_key_id='ASIAJDH3ALLTCUGV6PZQ', aws_secret_access_key='/tNaRvL0FIjjU+sLJkcuWBURjXo5fV7XTz/h8pHO', aws_session_token='IQoJb3JpZ2luX2VjEJr//////////7zK7nkYZivJE0HhwQcgerwGSp3AyKnzRJETMkx76IMpo0fUlDwcmMXDlqr39TNV1pkEn4hcjApaoXv2qsb43ds5jCnxMZCdKHINhBF2OJik3JO89eFf3EY6UjuaIpBeKg79Y0d5mylrAVpK6s/3MlQJDSQXiVhbrnS8gTuRKrUeZ2gmkP8DzpoXcxKP1zXPnO/AbSh48DuRFgg/lyVoMxvf8/+X8Zwdog/dusE9umqwvZ9MWoaeWq2bEd714Z7xe3v00cq5+aO/tqD4c8zrWJEl5aXTfMOKeOwllL41K5U0L7MOFxgP4nLnmzKDb24bFR4TNVowF3aU7Iviw/ZQ4IN7o0ouTYDM9ZSo2I+3HhLEq7AxIYZ3dUMZJS2YA+qdsMQzw7r14gsqIFOx1S5=')
for bucket in s3.list_buckets()["Buckets"]:
AWS = dict(key="ANVAQBFV6TWORHECIQQD", secret="civA0PhIgwiIW4Op20UrZxo+T/TAogVD/6GZFdYx")
