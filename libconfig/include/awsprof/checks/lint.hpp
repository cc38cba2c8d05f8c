// Lint: the credential hygiene of the user's own AWS files (~/.aws/config, ~/.aws/credentials).
//
// Every check reports a Diagnostic with a stable `lint.*` rule id (registered in rules.cpp):
//   lint.plaintext-access-key          warning  a long-lived access key (AKIA...) stored in plain text
//   lint.secret-in-config              error    a secret key or session token in the config file
//   lint.file-permissions              warning  a file, or ~/.aws, readable or writable by group or others
//   lint.file-owner                    error    a file, or ~/.aws, owned by another user
//   lint.expired-session-token         warning  a session token whose aws_expiration/Expiration passed
//   lint.example-key                   error    a documented example key (AKIAIOSFODNN7EXAMPLE) used as real
//   lint.credential-process-relative   warning  credential_process runs a relative path
//   lint.credential-process-missing    error    credential_process runs a program that does not exist
//   lint.credential-process-writable   error    credential_process runs a group- or world-writable program
//   lint.could-use-sso                 warning  static keys although an [sso-session] exists
//   lint.sso-legacy-profile            warning  the legacy inline SSO form (no refresh), with the migration
//   lint.sso-stale-generated-profile   warning  a profile `sso populate` generated whose role or session is gone
//   lint.unused-profile                note     a profile no profile uses that has no credentials of its own
// The library only computes; messages never contain a secret (at most its masked form).
#pragma once

#include <ctime>
#include <functional>
#include <optional>
#include <string>

#include "awsprof/support/diagnostic.hpp"
#include "awsprof/platform/locations.hpp"
#include "awsprof/model/profile_model.hpp"

namespace awsprof {

/// What lint needs to know about a path on disk.
struct FileStatus {
  bool is_directory = false;
  unsigned mode = 0;   ///< Permission bits (st_mode & 07777).
  unsigned owner = 0;  ///< Owning uid.
};

/// Looks a path up (following symlinks); nullopt when it does not exist. Injected for tests.
using StatLookup = std::function<std::optional<FileStatus>(const std::string& path)>;

/// stat(2) on the real disk.
StatLookup real_stat();

struct LintInput {
  InputFile config;                     ///< The config file (document nullptr when missing).
  InputFile credentials;                ///< The credentials file (document nullptr when missing).
  const ProfileModel* model = nullptr;  ///< The two files read in the cli dialect.
  std::string aws_directory;  ///< The directory holding the files (~/.aws) to check too; "" skips it.
  StatLookup stat;            ///< Defaults to real_stat() when empty.
  unsigned current_uid = 0;   ///< Files owned by anyone else are reported.
  std::time_t now = 0;        ///< For expired session tokens.
  EnvLookup env;              ///< For PATH, when credential_process names a bare command.
};

/// Every hygiene problem of the two files, in file order (config, then credentials, then the
/// file-system checks).
Diagnostics lint_aws_files(const LintInput& input);

}  // namespace awsprof
