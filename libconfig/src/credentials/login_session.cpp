// The `aws login` session: botocore 1.43's LoginProvider, LoginCredentialFetcher and
// _build_dpop_header.
#include "awsprof/credentials/login_session.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <algorithm>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "awsprof/credentials/credential_cache.hpp"
#include "awsprof/credentials/credential_process.hpp"
#include "awsprof/net/sigv4.hpp"
#include "awsprof/net/sso_api.hpp"
#include "oauth_random.hpp"
#include "credential_error.hpp"
#include "text_util.hpp"

namespace awsprof {
namespace {

using OrderedJson = nlohmann::ordered_json;
using SysClock = std::chrono::system_clock;

constexpr std::string_view kLoginAgain = "run `aws login`";

using detail::make_error;

/// Python's os.path.expandvars: $NAME and ${NAME} of set variables; others are left as they are.
std::string expand_variables(std::string_view text, const EnvLookup& env) {
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    if (text[i] != '$') {
      out += text[i++];
      continue;
    }
    const bool braced = i + 1 < text.size() && text[i + 1] == '{';
    std::size_t start = i + (braced ? 2 : 1), end = start;
    while (end < text.size() && (std::isalnum(static_cast<unsigned char>(text[end])) || text[end] == '_'))
      ++end;
    const bool closed = !braced || (end < text.size() && text[end] == '}');
    std::optional<std::string> value =
        end > start && closed && env ? env(text.substr(start, end - start)) : std::nullopt;
    if (!value) {
      out += text[i++];
      continue;
    }
    out += *value;
    i = end + (braced ? 1 : 0);
  }
  return out;
}

/// json.dumps(value) of a parsed file: ", " and ": ", ASCII escapes, keys in their order.
std::string python_dumps(const OrderedJson& value) {
  switch (value.type()) {
    case OrderedJson::value_t::object: {
      std::string out = "{";
      bool first = true;
      for (auto it = value.begin(); it != value.end(); ++it) {
        out += (first ? "" : ", ") + python_json_string(it.key()) + ": " + python_dumps(it.value());
        first = false;
      }
      return out + "}";
    }
    case OrderedJson::value_t::array: {
      std::string out = "[";
      for (std::size_t i = 0; i < value.size(); ++i) out += (i > 0 ? ", " : "") + python_dumps(value[i]);
      return out + "]";
    }
    case OrderedJson::value_t::string:
      return python_json_string(value.get<std::string>());
    default:
      return value.dump();  // numbers, true, false, null
  }
}

std::string text_of(const OrderedJson& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

/// The DER bytes of a PEM key, as botocore reads it: the lines between the BEGIN and END lines,
/// joined and base64-decoded.
std::optional<std::string> key_der(std::string_view pem) {
  std::string body;
  for (std::string_view line : detail::split(pem, '\n')) {
    line = detail::trim_blanks(line);
    if (line.rfind("-----BEGIN", 0) == 0 || line.rfind("-----END", 0) == 0) continue;
    body += line;
  }
  std::string der((body.size() / 4 + 1) * 3, '\0');
  const int n =
      EVP_DecodeBlock(reinterpret_cast<unsigned char*>(der.data()),
                      reinterpret_cast<const unsigned char*>(body.data()), static_cast<int>(body.size()));
  if (n < 0 || body.empty()) return std::nullopt;
  const std::size_t padding = std::count(body.end() - std::min<std::size_t>(2, body.size()), body.end(), '=');
  der.resize(static_cast<std::size_t>(n) - padding);
  return der;
}

struct PkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

std::optional<std::string> bignum_param(const EVP_PKEY* key, const char* name) {
  BIGNUM* value = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &value) != 1) return std::nullopt;
  std::string out(32, '\0');
  const bool ok = BN_bn2binpad(value, reinterpret_cast<unsigned char*>(out.data()), 32) == 32;
  BN_free(value);
  return ok ? std::optional<std::string>(out) : std::nullopt;
}

}  // namespace

std::string login_cache_directory(const EnvLookup& env) {
  if (auto configured = env ? env("AWS_LOGIN_CACHE_DIRECTORY") : std::nullopt)
    return expand_home(expand_variables(*configured, env), env);
  return expand_home("~/.aws/login/cache", env);
}

std::string login_cache_path(const EnvLookup& env, std::string_view session) {
  return login_cache_directory(env) + "/" + hex_sha256(session) + ".json";
}

Result<LoginToken> parse_login_token(std::string_view bytes) {
  using R = Result<LoginToken>;
  OrderedJson json = OrderedJson::parse(bytes.begin(), bytes.end(), nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object())
    return R::error("the login session file is not a JSON object");
  std::vector<std::string> missing;
  for (const char* key : {"accessToken", "refreshToken", "dpopKey", "clientId"})
    if (!json.contains(key)) missing.emplace_back(key);
  if (!missing.empty()) {
    std::string list;
    for (const std::string& key : missing) list += (list.empty() ? "" : ", ") + key;
    return R::error("Failed to load access token from token cache, missing required fields: " + list + ".");
  }
  const OrderedJson& access = json["accessToken"];
  if (!access.is_object()) return R::error("the login session's accessToken is not an object");
  LoginToken token;
  token.credentials = {text_of(access, "accessKeyId"), text_of(access, "secretAccessKey"),
                       text_of(access, "sessionToken")};
  token.account_id = text_of(access, "accountId");
  token.expires_at = text_of(access, "expiresAt");
  auto expiry = parse_expiration_time(token.expires_at);
  if (token.credentials.access_key_id.empty() || token.credentials.secret_access_key.empty() || !expiry)
    return R::error(
        "the login session's accessToken lacks accessKeyId, secretAccessKey or a valid expiresAt");
  token.expiry = *expiry;
  token.refresh_token = text_of(json, "refreshToken");
  token.client_id = text_of(json, "clientId");
  token.dpop_key = text_of(json, "dpopKey");
  return token;
}

Result<std::string> dpop_proof(std::string_view dpop_key, std::string_view url, std::int64_t issued_at,
                               std::string_view jti) {
  using R = Result<std::string>;
  std::optional<std::string> der = key_der(dpop_key);
  if (!der) return R::error("Unable to load private key from cached token.");
  const auto* bytes = reinterpret_cast<const unsigned char*>(der->data());
  Pkey key(d2i_AutoPrivateKey(nullptr, &bytes, static_cast<long>(der->size())));
  char group[32] = {};
  std::size_t group_length = 0;
  if (!key || EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_EC ||
      EVP_PKEY_get_utf8_string_param(key.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                     &group_length) != 1 ||
      std::string_view(group, group_length) != "prime256v1")
    return R::error("Unable to load private key from cached token (it must be an EC P-256 key).");
  auto x = bignum_param(key.get(), OSSL_PKEY_PARAM_EC_PUB_X);
  auto y = bignum_param(key.get(), OSSL_PKEY_PARAM_EC_PUB_Y);
  if (!x || !y) return R::error("Unable to read the public half of the DPoP key.");
  // json.dumps(..., separators=(',', ':')): compact, keys in this order.
  const std::string header = std::string(R"({"typ":"dpop+jwt","alg":"ES256","jwk":{"kty":"EC","x":)") +
                             python_json_string(detail::base64url(*x)) + R"(,"y":)" +
                             python_json_string(detail::base64url(*y)) + R"(,"crv":"P-256"}})";
  const std::string payload = R"({"htm":"POST","htu":)" + python_json_string(url) + R"(,"iat":)" +
                              std::to_string(issued_at) + R"(,"jti":)" + python_json_string(jti) + "}";
  const std::string signing_input = detail::base64url(header) + "." + detail::base64url(payload);

  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  std::size_t length = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &length,
                     reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size()) != 1)
    return R::error("signing the DPoP proof failed");
  std::string signature(length, '\0');
  auto* out = reinterpret_cast<unsigned char*>(signature.data());
  if (EVP_DigestSign(ctx.get(), out, &length, reinterpret_cast<const unsigned char*>(signing_input.data()),
                     signing_input.size()) != 1)
    return R::error("signing the DPoP proof failed");
  // The DER ECDSA-Sig-Value becomes r || s, 32 bytes each (JWS ES256).
  const unsigned char* der_signature = out;
  ECDSA_SIG* parsed = d2i_ECDSA_SIG(nullptr, &der_signature, static_cast<long>(length));
  if (parsed == nullptr) return R::error("signing the DPoP proof failed");
  std::string raw(64, '\0');
  const bool ok =
      BN_bn2binpad(ECDSA_SIG_get0_r(parsed), reinterpret_cast<unsigned char*>(raw.data()), 32) == 32 &&
      BN_bn2binpad(ECDSA_SIG_get0_s(parsed), reinterpret_cast<unsigned char*>(raw.data()) + 32, 32) == 32;
  ECDSA_SIG_free(parsed);
  if (!ok) return R::error("signing the DPoP proof failed");
  return signing_input + "." + detail::base64url(raw);
}

Result<Url> signin_endpoint(std::string_view region, std::string_view configured_url, bool use_fips,
                            bool use_dualstack) {
  if (!configured_url.empty()) return configured_endpoint_url("sign-in", configured_url);
  if (region.empty())
    return Result<Url>::error("no region for AWS Sign-In (set --region, AWS_REGION or the profile's region)");
  const std::string r(region);
  const PartitionDnsSuffixes suffixes = partition_dns_suffixes(r);
  if (use_fips)
    return parse_url("https://signin-fips." + r + "." +
                     (use_dualstack ? suffixes.dual_stack_dns_suffix : suffixes.dns_suffix));
  if (use_dualstack) return parse_url("https://signin." + r + "." + suffixes.dual_stack_dns_suffix);
  if (suffixes.dns_suffix == "amazonaws.com.cn") return parse_url("https://" + r + ".signin.amazonaws.cn");
  if (r.rfind("us-gov-", 0) == 0) return parse_url("https://" + r + ".signin.amazonaws-us-gov.com");
  if (suffixes.dns_suffix == "amazonaws.com") return parse_url("https://" + r + ".signin.aws.amazon.com");
  return parse_url("https://signin." + r + "." + suffixes.dns_suffix);
}

Expected<ResolvedCredentials, CredentialError> login_session_credentials(const LoginStep& step,
                                                                         const LoginSessionContext& context) {
  auto now = [&context] { return context.now ? context.now() : SysClock::now(); };
  auto log = [&context](const std::string& line) {
    if (context.log) context.log(line);
  };
  if (context.fs == nullptr) return make_error("ConfigError", "the login session needs a file system");
  const std::string path = login_cache_path(context.env, step.session);
  const std::string label = "login session " + step.session;
  auto resolved = [&](const LoginToken& token) {
    return ResolvedCredentials{token.credentials, token.expiry, token.account_id, label + " (" + path + ")"};
  };
  auto load = [&](const FileContent& file) -> Expected<LoginToken, CredentialError> {
    if (!file.exists)
      return make_error("LoginRequired",
                        "Unable to load a existing login session for session " + step.session +
                            ". Please reauthenticate with 'aws login'. (" + path + ")",
                        std::string(kLoginAgain));
    Result<LoginToken> token = parse_login_token(file.bytes);
    if (!token)
      return make_error("LoginRequired",
                        "Error loading login session token: " + token.message() + " (" + path + ")",
                        std::string(kLoginAgain));
    return std::move(*token);
  };
  Result<FileContent> file = context.fs->read_file(path);
  if (!file) return make_error("CacheError", file.message());
  auto token = load(*file);
  if (!token) return token.error();
  if (token->expiry - now() > kLoginRefreshThreshold) return resolved(*token);
  if (context.transport == nullptr) return make_error("ConfigError", "no HTTP transport for AWS Sign-In");

  std::optional<LoginToken> fresh;
  std::optional<CredentialError> failure;
  FileAccessOptions access;
  access.lock_timeout = context.lock_timeout;
  Status updated = context.fs->update(
      {path},
      [&](const std::vector<FileContent>& current) -> Result<std::vector<std::string>> {
        using U = Result<std::vector<std::string>>;
        auto on_disk = load(current[0]);
        if (!on_disk) {
          failure = on_disk.error();
          return U::error(failure->message);
        }
        if (on_disk->expiry - now() > kLoginRefreshThreshold) {  // another process refreshed it
          fresh = std::move(*on_disk);
          return std::vector<std::string>{current[0].bytes};
        }
        const std::string url = context.endpoint.origin() + context.endpoint.path + "/v1/token";
        log(step.profile + ": refreshing " + label + " (signin:CreateOAuth2Token at " + url + ")");
        HttpRequest request;
        request.method = "POST";
        request.path = context.endpoint.path + "/v1/token";
        request.body = OrderedJson{{"clientId", on_disk->client_id},
                            {"refreshToken", on_disk->refresh_token},
                            {"grantType", "refresh_token"}}
                           .dump();
        request.deadline = context.deadline;
        Result<HttpResponse> response = Result<HttpResponse>::error("no attempt was made");
        const int attempts = std::max(1, context.retry.effective_max_attempts());
        std::mt19937_64 engine(std::random_device{}());
        for (int attempt = 1; attempt <= attempts; ++attempt) {
          std::optional<std::string> jti = detail::random_uuid();
          if (!jti) return U::error("the system's random number generator failed");
          const auto issued =
              std::chrono::duration_cast<std::chrono::seconds>(now().time_since_epoch()).count();
          Result<std::string> proof = dpop_proof(on_disk->dpop_key, url, issued, *jti);
          if (!proof) {
            failure = make_error("LoginRequired", "Error loading login session token: " + proof.message(),
                                 std::string(kLoginAgain));
            return U::error(failure->message);
          }
          request.headers = {{"Host", context.endpoint.authority()},
                             {"Content-Type", "application/json"},
                             {"Accept", "application/json"},
                             {"DPoP", *proof}};
          response = context.transport->send(context.endpoint.origin(), request);
          log(step.profile + ": POST " + url + " -> " +
              (response ? "HTTP " + std::to_string(response->status) : response.message()));
          const int status = response ? response->status : 0;
          if (response && status < 500 && status != 429) break;
          if (attempt == attempts) break;
          const auto wait = retry_delay(
              context.retry, attempt,
              context.random ? context.random() : std::uniform_real_distribution<double>(0, 1)(engine));
          if (context.deadline && std::chrono::steady_clock::now() + wait >= *context.deadline) break;
          if (context.sleep)
            context.sleep(wait);
          else
            std::this_thread::sleep_for(wait);
        }
        if (!response) {
          failure = make_error("TransportError",
                               "signin:CreateOAuth2Token at " + url + " failed: " + response.message(),
                               "check the network and the region (AWS_ENDPOINT_URL_SIGNIN)");
          return U::error(failure->message);
        }
        OrderedJson body = OrderedJson::parse(response->body, nullptr, /*allow_exceptions=*/false);
        if (response->status != 200) {
          std::string code = response->header("x-amzn-errortype").value_or("");
          code = code.substr(0, code.find(':'));
          const std::string error = body.is_object() ? text_of(body, "error") : std::string();
          const std::string detail = "signin:CreateOAuth2Token failed: " + (code.empty() ? "HTTP" : code) +
                                     " (HTTP " + std::to_string(response->status) + ")" +
                                     (error.empty() ? "" : ": " + error);
          if (code == "AccessDeniedException" &&
              (error == "TOKEN_EXPIRED" || error == "USER_CREDENTIALS_CHANGED"))
            failure =
                make_error("LoginRequired",
                           "Your session has expired or credentials have changed. Please reauthenticate "
                           "using 'aws login'. (" +
                               detail + ")",
                           std::string(kLoginAgain));
          else if (code == "AccessDeniedException" && error == "INSUFFICIENT_PERMISSIONS")
            failure =
                make_error(code,
                           "Unable to create or refresh login credentials due to insufficient permissions. "
                           "You may be missing permission for the 'signin:CreateOAuth2Token' action. (" +
                               detail + ")",
                           "allow signin:CreateOAuth2Token for this identity");
          else
            failure = make_error(code.empty() ? "HTTP" + std::to_string(response->status) : code, detail);
          return U::error(failure->message);
        }
        const OrderedJson* output = body.is_object() && body.contains("accessToken") ? &body : nullptr;
        const OrderedJson* access_token = output != nullptr ? &(*output)["accessToken"] : nullptr;
        if (access_token == nullptr || !access_token->is_object() || !output->contains("expiresIn") ||
            !(*output)["expiresIn"].is_number_integer()) {
          failure =
              make_error("BadResponse",
                         "Unable to refresh access token due to an invalid service response. Please try "
                         "running 'aws login' again.");
          return U::error(failure->message);
        }
        // botocore: token.update({"accessToken": {...}, "refreshToken": ...}); the rest stays.
        OrderedJson file_json = OrderedJson::parse(current[0].bytes, nullptr, false);
        LoginToken next = *on_disk;
        next.credentials = {text_of(*access_token, "accessKeyId"), text_of(*access_token, "secretAccessKey"),
                            text_of(*access_token, "sessionToken")};
        next.expiry = std::chrono::time_point_cast<std::chrono::seconds>(now()) +
                      std::chrono::seconds((*output)["expiresIn"].get<long long>());
        next.expires_at = format_expiration_time(next.expiry);
        next.refresh_token = text_of(*output, "refreshToken");
        file_json["accessToken"] =
            OrderedJson{{"accessKeyId", next.credentials.access_key_id},
                 {"secretAccessKey", next.credentials.secret_access_key},
                 {"sessionToken", next.credentials.session_token},
                 {"accountId", (*file_json.find("accessToken")).value("accountId", OrderedJson())},
                 {"expiresAt", next.expires_at}};
        file_json["refreshToken"] = next.refresh_token;
        fresh = std::move(next);
        return std::vector<std::string>{python_dumps(file_json)};
      },
      access);
  if (updated && fresh) return resolved(*fresh);
  if (failure) return *failure;
  if (fresh)
    return make_error(
        "CacheError", "the " + label + " was refreshed but could not be saved: " + updated.message(),
        "make " + login_cache_directory(context.env) + " writable, then " + std::string(kLoginAgain));
  return make_error("CacheError", "cannot refresh the " + label + ": " + updated.message());
}

}  // namespace awsprof
