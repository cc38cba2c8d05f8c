// SSO OIDC and the SSO portal over rest-json (botocore data/sso-oidc, data/sso).
#include "awsprof/sso_api.hpp"

#include <algorithm>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "text_util.hpp"

namespace awsprof {
namespace {

using Json = nlohmann::json;
using Headers = std::vector<std::pair<std::string, std::string>>;

bool is_host_label(std::string_view region) {
  return !region.empty() && region.size() <= 63 && region.front() != '-' && region.back() != '-' &&
         std::all_of(region.begin(), region.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
         });
}

std::string text_field(const Json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::optional<std::string> optional_text(const Json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

std::optional<long long> number_field(const Json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_number()) return std::nullopt;
  return it->get<long long>();
}

/// One call's request, and everything about its answer that the caller looks at.
struct Call {
  std::string operation;  // "sso-oidc:CreateToken"
  std::string method;
  std::string path;  // after the endpoint's own path, with "?query"
  Headers headers;
  std::string body;
};

void fill_defaults(SsoClientOptions& options) {
  if (!options.sleep) options.sleep = [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); };
  if (!options.random) {
    auto engine = std::make_shared<std::mt19937_64>(std::random_device{}());
    options.random = [engine] { return std::uniform_real_distribution<double>(0.0, 1.0)(*engine); };
  }
}

SsoApiError error_from_response(const Call& call, const HttpResponse& response) {
  SsoApiError error;
  error.operation = call.operation;
  error.http_status = response.status;
  Json body = Json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (!body.is_object()) body = Json::object();
  std::string code = response.header("x-amzn-errortype").value_or("");
  code = code.substr(0, code.find(':'));
  if (code.empty()) {
    code = text_field(body, "__type");
    if (auto hash = code.rfind('#'); hash != std::string::npos) code = code.substr(hash + 1);
  }
  if (code.empty()) code = text_field(body, "code");
  error.code = code;
  error.oauth_error = text_field(body, "error");
  for (const char* key : {"error_description", "message", "Message"}) {
    if (error.message.empty()) error.message = text_field(body, key);
  }
  if (error.message.empty() && !response.body.empty() && body.empty())
    error.message = "reply: " + detail::printable_excerpt(response.body, 200);
  return error;
}

/// Sends `call` with botocore's retries; the JSON object of a 2xx answer (an empty body is {}).
SsoResult<Json> send(HttpTransport& transport, const SsoClientOptions& options, const Call& call) {
  HttpRequest request;
  request.method = call.method;
  request.path = options.endpoint.path + call.path;
  request.headers = {{"Host", options.endpoint.authority()}, {"Accept", "application/json"}};
  for (const auto& header : call.headers) request.headers.push_back(header);
  if (call.method == "POST") request.headers.emplace_back("Content-Type", "application/json");
  request.body = call.body;
  request.deadline = options.deadline;
  const std::string origin = options.endpoint.origin();
  const int max_attempts = std::max(1, options.retry.effective_max_attempts());
  SsoApiError error;
  for (int attempt = 1;; ++attempt) {
    Result<HttpResponse> response = transport.send(origin, request);
    if (options.log)
      options.log(call.operation + " " + origin + request.path.substr(0, request.path.find('?')) + " -> " +
                  (response ? "HTTP " + std::to_string(response->status) : response.message()));
    bool retryable = false;
    if (!response) {
      error = SsoApiError{SsoErrorKind::transport, call.operation, 0, "", "", response.message()};
      retryable = is_retryable(options.retry.mode, true, 0, "");
    } else if (response->status >= 200 && response->status < 300) {
      if (response->body.empty()) return Json::object();
      Json body = Json::parse(response->body, nullptr, /*allow_exceptions=*/false);
      if (!body.is_object()) {
        SsoApiError bad{SsoErrorKind::bad_response,       call.operation, response->status, "", "",
                        "the answer is not a JSON object"};
        bad.attempts = attempt;
        return bad;
      }
      return body;
    } else {
      error = error_from_response(call, *response);
      retryable = is_retryable(options.retry.mode, false, error.http_status, error.code);
    }
    error.attempts = attempt;
    if (!retryable || attempt >= max_attempts) return error;
    const std::chrono::milliseconds wait = retry_delay(options.retry, attempt, options.random());
    if (options.deadline && std::chrono::steady_clock::now() + wait >= *options.deadline) {
      error.out_of_time = true;
      return error;
    }
    options.sleep(wait);
  }
}

SsoApiError bad_response(const std::string& operation, std::string message) {
  return SsoApiError{SsoErrorKind::bad_response, operation, 200, "", "", std::move(message)};
}

Json string_list(const std::vector<std::string>& items) {
  Json out = Json::array();
  for (const std::string& item : items) out.push_back(item);
  return out;
}

std::string query(const std::vector<std::pair<std::string, std::string>>& parameters) {
  return parameters.empty() ? std::string() : "?" + form_encode(parameters);
}

Headers bearer(const std::string& access_token) {
  return {{"x-amz-sso_bearer_token", access_token}};
}

}  // namespace

Result<Url> configured_endpoint_url(std::string_view service, std::string_view text) {
  Result<Url> url = parse_url(text);
  if (!url)
    return Result<Url>::error("the " + std::string(service) + " endpoint URL \"" + std::string(text) +
                              "\" is not valid: " + url.message());
  while (!url->path.empty() && url->path.back() == '/') url->path.pop_back();
  return url;
}

Result<Url> sso_endpoint(SsoService service, std::string_view region, std::string_view configured_url,
                         bool use_fips, bool use_dualstack) {
  if (!configured_url.empty()) return configured_endpoint_url("SSO", configured_url);
  if (!is_host_label(region))
    return Result<Url>::error(region.empty()
                                  ? "no sso_region"
                                  : "sso_region \"" + std::string(region) + "\" is not a valid region name");
  const PartitionDnsSuffixes suffixes = partition_dns_suffixes(std::string(region));
  const std::string host = service == SsoService::oidc ? (use_fips ? "oidc-fips." : "oidc.")
                                                       : (use_fips ? "portal.sso-fips." : "portal.sso.");
  return parse_url("https://" + host + std::string(region) + "." +
                   (use_dualstack ? suffixes.dual_stack_dns_suffix : suffixes.dns_suffix));
}

std::string SsoApiError::to_string() const {
  std::string out = operation + " failed: ";
  if (kind == SsoErrorKind::transport) {
    out += message;
  } else {
    out += (code.empty() ? "HTTP " + std::to_string(http_status)
                         : code + " (HTTP " + std::to_string(http_status) + ")");
    if (!message.empty()) out += ": " + message;
  }
  if (attempts > 1) out += " (after " + std::to_string(attempts) + " attempts)";
  if (out_of_time) out += " (no time was left for another attempt)";
  return out;
}

// --- SSO OIDC ----------------------------------------------------------------------------------

SsoOidcClient::SsoOidcClient(HttpTransport& transport, SsoClientOptions options)
    : transport_(transport), options_(std::move(options)) {
  fill_defaults(options_);
}

std::string SsoOidcClient::base_url() const {
  return options_.endpoint.origin() + options_.endpoint.path;
}

SsoResult<RegisteredClient> SsoOidcClient::register_client(const RegisterClientRequest& request) {
  Json body = {{"clientName", request.client_name}, {"clientType", request.client_type}};
  if (!request.scopes.empty()) body["scopes"] = string_list(request.scopes);
  if (!request.grant_types.empty()) body["grantTypes"] = string_list(request.grant_types);
  if (!request.redirect_uris.empty()) body["redirectUris"] = string_list(request.redirect_uris);
  if (!request.issuer_url.empty()) body["issuerUrl"] = request.issuer_url;
  const std::string operation = "sso-oidc:RegisterClient";
  SsoResult<Json> answer =
      send(transport_, options_, {operation, "POST", "/client/register", {}, body.dump()});
  if (!answer) return answer.error();
  RegisteredClient out{text_field(*answer, "clientId"), text_field(*answer, "clientSecret"),
                       number_field(*answer, "clientIdIssuedAt").value_or(0),
                       number_field(*answer, "clientSecretExpiresAt").value_or(0)};
  if (out.client_id.empty() || out.client_secret.empty())
    return bad_response(operation, "the answer has no clientId or clientSecret");
  return out;
}

SsoResult<DeviceAuthorization> SsoOidcClient::start_device_authorization(const std::string& client_id,
                                                                         const std::string& client_secret,
                                                                         const std::string& start_url) {
  Json body = {{"clientId", client_id}, {"clientSecret", client_secret}, {"startUrl", start_url}};
  const std::string operation = "sso-oidc:StartDeviceAuthorization";
  SsoResult<Json> answer =
      send(transport_, options_, {operation, "POST", "/device_authorization", {}, body.dump()});
  if (!answer) return answer.error();
  DeviceAuthorization out;
  out.device_code = text_field(*answer, "deviceCode");
  out.user_code = text_field(*answer, "userCode");
  out.verification_uri = text_field(*answer, "verificationUri");
  out.verification_uri_complete = text_field(*answer, "verificationUriComplete");
  out.expires_in = static_cast<int>(number_field(*answer, "expiresIn").value_or(0));
  if (auto interval = number_field(*answer, "interval")) out.interval = static_cast<int>(*interval);
  if (out.device_code.empty() || out.verification_uri.empty())
    return bad_response(operation, "the answer has no deviceCode or verificationUri");
  return out;
}

SsoResult<CreatedToken> SsoOidcClient::create_token(const CreateTokenRequest& request) {
  Json body = {{"clientId", request.client_id},
               {"clientSecret", request.client_secret},
               {"grantType", request.grant_type}};
  for (const auto& [key, value] :
       {std::pair{"deviceCode", &request.device_code}, std::pair{"code", &request.code},
        std::pair{"redirectUri", &request.redirect_uri}, std::pair{"codeVerifier", &request.code_verifier},
        std::pair{"refreshToken", &request.refresh_token}})
    if (!value->empty()) body[key] = *value;
  const std::string operation = "sso-oidc:CreateToken";
  SsoResult<Json> answer = send(transport_, options_, {operation, "POST", "/token", {}, body.dump()});
  if (!answer) return answer.error();
  CreatedToken out;
  out.access_token = text_field(*answer, "accessToken");
  out.token_type = text_field(*answer, "tokenType");
  out.refresh_token = optional_text(*answer, "refreshToken");
  auto expires_in = number_field(*answer, "expiresIn");
  if (out.access_token.empty() || !expires_in)
    return bad_response(operation, "the answer has no accessToken or expiresIn");
  out.expires_in = static_cast<int>(*expires_in);
  return out;
}

// --- the portal --------------------------------------------------------------------------------

SsoPortalClient::SsoPortalClient(HttpTransport& transport, SsoClientOptions options)
    : transport_(transport), options_(std::move(options)) {
  fill_defaults(options_);
}

SsoResult<RoleCredentials> SsoPortalClient::get_role_credentials(const std::string& access_token,
                                                                 const std::string& account_id,
                                                                 const std::string& role_name) {
  const std::string operation = "sso:GetRoleCredentials";
  SsoResult<Json> answer =
      send(transport_, options_,
           {operation, "GET",
            "/federation/credentials" + query({{"role_name", role_name}, {"account_id", account_id}}),
            bearer(access_token), ""});
  if (!answer) return answer.error();
  auto role = answer->find("roleCredentials");
  if (role == answer->end() || !role->is_object())
    return bad_response(operation, "the answer has no roleCredentials");
  RoleCredentials out;
  out.credentials = {text_field(*role, "accessKeyId"), text_field(*role, "secretAccessKey"),
                     text_field(*role, "sessionToken")};
  auto expiration = number_field(*role, "expiration");
  if (out.credentials.access_key_id.empty() || out.credentials.secret_access_key.empty() || !expiration)
    return bad_response(operation, "the answer has no accessKeyId, secretAccessKey or expiration");
  out.expiration = std::chrono::system_clock::time_point(std::chrono::milliseconds(*expiration));
  return out;
}

namespace {

std::vector<std::pair<std::string, std::string>> page_parameters(const std::optional<std::string>& next_token,
                                                                 std::optional<int> max_results) {
  std::vector<std::pair<std::string, std::string>> out;
  if (next_token) out.emplace_back("next_token", *next_token);
  if (max_results) out.emplace_back("max_result", std::to_string(*max_results));
  return out;
}

}  // namespace

SsoResult<SsoAccountPage> SsoPortalClient::list_accounts(const std::string& access_token,
                                                         const std::optional<std::string>& next_token,
                                                         std::optional<int> max_results) {
  const std::string operation = "sso:ListAccounts";
  SsoResult<Json> answer =
      send(transport_, options_,
           {operation, "GET", "/assignment/accounts" + query(page_parameters(next_token, max_results)),
            bearer(access_token), ""});
  if (!answer) return answer.error();
  SsoAccountPage out;
  auto list = answer->find("accountList");
  if (list != answer->end() && list->is_array()) {
    for (const Json& account : *list) {
      if (!account.is_object() || text_field(account, "accountId").empty())
        return bad_response(operation, "an account has no accountId");
      out.accounts.push_back({text_field(account, "accountId"), text_field(account, "accountName"),
                              text_field(account, "emailAddress")});
    }
  }
  out.next_token = optional_text(*answer, "nextToken");
  return out;
}

SsoResult<SsoRolePage> SsoPortalClient::list_account_roles(const std::string& access_token,
                                                           const std::string& account_id,
                                                           const std::optional<std::string>& next_token,
                                                           std::optional<int> max_results) {
  const std::string operation = "sso:ListAccountRoles";
  auto parameters = page_parameters(next_token, max_results);
  parameters.emplace_back("account_id", account_id);
  SsoResult<Json> answer =
      send(transport_, options_,
           {operation, "GET", "/assignment/roles" + query(parameters), bearer(access_token), ""});
  if (!answer) return answer.error();
  SsoRolePage out;
  auto list = answer->find("roleList");
  if (list != answer->end() && list->is_array()) {
    for (const Json& role : *list) {
      if (!role.is_object() || text_field(role, "roleName").empty())
        return bad_response(operation, "a role has no roleName");
      out.role_names.push_back(text_field(role, "roleName"));
    }
  }
  out.next_token = optional_text(*answer, "nextToken");
  return out;
}

SsoResult<bool> SsoPortalClient::logout(const std::string& access_token) {
  SsoResult<Json> answer =
      send(transport_, options_, {"sso:Logout", "POST", "/logout", bearer(access_token), ""});
  if (!answer) return answer.error();
  return true;
}

}  // namespace awsprof
