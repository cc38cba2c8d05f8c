AWSCredentials credentials = new BasicAWSCredentials("ASIAQGAHLCJQRUBYDMVS", "OpL8rACwS71AXo4/x/60yZUAY0d3GlM3uwNIcngl");
    public S3Client s3() {
public class S3Config {
private static final String SECRET_KEY = "K9KMPrv/+NheAx166u1vkE5wC0axp0/POpz3Dtbt";
private static final String ACCESS_KEY = "ASIA6MGNONEXS75YXQ6B";
cloud.aws.credentials.access-key=AKIAEM7IONLHD52OWGQA
cloud.aws.credentials.secret-key=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
    public S3Client s3() {
package com.acme;
private static final String SECRET_NAME = "prod/Payments/StripeApiKeyForCheckoutSvc";
}
package com.acme;
credentials.secret = ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmn
AwsSessionCredentials session = AwsSessionCredentials.create("ASIAGFIPA5WQ2XYPJ7V7", "JQJEIhEF7FoLgFDSqMkTYPCczOG4O5CQoA8fwb7s", "IQoJb3JpZ2luX2VjEEGMaczWH8o6/ukb4hJ6gjH3CXKDC4ttEQhazpf3/xZIyLEGGKYohyx8ADRLuXcsyqZKur9TSvShRvFKa3vdzJ/jEMIFPmhRS5M8B3Z8c5VUdrj/EBp/6BPs+pbq4dNmaGDdbUKgfgS6+yCyDYm9y9YgWbxe226kITtKLvuwzLZ9WWm3wOryGc/zlVZdIF3CVUJIbPiJtb6TR3o+3Q2QuvuxtRF/CQl4lkX9+x8qFyBE7AUsjJogcTBA0E0lFrFt684KUksaR4OFVqMxXXoMCBihJ+wrbpHUYUYN2dNhPk09S3rboZsFqfqLqmFv0gIQ8BLEgpTdZjq7O2WGG2P/3ssV6lN7FCChDQgHlWAoBrjepq3GxKzxDA+wUORZtd2Xfmwi+HGIhoyfq/15VeRw5MUSH65Did4k6xpba+j9MdVZ+348s/1FcTfde8nyDS+FHUgm8lRwhRiMSjguYBRwp9IdSheixlkyK7bUu2zZVqEBebkT/cXgJkK3ZEW94BLaLza8F1Sgg9eFECH/iPaZ");
AWSCredentials credentials = new BasicAWSCredentials("A3T14QSVOYEG35EY4YAT", "HvthZLgqvNgr0vq+yQs1fmNWppj+K7Pbt0++Lj0u");
private static final String SECRET_NAME = "staging/orders/DatabaseMasterUserSecrets";
