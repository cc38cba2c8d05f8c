import os
import boto3

CREDENTIALS = ("ASIATKB5BSTQ2JJJMGYC", "RwiAb2T0vpbHcJGNDHRxi5m+93KSE5+ax2xiFwKA")
def handler(event, context):
os.environ.setdefault("AWS_SESSION_TOKEN", "IgoJb3JpZ2luX2VjEJr//////////gdhH7irQ60O1aYPAJgtTotjLosBGXHb5GPMLTk19lo5kU0IrpK55R4XJYmRp/rAJV/Kbd2NMzlzRZa3y16VjKYmV8wRI9aY3P4a1VTuPD4UhbD4KyyICKdhoBC2R5RAJlF6Zliuo8vF4FkPAqmSc108dv2XVfnFGNBeIhb3auTrZNwMh8TrWXc3SDOK6MkqQDlnYuybLWc46JxHei116xNQOJOtjHfifYR/qduY08xK952Sk9/BNj78xXETG3vRfKIjGaSTHuaqtTbx2XkEeIzRl0Xlct4biwhRITGq4BWJeyLHbf3kOOnGrNA99K6xsW4NClut68FcOsYrf5UCfKWgPnrF47sNy/dMgJpQYFY8PbFegZAoFFwLHNyTZVRRbl5fddTIIFi91ZTU/6rmGJ9+7uKy1oGmKLaT3A4PuwP5320Z6bO0u6BF18qmi+IhLZtf2tb+xN1HgWzsOHgqKAFweFRU4HfhjdVF7gQFXVp54cQfMcCx+W/Fz6wsp7Qt9roTjjs6Zquy//G1EfBCbXzZor9fb+ioPBGW4Cyc44g2dHgX+50DmiM5mn9LrENMJ1BJAXc/iIfSSkeDbuEI3onA/sJRoe0mGLg2ZB1aXEc4enZUGfNAu76lvDJw5a0TjssDVQIZbXntPqFKK56TEQx/Z4fyjs/KBPXih4x2s5OLf56YGsr1cDuJLprNhlmAyjdbxIY1VPPcgctrJtSKNS8qqOAflHr1ExR1S7jrOXVrIU6TiS1wtvRiPjZu9bieoPy0aa4SDOd9vR9vodgyYLrpxpQAcmPKIpeYW0/d9/PuKFBrG7UBdqee9JYkwAmMpNxUPBo7Mk9zYlXfidgJa3NTjW72A8qVolRiq4OHscw/HYIS1+9B0kYCnZRh8KBgbfi8eRiQx4DsfUh23LGem4P0b8dRZjojH3pzkbhwvIpHXlJx0/0Hc2+UOzi=")
aws_secret_access_key = os.environ["AWS_SECRET_ACCESS_KEY"]
FAKE_KEY = "ASIAAAAAAAAAAAAAAAAA"  # used by the moto tests
FAKE_SECRET = "0123456789abcdefghijABCDEFGHIJ0123456789"
GITHUB_TOKEN = "ghp_YvXgOMl0860xwYi6MKFnFpYlytMH9y0ZM0bU"
    return {"statusCode": 200}
creds = {
    "aws_access_key_id": "AROA5Q2RCJNXRPSQ3BLQ",
    "aws_secret_access_key": "uVpHJ9JRagc0KLSImhHx26BkCAZiUh8i6lfGPpRg",
}
    print(bucket["Name"])
BUCKET = "reports"
AWS = dict(key="AROALUGQCDFZFA7O56W5", secret="Alx87RL86zQKIenFG1kKAv7X9ElUy7TBsWvuTxuO")
def handler(event, context):
    print(bucket["Name"])
client = boto3.client(
    "s3",
    aws_access_key_id="ASIAR35WLSX467T4NR37",
    aws_secret_access_key="nqKi61UXO7vutTg5fdJCgtCQKCHDwc+9kiPRxmHO",
)
