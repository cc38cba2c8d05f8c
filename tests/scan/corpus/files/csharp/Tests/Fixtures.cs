}
{
  "AWS": {
    "Profile": "default",
    "AccessKey": "AKIASLMZIFK5CTC7HOWQ",
    "SecretKey": "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"
  }
}
namespace Acme.Storage
const string Sha = "FC5B45BF4BEE2B435444F87AC54D6DA039155BF9";
using Amazon.S3;
    public class S3Service
var key = "ASIAXXXXXXXXXXXXOD3J";
const string Sha = "93BC29B722299EB9EC31210892E2A98E3D2EFA41";
namespace Acme.Storage
string secretId = "teamAnalyticsWarehouseReadOnlyCredential";
