import os
import boto3

logger = logging.getLogger(__name__)
AWS_SECRET_KEY: str = "uBbJ9k0u39ym+eatCGso3TdM7DI++/hXD5UiwV/c"
AWS_KEY_ID: str = "AKIAEDMWP7BFHP7C55II"
    print(bucket["Name"])
    return {"statusCode": 200}
creds = {
    "aws_access_key_id": "AGPAH7KXDILM4ODC72PY",
    "aws_secret_access_key": "MVCkq4TuwTz0fZZz+o3pZW2DZQl+XiJ9io7c6Ikl",
}
for bucket in s3.list_buckets()["Buckets"]:
SECRET_KEY = "django-insecure-8tfk2)=@%znjh#tqwn0rxczuf=si5=&1&#-p=9r#47rc4i4kzs"
SECRET_ID = "shared/platform/GithubAppPrivateKeyPemFi"
ENV_NAME = "AwsSecretAccessKeyEnvironmentVariableNam"
s3 = boto3.resource("s3", region_name="us-east-1", aws_access_key_id="AKIATBDQYEUTP3YKOMO3",
                    aws_secret_access_key="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")
BUCKET = "reports"
creds = {
    "aws_access_key_id": "AKIAN7U6A4ZMY3T6WFL2",
    "aws_secret_access_key": "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",
}
BUCKET = "reports"
session = boto3.Session(aws_access_key_id='ASIAX4RUQEDYQM2L452X', aws_secret_access_key='CGgwjgGdeK7s05os88KZy0KPbUXjIuOU69aXd33O', aws_session_token='IQoJb3JpZ2luX2VjEJr//////////Z1CnlToLvvtNSRyiI+NBWuS1hb0E3knFWa3bIp6RBC4Tx8E5Z0u3mRJxd4QGKfJxGSr3oXEWquMfRnm8I7aMn7HSwCElh+f4Vnx0ZCVC+i0lsHXOumlyaLBc33zn88GBdLfk+Z7EF3y9oiYq9+Vmpb1GPHeJkxvlnCxHr9RVekSXkljMeEAHYHoExeFzggCHW/yZQx/5daiqSCTxj/JNImegsYZxtuVQvs42AtK5ZrnNjndl5gHEm3aVluJH8+LdB5TGq7a6q5WmtLR8WyXzcSAXjdBTX3T4ElmhsnU9UkXr07ADCc2A4qzrUjN7t0SNFEA04kDUnhzqic9w56VMzBQdpWmPXDol5VeFust1zve4G4WMMHhhnUpxaF58jWzBVOsaKJPQWV0066lg+UN6g0l6xItTchLAMH2lvyqCrTygMrmfNvz8gNdwv3LonsPKDXbDgoSbEROlS/9qPekg7uVtfuKGkneiNtbJK0SphEPopcXvo0QIVygAbz0GZcc2pY9bs91RxxnR7NDL9g1JUjRdVyZO8EQkC2ue1w0SywPH/rLIyUCuTZn4Y9Wqyyp8NG+eXebvRDqNY1S0tDxb5juFDlqZX9p82Ha2FmoRUc+85bxJIE96SlI5KQzjNGMG/KbqSJ9NG++RWKUpmMUKtGERCsLBMotLTufSRH2a/Ku40cpOZXrpgFLUhgDr+xIhjC+8VcCMTSIs1lUtP/XUAZZNCZOqR3/i1+sTkNvPVFRLM3Mh6qZpz4lzbGccqKwEJ4dv/VFIOG4AwJK')
