// Credential import (IAM console CSV, STS JSON, environment) and the team-baseline merge.
#include "awsprof/edit/credential_import.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "awsprof/credentials/credential_chain.hpp"    // kSessionExpirationKey
#include "awsprof/support/timestamps.hpp"
#include "awsprof/support/secrets.hpp"
#include "text_util.hpp"

namespace awsprof {

namespace {

// ---------------------------------------------------------------------------------------------
// RFC 4180 CSV

struct CsvRecord {
  std::vector<std::string> fields;
  int line = 0;  // the line the record starts on
};

// Python's str.strip() for the ASCII whitespace the CLI's importer strips from every cell.
std::string_view strip_space(std::string_view s) {
  auto space = [](char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
  };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

// Splits the text into records. Fields may be quoted ("a,b", "say ""hi""", line breaks inside);
// a record ends at CRLF, LF or CR. Blank lines are not records.
Result<std::vector<CsvRecord>> read_csv(std::string_view text) {
  std::vector<CsvRecord> records;
  std::size_t i = 0;
  int line = 1;
  CsvRecord record{{}, 1};
  std::string field;
  bool record_has_content = false;
  auto end_field = [&] {
    record.fields.push_back(std::move(field));
    field.clear();
  };
  auto end_record = [&] {
    end_field();
    if (record_has_content || record.fields.size() > 1) records.push_back(std::move(record));
    record = CsvRecord{{}, line};
    record_has_content = false;
  };
  auto line_break_length = [&](std::size_t at) -> std::size_t {
    if (text[at] == '\r') return at + 1 < text.size() && text[at + 1] == '\n' ? 2 : 1;
    return text[at] == '\n' ? 1 : 0;
  };
  while (i < text.size()) {
    char c = text[i];
    if (c == '"' && field.empty()) {
      // A quoted field: up to the closing quote; "" is a quote.
      int opened_on = line;
      ++i;
      record_has_content = true;
      for (;;) {
        if (i >= text.size())
          return Result<std::vector<CsvRecord>>::error("line " + std::to_string(opened_on) +
                                                       ": a quoted field is not closed");
        if (text[i] == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            field += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        if (std::size_t n = line_break_length(i); n > 0) {
          field.append(text.substr(i, n));
          i += n;
          ++line;
          continue;
        }
        field += text[i++];
      }
      continue;  // text after the closing quote, up to the delimiter, is kept as written
    }
    if (c == ',') {
      end_field();
      ++i;
      continue;
    }
    if (std::size_t n = line_break_length(i); n > 0) {
      i += n;
      ++line;
      end_record();
      continue;
    }
    if (!detail::is_blank_char(c)) record_has_content = true;
    field += c;
    ++i;
  }
  if (!field.empty() || !record.fields.empty() || record_has_content) end_record();
  return records;
}

constexpr std::string_view kUserName = "User name";
constexpr std::string_view kAccessKeyId = "Access key ID";
constexpr std::string_view kSecretAccessKey = "Secret access key";

std::optional<std::size_t> column_of(const std::vector<std::string>& headers, std::string_view header) {
  std::string wanted = detail::ascii_lowercase(header);
  for (std::size_t i = 0; i < headers.size(); ++i)
    if (headers[i] == wanted) return i;
  return std::nullopt;
}

std::string dq(std::string_view s) {
  return "\"" + std::string(s) + "\"";
}

// Characters a section header cannot hold.
std::string check_profile_name(std::string_view name) {
  if (name.empty()) return "the profile name is empty";
  for (char c : name)
    if (c == '[' || c == ']' || c == '\r' || c == '\n' || c == '\0')
      return "the profile name " + dq(name) + " contains a character a section header cannot hold";
  return "";
}

}  // namespace

Result<CsvImport> parse_credentials_csv(std::string_view text, const CsvImportOptions& options) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  if (strip_space(text).empty()) return Result<CsvImport>::error("the CSV file is empty");
  auto records = read_csv(text);
  if (!records) return Result<CsvImport>::error(records.message());
  if (records->empty()) return Result<CsvImport>::error("the CSV file is empty");
  std::vector<std::string> headers;
  for (const std::string& h : records->front().fields)
    headers.push_back(detail::ascii_lowercase(strip_space(h)));
  auto user = column_of(headers, kUserName);
  auto akid = column_of(headers, kAccessKeyId);
  auto sak = column_of(headers, kSecretAccessKey);
  for (auto [column, name] : {std::pair{akid, kAccessKeyId}, std::pair{sak, kSecretAccessKey}})
    if (!column) return Result<CsvImport>::error("expected header " + dq(name) + " not found on line 1");
  const std::size_t rows = records->size() - 1;
  if (user && options.profile)
    return Result<CsvImport>::error(
        "the CSV has a \"User name\" column, which names each profile; --profile is only for the two-column "
        "form (use --profile-prefix to add a prefix)");
  if (!user) {
    if (!options.profile)
      return Result<CsvImport>::error(
          "the CSV has no \"User name\" column (the two-column form); name the profile with --profile");
    if (rows > 1)
      return Result<CsvImport>::error("the two-column CSV has " + std::to_string(rows) +
                                      " rows of keys, but --profile names one profile");
  }

  CsvImport result;
  for (std::size_t r = 1; r < records->size(); ++r) {
    const CsvRecord& record = (*records)[r];
    const int entry = static_cast<int>(r);
    std::string reason;
    std::vector<std::pair<std::optional<std::size_t>, std::string_view>> wanted = {{akid, kAccessKeyId},
                                                                                   {sak, kSecretAccessKey}};
    if (user) wanted.insert(wanted.begin(), {user, kUserName});
    std::vector<std::string> values;
    for (auto [column, header] : wanted) {
      std::string_view value = *column < record.fields.size() ? strip_space(record.fields[*column]) : "";
      if (value.empty() && reason.empty()) reason = "no value for " + dq(header);
      values.emplace_back(value);
    }
    ImportedCredential credential;
    if (reason.empty()) {
      credential.profile = options.profile_prefix + (user ? values[0] : *options.profile);
      credential.access_key_id = values[user ? 1 : 0];
      credential.secret_access_key = values[user ? 2 : 1];
      credential.line = record.line;
      reason = check_profile_name(credential.profile);
    }
    if (!reason.empty()) {
      if (!options.skip_invalid)
        return Result<CsvImport>::error("entry #" + std::to_string(entry) + " (line " +
                                        std::to_string(record.line) + "): " + reason);
      result.skipped.push_back({entry, record.line, reason});
      continue;
    }
    // A profile named twice: the later row wins, as it does in `aws configure import`.
    std::erase_if(result.credentials,
                  [&](const ImportedCredential& c) { return c.profile == credential.profile; });
    result.credentials.push_back(std::move(credential));
  }
  return result;
}

Result<ImportedCredential> parse_sts_json(std::string_view text, std::string_view source,
                                          const std::string& profile) {
  using Json = nlohmann::json;
  auto fail = [&](const std::string& why) {
    return Result<ImportedCredential>::error(std::string(source) + ": " + why);
  };
  Json document;
  try {
    document = Json::parse(text);
  } catch (const Json::parse_error& e) {
    // The parser's own message may quote the input, which holds secrets: give only the place.
    std::size_t at = std::min<std::size_t>(e.byte > 0 ? e.byte - 1 : 0, text.size());
    int line =
        1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
    return fail("not valid JSON (line " + std::to_string(line) + ")");
  }
  if (!document.is_object()) return fail("expected a JSON object with \"Credentials\"");
  const Json* credentials = &document;
  if (auto it = document.find("Credentials"); it != document.end()) {
    if (!it->is_object()) return fail("\"Credentials\" is not an object");
    credentials = &*it;
  } else if (!document.contains("AccessKeyId")) {
    return fail(
        "no \"Credentials\" object (expected the output of `aws sts get-session-token` or `assume-role`)");
  }
  auto string_field = [&](const char* name, bool required, std::string& out) -> Status {
    auto it = credentials->find(name);
    if (it == credentials->end() || it->is_null()) {
      return required ? Status::error(std::string(source) + ": Credentials." + name + " is missing")
                      : Status();
    }
    if (!it->is_string())
      return Status::error(std::string(source) + ": Credentials." + name + " is not a string");
    out = it->get<std::string>();
    if (required && out.empty())
      return Status::error(std::string(source) + ": Credentials." + name + " is empty");
    return Status();
  };
  ImportedCredential credential;
  credential.profile = profile;
  for (auto [name, required, out] : {std::tuple{"AccessKeyId", true, &credential.access_key_id},
                                     std::tuple{"SecretAccessKey", true, &credential.secret_access_key},
                                     std::tuple{"SessionToken", false, &credential.session_token}}) {
    if (Status s = string_field(name, required, *out); !s)
      return Result<ImportedCredential>::error(s.message());
  }
  if (auto it = credentials->find("Expiration"); it != credentials->end() && it->is_string())
    credential.expiration = it->get<std::string>();
  if (!credential.expiration.empty() && !parse_expiration_time(credential.expiration))
    return Result<ImportedCredential>::error(std::string(source) + ": Credentials.Expiration \"" +
                                             credential.expiration + "\" is not an ISO 8601 time");
  if (std::string why = check_profile_name(profile); !why.empty())
    return Result<ImportedCredential>::error(why);
  return credential;
}

Result<ImportedCredential> credentials_from_environment(const EnvLookup& env, const std::string& profile) {
  auto get = [&env](std::string_view name) { return env(name).value_or(""); };
  ImportedCredential credential;
  credential.profile = profile;
  credential.access_key_id = get("AWS_ACCESS_KEY_ID");
  credential.secret_access_key = get("AWS_SECRET_ACCESS_KEY");
  if (credential.access_key_id.empty())
    return Result<ImportedCredential>::error(std::string("AWS_ACCESS_KEY_ID is ") +
                                             (env("AWS_ACCESS_KEY_ID") ? "empty" : "not set"));
  if (credential.secret_access_key.empty())
    return Result<ImportedCredential>::error(
        std::string("partial credentials in the environment: AWS_ACCESS_KEY_ID is set but "
                    "AWS_SECRET_ACCESS_KEY is ") +
        (env("AWS_SECRET_ACCESS_KEY") ? "empty" : "not set"));
  // botocore's order: AWS_SECURITY_TOKEN, then AWS_SESSION_TOKEN; the first non-empty one.
  credential.session_token = get("AWS_SECURITY_TOKEN");
  if (credential.session_token.empty()) credential.session_token = get("AWS_SESSION_TOKEN");
  credential.expiration = get("AWS_CREDENTIAL_EXPIRATION");
  if (!credential.expiration.empty() && !parse_expiration_time(credential.expiration))
    return Result<ImportedCredential>::error("AWS_CREDENTIAL_EXPIRATION \"" + credential.expiration +
                                             "\" is not an ISO 8601 time");
  if (std::string why = check_profile_name(profile); !why.empty())
    return Result<ImportedCredential>::error(why);
  return credential;
}

const char* to_string(ImportAction action) {
  switch (action) {
    case ImportAction::added:
      return "added";
    case ImportAction::updated:
      return "updated";
    case ImportAction::unchanged:
      return "unchanged";
  }
  return "added";
}

namespace {

// The user's files as the dialect reads them, or an error naming the file it refuses.
Result<ProfileModel> read_user_model(const ConfigFiles& files, Dialect dialect,
                                     const std::string& config_path, const std::string& credentials_path) {
  ProfileModel model =
      build_profile_model({config_path, &files.config}, {credentials_path, &files.credentials}, dialect);
  const std::string reader = dialect == Dialect::cli ? "the AWS CLI" : "the AWS SDKs";
  if (model.config_unreadable) return Result<ProfileModel>::error(reader + " cannot parse " + config_path);
  if (model.credentials_unreadable)
    return Result<ProfileModel>::error(reader + " cannot parse " + credentials_path);
  return model;
}

std::string shown(std::string_view key, std::string_view value) {
  return is_secret_key(key) || detail::iequals(key, "aws_access_key_id") ? mask_secret(value)
                                                                         : std::string(value);
}

}  // namespace

Status import_credentials(ConfigFiles& files, Dialect dialect,
                          std::span<const ImportedCredential> credentials, bool overwrite,
                          const std::string& config_path, const std::string& credentials_path,
                          ImportReport& report) {
  report = ImportReport{};
  auto model = read_user_model(files, dialect, config_path, credentials_path);
  if (!model) return model.status();
  ConfigFiles work = files;
  for (const ImportedCredential& credential : credentials) {
    const Section* existing = model->find_profile(credential.profile);
    std::vector<std::pair<std::string, std::optional<std::string>>> wanted = {
        {"aws_access_key_id", credential.access_key_id},
        {"aws_secret_access_key", credential.secret_access_key},
        {"aws_session_token", credential.session_token.empty()
                                  ? std::nullopt
                                  : std::optional<std::string>(credential.session_token)},
        {std::string(kSessionExpirationKey),
         credential.expiration.empty() ? std::nullopt : std::optional<std::string>(credential.expiration)},
    };
    ImportedProfile imported{credential.profile, ImportAction::added, {}};
    std::vector<SettingChange> changes;
    bool had_any = false;
    for (const auto& [key, value] : wanted) {
      if (value) imported.keys.emplace_back(key, shown(key, *value));
      const Setting* current = existing ? existing->find(key) : nullptr;
      // A session token (or its expiration) the new keys do not have is removed, but only from the
      // credentials file: the shared-credentials-file provider ignores one in the config file.
      if (!value && (current == nullptr || current->source.file != FileKind::credentials)) continue;
      if (current != nullptr) had_any = true;
      if (current != nullptr && value && current->value == *value) continue;
      if (current != nullptr)
        report.conflicts.push_back(
            {credential.profile, key, shown(key, current->value), value ? shown(key, *value) : ""});
      changes.push_back({key, value});
    }
    imported.action = changes.empty() ? ImportAction::unchanged
                      : had_any       ? ImportAction::updated
                                      : ImportAction::added;
    if (!changes.empty()) {
      if (Status s = apply_changes(work, dialect, EditTarget{EditTarget::Kind::profile, credential.profile},
                                   changes);
          !s)
        return Status::error("profile " + dq(credential.profile) + ": " + s.message());
    }
    report.profiles.push_back(std::move(imported));
  }
  if (!report.conflicts.empty() && !overwrite)
    return Status::error(std::to_string(report.conflicts.size()) +
                         " existing key(s) would change; nothing written "
                         "(use --overwrite to replace them)");
  if (overwrite) report.conflicts.clear();
  files = std::move(work);
  return Status();
}

// ---------------------------------------------------------------------------------------------
// The team baseline

std::optional<OnConflict> parse_on_conflict(std::string_view text) {
  if (text == "keep") return OnConflict::keep;
  if (text == "theirs") return OnConflict::theirs;
  if (text == "fail") return OnConflict::fail;
  return std::nullopt;
}

const char* to_string(BaselineSection kind) {
  switch (kind) {
    case BaselineSection::profile:
      return "profile";
    case BaselineSection::sso_session:
      return "sso-session";
    case BaselineSection::services:
      return "services";
  }
  return "profile";
}

bool MergeReport::any_taken() const {
  return std::any_of(conflicts.begin(), conflicts.end(), [](const MergeEntry& e) { return e.taken; });
}

namespace {

struct Merger {
  ConfigFiles& work;
  Dialect dialect;
  OnConflict on_conflict;
  MergeReport& report;

  EditTarget target_for(BaselineSection kind, std::string_view name) const {
    switch (kind) {
      case BaselineSection::sso_session:
        return {EditTarget::Kind::sso_session, std::string(name)};
      case BaselineSection::services:
        return {EditTarget::Kind::services, std::string(name)};
      case BaselineSection::profile:
        break;
    }
    return {EditTarget::Kind::profile, std::string(name)};
  }

  // Writes `value` for key (dotted for a sub-property) where the user's value is read from.
  Status replace(BaselineSection kind, std::string_view name, const std::string& key,
                 const std::string& value) {
    const SettingChange change{key, value};
    return apply_changes(work, dialect, target_for(kind, name), std::span<const SettingChange>(&change, 1));
  }

  void conflict(BaselineSection kind, std::string_view name, std::string_view key, std::string_view mine,
                std::string_view theirs, bool can_take) {
    bool secret = is_secret_key(key.substr(key.find('.') == std::string::npos ? 0 : key.find('.') + 1));
    report.conflicts.push_back({kind, std::string(name), std::string(key), secret ? mask_secret(mine) : std::string(mine),
                                secret ? mask_secret(theirs) : std::string(theirs),
                                can_take && on_conflict == OnConflict::theirs});
  }

  Status merge_section(BaselineSection kind, const Section& theirs, const Section* mine) {
    std::vector<SettingChange> additions;
    const std::string name(theirs.name);
    if (mine == nullptr) report.added_sections.push_back({kind, name, "", "", "", false});
    for (const Setting& setting : theirs.settings) {
      const std::string key(setting.key);
      const std::string value(setting.value);
      const Setting* user = mine ? mine->find(setting.key) : nullptr;
      if (setting.sub_properties && !setting.sub_properties->empty()) {
        if (user != nullptr && !user->sub_properties && !user->value.empty()) {
          conflict(kind, name, key, user->value, "(a block of sub-properties)", false);
          continue;
        }
        for (const SubProperty& sub : *setting.sub_properties) {
          std::string dotted = key + "." + std::string(sub.key);
          const SubProperty* user_sub = user ? user->find_sub(sub.key) : nullptr;
          if (user_sub == nullptr) {
            additions.push_back({dotted, std::string(sub.value)});
            report.added_keys.push_back({kind, name, dotted, "", std::string(sub.value), false});
          } else if (user_sub->value != sub.value) {
            conflict(kind, name, dotted, user_sub->value, sub.value, true);
            if (on_conflict == OnConflict::theirs) {
              if (Status s = replace(kind, name, dotted, std::string(sub.value)); !s) return s;
            }
          }
        }
        continue;
      }
      if (user == nullptr) {
        additions.push_back({key, value});
        bool secret = is_secret_key(key);
        report.added_keys.push_back({kind, name, key, "", secret ? mask_secret(value) : value, false});
      } else if (user->sub_properties && !user->sub_properties->empty()) {
        conflict(kind, name, key, "(a block of sub-properties)", value, false);
      } else if (user->value != value) {
        conflict(kind, name, key, user->value, value, true);
        if (on_conflict == OnConflict::theirs) {
          if (Status s = replace(kind, name, key, value); !s) return s;
        }
      }
    }
    EditTarget target = target_for(kind, theirs.name);
    if (!additions.empty()) {
      if (Status s = apply_changes(work, dialect, target, additions); !s)
        return Status::error(std::string(to_string(kind)) + " " + dq(theirs.name) + ": " + s.message());
    } else if (mine == nullptr) {
      // An empty section is still a section the user did not have.
      if (Status s = add_section_for(work, dialect, target); !s)
        return Status::error(std::string(to_string(kind)) + " " + dq(theirs.name) + ": " + s.message());
    }
    return Status();
  }
};

}  // namespace

Status merge_baseline(ConfigFiles& files, Dialect dialect, const ProfileModel& baseline,
                      OnConflict on_conflict, const std::string& config_path,
                      const std::string& credentials_path, MergeReport& report) {
  report = MergeReport{};
  auto model = read_user_model(files, dialect, config_path, credentials_path);
  if (!model) return model.status();
  ConfigFiles work = files;
  Merger merger{work, dialect, on_conflict, report};
  for (const Section& profile : baseline.profiles)
    if (Status s = merger.merge_section(BaselineSection::profile, profile, model->find_profile(profile.name));
        !s)
      return s;
  for (const Section& session : baseline.sso_sessions)
    if (Status s = merger.merge_section(BaselineSection::sso_session, session,
                                        model->find_sso_session(session.name));
        !s)
      return s;
  for (const Section& services : baseline.services)
    if (Status s =
            merger.merge_section(BaselineSection::services, services, model->find_services(services.name));
        !s)
      return s;
  for (const Section& other : baseline.other_sections)
    report.ignored.push_back("[" + std::string(other.name) +
                             "] is not a profile, sso-session or services section; not merged");
  if (on_conflict == OnConflict::fail && !report.conflicts.empty())
    return Status::error(std::to_string(report.conflicts.size()) +
                         " conflict(s) with the baseline; nothing written (--on-conflict=fail)");
  files = std::move(work);
  return Status();
}

}  // namespace awsprof
