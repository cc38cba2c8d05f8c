// STS client and HTTP client tests, with inline inputs: form encoding, XML replies (success, error,
// hostile), the error table, endpoint resolution, retry rules, the client over a fake transport, and
// HttpClient against a small keep-alive server on 127.0.0.1 (headers sent, connection reuse, read
// timeout, size limit). The end-to-end run against moto is tests/peers/moto.
#include "awsprof/net/sts_client.hpp"

#include <gtest/gtest.h>
#include <poll.h>
#include <unistd.h>

#include <atomic>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "awsprof/net/http_client.hpp"
#include "test_support.hpp"

namespace awsprof {
namespace sts_client_test {

using std::chrono::milliseconds;

// The documented example keys (AWS docs), never real ones.
constexpr std::string_view kKeyId = "AKIDEXAMPLE";
constexpr std::string_view kSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

Credentials example_credentials(std::string token = {}) {
  return Credentials{std::string(kKeyId), std::string(kSecret), std::move(token)};
}

std::chrono::system_clock::time_point example_time() {
  return *parse_amz_date("20240102T030405Z");
}

std::string header_of(const HttpRequest& request, std::string_view name) {
  for (const auto& [key, value] : request.headers)
    if (key == name) return value;
  return "<none>";
}

// ---------------------------------------------------------------------------------------------
// Form encoding
// ---------------------------------------------------------------------------------------------

TEST(StsForm, EncodesAllButUnreservedBytes) {
  EXPECT_EQ(form_url_encode("AZaz09-_.~"), "AZaz09-_.~");
  EXPECT_EQ(form_url_encode("a b+c=d&e/f:g"), "a%20b%2Bc%3Dd%26e%2Ff%3Ag");
  EXPECT_EQ(form_url_encode("é"), "%C3%A9");
  EXPECT_EQ(form_url_encode(std::string_view("\0\n", 2)), "%00%0A");
  EXPECT_EQ(form_url_encode("{\"Version\":\"2012-10-17\"}"), "%7B%22Version%22%3A%222012-10-17%22%7D");
}

TEST(StsForm, GetCallerIdentityBody) {
  EXPECT_EQ(form_encode(get_caller_identity_parameters()), "Action=GetCallerIdentity&Version=2011-06-15");
}

TEST(StsForm, AssumeRoleBodyKeepsModelOrderAndSkipsUnset) {
  AssumeRoleRequest request;
  request.role_arn = "arn:aws:iam::123456789012:role/My Role";
  request.role_session_name = "me@example.com";
  EXPECT_EQ(
      form_encode(assume_role_parameters(request)),
      "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2FMy%20Role"
      "&RoleSessionName=me%40example.com");
  request.external_id = "ext+id=1";
  request.duration_seconds = 900;
  request.serial_number = "arn:aws:iam::123456789012:mfa/me";
  request.token_code = "123456";
  request.policy = "{}";
  EXPECT_EQ(
      form_encode(assume_role_parameters(request)),
      "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2FMy%20Role"
      "&RoleSessionName=me%40example.com&Policy=%7B%7D&DurationSeconds=900&ExternalId=ext%2Bid%3D1"
      "&SerialNumber=arn%3Aaws%3Aiam%3A%3A123456789012%3Amfa%2Fme&TokenCode=123456");
}

TEST(StsForm, WebIdentityBody) {
  AssumeRoleWithWebIdentityRequest request{"arn:aws:iam::123456789012:role/r", "s", "eyJ.a+b/c=", 3600, ""};
  EXPECT_EQ(form_encode(assume_role_with_web_identity_parameters(request)),
            "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%"
            "3Arole%2Fr"
            "&RoleSessionName=s&WebIdentityToken=eyJ.a%2Bb%2Fc%3D&DurationSeconds=3600");
}

// ---------------------------------------------------------------------------------------------
// XML replies
// ---------------------------------------------------------------------------------------------

constexpr std::string_view kCallerIdentityXml =
    R"(<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult>
    <Arn>arn:aws:iam::123456789012:user/alice</Arn>
    <UserId>AIDACKCEVSQ6C2EXAMPLE</UserId>
    <Account>123456789012</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata>
    <RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId>
  </ResponseMetadata>
</GetCallerIdentityResponse>
)";

constexpr std::string_view kAssumeRoleXml = R"(<?xml version="1.0" encoding="UTF-8"?>
<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <SourceIdentity>DevUser123</SourceIdentity>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::123456789012:assumed-role/demo/John</Arn>
      <AssumedRoleId>ARO123EXAMPLE123:John</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <AccessKeyId>ASIAIOSFODNN7EXAMPLE</AccessKeyId>
      <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey>
      <SessionToken>AQoDYXdzEPT//////////wEXAMPLEtc764&amp;more</SessionToken>
      <Expiration>2019-11-09T13:34:41Z</Expiration>
    </Credentials>
    <PackedPolicySize>6</PackedPolicySize>
  </AssumeRoleResult>
  <ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ResponseMetadata>
</AssumeRoleResponse>)";

constexpr std::string_view kWebIdentityXml =
    R"(<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleWithWebIdentityResult>
    <SubjectFromWebIdentityToken>amzn1.account.AF6RHO7KZU5XRVQJGXK6HB56KR2A</SubjectFromWebIdentityToken>
    <Audience>client.5498841531868486423.1548@apps.example.com</Audience>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::123456789012:assumed-role/FederatedWebIdentityRole/app1</Arn>
      <AssumedRoleId>AROACLKWSDQRAOEXAMPLE:app1</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <SessionToken>AQoDYXdzEE0a8ANXXXXXXXXNO1ewxE5TijQyp+IEXAMPLE</SessionToken>
      <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey>
      <Expiration>2014-10-24T23:00:23Z</Expiration>
      <AccessKeyId>ASgeIAIOSFODNN7EXAMPLE</AccessKeyId>
    </Credentials>
    <Provider>www.amazon.com</Provider>
  </AssumeRoleWithWebIdentityResult>
</AssumeRoleWithWebIdentityResponse>)";

constexpr std::string_view kErrorXml = R"(<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error>
    <Type>Sender</Type>
    <Code>SignatureDoesNotMatch</Code>
    <Message>The request signature we calculated does not match the signature you provided.</Message>
  </Error>
  <RequestId>9b3f2e2a-0000-4000-8000-000000000000</RequestId>
</ErrorResponse>)";

TEST(StsXml, ParsesGetCallerIdentity) {
  auto identity = parse_get_caller_identity_response(kCallerIdentityXml);
  ASSERT_TRUE(identity.ok()) << identity.message();
  EXPECT_EQ(identity->account, "123456789012");
  EXPECT_EQ(identity->arn, "arn:aws:iam::123456789012:user/alice");
  EXPECT_EQ(identity->user_id, "AIDACKCEVSQ6C2EXAMPLE");
}

TEST(StsXml, ParsesAssumeRoleWithEntities) {
  auto role = parse_assume_role_response(kAssumeRoleXml);
  ASSERT_TRUE(role.ok()) << role.message();
  EXPECT_EQ(role->credentials.access_key_id, "ASIAIOSFODNN7EXAMPLE");
  EXPECT_EQ(role->credentials.secret_access_key, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY");
  EXPECT_EQ(role->credentials.session_token, "AQoDYXdzEPT//////////wEXAMPLEtc764&more");
  EXPECT_EQ(role->expiration, "2019-11-09T13:34:41Z");
  EXPECT_EQ(role->assumed_role_arn, "arn:aws:sts::123456789012:assumed-role/demo/John");
  EXPECT_EQ(role->assumed_role_id, "ARO123EXAMPLE123:John");
  EXPECT_EQ(role->packed_policy_size, 6);
  EXPECT_EQ(role->source_identity, "DevUser123");
}

TEST(StsXml, ParsesAssumeRoleWithWebIdentity) {
  auto role = parse_assume_role_response(kWebIdentityXml);
  ASSERT_TRUE(role.ok()) << role.message();
  EXPECT_EQ(role->credentials.access_key_id, "ASgeIAIOSFODNN7EXAMPLE");
  EXPECT_EQ(role->assumed_role_arn, "arn:aws:sts::123456789012:assumed-role/FederatedWebIdentityRole/app1");
  EXPECT_EQ(role->provider, "www.amazon.com");
  EXPECT_EQ(role->audience, "client.5498841531868486423.1548@apps.example.com");
  EXPECT_EQ(role->subject_from_web_identity_token, "amzn1.account.AF6RHO7KZU5XRVQJGXK6HB56KR2A");
  EXPECT_FALSE(role->packed_policy_size.has_value());
}

TEST(StsXml, NamespacePrefixesAreIgnored) {
  auto identity = parse_get_caller_identity_response(
      R"(<s:GetCallerIdentityResponse xmlns:s="urn:x"><s:GetCallerIdentityResult><s:Account>1</s:Account>)"
      R"(<s:Arn>a</s:Arn></s:GetCallerIdentityResult></s:GetCallerIdentityResponse>)");
  ASSERT_TRUE(identity.ok()) << identity.message();
  EXPECT_EQ(identity->account, "1");
}

TEST(StsXml, RejectsBadOrIncompleteRepliesWithoutEchoingSecrets) {
  auto truncated = parse_assume_role_response(kAssumeRoleXml.substr(0, 600));
  ASSERT_FALSE(truncated.ok());
  EXPECT_NE(truncated.message().find("not valid XML"), std::string::npos) << truncated.message();
  EXPECT_EQ(truncated.message().find("wJalrXUtnFEMI"), std::string::npos);

  std::string no_token(kAssumeRoleXml);
  no_token.erase(no_token.find("<SessionToken>"),
                 no_token.find("</SessionToken>") + 15 - no_token.find("<SessionToken>"));
  auto missing = parse_assume_role_response(no_token);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.message(), "the reply's Credentials have no SessionToken");

  auto wrong_root = parse_get_caller_identity_response(kAssumeRoleXml);
  ASSERT_FALSE(wrong_root.ok());
  EXPECT_NE(wrong_root.message().find("<AssumeRoleResponse>"), std::string::npos) << wrong_root.message();

  EXPECT_FALSE(parse_get_caller_identity_response("").ok());
  EXPECT_FALSE(parse_get_caller_identity_response("not xml").ok());
  EXPECT_FALSE(parse_get_caller_identity_response("<a></a><b></b>").ok());
}

TEST(StsXml, RejectsDoctypeAndEntityExpansion) {
  const std::string laughs = R"(<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">)"
                             R"(<!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><GetCallerIdentityResponse>)"
                             R"(<GetCallerIdentityResult><Account>&lol2;</Account><Arn>x</Arn>)"
                             R"(</GetCallerIdentityResult></GetCallerIdentityResponse>)";
  auto parsed = parse_get_caller_identity_response(laughs);
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.message().find("DOCTYPE"), std::string::npos) << parsed.message();
  const std::string external = R"(<!DOCTYPE a SYSTEM "file:///etc/passwd"><a/>)";
  EXPECT_FALSE(parse_sts_error_response(external).has_value());
}

TEST(StsXml, RejectsDeepNestingAndHugeReplies) {
  std::string deep;
  for (int i = 0; i < 40; ++i) deep += "<a>";
  for (int i = 0; i < 40; ++i) deep += "</a>";
  auto parsed = parse_get_caller_identity_response(deep);
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.message().find("nested too deeply"), std::string::npos) << parsed.message();
  auto huge = parse_get_caller_identity_response("<a>" + std::string(2u << 20, 'x') + "</a>");
  ASSERT_FALSE(huge.ok());
  EXPECT_NE(huge.message().find("1 MiB"), std::string::npos);
}

TEST(StsXml, ParsesErrorResponse) {
  auto error = parse_sts_error_response(kErrorXml);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->type, "Sender");
  EXPECT_EQ(error->code, "SignatureDoesNotMatch");
  EXPECT_EQ(error->message, "The request signature we calculated does not match the signature you provided.");
  EXPECT_EQ(error->request_id, "9b3f2e2a-0000-4000-8000-000000000000");
}

TEST(StsXml, ParsesEc2StyleErrorAndRejectsOthers) {
  auto error = parse_sts_error_response(
      "<Response><Errors><Error><Code>InvalidClientTokenId</Code><Message>The security token included in the "
      "request is invalid.</Message></Error></Errors><RequestID>r-1</RequestID></Response>");
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->code, "InvalidClientTokenId");
  EXPECT_EQ(error->type, "");
  EXPECT_EQ(error->request_id, "r-1");
  EXPECT_FALSE(parse_sts_error_response("<html><body>500 Internal Server Error</body></html>").has_value());
  EXPECT_FALSE(parse_sts_error_response("").has_value());
  EXPECT_FALSE(parse_sts_error_response(kCallerIdentityXml).has_value());
}

// ---------------------------------------------------------------------------------------------
// Error table
// ---------------------------------------------------------------------------------------------

TEST(StsErrors, DescribesKnownCodes) {
  EXPECT_EQ(describe_sts_error("SignatureDoesNotMatch").summary,
            "the secret access key does not match the access key id");
  EXPECT_NE(describe_sts_error("SignatureDoesNotMatch").hint.find("aws_secret_access_key"),
            std::string::npos);
  EXPECT_EQ(describe_sts_error("InvalidClientTokenId").summary,
            "the access key id or session token is not valid");
  EXPECT_EQ(describe_sts_error("ExpiredToken").summary, "the session token has expired");
  EXPECT_EQ(describe_sts_error("AccessDenied").summary, "access denied");
  EXPECT_NE(describe_sts_error("AccessDenied").hint.find("trust policy"), std::string::npos);
  EXPECT_EQ(describe_sts_error("MalformedPolicyDocument").summary,
            "the session policy is not a valid policy document");
  EXPECT_EQ(describe_sts_error("RegionDisabledException").summary,
            "STS is not activated in this region for the account");
  EXPECT_EQ(describe_sts_error("Throttling").summary, "STS is throttling the requests");
  EXPECT_EQ(describe_sts_error("InvalidIdentityToken").summary, "the web identity token is not valid");
  EXPECT_EQ(describe_sts_error("SomethingNew").summary, "STS returned an error");
  EXPECT_EQ(describe_sts_error("SomethingNew").hint, "");
}

TEST(StsErrors, ToStringNamesOperationCodeStatusAndSummary) {
  StsError error;
  error.kind = StsErrorKind::service;
  error.operation = "GetCallerIdentity";
  error.http_status = 403;
  error.code = "SignatureDoesNotMatch";
  error.message = "The request signature we calculated does not match.";
  error.attempts = 1;
  EXPECT_EQ(
      error.to_string(),
      "GetCallerIdentity failed: SignatureDoesNotMatch (HTTP 403): the secret access key does not match the "
      "access key id. The request signature we calculated does not match.");
  EXPECT_EQ(error.summary(), "the secret access key does not match the access key id");
  error.kind = StsErrorKind::transport;
  error.message = "POST http://127.0.0.1:1: Failed to connect";
  error.attempts = 3;
  EXPECT_EQ(error.to_string(),
            "GetCallerIdentity failed: POST http://127.0.0.1:1: Failed to connect (after 3 attempts)");
  EXPECT_EQ(error.hint(), "");
}

// ---------------------------------------------------------------------------------------------
// Endpoint resolution
// ---------------------------------------------------------------------------------------------

struct EndpointCase {
  std::string name;
  StsEndpointInputs inputs;
  std::string url;             // "" when an error is expected
  std::string signing_region;  // or the expected error's fragment
  std::string source;
};

// gtest would otherwise print the raw bytes of a case, padding included.
void PrintTo(const EndpointCase& c, std::ostream* os) {
  *os << c.name;
}

StsEndpointInputs region_only(std::string region) {
  StsEndpointInputs in;
  in.region = std::move(region);
  return in;
}

std::vector<EndpointCase> endpoint_cases() {
  std::vector<EndpointCase> cases;
  auto add = [&](std::string name, StsEndpointInputs in, std::string url, std::string signing,
                 std::string source = "partition") {
    cases.push_back({std::move(name), std::move(in), std::move(url), std::move(signing), std::move(source)});
  };
  add("regional_us_west_2", region_only("us-west-2"), "https://sts.us-west-2.amazonaws.com", "us-west-2");
  add("regional_us_east_1", region_only("us-east-1"), "https://sts.us-east-1.amazonaws.com", "us-east-1");
  add("regional_new_region", region_only("ap-southeast-5"), "https://sts.ap-southeast-5.amazonaws.com",
      "ap-southeast-5");
  add("aws_global", region_only("aws-global"), "https://sts.amazonaws.com", "us-east-1");
  {
    auto in = region_only("us-east-1");
    in.regional_endpoints = StsRegionalEndpoints::legacy;
    add("legacy_us_east_1", in, "https://sts.amazonaws.com", "us-east-1");
    in.region = "eu-west-1";
    add("legacy_eu_west_1", in, "https://sts.amazonaws.com", "us-east-1");
    in.region = "ap-east-1";  // opted-in after 2019: never had the global endpoint
    add("legacy_ap_east_1_stays_regional", in, "https://sts.ap-east-1.amazonaws.com", "ap-east-1");
    in.region = "us-east-1";
    in.use_fips_endpoint = true;
    add("legacy_with_fips_is_fips", in, "https://sts-fips.us-east-1.amazonaws.com", "us-east-1");
  }
  {
    auto in = region_only("us-east-1");
    in.use_fips_endpoint = true;
    add("fips", in, "https://sts-fips.us-east-1.amazonaws.com", "us-east-1");
    in.use_dualstack_endpoint = true;
    add("fips_dualstack", in, "https://sts-fips.us-east-1.api.aws", "us-east-1");
    in.use_fips_endpoint = false;
    add("dualstack", in, "https://sts.us-east-1.api.aws", "us-east-1");
  }
  {
    auto in = region_only("us-gov-west-1");
    add("govcloud", in, "https://sts.us-gov-west-1.amazonaws.com", "us-gov-west-1");
    in.use_fips_endpoint = true;
    add("govcloud_fips", in, "https://sts.us-gov-west-1.amazonaws.com", "us-gov-west-1");
  }
  {
    auto in = region_only("cn-north-1");
    add("china", in, "https://sts.cn-north-1.amazonaws.com.cn", "cn-north-1");
    in.use_dualstack_endpoint = true;
    add("china_dualstack", in, "https://sts.cn-north-1.api.amazonwebservices.com.cn", "cn-north-1");
  }
  add("iso", region_only("us-iso-east-1"), "https://sts.us-iso-east-1.c2s.ic.gov", "us-iso-east-1");
  add("isob", region_only("us-isob-east-1"), "https://sts.us-isob-east-1.sc2s.sgov.gov", "us-isob-east-1");
  add("unknown_region_is_aws", region_only("mars-central-1"), "https://sts.mars-central-1.amazonaws.com",
      "mars-central-1");
  {
    StsEndpointInputs in = region_only("eu-west-1");
    in.config_endpoint_url = "http://profile:1";
    add("profile_endpoint_url", in, "http://profile:1", "eu-west-1", "endpoint_url");
    in.config_service_endpoint_url = "http://services:2";
    add("services_beats_profile", in, "http://services:2", "eu-west-1", "services.sts.endpoint_url");
    in.env_endpoint_url = "http://env:3";
    add("env_global_beats_services", in, "http://env:3", "eu-west-1", "AWS_ENDPOINT_URL");
    in.env_service_endpoint_url = "http://env-sts:4";
    add("env_sts_beats_env_global", in, "http://env-sts:4", "eu-west-1", "AWS_ENDPOINT_URL_STS");
    in.use_fips_endpoint = true;  // ignored with a configured URL, as in botocore
    in.use_dualstack_endpoint = true;
    in.endpoint_url = "http://127.0.0.1:5000";
    add("flag_beats_everything", in, "http://127.0.0.1:5000", "eu-west-1", "--endpoint-url");
    in.endpoint_url.clear();
    in.ignore_configured_endpoint_urls = true;
    add("ignore_configured", in, "https://sts-fips.eu-west-1.api.aws", "eu-west-1");
    in.endpoint_url = "https://flag:6";
    add("ignore_configured_keeps_flag", in, "https://flag:6", "eu-west-1", "--endpoint-url");
  }
  add("no_region", region_only(""), "", "no region");
  add("bad_region", region_only("us-east-1/evil"), "", "not a valid region name");
  add("numeric_region", region_only("12345"), "", "not a valid region name");
  {
    StsEndpointInputs in = region_only("us-east-1");
    in.env_endpoint_url = "ftp://x";
    add("bad_configured_url", in, "", "AWS_ENDPOINT_URL: invalid URL");
    in = region_only("");
    in.endpoint_url = "http://127.0.0.1:5000";
    add("configured_url_needs_region", in, "", "no region");
  }
  return cases;
}

class StsEndpointTable : public ::testing::TestWithParam<EndpointCase> {};

TEST_P(StsEndpointTable, Resolves) {
  const EndpointCase& c = GetParam();
  auto endpoint = resolve_sts_endpoint(c.inputs);
  if (c.url.empty()) {
    ASSERT_FALSE(endpoint.ok()) << endpoint->url;
    EXPECT_NE(endpoint.message().find(c.signing_region), std::string::npos) << endpoint.message();
    return;
  }
  ASSERT_TRUE(endpoint.ok()) << endpoint.message();
  EXPECT_EQ(endpoint->url, c.url);
  EXPECT_EQ(endpoint->signing_region, c.signing_region);
  EXPECT_EQ(endpoint->source, c.source);
}

INSTANTIATE_TEST_SUITE_P(Cases, StsEndpointTable, ::testing::ValuesIn(endpoint_cases()),
                         [](const auto& info) { return info.param.name; });

TEST(StsEndpoint, ParsesRegionalEndpointsSetting) {
  EXPECT_EQ(*parse_sts_regional_endpoints("legacy"), StsRegionalEndpoints::legacy);
  EXPECT_EQ(*parse_sts_regional_endpoints("Regional"), StsRegionalEndpoints::regional);
  EXPECT_FALSE(parse_sts_regional_endpoints("global").ok());
}

// ---------------------------------------------------------------------------------------------
// Retry rules
// ---------------------------------------------------------------------------------------------

TEST(StsRetry, DefaultsFollowBotocore) {
  EXPECT_EQ(default_max_attempts(RetryMode::standard), 3);
  EXPECT_EQ(default_max_attempts(RetryMode::adaptive), 3);
  EXPECT_EQ(default_max_attempts(RetryMode::legacy), 5);
  RetryOptions options;
  EXPECT_EQ(options.mode, RetryMode::standard);
  EXPECT_EQ(options.effective_max_attempts(), 3);
  options.max_attempts = 7;
  EXPECT_EQ(options.effective_max_attempts(), 7);
  EXPECT_EQ(*parse_retry_mode("STANDARD"), RetryMode::standard);
  EXPECT_EQ(*parse_retry_mode("legacy"), RetryMode::legacy);
  EXPECT_EQ(*parse_retry_mode("adaptive"), RetryMode::adaptive);
  EXPECT_FALSE(parse_retry_mode("aggressive").ok());
}

TEST(StsRetry, RetriesThrottling5xxAndTransportErrorsOnly) {
  for (RetryMode mode : {RetryMode::standard, RetryMode::adaptive, RetryMode::legacy}) {
    SCOPED_TRACE(static_cast<int>(mode));
    EXPECT_TRUE(is_retryable(mode, true, 0, ""));
    EXPECT_TRUE(is_retryable(mode, false, 400, "Throttling"));
    EXPECT_TRUE(is_retryable(mode, false, 400, "ThrottlingException"));
    for (int status : {500, 502, 503, 504}) EXPECT_TRUE(is_retryable(mode, false, status, ""));
    EXPECT_TRUE(is_retryable(mode, false, 500, "InternalFailure"));
    for (const char* code : {"SignatureDoesNotMatch", "InvalidClientTokenId", "AccessDenied", "ExpiredToken",
                             "MalformedPolicyDocument", "ValidationError", "RegionDisabledException"})
      EXPECT_FALSE(is_retryable(mode, false, 403, code)) << code;
    EXPECT_FALSE(is_retryable(mode, false, 400, ""));
    EXPECT_FALSE(is_retryable(mode, false, 404, ""));
    EXPECT_FALSE(is_retryable(mode, false, 501, ""));
  }
  // Standard only: the longer throttling list, transient codes, IDPCommunicationError.
  EXPECT_TRUE(is_retryable(RetryMode::standard, false, 400, "RequestLimitExceeded"));
  EXPECT_TRUE(is_retryable(RetryMode::standard, false, 400, "IDPCommunicationError"));
  EXPECT_TRUE(is_retryable(RetryMode::standard, false, 400, "RequestTimeout"));
  EXPECT_FALSE(is_retryable(RetryMode::legacy, false, 400, "RequestLimitExceeded"));
  EXPECT_FALSE(is_retryable(RetryMode::legacy, false, 400, "IDPCommunicationError"));
  // Legacy only: 429 and 509 by status.
  EXPECT_TRUE(is_retryable(RetryMode::legacy, false, 429, ""));
  EXPECT_TRUE(is_retryable(RetryMode::legacy, false, 509, ""));
  EXPECT_FALSE(is_retryable(RetryMode::standard, false, 429, ""));
  EXPECT_TRUE(is_retryable(RetryMode::standard, false, 429, "TooManyRequestsException"));
  EXPECT_TRUE(is_throttling_error(RetryMode::standard, "SlowDown"));
  EXPECT_FALSE(is_throttling_error(RetryMode::legacy, "SlowDown"));
}

TEST(StsRetry, FullJitterExponentialBackoffCapped) {
  RetryOptions options;
  EXPECT_EQ(retry_delay(options, 1, 0.0), milliseconds(0));
  EXPECT_EQ(retry_delay(options, 1, 0.5), milliseconds(500));
  EXPECT_EQ(retry_delay(options, 2, 0.5), milliseconds(1000));
  EXPECT_EQ(retry_delay(options, 3, 0.5), milliseconds(2000));
  EXPECT_EQ(retry_delay(options, 5, 0.999), milliseconds(15984));
  EXPECT_EQ(retry_delay(options, 6, 0.999), milliseconds(19980));  // 32 s capped at 20 s
  EXPECT_EQ(retry_delay(options, 100, 1.0), milliseconds(20000));
  options.max_backoff = milliseconds(1500);
  EXPECT_EQ(retry_delay(options, 4, 1.0), milliseconds(1500));
}

// ---------------------------------------------------------------------------------------------
// The client over a fake transport
// ---------------------------------------------------------------------------------------------

/// Answers from a script, records every request.
class FakeTransport : public HttpTransport {
 public:
  struct Step {
    int status = 0;  // 0: a transport error
    std::string body;
  };
  std::deque<Step> script;
  std::vector<std::pair<std::string, HttpRequest>> sent;

  Result<HttpResponse> send(std::string_view origin, const HttpRequest& request) override {
    sent.emplace_back(std::string(origin), request);
    if (script.empty()) return Result<HttpResponse>::error("fake: no scripted reply");
    Step step = script.front();
    if (script.size() > 1) script.pop_front();
    if (step.status == 0) return Result<HttpResponse>::error("fake: Connection refused");
    HttpResponse response;
    response.status = step.status;
    response.body = step.body;
    return response;
  }
};

std::string error_body(std::string_view code, std::string_view message = "m") {
  return "<ErrorResponse><Error><Type>Sender</Type><Code>" + std::string(code) + "</Code><Message>" +
         std::string(message) + "</Message></Error><RequestId>rid</RequestId></ErrorResponse>";
}

struct ClientFixture {
  FakeTransport transport;
  std::vector<milliseconds> sleeps;
  StsClientOptions options;

  explicit ClientFixture(std::string url = "https://sts.us-west-2.amazonaws.com",
                         RetryMode mode = RetryMode::standard) {
    options.endpoint = {std::move(url), "us-west-2", "partition"};
    options.retry.mode = mode;
    options.sleep = [this](milliseconds d) { sleeps.push_back(d); };
    options.random = [] { return 0.5; };
    options.now = [] { return example_time(); };
  }
  StsClient client() { return StsClient(transport, options); }
};

TEST(StsClient, GetCallerIdentitySendsASignedFormPost) {
  ClientFixture f;
  f.transport.script = {{200, std::string(kCallerIdentityXml)}};
  auto client = f.client();
  auto identity = client.get_caller_identity(example_credentials());
  ASSERT_TRUE(identity.ok()) << identity.error().to_string();
  EXPECT_EQ(identity->arn, "arn:aws:iam::123456789012:user/alice");
  ASSERT_EQ(f.transport.sent.size(), 1u);
  const auto& [origin, request] = f.transport.sent[0];
  EXPECT_EQ(origin, "https://sts.us-west-2.amazonaws.com");
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.path, "/");
  EXPECT_EQ(request.body, "Action=GetCallerIdentity&Version=2011-06-15");
  EXPECT_EQ(header_of(request, "Host"), "sts.us-west-2.amazonaws.com");
  EXPECT_EQ(header_of(request, "Content-Type"), "application/x-www-form-urlencoded; charset=utf-8");
  EXPECT_EQ(header_of(request, "X-Amz-Date"), "20240102T030405Z");
  EXPECT_EQ(header_of(request, "X-Amz-Security-Token"), "<none>");
  const std::string authorization = header_of(request, "Authorization");
  EXPECT_TRUE(authorization.starts_with(
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240102/us-west-2/sts/aws4_request, "
      "SignedHeaders=content-type;host;x-amz-date, Signature="))
      << authorization;
  // The same signature as the signer gives for the unsigned request.
  HttpRequest unsigned_request = request;
  std::erase_if(unsigned_request.headers,
                [](const auto& h) { return h.first == "Authorization" || h.first == "X-Amz-Date"; });
  SigningParams params;
  params.region = "us-west-2";
  params.service = "sts";
  params.time = example_time();
  auto expected = sign_headers(unsigned_request, example_credentials(), params);
  ASSERT_TRUE(expected.ok());
  EXPECT_EQ(header_of(*expected, "Authorization"), authorization);
  EXPECT_TRUE(f.sleeps.empty());
}

TEST(StsClient, SessionTokenIsSentAndSigned) {
  ClientFixture f;
  f.transport.script = {{200, std::string(kCallerIdentityXml)}};
  auto client = f.client();
  ASSERT_TRUE(client.get_caller_identity(example_credentials("TOKEN/+=")).ok());
  const HttpRequest& request = f.transport.sent[0].second;
  EXPECT_EQ(header_of(request, "X-Amz-Security-Token"), "TOKEN/+=");
  EXPECT_NE(header_of(request, "Authorization")
                .find("SignedHeaders=content-type;host;x-amz-date;x-amz-security-token"),
            std::string::npos);
}

TEST(StsClient, EndpointPortAndPathGoIntoHostAndTarget) {
  ClientFixture f("http://127.0.0.1:5000/sts");
  f.transport.script = {{200, std::string(kCallerIdentityXml)}};
  auto client = f.client();
  ASSERT_TRUE(client.get_caller_identity(example_credentials()).ok());
  EXPECT_EQ(f.transport.sent[0].first, "http://127.0.0.1:5000");
  EXPECT_EQ(f.transport.sent[0].second.path, "/sts");
  EXPECT_EQ(header_of(f.transport.sent[0].second, "Host"), "127.0.0.1:5000");
}

TEST(StsClient, RetriesThrottlingWithBackoffThenSucceeds) {
  ClientFixture f;
  f.transport.script = {
      {400, error_body("Throttling", "Rate exceeded")}, {503, ""}, {200, std::string(kCallerIdentityXml)}};
  auto client = f.client();
  auto identity = client.get_caller_identity(example_credentials());
  ASSERT_TRUE(identity.ok()) << identity.error().to_string();
  EXPECT_EQ(f.transport.sent.size(), 3u);
  EXPECT_EQ(f.sleeps, (std::vector<milliseconds>{milliseconds(500), milliseconds(1000)}));
}

TEST(StsClient, EachAttemptIsSignedAfresh) {
  ClientFixture f;
  int tick = 0;
  f.options.now = [&tick] { return example_time() + std::chrono::seconds(tick++); };
  f.transport.script = {{500, ""}, {200, std::string(kCallerIdentityXml)}};
  auto client = f.client();
  ASSERT_TRUE(client.get_caller_identity(example_credentials()).ok());
  ASSERT_EQ(f.transport.sent.size(), 2u);
  EXPECT_EQ(header_of(f.transport.sent[0].second, "X-Amz-Date"), "20240102T030405Z");
  EXPECT_EQ(header_of(f.transport.sent[1].second, "X-Amz-Date"), "20240102T030406Z");
}

TEST(StsClient, GivesUpAfterMaxAttempts) {
  ClientFixture f;
  f.transport.script = {{503, "<html>Service Unavailable</html>"}};
  auto client = f.client();
  auto identity = client.get_caller_identity(example_credentials());
  ASSERT_FALSE(identity.ok());
  const StsError& e = identity.error();
  EXPECT_EQ(e.kind, StsErrorKind::service);
  EXPECT_EQ(e.http_status, 503);
  EXPECT_EQ(e.attempts, 3);
  EXPECT_EQ(e.code, "");
  EXPECT_EQ(
      e.to_string(),
      "GetCallerIdentity failed: HTTP 503: STS returned an error. reply: <html>Service Unavailable</html> "
      "(after 3 attempts)");
  EXPECT_EQ(f.transport.sent.size(), 3u);
  EXPECT_EQ(f.sleeps.size(), 2u);
}

TEST(StsClient, RetriesTransportErrorsUpToConfiguredMaxAttempts) {
  ClientFixture f;
  f.options.retry.max_attempts = 5;
  f.transport.script = {{0, ""}};
  auto client = f.client();
  auto identity = client.get_caller_identity(example_credentials());
  ASSERT_FALSE(identity.ok());
  EXPECT_EQ(identity.error().kind, StsErrorKind::transport);
  EXPECT_EQ(identity.error().attempts, 5);
  EXPECT_EQ(f.sleeps, (std::vector<milliseconds>{milliseconds(500), milliseconds(1000), milliseconds(2000),
                                                 milliseconds(4000)}));
  EXPECT_EQ(identity.error().to_string(),
            "GetCallerIdentity failed: fake: Connection refused (after 5 attempts)");
}

// A deadline is carried by every attempt, and no retry is made whose backoff would reach it.
TEST(StsClient, RetriesStopAtTheDeadline) {
  ClientFixture f;
  f.options.retry.max_attempts = 10;
  f.options.deadline = std::chrono::steady_clock::now() + milliseconds(1700);
  f.transport.script = {{0, ""}};
  auto client = f.client();
  auto identity = client.get_caller_identity(example_credentials());
  ASSERT_FALSE(identity.ok());
  // Backoffs of 0.5 s and 1 s fit in 1.7 s (the fake sleep takes no time); the next, 2 s, does not.
  EXPECT_EQ(identity.error().attempts, 3);
  EXPECT_TRUE(identity.error().out_of_time);
  EXPECT_EQ(identity.error().to_string(),
            "GetCallerIdentity failed: fake: Connection refused (after 3 attempts; no time left for another "
            "before the deadline)");
  EXPECT_EQ(f.sleeps, (std::vector<milliseconds>{milliseconds(500), milliseconds(1000)}));
  for (const auto& sent : f.transport.sent) EXPECT_EQ(sent.second.deadline, f.options.deadline);
}

TEST(StsClient, MaxAttemptsOneMeansNoRetry) {
  ClientFixture f;
  f.options.retry.max_attempts = 1;
  f.transport.script = {{0, ""}};
  auto client = f.client();
  EXPECT_EQ(client.get_caller_identity(example_credentials()).error().attempts, 1);
  EXPECT_TRUE(f.sleeps.empty());
}

TEST(StsClient, LegacyModeTriesFiveTimesAndRetries429) {
  ClientFixture f("https://sts.us-west-2.amazonaws.com", RetryMode::legacy);
  f.transport.script = {{429, ""}};
  auto client = f.client();
  auto identity = client.get_caller_identity(example_credentials());
  ASSERT_FALSE(identity.ok());
  EXPECT_EQ(identity.error().attempts, 5);
  EXPECT_EQ(f.sleeps.size(), 4u);
}

TEST(StsClient, NeverRetriesOtherClientErrors) {
  for (const char* code : {"SignatureDoesNotMatch", "InvalidClientTokenId", "AccessDenied", "ExpiredToken"}) {
    ClientFixture f;
    f.transport.script = {{403, error_body(code)}};
    auto client = f.client();
    auto identity = client.get_caller_identity(example_credentials());
    ASSERT_FALSE(identity.ok());
    EXPECT_EQ(identity.error().code, code);
    EXPECT_EQ(identity.error().type, "Sender");
    EXPECT_EQ(identity.error().request_id, "rid");
    EXPECT_EQ(identity.error().attempts, 1);
    EXPECT_EQ(f.transport.sent.size(), 1u);
    EXPECT_TRUE(f.sleeps.empty());
  }
}

TEST(StsClient, SignatureMismatchExplainsAndHints) {
  ClientFixture f;
  f.transport.script = {{403, std::string(kErrorXml)}};
  auto client = f.client();
  auto identity = client.get_caller_identity(example_credentials());
  ASSERT_FALSE(identity.ok());
  EXPECT_EQ(identity.error().summary(), "the secret access key does not match the access key id");
  EXPECT_NE(identity.error().hint().find("aws_secret_access_key"), std::string::npos);
  EXPECT_EQ(identity.error().to_string().find(kSecret), std::string::npos);
  EXPECT_EQ(identity.status().message(), identity.error().to_string());
}

TEST(StsClient, BadSuccessBodyIsABadResponseNotRetried) {
  ClientFixture f;
  f.transport.script = {{200, "<html>captive portal</html>"}};
  auto client = f.client();
  auto identity = client.get_caller_identity(example_credentials());
  ASSERT_FALSE(identity.ok());
  EXPECT_EQ(identity.error().kind, StsErrorKind::bad_response);
  EXPECT_EQ(identity.error().http_status, 200);
  EXPECT_EQ(identity.error().attempts, 1);
  EXPECT_EQ(
      identity.error().to_string(),
      "GetCallerIdentity failed: HTTP 200, the reply has no GetCallerIdentityResult (its root is <html>)");
}

TEST(StsClient, AssumeRoleSendsParametersAndReturnsCredentials) {
  ClientFixture f;
  f.transport.script = {{200, std::string(kAssumeRoleXml)}};
  auto client = f.client();
  AssumeRoleRequest request;
  request.role_arn = "arn:aws:iam::123456789012:role/demo";
  request.role_session_name = "John";
  request.external_id = "ext";
  request.duration_seconds = 3600;
  auto role = client.assume_role(example_credentials(), request);
  ASSERT_TRUE(role.ok()) << role.error().to_string();
  EXPECT_EQ(role->credentials.access_key_id, "ASIAIOSFODNN7EXAMPLE");
  EXPECT_EQ(f.transport.sent[0].second.body,
            "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fdemo"
            "&RoleSessionName=John&DurationSeconds=3600&ExternalId=ext");
  EXPECT_NE(header_of(f.transport.sent[0].second, "Authorization"), "<none>");
}

TEST(StsClient, GetSessionTokenSendsTheDeviceAndCodeAndReadsTheSession) {
  ClientFixture f;
  f.transport.script = {{200, R"(<GetSessionTokenResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetSessionTokenResult><Credentials><SessionToken>session-token</SessionToken>
  <SecretAccessKey>session-secret</SecretAccessKey><Expiration>2030-01-01T00:15:00Z</Expiration>
  <AccessKeyId>ASIASESSION</AccessKeyId></Credentials></GetSessionTokenResult>
  <ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetSessionTokenResponse>)"}};
  auto client = f.client();
  GetSessionTokenRequest request;
  request.duration_seconds = 900;
  request.serial_number = "arn:aws:iam::123456789012:mfa/me";
  request.token_code = "123456";
  auto session = client.get_session_token(example_credentials(), request);
  ASSERT_TRUE(session.ok()) << session.error().to_string();
  EXPECT_EQ(session->credentials.access_key_id, "ASIASESSION");
  EXPECT_EQ(session->credentials.session_token, "session-token");
  EXPECT_EQ(session->expiration, "2030-01-01T00:15:00Z");
  EXPECT_EQ(f.transport.sent[0].second.body,
            "Action=GetSessionToken&Version=2011-06-15&DurationSeconds=900"
            "&SerialNumber=arn%3Aaws%3Aiam%3A%3A123456789012%3Amfa%2Fme&TokenCode=123456");
  request.token_code.clear();
  EXPECT_EQ(client.get_session_token(example_credentials(), request).error().kind,
            StsErrorKind::invalid_request);
  EXPECT_EQ(f.transport.sent.size(), 1u);
}

TEST(StsClient, AssumeRoleChecksParametersBeforeSending) {
  ClientFixture f;
  auto client = f.client();
  AssumeRoleRequest request;
  request.role_session_name = "s";
  auto missing_arn = client.assume_role(example_credentials(), request);
  ASSERT_FALSE(missing_arn.ok());
  EXPECT_EQ(missing_arn.error().kind, StsErrorKind::invalid_request);
  EXPECT_EQ(missing_arn.error().to_string(), "AssumeRole failed: RoleArn is required");
  request.role_arn = "arn:aws:iam::123456789012:role/r";
  request.serial_number = "arn:aws:iam::123456789012:mfa/me";
  auto no_code = client.assume_role(example_credentials(), request);
  ASSERT_FALSE(no_code.ok());
  EXPECT_NE(no_code.error().message.find("SerialNumber and TokenCode"), std::string::npos);
  EXPECT_TRUE(f.transport.sent.empty());
}

TEST(StsClient, CannotSignWithoutKeys) {
  ClientFixture f;
  auto client = f.client();
  auto identity = client.get_caller_identity(Credentials{});
  ASSERT_FALSE(identity.ok());
  EXPECT_EQ(identity.error().kind, StsErrorKind::invalid_request);
  EXPECT_TRUE(f.transport.sent.empty());
}

TEST(StsClient, WebIdentityIsUnsignedAndNeverEchoesTheToken) {
  ClientFixture f;
  f.transport.script = {{200, std::string(kWebIdentityXml)}};
  auto client = f.client();
  AssumeRoleWithWebIdentityRequest request;
  request.role_arn = "arn:aws:iam::123456789012:role/FederatedWebIdentityRole";
  request.role_session_name = "app1";
  request.web_identity_token = "eyJhbGciOiJSUzI1NiJ9.secret-token-payload.sig";
  auto role = client.assume_role_with_web_identity(request);
  ASSERT_TRUE(role.ok()) << role.error().to_string();
  const HttpRequest& sent = f.transport.sent[0].second;
  EXPECT_EQ(header_of(sent, "Authorization"), "<none>");
  EXPECT_EQ(header_of(sent, "X-Amz-Date"), "<none>");
  EXPECT_NE(sent.body.find("WebIdentityToken=eyJhbGciOiJSUzI1NiJ9.secret-token-payload.sig"),
            std::string::npos);

  ClientFixture g;
  g.transport.script = {{400, error_body("InvalidIdentityToken", "Token is not valid")}};
  auto failing = g.client();
  auto error = failing.assume_role_with_web_identity(request);
  ASSERT_FALSE(error.ok());
  EXPECT_EQ(
      error.error().to_string(),
      "AssumeRoleWithWebIdentity failed: InvalidIdentityToken (HTTP 400): the web identity token is not "
      "valid. Token is not valid");
  EXPECT_EQ(error.error().to_string().find("secret-token-payload"), std::string::npos);
  EXPECT_EQ(error.error().attempts, 1);
}

TEST(StsClient, WebIdentityRetriesIdpCommunicationError) {
  ClientFixture f;
  f.transport.script = {{400, error_body("IDPCommunicationError")}, {200, std::string(kWebIdentityXml)}};
  auto client = f.client();
  auto role = client.assume_role_with_web_identity({"arn:aws:iam::1:role/r", "s", "t", std::nullopt, ""});
  ASSERT_TRUE(role.ok()) << role.error().to_string();
  EXPECT_EQ(f.transport.sent.size(), 2u);
}

TEST(StsClient, BadEndpointUrlFailsWithoutSending) {
  ClientFixture f("sts.amazonaws.com");
  auto client = f.client();
  auto identity = client.get_caller_identity(example_credentials());
  ASSERT_FALSE(identity.ok());
  EXPECT_EQ(identity.error().kind, StsErrorKind::invalid_request);
  EXPECT_TRUE(f.transport.sent.empty());
}

// ---------------------------------------------------------------------------------------------
// URL parsing and proxy settings
// ---------------------------------------------------------------------------------------------

TEST(HttpUrl, ParsesOriginsPortsAndPaths) {
  auto url = parse_url("HTTPS://STS.us-east-1.amazonaws.com");
  ASSERT_TRUE(url.ok()) << url.message();
  EXPECT_EQ(url->scheme, "https");
  EXPECT_EQ(url->host, "sts.us-east-1.amazonaws.com");
  EXPECT_EQ(url->port, 443);
  EXPECT_EQ(url->path, "");
  EXPECT_EQ(url->authority(), "sts.us-east-1.amazonaws.com");
  EXPECT_EQ(url->origin(), "https://sts.us-east-1.amazonaws.com");

  url = parse_url("http://127.0.0.1:5000/base/path?x=1#frag");
  ASSERT_TRUE(url.ok()) << url.message();
  EXPECT_EQ(url->port, 5000);
  EXPECT_EQ(url->path, "/base/path");
  EXPECT_EQ(url->query, "x=1");
  EXPECT_EQ(url->authority(), "127.0.0.1:5000");

  url = parse_url("http://localhost:80");
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(url->authority(), "localhost");
  url = parse_url("https://[::1]:8443/");
  ASSERT_TRUE(url.ok()) << url.message();
  EXPECT_EQ(url->host, "[::1]");
  EXPECT_EQ(url->authority(), "[::1]:8443");
}

TEST(HttpUrl, RejectsWhatIsNotAnHttpUrl) {
  for (const char* bad :
       {"sts.amazonaws.com", "ftp://x", "http://", "http://:80", "http://h:0", "http://h:65536",
        "http://h:8x", "http://user:pass@h", "http://h /x", "http://[::1", "http://[::1]x"}) {
    auto url = parse_url(bad);
    EXPECT_FALSE(url.ok()) << bad;
    if (!url.ok()) {
      EXPECT_EQ(url.message().find("pass"), std::string::npos) << url.message();
    }
  }
}

TEST(HttpProxy, UppercaseVariablesAreHonouredLikeTheAwsCli) {
  auto p = proxy_settings_from_environment(fake_env(
      {{"HTTP_PROXY", "http://p:1"}, {"HTTPS_PROXY", "http://p:2"}, {"NO_PROXY", "127.0.0.1,.internal"}}));
  EXPECT_EQ(p.http_proxy, "http://p:1");
  EXPECT_EQ(p.https_proxy, "http://p:2");
  EXPECT_EQ(p.no_proxy, "127.0.0.1,.internal");
}

TEST(HttpProxy, LowercaseWinsAndEmptyLowercaseDisables) {
  auto p = proxy_settings_from_environment(fake_env({{"HTTP_PROXY", "http://upper:1"},
                                                     {"http_proxy", "http://lower:1"},
                                                     {"HTTPS_PROXY", "http://upper:2"},
                                                     {"https_proxy", ""},
                                                     {"no_proxy", "a"},
                                                     {"NO_PROXY", "b"}}));
  EXPECT_EQ(p.http_proxy, "http://lower:1");
  EXPECT_EQ(p.https_proxy, "");
  EXPECT_EQ(p.no_proxy, "a");
}

TEST(HttpProxy, CgiIgnoresUppercaseHttpProxy) {
  auto p = proxy_settings_from_environment(fake_env(
      {{"REQUEST_METHOD", "GET"}, {"HTTP_PROXY", "http://attacker:1"}, {"HTTPS_PROXY", "http://p:2"}}));
  EXPECT_EQ(p.http_proxy, "");
  EXPECT_EQ(p.https_proxy, "http://p:2");
  p = proxy_settings_from_environment(fake_env({{"REQUEST_METHOD", "GET"}, {"http_proxy", "http://ok:1"}}));
  EXPECT_EQ(p.http_proxy, "http://ok:1");
}

TEST(HttpProxy, NothingSetMeansDirect) {
  auto p = proxy_settings_from_environment(fake_env({{"ALL_PROXY", "socks5://x:1"}}));
  EXPECT_EQ(p.http_proxy, "");
  EXPECT_EQ(p.https_proxy, "");
  EXPECT_EQ(p.no_proxy, "");
}

// ---------------------------------------------------------------------------------------------
// HttpClient against a keep-alive server on 127.0.0.1
// ---------------------------------------------------------------------------------------------

/// Serves HTTP/1.1 with keep-alive on 127.0.0.1: every request is recorded and answered with the
/// next scripted reply (the last one repeats). A reply of "" never answers (for read timeouts).
class KeepAliveServer {
 public:
  explicit KeepAliveServer(std::vector<std::string> replies) : replies_(std::move(replies)) {
    const LoopbackListener listener = listen_on_loopback(8);
    fd_ = listener.fd;
    port_ = listener.port;
    if (fd_ >= 0) thread_ = std::thread([this] { serve(); });
  }
  ~KeepAliveServer() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    if (fd_ >= 0) ::close(fd_);
  }
  std::string origin() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int connections() const { return connections_; }
  std::vector<std::string> requests() {
    std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  void serve() {
    while (!stop_) {
      pollfd pfd{fd_, POLLIN, 0};
      if (::poll(&pfd, 1, 50) != 1) continue;
      const int client = ::accept(fd_, nullptr, nullptr);
      if (client < 0) continue;
      ++connections_;
      serve_connection(client);
      ::close(client);
    }
  }

  void serve_connection(int client) {
    std::string buffer;
    char chunk[4096];
    while (!stop_) {
      const std::size_t end = buffer.find("\r\n\r\n");
      if (end != std::string::npos) {
        std::size_t body = 0;
        const std::string head = buffer.substr(0, end);
        if (auto at = head.find("Content-Length: "); at != std::string::npos)
          body = std::stoul(head.substr(at + 16, head.find("\r\n", at) - at - 16));
        if (buffer.size() >= end + 4 + body) {
          std::string reply;
          {
            std::lock_guard lock(mutex_);
            requests_.push_back(buffer.substr(0, end + 4 + body));
            reply = replies_[std::min(requests_.size() - 1, replies_.size() - 1)];
          }
          buffer.erase(0, end + 4 + body);
          if (reply.empty()) continue;  // never answer
          if (::write(client, reply.data(), reply.size()) < 0) return;
          continue;
        }
      }
      pollfd cp{client, POLLIN, 0};
      if (::poll(&cp, 1, 50) != 1) continue;
      const ssize_t n = ::read(client, chunk, sizeof chunk);
      if (n <= 0) return;
      buffer.append(chunk, static_cast<std::size_t>(n));
    }
  }

  std::vector<std::string> replies_;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0};
  std::mutex mutex_;
  std::vector<std::string> requests_;
  std::thread thread_;
};

HttpClientOptions local_options() {
  HttpClientOptions options;
  options.proxy = ProxySettings{};  // direct, whatever the environment says
  options.connect_timeout = milliseconds(2000);
  options.read_timeout = milliseconds(2000);
  return options;
}

constexpr std::string_view kOk = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Test: a\r\n b\r\n\r\nhello";

TEST(HttpClient, SendsExactlyTheRequestHeadersAndBody) {
  KeepAliveServer server({std::string(kOk)});
  HttpClient client(local_options());
  HttpRequest request{
      "POST", "/p?q=1", {{"Host", "example.test"}, {"X-Amz-Date", "20240102T030405Z"}}, "a=b"};
  auto response = client.send(server.origin(), request);
  ASSERT_TRUE(response.ok()) << response.message();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "hello");
  EXPECT_EQ(response->header("x-test"), "a b");
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(
      requests[0],
      "POST /p?q=1 HTTP/1.1\r\nHost: example.test\r\nUser-Agent: awsprof\r\nX-Amz-Date: 20240102T030405Z\r\n"
      "Content-Length: 3\r\n\r\na=b");
}

TEST(HttpClient, EmptyPutSendsContentLengthZero) {
  KeepAliveServer server({std::string(kOk)});
  HttpClient client(local_options());
  auto response =
      client.send(server.origin(), HttpRequest{"PUT", "/latest/api/token", {{"X-Ttl", "21600"}}, ""});
  ASSERT_TRUE(response.ok()) << response.message();
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0], "PUT /latest/api/token HTTP/1.1\r\nHost: 127.0.0.1:" + server.origin().substr(17) +
                             "\r\nUser-Agent: awsprof\r\nX-Ttl: 21600\r\nContent-Length: 0\r\n\r\n");
}

TEST(HttpClient, ReusesOneConnectionForManyRequests) {
  KeepAliveServer server({std::string(kOk)});
  HttpClient client(local_options());
  long opened = 0;
  for (int i = 0; i < 200; ++i) {
    auto response = client.send(server.origin(), HttpRequest{"POST", "/", {}, "n=" + std::to_string(i)});
    ASSERT_TRUE(response.ok()) << response.message();
    opened += response->new_connections;
  }
  EXPECT_EQ(opened, 1);
  EXPECT_EQ(server.connections(), 1);
  EXPECT_EQ(server.requests().size(), 200u);
}

TEST(HttpClient, ReadTimeoutFiresWhenTheServerIsSilent) {
  KeepAliveServer server({""});
  auto options = local_options();
  options.read_timeout = milliseconds(1000);
  HttpClient client(options);
  // A POST: its upload must not hold the timeout off (libcurl's LOW_SPEED_TIME would, for ~5 s).
  const auto start = std::chrono::steady_clock::now();
  auto response = client.send(server.origin(), HttpRequest{"POST", "/", {}, std::string(400, 'x')});
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.message(), "POST " + server.origin() + ": read timeout: no data for 1000 ms");
  EXPECT_GE(elapsed, std::chrono::milliseconds(1000));
  EXPECT_LT(elapsed, std::chrono::milliseconds(2500));
}

// The deadline cuts the whole exchange to the millisecond, whatever the read timeout says; a request
// past its deadline is not sent.
TEST(HttpClient, DeadlineCutsASilentServerAndStopsLateRequests) {
  KeepAliveServer server({""});
  auto options = local_options();
  options.read_timeout = milliseconds(10'000);
  HttpClient client(options);
  HttpRequest request{"POST", "/", {}, "x"};
  const auto start = std::chrono::steady_clock::now();
  request.deadline = start + milliseconds(300);
  auto response = client.send(server.origin(), request);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(response.ok());
  EXPECT_NE(response.message().find(" ms left before the deadline"), std::string::npos) << response.message();
  // libcurl counts whole milliseconds, so the cut may come up to kDeadlineResolution early.
  EXPECT_GE(elapsed, milliseconds(300) - kDeadlineResolution);
  EXPECT_LT(elapsed, milliseconds(800));
  request.deadline = std::chrono::steady_clock::now() - milliseconds(1);
  auto late = client.send(server.origin(), request);
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.message(), "POST " + server.origin() + ": not sent: the deadline has passed");
  EXPECT_EQ(server.requests().size(), 1u);
}

TEST(HttpClient, RefusedConnectionIsATransportError) {
  int port = 0;
  {
    KeepAliveServer server({std::string(kOk)});  // find a free port, then close it
    port = std::stoi(server.origin().substr(17));
  }
  HttpClient client(local_options());
  auto response =
      client.send("http://127.0.0.1:" + std::to_string(port),
                  HttpRequest{"GET", "/", {{"Authorization", "AWS4-HMAC-SHA256 secret-ish"}}, ""});
  ASSERT_FALSE(response.ok());
  EXPECT_TRUE(response.message().starts_with("GET http://127.0.0.1:" + std::to_string(port) + ": "))
      << response.message();
  EXPECT_EQ(response.message().find("secret-ish"), std::string::npos);
}

TEST(HttpClient, RefusesLineBreaksInTargetAndHeaders) {
  HttpClient client(local_options());
  const std::string origin = "http://127.0.0.1:1";
  auto injected =
      client.send(origin, HttpRequest{"GET", "/", {{"X-Amz-Security-Token", "tok\r\nX-Evil: 1"}}, ""});
  ASSERT_FALSE(injected.ok());
  EXPECT_EQ(injected.message(),
            "header \"X-Amz-Security-Token\" holds a line break, a colon in its name, or no name");
  EXPECT_EQ(injected.message().find("tok"), std::string::npos);
  EXPECT_FALSE(client.send(origin, HttpRequest{"GET", "/a b", {}, ""}).ok());
  EXPECT_FALSE(client.send(origin, HttpRequest{"GET", "/\r\n", {}, ""}).ok());
  EXPECT_FALSE(client.send(origin, HttpRequest{"GET", "/", {{"", "v"}}, ""}).ok());
  EXPECT_FALSE(client.send(origin, HttpRequest{"GET", "/", {{"A:B", "v"}}, ""}).ok());
  EXPECT_FALSE(client.send(origin, HttpRequest{"", "/", {}, ""}).ok());
}

TEST(HttpClient, OversizedBodyFails) {
  KeepAliveServer server({"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + std::string(100, 'x')});
  auto options = local_options();
  options.max_response_bytes = 10;
  HttpClient client(options);
  auto response = client.send(server.origin(), HttpRequest{"GET", "/", {}, ""});
  ASSERT_FALSE(response.ok());
  EXPECT_NE(response.message().find("larger than 10 bytes"), std::string::npos) << response.message();
}

TEST(HttpClient, ErrorStatusIsAResponse) {
  KeepAliveServer server({"HTTP/1.1 403 Forbidden\r\nContent-Length: 3\r\n\r\nno!"});
  HttpClient client(local_options());
  auto response = client.send(server.origin(), HttpRequest{"GET", "/", {}, ""});
  ASSERT_TRUE(response.ok()) << response.message();
  EXPECT_EQ(response->status, 403);
  EXPECT_EQ(response->body, "no!");
}

TEST(HttpClient, UnreachableProxyIsUsedAndNoProxyBypassesIt) {
  KeepAliveServer server({std::string(kOk)});
  auto options = local_options();
  options.proxy = ProxySettings{"http://127.0.0.1:1", "http://127.0.0.1:1", ""};
  {
    HttpClient client(options);
    auto response = client.send(server.origin(), HttpRequest{"GET", "/", {}, ""});
    ASSERT_FALSE(response.ok());  // went to the (closed) proxy port
  }
  options.proxy->no_proxy = "127.0.0.1";
  HttpClient client(options);
  auto response = client.send(server.origin(), HttpRequest{"GET", "/", {}, ""});
  ASSERT_TRUE(response.ok()) << response.message();
  EXPECT_EQ(response->status, 200);
}

TEST(HttpClient, StsClientRunsOverHttpClient) {
  KeepAliveServer server({"HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(kCallerIdentityXml.size()) +
                          "\r\n\r\n" + std::string(kCallerIdentityXml)});
  HttpClient http(local_options());
  StsClientOptions options;
  options.endpoint = {server.origin(), "us-east-1", "--endpoint-url"};
  options.now = [] { return example_time(); };
  StsClient sts(http, options);
  auto identity = sts.get_caller_identity(example_credentials());
  ASSERT_TRUE(identity.ok()) << identity.error().to_string();
  EXPECT_EQ(identity->account, "123456789012");
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_NE(requests[0].find("Content-Type: application/x-www-form-urlencoded; charset=utf-8\r\n"),
            std::string::npos);
  EXPECT_NE(requests[0].find("\r\n\r\nAction=GetCallerIdentity&Version=2011-06-15"), std::string::npos);
  EXPECT_EQ(requests[0].find("Expect:"), std::string::npos);
  EXPECT_EQ(requests[0].find("Accept:"), std::string::npos);
}

}  // namespace sts_client_test
}  // namespace awsprof
