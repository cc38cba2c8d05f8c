// Importing credentials and merging a team baseline into the user's files.
//
//  - parse_credentials_csv() reads the CSV files the IAM console gives out: the old form with a
//    "User name" column (each row names its profile) and the current two-column form
//    "Access key ID,Secret access key" (the profile is named by the caller). It follows
//    `aws configure import` (awscli/customizations/configure/importer.py, v2.9.19) for headers,
//    --skip-invalid and --profile-prefix, and reads the file as RFC 4180 CSV (BOM, CRLF, quotes).
//  - parse_sts_json() reads what `aws sts get-session-token` / `assume-role` print.
//  - credentials_from_environment() reads AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN.
//  - import_credentials() writes them into the credentials file (in memory, on ConfigFiles), never
//    changing an existing key without `overwrite`.
//  - merge_baseline() merges a team config file (profiles, sso-sessions, services) into the user's
//    files key by key, reporting conflicts.
//
// Every value these return that could be shown is masked (mask_secret) where it is secret; the
// ImportedCredential values themselves are secret and must be formatted only through mask_secret().
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "awsprof/edit/config_edit.hpp"
#include "awsprof/platform/locations.hpp"
#include "awsprof/model/profile_model.hpp"
#include "awsprof/support/result.hpp"

namespace awsprof {

/// One set of keys to import into one profile. Holds secrets.
struct ImportedCredential {
  std::string profile;
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  ///< Empty when there is none (long-term keys).
  std::string expiration;     ///< As given (STS JSON, AWS_CREDENTIAL_EXPIRATION); "" when none.
  int line = 0;               ///< The CSV line the entry starts on, 0 for other sources.
};

/// How a CSV file is read.
struct CsvImportOptions {
  /// The profile for the two-column form ("Access key ID,Secret access key"); an error with the
  /// "User name" form, whose rows name their profiles.
  std::optional<std::string> profile;
  std::string profile_prefix;  ///< Put before every profile name, as --profile-prefix does.
  bool skip_invalid = false;   ///< Skip rows with a missing value instead of failing.
};

/// An entry of the CSV that --skip-invalid skipped.
struct SkippedEntry {
  int entry = 0;  ///< 1-based number of the data row, as `aws configure import` counts them.
  int line = 0;   ///< The line it starts on.
  std::string reason;
};

struct CsvImport {
  std::vector<ImportedCredential> credentials;  ///< In file order; a repeated profile: the later wins.
  std::vector<SkippedEntry> skipped;
};

/// Reads an IAM console CSV. Errors: an empty file, a missing header ("expected header \"Access
/// key ID\" not found"), a row with a missing value ("entry #2 (line 3): no value for \"Secret
/// access key\"") unless skip_invalid, a two-column file without a profile or with more than one
/// row, a profile given for the User name form, an unterminated quoted field. Never quotes a value.
Result<CsvImport> parse_credentials_csv(std::string_view text, const CsvImportOptions& options);

/// Reads the JSON printed by `aws sts get-session-token`, `assume-role`, `get-federation-token`
/// (or a bare Credentials object): Credentials.AccessKeyId, SecretAccessKey, SessionToken and
/// Expiration (an error when it is not an ISO 8601 time). `source` names the input in messages
/// ("creds.json", "stdin").
Result<ImportedCredential> parse_sts_json(std::string_view text, std::string_view source,
                                          const std::string& profile);

/// The credentials in the environment: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (both needed),
/// AWS_SESSION_TOKEN (else AWS_SECURITY_TOKEN), AWS_CREDENTIAL_EXPIRATION (an ISO 8601 time).
Result<ImportedCredential> credentials_from_environment(const EnvLookup& env, const std::string& profile);

/// What happened to one profile.
enum class ImportAction { added, updated, unchanged };
/// "added", "updated" or "unchanged".
const char* to_string(ImportAction action);

/// One key that import would change but may not (without overwrite).
struct KeyConflict {
  std::string profile;
  std::string key;
  std::string current;   ///< Masked when secret.
  std::string incoming;  ///< Masked when secret; "" when the key would be removed.
};

/// One imported profile, for printing. Values are masked (mask_secret); the access key id too.
struct ImportedProfile {
  std::string name;
  ImportAction action = ImportAction::added;
  std::vector<std::pair<std::string, std::string>> keys;  ///< key, masked value.
};

struct ImportReport {
  std::vector<ImportedProfile> profiles;
  std::vector<KeyConflict> conflicts;  ///< Filled when the import was refused for them.
};

/// Writes each credential into the credentials file as [PROFILE] aws_access_key_id,
/// aws_secret_access_key, aws_session_token and aws_expiration (removing a session token or an
/// expiration the new keys do not have). A key the user already has with another value (in either
/// file) is a conflict: without `overwrite` the whole import is refused, `report.conflicts` lists
/// them, and `files` is left as it was. Keys with the same value are left alone, so importing twice
/// changes nothing. The user's files are read, and edited (config_edit.hpp), as `dialect` reads
/// them. `config_path` and `credentials_path` name the files in messages.
Status import_credentials(ConfigFiles& files, Dialect dialect, std::span<const ImportedCredential> credentials,
                          bool overwrite, const std::string& config_path, const std::string& credentials_path,
                          ImportReport& report);

// ---------------------------------------------------------------------------------------------
// The team baseline

/// What to do with a key the user has with another value.
enum class OnConflict { keep, theirs, fail };
std::optional<OnConflict> parse_on_conflict(std::string_view text);

/// Which kind of section a merge entry is about.
enum class BaselineSection { profile, sso_session, services };
/// "profile", "sso-session" or "services".
const char* to_string(BaselineSection kind);

/// One change or conflict of a merge. Secret values are masked.
struct MergeEntry {
  BaselineSection section = BaselineSection::profile;
  std::string name;    ///< The section's name.
  std::string key;     ///< "region", or dotted for a sub-property ("s3.max_bandwidth"); "" = whole section.
  std::string mine;    ///< The user's value (conflicts).
  std::string theirs;  ///< The baseline's value.
  bool taken = false;  ///< For a conflict: the baseline's value was written (--on-conflict=theirs).
};

struct MergeReport {
  std::vector<MergeEntry> added_sections;  ///< Sections the user did not have (key is "").
  std::vector<MergeEntry> added_keys;      ///< Keys added to sections (new or existing).
  std::vector<MergeEntry> conflicts;       ///< Keys whose values differ.
  std::vector<std::string> ignored;        ///< Sections of the baseline that are not merged, in words.
  bool changed() const { return !added_keys.empty() || !added_sections.empty() || any_taken(); }
  bool any_taken() const;
};

/// Merges `baseline` (the profile model of a team config file, read as the AWS CLI reads it) into
/// the user's files: missing sections and keys are added, where `aws configure set` would put them;
/// a key with another value is a conflict, kept as the user has it (keep), replaced where the user
/// has it (theirs), or, with fail, refused: the result is an error, `files` unchanged and
/// `report.conflicts` filled. Adds no marker keys; merging the same baseline twice changes nothing.
/// The user's files are read, and edited (config_edit.hpp), as `dialect` reads them.
Status merge_baseline(ConfigFiles& files, Dialect dialect, const ProfileModel& baseline, OnConflict on_conflict,
                      const std::string& config_path, const std::string& credentials_path,
                      MergeReport& report);

}  // namespace awsprof
