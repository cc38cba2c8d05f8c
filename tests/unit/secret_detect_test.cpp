// The secret scanner's rules one by one (secret_detect.hpp); secret_scan_test.cpp checks them
// together on whole texts.
#include "secret_detect.hpp"

#include <gtest/gtest.h>

#include <string>

namespace awsprof::detail {
namespace secret_detect_test {

TEST(SecretDetect, ClassifiesNamesByTheirWords) {
  for (const char* name : {"aws_secret_access_key", "SecretAccessKey", "AWSSecretKey", "fs.s3a.secret.key",
                           "client_secret", "Secret access key", "aws_key", "AWS_SK", "S3_PRIVATE_KEY", "awsKey",
                           "awssk", "MINIO_SECRET", "AccessKey"})
    EXPECT_TRUE(classify_name(name).secret_key) << name;
  for (const char* name : {"SecretId", "secret_name", "SecretArn", "aws_secret_access_key_file", "AWS_ACCESS_KEY_ID",
                           "api_key", "primaryKey", "sort_key", "monkey", "task", "token"})
    EXPECT_FALSE(classify_name(name).secret_key) << name;
  for (const char* name : {"aws_session_token", "SessionToken", "x-amz-security-token", "X-Amz-Security-Token",
                           "Token", "token", "AWS_SECURITY_TOKEN", "fs.s3a.session.token", "awsToken"})
    EXPECT_TRUE(classify_name(name).session_token) << name;
  for (const char* name : {"access_token", "id_token", "token_url", "session_token_count",
                           "web_identity_token_file", "tokenizer", "csrf_token"})
    EXPECT_FALSE(classify_name(name).session_token) << name;
}

TEST(SecretDetect, AllowCommentOnlyAfterACommentMarker) {
  for (const char* line : {"x = 1  # awsprof:allow", "x = 1; // awsprof:allow", "x /* awsprof:allow */",
                           "<x/> <!-- awsprof:allow -->", "x -- awsprof:allow", "x ; awsprof:allow",
                           "x % awsprof:allow", "REM awsprof:allow", "x :: awsprof:allow",
                           "#awsprof:allow"})
    EXPECT_TRUE(has_allow_comment(line)) << line;
  for (const char* line : {"x = 'awsprof:allow'", "x = \"awsprof:allow\"", "# awsprof:allowed",
                           "# awsprof:allow-all", "x = 1", "# awsprof: allow", "PREM awsprof:allow"})
    EXPECT_FALSE(has_allow_comment(line)) << line;
}

TEST(SecretDetect, RandomnessOfValues) {
  EXPECT_TRUE(looks_like_key_id("AKIA2MOCKMOCKMOCKQ3Z"));
  EXPECT_TRUE(looks_like_key_id("ASIAY34FZKBOKMUTVV7A"));
  EXPECT_FALSE(looks_like_key_id("AKIAXXXXXXXXXXXXXXXX"));
  EXPECT_FALSE(looks_like_key_id("AKIAXXXXXXXXXXXXC66V"));
  EXPECT_FALSE(looks_like_key_id("ASIAABCDEFGHIJKLMNOP"));
  EXPECT_FALSE(looks_like_key_id("AKIAEXAMPLEPBUMBC3GA"));
  EXPECT_FALSE(looks_like_key_id("ASIAPACIFICSALESTEAM"));
  EXPECT_TRUE(looks_like_secret_key("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"));
  EXPECT_FALSE(looks_like_secret_key("zx9mqv2lpr7tyb4ncw8skd1fgh6jue3aoi5ytr0b"));  // one case
  EXPECT_FALSE(looks_like_secret_key("ZxmQvLpRtYbNcWsKdFgHjUeAoIyTrBZxmQvLpRtY"));  // no digit
  EXPECT_FALSE(looks_like_secret_key("prod/Payments2/StripeApiKeyForCheckoutSv"));  // words
  EXPECT_FALSE(looks_like_secret_key("Zx9mQv2LpR7tYb4NcW8sKd1FgH6jUe3AoIIIIIIB"));  // a run
  EXPECT_FALSE(looks_like_secret_key("abcdefghijklmnopqrstuvwxyz0123456789ABCD"));  // a sequence
}

}  // namespace secret_detect_test
}  // namespace awsprof::detail
