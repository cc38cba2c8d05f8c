// The AWS CLI's credential and SSO token caches (botocore CachedCredentialFetcher,
// JSONFileCache, SSOTokenLoader; awscli/customizations/assumerole.py for ~/.aws/cli/cache).
#include "awsprof/credential_cache.hpp"

#include <openssl/sha.h>

#include <nlohmann/json.hpp>

#include "awsprof/sso_token.hpp"

namespace awsprof {
namespace {

std::string home_path(const EnvLookup& env, std::string_view rest) {
  std::string home = home_directory(env).value_or("~");
  while (home.size() > 1 && home.back() == '/') home.pop_back();
  return home + std::string(rest);
}

// Decodes one UTF-8 sequence; an invalid byte decodes as itself (U+0080..U+00FF), which Python
// never sees because botocore refuses such files earlier.
char32_t next_code_point(std::string_view s, std::size_t& i) {
  const unsigned char c = static_cast<unsigned char>(s[i]);
  int length = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
  if (length == 0 || i + length > s.size()) {
    ++i;
    return c;
  }
  char32_t cp = length == 1 ? c : length == 2 ? (c & 0x1f) : length == 3 ? (c & 0x0f) : (c & 0x07);
  for (int k = 1; k < length; ++k) {
    const unsigned char cc = static_cast<unsigned char>(s[i + k]);
    if ((cc >> 6) != 2) {
      ++i;
      return c;
    }
    cp = (cp << 6) | (cc & 0x3f);
  }
  i += length;
  return cp;
}

void append_u_escape(std::string& out, unsigned value) {
  char buffer[16];  // "\\u" and at most 8 hex digits for any unsigned
  std::snprintf(buffer, sizeof buffer, "\\u%04x", value);
  out += buffer;
}

// json.dumps(args, sort_keys=True, separators=...) for a flat object of strings and integers.
struct JsonArg {
  std::string key;
  std::optional<std::string> text;
  std::optional<long long> number;
};

std::string python_dumps(std::vector<JsonArg> args, std::string_view item_separator,
                         std::string_view key_separator) {
  std::sort(args.begin(), args.end(), [](const JsonArg& a, const JsonArg& b) { return a.key < b.key; });
  std::string out = "{";
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (i > 0) out += item_separator;
    out += python_json_string(args[i].key);
    out += key_separator;
    out += args[i].text ? python_json_string(*args[i].text) : std::to_string(*args[i].number);
  }
  return out + "}";
}

std::optional<std::string> non_empty(const std::optional<std::string>& v) {
  return v && !v->empty() ? v : std::nullopt;
}

Result<FileContent> read_existing(const FileSystem& fs, const std::string& path) {
  return fs.read_file(path);
}

}  // namespace

std::string hex_sha1(std::string_view data) {
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : digest) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

std::string python_json_string(std::string_view utf8) {
  std::string out = "\"";
  for (std::size_t i = 0; i < utf8.size();) {
    const char32_t cp = next_code_point(utf8, i);
    switch (cp) {
      case '"':
        out += "\\\"";
        continue;
      case '\\':
        out += "\\\\";
        continue;
      case '\n':
        out += "\\n";
        continue;
      case '\r':
        out += "\\r";
        continue;
      case '\t':
        out += "\\t";
        continue;
      case '\b':
        out += "\\b";
        continue;
      case '\f':
        out += "\\f";
        continue;
      default:
        break;
    }
    if (cp >= 0x20 && cp <= 0x7e) {
      out += static_cast<char>(cp);
    } else if (cp < 0x10000) {
      append_u_escape(out, static_cast<unsigned>(cp));
    } else {
      const char32_t v = cp - 0x10000;
      append_u_escape(out, 0xd800 + static_cast<unsigned>(v >> 10));
      append_u_escape(out, 0xdc00 + static_cast<unsigned>(v & 0x3ff));
    }
  }
  return out + "\"";
}

std::string cli_cache_directory(const EnvLookup& env) {
  return home_path(env, "/.aws/cli/cache");
}
std::string sso_token_cache_directory(const EnvLookup& env) {
  return home_path(env, "/.aws/sso/cache");
}

std::string assume_role_cache_key(const AssumeRoleStep& step) {
  std::vector<JsonArg> args = {{"RoleArn", step.role_arn, std::nullopt}};
  if (auto v = non_empty(step.role_session_name)) args.push_back({"RoleSessionName", *v, std::nullopt});
  if (step.external_id) args.push_back({"ExternalId", *step.external_id, std::nullopt});
  if (step.mfa_serial) args.push_back({"SerialNumber", *step.mfa_serial, std::nullopt});
  if (step.duration_seconds) args.push_back({"DurationSeconds", std::nullopt, *step.duration_seconds});
  return hex_sha1(python_dumps(std::move(args), ", ", ": "));
}

std::string web_identity_cache_key(const WebIdentityStep& step) {
  std::vector<JsonArg> args = {{"RoleArn", step.role_arn, std::nullopt}};
  if (auto v = non_empty(step.role_session_name)) args.push_back({"RoleSessionName", *v, std::nullopt});
  return hex_sha1(python_dumps(std::move(args), ", ", ": "));
}

std::string sso_role_cache_key(const SsoStep& step) {
  std::vector<JsonArg> args = {{"roleName", step.sso_role_name, std::nullopt},
                               {"accountId", step.sso_account_id, std::nullopt}};
  if (step.sso_session)
    args.push_back({"sessionName", *step.sso_session, std::nullopt});
  else
    args.push_back({"startUrl", step.sso_start_url, std::nullopt});
  return hex_sha1(python_dumps(std::move(args), ",", ":"));
}

std::string sso_token_cache_key(const SsoStep& step) {
  return sso_token_cache_key(sso_session_of(step));
}

std::optional<std::string> cache_key(const CredentialStep& step) {
  if (auto* s = std::get_if<AssumeRoleStep>(&step)) return assume_role_cache_key(*s);
  if (auto* s = std::get_if<WebIdentityStep>(&step)) return web_identity_cache_key(*s);
  if (auto* s = std::get_if<SsoStep>(&step)) return sso_role_cache_key(*s);
  return std::nullopt;
}

std::optional<std::string> shared_cache_key(const CredentialStep& step, const SharedCacheUse& use) {
  const bool shared = std::holds_alternative<SsoStep>(step) ? use.sso : use.sts;
  return shared ? cache_key(step) : std::nullopt;
}

Result<std::optional<CachedCredentials>> read_cached_credentials(const FileSystem& fs,
                                                                 const std::string& directory,
                                                                 const std::string& key,
                                                                 std::chrono::system_clock::time_point now,
                                                                 std::chrono::seconds window) {
  using R = Result<std::optional<CachedCredentials>>;
  const std::string path = directory + "/" + key + ".json";
  Result<FileContent> content = read_existing(fs, path);
  if (!content) return R::error(content.message());
  if (!content->exists) return std::optional<CachedCredentials>();
  nlohmann::json json = nlohmann::json::parse(content->bytes.begin(), content->bytes.end(), nullptr,
                                              /*allow_exceptions=*/false);
  auto bad = [&path](const std::string& why) {
    return R::error("credential cache entry " + path + " " + why);
  };
  if (json.is_discarded() || !json.is_object()) return bad("is not a JSON object");
  auto creds = json.find("Credentials");
  if (creds == json.end() || !creds->is_object()) return bad("has no \"Credentials\" object");
  CachedCredentials entry;
  std::string expiration;
  for (auto [name, into] :
       {std::pair{"AccessKeyId", &entry.credentials.access_key_id},
        std::pair{"SecretAccessKey", &entry.credentials.secret_access_key},
        std::pair{"SessionToken", &entry.credentials.session_token}, std::pair{"Expiration", &expiration}}) {
    auto it = creds->find(name);
    if (it == creds->end() || !it->is_string()) return bad(std::string("has no string \"") + name + "\"");
    *into = it->get<std::string>();
  }
  auto when = parse_expiration_time(expiration);
  if (!when) return bad("has an Expiration that is not a time: \"" + expiration + "\"");
  entry.expiration = *when;
  if (*when - now < window) return std::optional<CachedCredentials>();
  return std::optional<CachedCredentials>(std::move(entry));
}

Status write_cached_credentials(FileSystem& fs, const std::string& directory, const std::string& key,
                                const CachedCredentials& entry) {
  nlohmann::json json = {{"Credentials",
                          {{"AccessKeyId", entry.credentials.access_key_id},
                           {"SecretAccessKey", entry.credentials.secret_access_key},
                           {"SessionToken", entry.credentials.session_token},
                           {"Expiration", format_expiration_time(entry.expiration)}}}};
  if (!entry.provider_type.empty()) json["ProviderType"] = entry.provider_type;
  if (!entry.account_id.empty()) json["Credentials"]["AccountId"] = entry.account_id;
  return fs.write_file_atomic(directory + "/" + key + ".json", json.dump());
}

}  // namespace awsprof
