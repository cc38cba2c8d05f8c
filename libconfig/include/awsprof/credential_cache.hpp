// The AWS CLI's credential caches: where they are, how entries are named, and how they are read
// and written.
//
//  - ~/.aws/cli/cache/<key>.json holds credentials from AssumeRole, AssumeRoleWithWebIdentity and
//    SSO GetRoleCredentials: {"Credentials": {"AccessKeyId", "SecretAccessKey", "SessionToken",
//    "Expiration"}, ...}. The key is the SHA-1 of a JSON serialisation of the call's arguments.
//  - ~/.aws/sso/cache/<sha1 of start URL or session name>.json holds SSO access tokens
//    (sso_token.hpp reads and writes them).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "awsprof/credential_chain.hpp"
#include "awsprof/file_system.hpp"
#include "awsprof/locations.hpp"
#include "awsprof/result.hpp"
#include "awsprof/sigv4.hpp"

namespace awsprof {

/// ~/.aws/cli/cache (the AWS CLI v2's cache for assumed-role and SSO role credentials).
std::string cli_cache_directory(const EnvLookup& env);
/// ~/.aws/sso/cache (SSO access tokens).
std::string sso_token_cache_directory(const EnvLookup& env);

/// botocore BaseAssumeRoleCredentialFetcher._create_cache_key: SHA-1 (hex) of
/// json.dumps(args, sort_keys=True) with Python's default separators (", " and ": "), where args
/// are RoleArn, and when configured RoleSessionName, ExternalId, SerialNumber and DurationSeconds
/// (a number). A generated session name is left out, so an unset or empty role_session_name is.
std::string assume_role_cache_key(const AssumeRoleStep& step);
/// The same for AssumeRoleWithWebIdentity: RoleArn and, when configured, RoleSessionName.
std::string web_identity_cache_key(const WebIdentityStep& step);
/// botocore SSOCredentialFetcher._create_cache_key: SHA-1 of the compact JSON
/// (separators ",", ":") of {accountId, roleName, sessionName or startUrl}, keys sorted.
std::string sso_role_cache_key(const SsoStep& step);
/// The SSO token file name: SHA-1 of the session name (sso_session form) or of the start URL.
std::string sso_token_cache_key(const SsoStep& step);

/// The cache key of a role step (AssumeRoleStep, WebIdentityStep, SsoStep); nullopt for others.
std::optional<std::string> cache_key(const CredentialStep& step);

/// cache_key(step) when `use` lets that step's results be shared with the AWS CLI (see
/// SharedCacheUse); nullopt otherwise. Every read and write of ~/.aws/cli/cache goes through it.
std::optional<std::string> shared_cache_key(const CredentialStep& step, const SharedCacheUse& use);

/// Lowercase hex SHA-1 of `data` (hashlib.sha1(...).hexdigest(), how cache files are named).
std::string hex_sha1(std::string_view data);

/// Python's json.dumps(value) of a string (ensure_ascii: every character outside U+0020..U+007E
/// is escaped, non-BMP ones as surrogate pairs).
std::string python_json_string(std::string_view utf8);

/// A cached set of credentials. Holds secrets.
struct CachedCredentials {
  Credentials credentials;
  std::chrono::system_clock::time_point expiration;
  /// botocore writes "ProviderType": "sso" (and Credentials.AccountId) for SSO role credentials,
  /// which is how `aws sso logout` finds them; "" writes neither.
  std::string provider_type = {};
  std::string account_id = {};
};

/// The CLI treats an entry as stale this long before it expires (CachedCredentialFetcher).
inline constexpr std::chrono::seconds kCacheExpiryWindow{15 * 60};

/// Reads <directory>/<key>.json. nullopt when missing, or when it expires within `window` of `now`
/// (the CLI then calls again). An unreadable or malformed entry is an error naming the path.
Result<std::optional<CachedCredentials>> read_cached_credentials(
    const FileSystem& fs, const std::string& directory, const std::string& key,
    std::chrono::system_clock::time_point now, std::chrono::seconds window = kCacheExpiryWindow);

/// Writes <directory>/<key>.json in the CLI's format, atomically; a new file gets mode 0600 and a
/// new directory 0700 (FileSystem::write_file_atomic).
Status write_cached_credentials(FileSystem& fs, const std::string& directory, const std::string& key,
                                const CachedCredentials& entry);

}  // namespace awsprof
