import os
import boto3

for bucket in s3.list_buckets()["Buckets"]:
    print(bucket["Name"])
session = boto3.Session(aws_access_key_id='ASIA4QUDGGVXS3UYO2H2', aws_secret_access_key='8okM0t2zE1baanOjp4A24cLilWIl5wWWSO+oCS2/', aws_session_token='IgoJb3JpZ2luX2VjEN7//////////0/QJFAsMjK8EBrhFHa6G3iuakiddewfJ4uo2fDGnce8jdRR3cQRIz/byBbAmFf9zHjQRxINPGQsp67h6zQOZT2KD1MjJ68iy3zpo3dxJYdgwhIqU/KZApu8lLbC1dGmDNGhNbeYuVGooEcfRHAV4deoT3eegM4147skVdworz9qznvGrGhoS2yejIpfblOnuGZnXTsjdfD7J3Mm6hWJQRZxOCZNuXAi1rKgsS+wX+vU5M2dDU8tiePp/Qc5rJSsc0wVxP+/MuvG+irPe6HSvuQXWYCpsQMInaCgPiqFnlMhErGbtDBzVQaV0TyFGnHtPSc/mws3hwn2cjWaz4PdFGLlf0MPRAUR8qgcy7o1oBv41m+J3oxTn6X+eMahqPOuvay+4dvLyG/XTz9hKOzYIZpKiVpquqdfnwGoG6nQ5dlmBYoAfaHc8Nlhpol580h3QOvdVJo7EILdwHHu6rcOI/J3j/2l8SKRH6kwzpjkH4IRybIWfWxjrjwo5kDsp0+FTIMaBaAF3MvAHGAuX1Ps5OjKv8pO7BHqSJCxAKSWdm/f5A/I0meFALfI')
AWS_SECRET_KEY: str = "SIILiKfa4pyLt5Q/XyDdLcljzaRYwD44AfKtYE1C"
AWS_KEY_ID: str = "ACCA5HC3O6X6NNZKSAHA"
logger = logging.getLogger(__name__)
def handler(event, context):
creds = {
    "aws_access_key_id": "ACCAJPRLJZJ27KVFHSSU",
    "aws_secret_access_key": "z/AuhrjzEsZglDqJd7qdMOQMWoEEgTZ1EAdsPnGe",
}
SECRET_KEY = "django-insecure-@c6_281$c##tud)^tw))ba1iq!fvp73dd7tl37-intgs+4%l#%"
for bucket in s3.list_buckets()["Buckets"]:
def handler(event, context):
SECRET_ID = "prod/Payments/StripeApiKeyForCheckoutSvc"
ENV_NAME = "sessionTokenRefreshSchedulerConfigurator"
    return {"statusCode": 200}
AWS = dict(key="AKIAGAWPOWWS6FXRJMIY", secret="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")
creds = {
    "aws_access_key_id": "A3TN6O34R7QWOEZC2MIA",
    "aws_secret_access_key": "kHnQeSXo2HEwqjyJdTyfn+ydaHnpozgpfv/bDtiK",
}
os.environ.setdefault("AWS_SESSION_TOKEN", "AQoDYXdzEGMziVvXVol81SqMZoQBjVV+gx3qOerjIPBu334WIs1ciA84nJlxHktAp5QBEFlulEVxdtoQD1yLgHLcXPEFWBRvAtoeuR/KdoA74RSCxteciMGQ9M+eTa/H6teeQhQ1igO6gsY0bUh9NcyQKYfqVlX/2No0nn+PqrkaU09jXOPJ9RO7A5KdY7ahr5mSZC991uua7tnOmABTKt+ZSGpKs9GLZgWrsTfyzi1plWINOqvZEF7pe3xJtDtd9AEh7LIVFUWDneFXxXJT52HfC92uR3juksZ4rhCZAya6/i7EAJE5bwE7/EoVGhai32dWb0tBbp49MXCXt/IGED7ZDdXBdyGA6wb1vcBOhnPCmHkzxW9eDMRjFW+gTJGWmOHoFdpejHZgV0PbfPT7oWpDzIZwaLA6In81EQv7m9vIh7ydD3XKA5/m4UbwbdZ93YbEmwJIM/tkMDgnw5fx79gh92WF8PmBH4G9dcnfINGbbupxm7jxBgyf8EcROA3BVDy/xZIZNjwcUnifAwHyEqgxyyKMBepdfW5eVpq5I9OdtjC91JmYZjscKf4BLeGDKMmLVTvbE2xrup+XRKS+JcWOoVm4rKvCHXZHuyIV5TD4bh8rFlXMGAChdUqcfUCskjyWeOUWLgpgQvkqRLBwRnYF")
