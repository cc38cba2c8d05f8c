using Amazon.S3;
var credentials = new BasicAWSCredentials("ASIA7UGANRWDL4E6O2AA", "AjubOnQ1NfcgZDWHiSApfRD4L4mfoPOgjm7LiDD9");
    public class S3Service
private const string AwsSecretKey = "G1RlKP7DxTrxK6sTQhyjrbc5q65xGyrEUhfnAI5B";
private const string AwsAccessKey = "AKIA2MJEVYMVLRXT42OD";
{
}
string secretId = "prod/Payments/StripeApiKeyForCheckoutSvc";
    public class S3Service
}
<appSettings>
  <add key="AWSAccessKey" value="ANPAY5URUHIRXTXBYI3F" />
  <add key="AWSSecretKey" value="IC7Xdoq2uNzDvSRZROb7K5/wq5/hvbDNZYcBUurv" />
</appSettings>
using Amazon.S3;
var key = "ASIAXXXXXXXXXXXX6BZO";
        await client.ListBucketsAsync();
Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", "hcX/MnvnMN4TEAilvrPdjeZ7ePDWCssDvE0QwHFV");
