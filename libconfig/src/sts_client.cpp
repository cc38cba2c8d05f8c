#include "awsprof/sts_client.hpp"

#include <expat.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <memory>
#include <random>
#include <regex>
#include <thread>

#include "text_util.hpp"

namespace awsprof {
namespace {

using detail::ascii_lowercase;
using detail::iequals;

// ---------------------------------------------------------------------------------------------
// A small XML tree, built with expat
// ---------------------------------------------------------------------------------------------

constexpr std::size_t kMaxXmlBytes = 1u << 20;  // STS replies are a few KiB
constexpr int kMaxXmlDepth = 32;

struct XmlElement {
  std::string name;  // local name: a "prefix:" is dropped
  std::string text;  // the element's own character data, trimmed
  std::vector<XmlElement> children;

  const XmlElement* child(std::string_view wanted) const {
    for (const auto& c : children)
      if (c.name == wanted) return &c;
    return nullptr;
  }
  std::string child_text(std::string_view wanted) const {
    const XmlElement* c = child(wanted);
    return c ? c->text : std::string();
  }
};

struct XmlBuilder {
  XML_Parser parser = nullptr;
  XmlElement root;
  std::vector<XmlElement*> stack;
  bool has_root = false;
  std::string failure;

  void stop(std::string why) {
    if (failure.empty()) failure = std::move(why);
    XML_StopParser(parser, XML_FALSE);
  }
};

std::string local_name(const XML_Char* name) {
  std::string_view n(name);
  auto colon = n.rfind(':');
  return std::string(colon == std::string_view::npos ? n : n.substr(colon + 1));
}

void XMLCALL on_start(void* user, const XML_Char* name, const XML_Char** /*attributes*/) {
  auto* b = static_cast<XmlBuilder*>(user);
  if (b->stack.empty()) {
    if (b->has_root) return b->stop("more than one root element");
    b->has_root = true;
    b->root.name = local_name(name);
    b->stack.push_back(&b->root);
    return;
  }
  if (static_cast<int>(b->stack.size()) >= kMaxXmlDepth) return b->stop("elements nested too deeply");
  XmlElement* parent = b->stack.back();
  parent->children.push_back(XmlElement{local_name(name), {}, {}});
  b->stack.push_back(&parent->children.back());
}

std::string trim_xml_space(std::string_view s) {
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return std::string(s);
}

void XMLCALL on_end(void* user, const XML_Char* /*name*/) {
  auto* b = static_cast<XmlBuilder*>(user);
  if (b->stack.empty()) return;
  b->stack.back()->text = trim_xml_space(b->stack.back()->text);
  b->stack.pop_back();
}

void XMLCALL on_text(void* user, const XML_Char* text, int length) {
  auto* b = static_cast<XmlBuilder*>(user);
  if (!b->stack.empty()) b->stack.back()->text.append(text, static_cast<std::size_t>(length));
}

// STS never sends a DOCTYPE; refusing one rules out entity expansion and external entities.
void XMLCALL on_doctype(void* user, const XML_Char*, const XML_Char*, const XML_Char*, int) {
  static_cast<XmlBuilder*>(user)->stop("a DOCTYPE is not allowed");
}

Result<XmlElement> parse_xml(std::string_view xml) {
  if (xml.size() > kMaxXmlBytes) return Result<XmlElement>::error("the XML reply is larger than 1 MiB");
  std::unique_ptr<std::remove_pointer_t<XML_Parser>, decltype(&XML_ParserFree)> parser(
      XML_ParserCreate("UTF-8"), &XML_ParserFree);
  if (!parser) return Result<XmlElement>::error("expat could not create a parser");
  XmlBuilder builder;
  builder.parser = parser.get();
  XML_SetUserData(parser.get(), &builder);
  XML_SetElementHandler(parser.get(), on_start, on_end);
  XML_SetCharacterDataHandler(parser.get(), on_text);
  XML_SetStartDoctypeDeclHandler(parser.get(), on_doctype);
  XML_SetParamEntityParsing(parser.get(), XML_PARAM_ENTITY_PARSING_NEVER);
  const XML_Status status = XML_Parse(parser.get(), xml.data(), static_cast<int>(xml.size()), XML_TRUE);
  if (!builder.failure.empty())
    return Result<XmlElement>::error("the reply is not usable XML: " + builder.failure);
  if (status != XML_STATUS_OK) {
    return Result<XmlElement>::error(
        "the reply is not valid XML: " + std::string(XML_ErrorString(XML_GetErrorCode(parser.get()))) +
        " at line " + std::to_string(XML_GetCurrentLineNumber(parser.get())) + ", column " +
        std::to_string(XML_GetCurrentColumnNumber(parser.get()) + 1));
  }
  if (!builder.has_root) return Result<XmlElement>::error("the reply is not valid XML: no element");
  return std::move(builder.root);
}

// The "<Op>Result" element of a "<Op>Response" document.
const XmlElement* result_element(const XmlElement& root, std::initializer_list<std::string_view> operations) {
  for (std::string_view op : operations) {
    if (root.name == std::string(op) + "Response") return root.child(std::string(op) + "Result");
  }
  return nullptr;
}

const XmlElement* find_error(const XmlElement& e) {
  if (e.name == "Error" && e.child("Code") != nullptr) return &e;
  for (const auto& c : e.children)
    if (const XmlElement* found = find_error(c)) return found;
  return nullptr;
}

// ---------------------------------------------------------------------------------------------
// Partitions (botocore data/partitions.json) and the STS endpoint rule set
// ---------------------------------------------------------------------------------------------

struct Partition {
  std::string_view id;
  std::string_view region_pattern;
  std::string_view dns_suffix;
  std::string_view dual_stack_dns_suffix;
};

// In partitions.json's order; aws is also the fallback for a region no pattern matches.
constexpr std::array<Partition, 8> kPartitions = {{
    {"aws", R"(^(us|eu|ap|sa|ca|me|af|il|mx)\-\w+\-\d+$)", "amazonaws.com", "api.aws"},
    {"aws-cn", R"(^cn\-\w+\-\d+$)", "amazonaws.com.cn", "api.amazonwebservices.com.cn"},
    {"aws-eusc", R"(^eusc\-(de)\-\w+\-\d+$)", "amazonaws.eu", "api.amazonwebservices.eu"},
    {"aws-iso", R"(^us\-iso\-\w+\-\d+$)", "c2s.ic.gov", "api.aws.ic.gov"},
    {"aws-iso-b", R"(^us\-isob\-\w+\-\d+$)", "sc2s.sgov.gov", "api.aws.scloud"},
    {"aws-iso-e", R"(^eu\-isoe\-\w+\-\d+$)", "cloud.adc-e.uk", "api.cloud-aws.adc-e.uk"},
    {"aws-iso-f", R"(^us\-isof\-\w+\-\d+$)", "csp.hci.ic.gov", "api.aws.hci.ic.gov"},
    {"aws-us-gov", R"(^us\-gov\-\w+\-\d+$)", "amazonaws.com", "api.aws"},
}};

const Partition& partition_of(const std::string& region) {
  // The partitions' "-global" pseudo-regions are listed by name in partitions.json.
  static const std::array<std::pair<std::string_view, std::string_view>, 7> kGlobal = {{
      {"aws-global", "aws"},
      {"aws-cn-global", "aws-cn"},
      {"aws-us-gov-global", "aws-us-gov"},
      {"aws-iso-global", "aws-iso"},
      {"aws-iso-b-global", "aws-iso-b"},
      {"aws-iso-e-global", "aws-iso-e"},
      {"aws-iso-f-global", "aws-iso-f"},
  }};
  for (const auto& [name, id] : kGlobal)
    if (region == name)
      for (const auto& p : kPartitions)
        if (p.id == id) return p;
  for (const auto& p : kPartitions)
    if (std::regex_search(region, std::regex(std::string(p.region_pattern)))) return p;
  return kPartitions[0];
}

// The regions that used https://sts.amazonaws.com before regional endpoints became the default
// (botocore args.py LEGACY_GLOBAL_STS_REGIONS; the rule set's UseGlobalEndpoint branch).
constexpr std::array<std::string_view, 16> kLegacyGlobalStsRegions = {
    "ap-northeast-1", "ap-south-1", "ap-southeast-1", "ap-southeast-2", "aws-global", "ca-central-1",
    "eu-central-1",   "eu-north-1", "eu-west-1",      "eu-west-2",      "eu-west-3",  "sa-east-1",
    "us-east-1",      "us-east-2",  "us-west-1",      "us-west-2",
};

// botocore utils.validate_region_name: a host label that is not all digits.
bool is_valid_region_name(std::string_view region) {
  static const std::regex kLabel(R"(^[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$)");
  if (!std::regex_match(region.begin(), region.end(), kLabel)) return false;
  return !std::all_of(region.begin(), region.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// ---------------------------------------------------------------------------------------------
// Error codes
// ---------------------------------------------------------------------------------------------

struct ErrorEntry {
  std::string_view code;
  StsErrorDescription description;
};

constexpr std::array kErrorTable = {
    ErrorEntry{
        "SignatureDoesNotMatch",
        {"the secret access key does not match the access key id",
         "check aws_secret_access_key for this access key (a stray character, or a secret from another "
         "key); a wrong system clock can also cause this"}},
    ErrorEntry{"InvalidClientTokenId",
               {"the access key id or session token is not valid",
                "the access key may have been deleted or deactivated, belong to another partition, or the "
                "session token may not belong to it; check aws_access_key_id and aws_session_token"}},
    ErrorEntry{
        "UnrecognizedClientException",
        {"the access key id or session token is not valid", "check aws_access_key_id and aws_session_token"}},
    ErrorEntry{"IncompleteSignature",
               {"the request signature is incomplete", "the request was not fully signed; this is a bug"}},
    ErrorEntry{"MissingAuthenticationToken",
               {"the request was not signed", "no credentials were used for this request"}},
    ErrorEntry{"ExpiredToken",
               {"the session token has expired",
                "refresh the temporary credentials (run `aws sso login`, re-run the credential process, "
                "or assume the role again)"}},
    ErrorEntry{"ExpiredTokenException",
               {"the session token has expired",
                "refresh the temporary credentials (run `aws sso login`, re-run the credential process, "
                "or assume the role again)"}},
    ErrorEntry{"RequestExpired",
               {"the request's timestamp is too far from the server's clock",
                "check the system clock: SigV4 allows 5 minutes of skew"}},
    ErrorEntry{"AccessDenied",
               {"access denied",
                "the caller's IAM policies, the role's trust policy (principal, ExternalId, MFA or source "
                "conditions) or an SCP do not allow this call"}},
    ErrorEntry{"AccessDeniedException",
               {"access denied", "the caller's IAM policies or an SCP do not allow this call"}},
    ErrorEntry{
        "MalformedPolicyDocument",
        {"the session policy is not a valid policy document", "check the JSON of the inline session policy"}},
    ErrorEntry{"PackedPolicyTooLarge",
               {"the session policies and tags are too large",
                "use fewer or shorter session policies and session tags"}},
    ErrorEntry{"RegionDisabledException",
               {"STS is not activated in this region for the account",
                "activate the region in the IAM console (Account settings), or use another region"}},
    ErrorEntry{"Throttling", {"STS is throttling the requests", "wait and retry, or raise max_attempts"}},
    ErrorEntry{"ThrottlingException",
               {"STS is throttling the requests", "wait and retry, or raise max_attempts"}},
    ErrorEntry{"RequestLimitExceeded",
               {"STS is throttling the requests", "wait and retry, or raise max_attempts"}},
    ErrorEntry{"ValidationError",
               {"a request parameter is not valid",
                "check role_arn, role_session_name ([\\w+=,.@-]{2,64}), duration_seconds (900 to the role's "
                "maximum) and external_id"}},
    ErrorEntry{"InvalidParameterValue",
               {"a request parameter is not valid",
                "check role_arn, role_session_name, duration_seconds and external_id"}},
    ErrorEntry{"InvalidIdentityToken",
               {"the web identity token is not valid",
                "check the token file, and the identity provider's issuer, audience and thumbprint in IAM"}},
    ErrorEntry{"IDPRejectedClaim",
               {"the identity provider rejected the claim",
                "check the role's trust policy conditions on the token's claims (aud, sub)"}},
    ErrorEntry{"IDPCommunicationError", {"STS could not reach the identity provider", "retry later"}},
    ErrorEntry{"InvalidAuthorizationMessageException", {"the authorization message is not valid", ""}},
    ErrorEntry{"OptInRequired",
               {"the account is not subscribed to the service", "activate the account or the region"}},
    ErrorEntry{"InternalFailure", {"STS had an internal error", "retry later"}},
    ErrorEntry{"InternalError", {"STS had an internal error", "retry later"}},
    ErrorEntry{"ServiceUnavailable", {"STS is unavailable", "retry later"}},
};

// ---------------------------------------------------------------------------------------------
// Retry rules
// ---------------------------------------------------------------------------------------------

// botocore retries/standard.py ThrottledRetryableChecker._THROTTLED_ERROR_CODES.
constexpr std::array<std::string_view, 14> kStandardThrottlingCodes = {
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
};

// botocore data/_retry.json, the "__default__" policies that name an error code.
constexpr std::array<std::string_view, 5> kLegacyThrottlingCodes = {
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "ProvisionedThroughputExceededException",
};

// TransientRetryableChecker._TRANSIENT_ERROR_CODES, plus special.RetryIDPCommunicationError.
constexpr std::array<std::string_view, 4> kStandardTransientCodes = {
    "RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete", "IDPCommunicationError"};

template <std::size_t N>
bool contains(const std::array<std::string_view, N>& list, std::string_view code) {
  return std::find(list.begin(), list.end(), code) != list.end();
}

}  // namespace

PartitionDnsSuffixes partition_dns_suffixes(const std::string& region) {
  const Partition& p = partition_of(region);
  return {std::string(p.dns_suffix), std::string(p.dual_stack_dns_suffix)};
}

// ---------------------------------------------------------------------------------------------
// Endpoint
// ---------------------------------------------------------------------------------------------

Result<StsRegionalEndpoints> parse_sts_regional_endpoints(std::string_view text) {
  if (iequals(text, "regional")) return StsRegionalEndpoints::regional;
  if (iequals(text, "legacy")) return StsRegionalEndpoints::legacy;
  return Result<StsRegionalEndpoints>::error(
      "sts_regional_endpoints must be \"regional\" or \"legacy\", not \"" + std::string(text) + "\"");
}

Result<StsEndpoint> resolve_sts_endpoint(const StsEndpointInputs& in) {
  const std::array<std::pair<const std::string*, std::string_view>, 5> configured = {{
      {&in.endpoint_url, "--endpoint-url"},
      {&in.env_service_endpoint_url, "AWS_ENDPOINT_URL_STS"},
      {&in.env_endpoint_url, "AWS_ENDPOINT_URL"},
      {&in.config_service_endpoint_url, "services.sts.endpoint_url"},
      {&in.config_endpoint_url, "endpoint_url"},
  }};
  for (std::size_t i = 0; i < configured.size(); ++i) {
    const auto& [value, source] = configured[i];
    if (value->empty() || (i > 0 && in.ignore_configured_endpoint_urls)) continue;
    if (auto url = parse_url(*value); !url) {
      return Result<StsEndpoint>::error(std::string(source) + ": " + url.message());
    }
    if (in.region.empty())
      return Result<StsEndpoint>::error(
          "no region: STS requests are signed for a region (set --region, "
          "AWS_REGION or the profile's region)");
    return StsEndpoint{*value, in.region, std::string(source)};
  }

  if (in.region.empty())
    return Result<StsEndpoint>::error("no region: set --region, AWS_REGION or the profile's region");
  if (!is_valid_region_name(in.region))
    return Result<StsEndpoint>::error("\"" + in.region + "\" is not a valid region name");
  const Partition& p = partition_of(in.region);
  const std::string& r = in.region;
  auto endpoint = [&](std::string url, std::string signing_region = {}) {
    return StsEndpoint{std::move(url), signing_region.empty() ? r : std::move(signing_region), "partition"};
  };
  if (in.use_fips_endpoint && in.use_dualstack_endpoint)
    return endpoint("https://sts-fips." + r + "." + std::string(p.dual_stack_dns_suffix));
  if (in.use_fips_endpoint) {
    if (p.id == "aws-us-gov") return endpoint("https://sts." + r + ".amazonaws.com");
    return endpoint("https://sts-fips." + r + "." + std::string(p.dns_suffix));
  }
  if (in.use_dualstack_endpoint)
    return endpoint("https://sts." + r + "." + std::string(p.dual_stack_dns_suffix));
  if (r == "aws-global" ||
      (in.regional_endpoints == StsRegionalEndpoints::legacy && contains(kLegacyGlobalStsRegions, r)))
    return endpoint("https://sts.amazonaws.com", "us-east-1");
  return endpoint("https://sts." + r + "." + std::string(p.dns_suffix));
}

// ---------------------------------------------------------------------------------------------
// Query protocol
// ---------------------------------------------------------------------------------------------

std::string form_url_encode(std::string_view text) {
  static constexpr std::string_view kHex = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
        c == '.' || c == '~') {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0x0f];
    }
  }
  return out;
}

std::string form_encode(const std::vector<std::pair<std::string, std::string>>& parameters) {
  std::string out;
  for (const auto& [name, value] : parameters) {
    if (!out.empty()) out += '&';
    out += form_url_encode(name);
    out += '=';
    out += form_url_encode(value);
  }
  return out;
}

Result<CallerIdentity> parse_get_caller_identity_response(std::string_view xml) {
  auto tree = parse_xml(xml);
  if (!tree) return Result<CallerIdentity>::error(tree.message());
  const XmlElement* result = result_element(*tree, {"GetCallerIdentity"});
  if (result == nullptr)
    return Result<CallerIdentity>::error("the reply has no GetCallerIdentityResult (its root is <" +
                                         tree->name + ">)");
  CallerIdentity identity{result->child_text("UserId"), result->child_text("Account"),
                          result->child_text("Arn")};
  if (identity.account.empty() || identity.arn.empty())
    return Result<CallerIdentity>::error("the reply has no Account or Arn");
  return identity;
}

Result<AssumedRoleCredentials> parse_assume_role_response(std::string_view xml) {
  auto tree = parse_xml(xml);
  if (!tree) return Result<AssumedRoleCredentials>::error(tree.message());
  const XmlElement* result =
      result_element(*tree, {"AssumeRole", "AssumeRoleWithWebIdentity", "GetSessionToken"});
  if (result == nullptr)
    return Result<AssumedRoleCredentials>::error(
        "the reply has no AssumeRoleResult, AssumeRoleWithWebIdentityResult or GetSessionTokenResult (its "
        "root is <" +
        tree->name + ">)");
  const XmlElement* creds = result->child("Credentials");
  if (creds == nullptr) return Result<AssumedRoleCredentials>::error("the reply has no Credentials");
  AssumedRoleCredentials out;
  out.credentials = {creds->child_text("AccessKeyId"), creds->child_text("SecretAccessKey"),
                     creds->child_text("SessionToken")};
  out.expiration = creds->child_text("Expiration");
  for (auto [value, name] : {std::pair{&out.credentials.access_key_id, "AccessKeyId"},
                             std::pair{&out.credentials.secret_access_key, "SecretAccessKey"},
                             std::pair{&out.credentials.session_token, "SessionToken"},
                             std::pair{&out.expiration, "Expiration"}}) {
    if (value->empty())
      return Result<AssumedRoleCredentials>::error(std::string("the reply's Credentials have no ") + name);
  }
  if (const XmlElement* user = result->child("AssumedRoleUser")) {
    out.assumed_role_id = user->child_text("AssumedRoleId");
    out.assumed_role_arn = user->child_text("Arn");
  }
  if (const XmlElement* size = result->child("PackedPolicySize")) {
    int value = 0;
    auto [end, ec] = std::from_chars(size->text.data(), size->text.data() + size->text.size(), value);
    if (ec == std::errc() && end == size->text.data() + size->text.size()) out.packed_policy_size = value;
  }
  out.source_identity = result->child_text("SourceIdentity");
  out.subject_from_web_identity_token = result->child_text("SubjectFromWebIdentityToken");
  out.provider = result->child_text("Provider");
  out.audience = result->child_text("Audience");
  return out;
}

std::optional<StsServiceError> parse_sts_error_response(std::string_view xml) {
  auto tree = parse_xml(xml);
  if (!tree) return std::nullopt;
  const XmlElement* error = find_error(*tree);
  if (error == nullptr) return std::nullopt;
  StsServiceError out{error->child_text("Type"), error->child_text("Code"), error->child_text("Message"),
                      tree->child_text("RequestId")};
  if (out.request_id.empty()) out.request_id = tree->child_text("RequestID");
  if (out.request_id.empty()) out.request_id = error->child_text("RequestId");
  return out;
}

StsErrorDescription describe_sts_error(std::string_view code) {
  for (const auto& entry : kErrorTable)
    if (entry.code == code) return entry.description;
  return {"STS returned an error", ""};
}

// ---------------------------------------------------------------------------------------------
// Retries
// ---------------------------------------------------------------------------------------------

Result<RetryMode> parse_retry_mode(std::string_view text) {
  if (iequals(text, "standard")) return RetryMode::standard;
  if (iequals(text, "adaptive")) return RetryMode::adaptive;
  if (iequals(text, "legacy")) return RetryMode::legacy;
  return Result<RetryMode>::error("retry_mode must be \"standard\", \"adaptive\" or \"legacy\", not \"" +
                                  std::string(text) + "\"");
}

int default_max_attempts(RetryMode mode) {
  return mode == RetryMode::legacy ? 5 : 3;
}

bool is_throttling_error(RetryMode mode, std::string_view code) {
  return mode == RetryMode::legacy ? contains(kLegacyThrottlingCodes, code)
                                   : contains(kStandardThrottlingCodes, code);
}

bool is_retryable(RetryMode mode, bool transport_error, int http_status, std::string_view code) {
  if (transport_error) return true;
  if (!code.empty() && is_throttling_error(mode, code)) return true;
  if (http_status == 500 || http_status == 502 || http_status == 503 || http_status == 504) return true;
  if (mode == RetryMode::legacy) return http_status == 429 || http_status == 509;
  return !code.empty() && contains(kStandardTransientCodes, code);
}

std::chrono::milliseconds retry_delay(const RetryOptions& options, int retry, double random01) {
  const double base_ms = std::ldexp(1000.0, std::clamp(retry, 1, 40) - 1);  // 2^(retry-1) s
  const double cap_ms = static_cast<double>(options.max_backoff.count());
  const double r = std::clamp(random01, 0.0, 1.0);
  return std::chrono::milliseconds(static_cast<long long>(r * std::min(base_ms, cap_ms)));
}

// ---------------------------------------------------------------------------------------------
// Client
// ---------------------------------------------------------------------------------------------

std::string_view StsError::summary() const {
  return kind == StsErrorKind::service ? describe_sts_error(code).summary : std::string_view();
}

std::string_view StsError::hint() const {
  return kind == StsErrorKind::service ? describe_sts_error(code).hint : std::string_view();
}

std::string StsError::attempts_note() const {
  std::string out;
  if (attempts > 1) out = " (after " + std::to_string(attempts) + " attempts";
  if (out_of_time) return (out.empty() ? " (" : out + "; ") + "no time left for another before the deadline)";
  return out.empty() ? out : out + ")";
}

std::string StsError::to_string() const {
  std::string out = operation + " failed: ";
  switch (kind) {
    case StsErrorKind::invalid_request:
      out += message;
      break;
    case StsErrorKind::transport:
      out += message;
      out += attempts_note();
      break;
    case StsErrorKind::bad_response:
      out += "HTTP " + std::to_string(http_status) + ", " + message;
      break;
    case StsErrorKind::service:
      out += code.empty() ? std::string("HTTP ") + std::to_string(http_status)
                          : code + " (HTTP " + std::to_string(http_status) + ")";
      out += ": ";
      out += code.empty() ? std::string("STS returned an error") : std::string(summary());
      if (!message.empty()) out += ". " + message;
      out += attempts_note();
      break;
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> get_caller_identity_parameters() {
  return {{"Action", "GetCallerIdentity"}, {"Version", std::string(kStsApiVersion)}};
}

std::vector<std::pair<std::string, std::string>> assume_role_parameters(const AssumeRoleRequest& request) {
  // The members in the order of botocore's sts service model (its serializer's order).
  std::vector<std::pair<std::string, std::string>> p = {{"Action", "AssumeRole"},
                                                        {"Version", std::string(kStsApiVersion)},
                                                        {"RoleArn", request.role_arn},
                                                        {"RoleSessionName", request.role_session_name}};
  if (!request.policy.empty()) p.emplace_back("Policy", request.policy);
  if (request.duration_seconds) p.emplace_back("DurationSeconds", std::to_string(*request.duration_seconds));
  if (!request.external_id.empty()) p.emplace_back("ExternalId", request.external_id);
  if (!request.serial_number.empty()) p.emplace_back("SerialNumber", request.serial_number);
  if (!request.token_code.empty()) p.emplace_back("TokenCode", request.token_code);
  if (!request.source_identity.empty()) p.emplace_back("SourceIdentity", request.source_identity);
  return p;
}

std::vector<std::pair<std::string, std::string>> assume_role_with_web_identity_parameters(
    const AssumeRoleWithWebIdentityRequest& request) {
  std::vector<std::pair<std::string, std::string>> p = {{"Action", "AssumeRoleWithWebIdentity"},
                                                        {"Version", std::string(kStsApiVersion)},
                                                        {"RoleArn", request.role_arn},
                                                        {"RoleSessionName", request.role_session_name},
                                                        {"WebIdentityToken", request.web_identity_token}};
  if (!request.policy.empty()) p.emplace_back("Policy", request.policy);
  if (request.duration_seconds) p.emplace_back("DurationSeconds", std::to_string(*request.duration_seconds));
  return p;
}

StsClient::StsClient(HttpTransport& transport, StsClientOptions options)
    : transport_(transport), options_(std::move(options)) {
  if (!options_.sleep) options_.sleep = [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); };
  if (!options_.random) {
    auto engine = std::make_shared<std::mt19937_64>(std::random_device{}());
    options_.random = [engine] { return std::uniform_real_distribution<double>(0.0, 1.0)(*engine); };
  }
  if (!options_.now) options_.now = [] { return std::chrono::system_clock::now(); };
  if (auto url = parse_url(options_.endpoint.url)) {
    url_ = std::move(*url);
  } else {
    url_error_ = url.message();
  }
}

StsResult<StsClient::Reply> StsClient::call(
    std::string_view operation, const std::vector<std::pair<std::string, std::string>>& parameters,
    const Credentials* credentials) {
  StsError error;
  error.operation = std::string(operation);
  auto invalid = [&](std::string message) {
    error.kind = StsErrorKind::invalid_request;
    error.message = std::move(message);
    return error;
  };
  if (!url_error_.empty()) return invalid("endpoint: " + url_error_);
  if (options_.endpoint.signing_region.empty()) return invalid("no signing region for the STS endpoint");

  HttpRequest request;
  request.method = "POST";
  request.deadline = options_.deadline;
  request.path = url_.path.empty() ? "/" : url_.path;
  if (!url_.query.empty()) request.path += "?" + url_.query;
  request.headers = {{"Host", url_.authority()}, {"Content-Type", std::string(kStsContentType)}};
  request.body = form_encode(parameters);
  const std::string origin = url_.origin();

  const int max_attempts = std::max(1, options_.retry.effective_max_attempts());
  for (int attempt = 1;; ++attempt) {
    HttpRequest to_send = request;
    if (credentials != nullptr) {
      SigningParams params;
      params.region = options_.endpoint.signing_region;
      params.service = "sts";
      params.time = options_.now();
      auto signed_request = sign_headers(request, *credentials, params);
      if (!signed_request) return invalid("cannot sign the request: " + signed_request.message());
      to_send = std::move(*signed_request);
    }
    error.attempts = attempt;
    auto response = transport_.send(origin, to_send);
    bool retryable = false;
    if (!response) {
      error.kind = StsErrorKind::transport;
      error.http_status = 0;
      error.code.clear();
      error.message = response.message();
      retryable = is_retryable(options_.retry.mode, true, 0, "");
    } else if (response->status >= 200 && response->status < 300) {
      return Reply{response->status, std::move(response->body), attempt};
    } else {
      error.kind = StsErrorKind::service;
      error.http_status = response->status;
      if (auto parsed = parse_sts_error_response(response->body)) {
        error.type = parsed->type;
        error.code = parsed->code;
        error.message = parsed->message;
        error.request_id = parsed->request_id;
      } else {
        error.type.clear();
        error.code.clear();
        error.request_id.clear();
        error.message =
            response->body.empty() ? std::string() : "reply: " + detail::printable_excerpt(response->body, 200);
      }
      retryable = is_retryable(options_.retry.mode, false, error.http_status, error.code);
    }
    if (!retryable || attempt >= max_attempts) return error;
    const std::chrono::milliseconds wait = retry_delay(options_.retry, attempt, options_.random());
    if (options_.deadline && std::chrono::steady_clock::now() + wait >= *options_.deadline) {
      error.out_of_time = true;
      return error;
    }
    options_.sleep(wait);
  }
}

StsError StsClient::Reply::bad_response(std::string_view operation, std::string message) const {
  StsError error;
  error.kind = StsErrorKind::bad_response;
  error.operation = std::string(operation);
  error.http_status = status;
  error.message = std::move(message);
  error.attempts = attempts;
  return error;
}

StsResult<CallerIdentity> StsClient::get_caller_identity(const Credentials& credentials) {
  auto reply = call("GetCallerIdentity", get_caller_identity_parameters(), &credentials);
  if (!reply) return reply.error();
  auto parsed = parse_get_caller_identity_response(reply->body);
  if (!parsed) return reply->bad_response("GetCallerIdentity", parsed.message());
  return std::move(*parsed);
}

namespace {

std::optional<std::string> check_role_fields(const std::string& role_arn, const std::string& session_name) {
  if (role_arn.empty()) return "RoleArn is required";
  if (session_name.empty()) return "RoleSessionName is required";
  return std::nullopt;
}

}  // namespace

StsResult<AssumedRoleCredentials> StsClient::assume_role(const Credentials& credentials,
                                                         const AssumeRoleRequest& request) {
  auto problem = check_role_fields(request.role_arn, request.role_session_name);
  if (!problem && request.serial_number.empty() != request.token_code.empty())
    problem = "SerialNumber and TokenCode go together (an MFA device and its current code)";
  if (problem) return StsError{StsErrorKind::invalid_request, "AssumeRole", 0, "", "", *problem, "", 0};
  auto reply = call("AssumeRole", assume_role_parameters(request), &credentials);
  if (!reply) return reply.error();
  auto parsed = parse_assume_role_response(reply->body);
  if (!parsed) return reply->bad_response("AssumeRole", parsed.message());
  return std::move(*parsed);
}

std::vector<std::pair<std::string, std::string>> get_session_token_parameters(
    const GetSessionTokenRequest& request) {
  std::vector<std::pair<std::string, std::string>> p = {{"Action", "GetSessionToken"},
                                                        {"Version", std::string(kStsApiVersion)}};
  if (request.duration_seconds) p.emplace_back("DurationSeconds", std::to_string(*request.duration_seconds));
  if (!request.serial_number.empty()) p.emplace_back("SerialNumber", request.serial_number);
  if (!request.token_code.empty()) p.emplace_back("TokenCode", request.token_code);
  return p;
}

StsResult<AssumedRoleCredentials> StsClient::get_session_token(const Credentials& credentials,
                                                               const GetSessionTokenRequest& request) {
  if (request.serial_number.empty() != request.token_code.empty())
    return StsError{StsErrorKind::invalid_request,
                    "GetSessionToken",
                    0,
                    "",
                    "",
                    "SerialNumber and TokenCode go together (an MFA device and its current code)",
                    "",
                    0};
  auto reply = call("GetSessionToken", get_session_token_parameters(request), &credentials);
  if (!reply) return reply.error();
  auto parsed = parse_assume_role_response(reply->body);
  if (!parsed) return reply->bad_response("GetSessionToken", parsed.message());
  return std::move(*parsed);
}

StsResult<AssumedRoleCredentials> StsClient::assume_role_with_web_identity(
    const AssumeRoleWithWebIdentityRequest& request) {
  auto problem = check_role_fields(request.role_arn, request.role_session_name);
  if (!problem && request.web_identity_token.empty()) problem = "WebIdentityToken is required";
  if (problem)
    return StsError{StsErrorKind::invalid_request, "AssumeRoleWithWebIdentity", 0, "", "", *problem, "", 0};
  auto reply = call("AssumeRoleWithWebIdentity", assume_role_with_web_identity_parameters(request), nullptr);
  if (!reply) return reply.error();
  auto parsed = parse_assume_role_response(reply->body);
  if (!parsed) return reply->bad_response("AssumeRoleWithWebIdentity", parsed.message());
  return std::move(*parsed);
}

}  // namespace awsprof
