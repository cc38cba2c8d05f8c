#include "awsprof/checks/lint.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <set>

#include "awsprof/credentials/credential_chain.hpp"  // session_expiration
#include "awsprof/credentials/credential_process.hpp"
#include "awsprof/checks/secret_scan.hpp"
#include "awsprof/support/secrets.hpp"
#include "awsprof/model/sso_markers.hpp"
#include "shlex.hpp"
#include "text_util.hpp"

namespace awsprof {
namespace {

// A word as a POSIX shell reads it back: bare when it holds only safe characters, else in single
// quotes.
std::string shell_word(std::string_view word) {
  const bool bare = !word.empty() && std::all_of(word.begin(), word.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view("_@%+=:,./-").find(c) != std::string_view::npos;
  });
  if (bare) return std::string(word);
  std::string out = "'";
  for (char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string setting_text(const Section& section, std::string_view key) {
  const Setting* setting = section.find(key);
  return setting ? std::string(detail::trim_blanks(setting->value)) : std::string();
}

// A name for a new [sso-session] holding `start_url`: the first label of its host
// ("https://d-1234567890.awsapps.com/start" -> "d-1234567890"), made unique.
std::string new_session_name(const ProfileModel& model, std::string_view start_url) {
  std::string_view host = start_url.substr(start_url.find("://") == std::string_view::npos ? 0 : start_url.find("://") + 3);
  host = host.substr(0, host.find_first_of("./:?#"));
  std::string base;
  for (char c : host)
    base += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') ? c : '-';
  if (base.empty()) base = "sso";
  std::string name = base;
  for (int n = 2; model.find_sso_session(name) != nullptr; ++n) name = base + "-" + std::to_string(n);
  return name;
}

struct Checker {
  const LintInput& input;
  Diagnostics out;

  const InputFile& file_of(const Setting& setting) const {
    return setting.source.file == FileKind::config ? input.config : input.credentials;
  }

  /// Column (1-based) of the setting's value, else its key, on its line.
  int column_of(const Setting& setting, bool value) const {
    const InputFile& file = file_of(setting);
    if (!file.document || setting.source.line <= 0) return 0;
    auto lines = file.document->lines();
    auto index = static_cast<std::size_t>(setting.source.line - 1);
    if (index >= lines.size()) return 0;
    const Line& line = lines[index];
    if (value && !line.value.empty()) return static_cast<int>(line.value.begin) + 1;
    return static_cast<int>(line.key.begin) + 1;
  }

  void report(const Setting& setting, bool at_value, Severity severity, const char* rule,
              std::string message) {
    out.push_back({file_of(setting).path, setting.source.line, column_of(setting, at_value), severity, rule,
                   std::move(message)});
  }

  void check_profile(const Section& profile, bool sso_sessions_exist, const std::set<std::string_view>& used) {
    const std::string quoted = "'" + std::string(profile.name) + "'";
    const Setting* key_id = profile.find("aws_access_key_id");
    const Setting* secret = profile.find("aws_secret_access_key");
    const Setting* token = profile.find("aws_session_token");
    if (!token) token = profile.find("aws_security_token");

    for (const Setting* setting : {key_id, secret}) {
      if (setting && is_example_credential(setting->value)) {
        report(*setting, true, Severity::error, "lint.example-key",
               "profile " + quoted + " uses the documented example " +
                   (setting == key_id ? "access key id " + std::string(setting->value)
                                      : "secret access key " + mask_secret(setting->value)) +
                   "; AWS rejects it");
      }
    }
    if (key_id && key_id->value.rfind("AKIA", 0) == 0 && !is_example_credential(key_id->value)) {
      report(*key_id, true, Severity::warning, "lint.plaintext-access-key",
             "profile " + quoted + " stores a long-lived access key (" + mask_secret(key_id->value) +
                 ") in plain text; prefer IAM Identity Center (SSO), an assumed role, or credential_process");
    }
    for (const Setting& setting : profile.settings) {
      if (setting.source.file == FileKind::config && is_secret_key(setting.key)) {
        report(setting, false, Severity::error, "lint.secret-in-config",
               "profile " + quoted + " has " + std::string(setting.key) +
                   " in the config file; secrets belong in the credentials file (mode 600)");
      }
    }
    if (token) check_expiration(profile, quoted);
    if (key_id && sso_sessions_exist) {
      report(*key_id, false, Severity::warning, "lint.could-use-sso",
             "profile " + quoted +
                 " uses static keys although an [sso-session] is configured; short-lived SSO credentials "
                 "would do");
    }
    if (const Setting* process = profile.find("credential_process"))
      check_credential_process(*process, quoted);
    if (input.model) {
      if (const Setting* start_url = profile.find("sso_start_url"); start_url && !profile.find("sso_session"))
        check_legacy_sso(profile, *start_url);
      if (const Setting* marker = profile.find(kGeneratedMarkerKey)) check_generated(profile, *marker, quoted);
    }

    static constexpr const char* kCredentialKeys[] = {
        "aws_access_key_id", "aws_secret_access_key", "aws_session_token", "credential_process",
        "sso_session",       "sso_start_url",         "role_arn",          "web_identity_token_file",
        "credential_source", "source_profile"};
    bool has_credentials = std::any_of(std::begin(kCredentialKeys), std::end(kCredentialKeys),
                                       [&](const char* key) { return profile.find(key) != nullptr; });
    if (!has_credentials && profile.name != "default" && !used.count(profile.name)) {
      const InputFile& file = profile.in_config ? input.config : input.credentials;
      int line = profile.in_config ? profile.config_line : profile.credentials_line;
      out.push_back({file.path, line, line > 0 ? 1 : 0, Severity::note, "lint.unused-profile",
                     "profile " + quoted +
                         " has no credentials of its own and no other profile uses it as source_profile"});
    }
  }

  // The legacy inline SSO form, and the commands that turn it into the sso_session form.
  void check_legacy_sso(const Section& profile, const Setting& start_url_setting) {
    const ProfileModel& model = *input.model;
    const std::string start_url(detail::trim_blanks(start_url_setting.value));
    const std::string region = setting_text(profile, "sso_region");
    const Section* session = nullptr;
    for (const Section& candidate : model.sso_sessions) {
      if (normalize_start_url(setting_text(candidate, "sso_start_url")) == normalize_start_url(start_url) &&
          (region.empty() || setting_text(candidate, "sso_region") == region)) {
        session = &candidate;
        break;
      }
    }
    const std::string name = session ? std::string(session->name) : new_session_name(model, start_url);
    const std::string profile_word = shell_word(profile.name);
    std::string commands;
    if (!session)
      commands = "awsprof set --sso-session " + shell_word(name) + " sso_start_url " + shell_word(start_url) +
                 " sso_region " + (region.empty() ? std::string("REGION") : shell_word(region)) +
                 " sso_registration_scopes sso:account:access && ";
    commands += "awsprof set --profile " + profile_word + " sso_session " + shell_word(name) +
                " && awsprof unset --profile " + profile_word + " sso_start_url" +
                (profile.find("sso_region") ? " sso_region" : "");
    report(start_url_setting, false, Severity::warning, "lint.sso-legacy-profile",
           "profile '" + std::string(profile.name) +
               "' uses the legacy SSO form (sso_start_url in the profile), whose token cannot be refreshed; " +
               (session ? "use its [sso-session " + name + "]" : "move it to an [sso-session]") + ": " + commands +
               ", then log in once with `awsprof sso login --sso-session " + shell_word(name) + "`");
  }

  // A profile `awsprof sso populate` generated that can no longer work.
  void check_generated(const Section& profile, const Setting& marker_setting, const std::string& quoted) {
    std::optional<GeneratedMarker> marker = parse_generated_marker(marker_setting.value);
    if (!marker) return;
    const std::string role = "role " + marker->role_name + " in account " + marker->account_id;
    const std::string prune = "`awsprof sso populate --sso-session " + shell_word(marker->session) +
                              " --prune` removes it";
    const Section* session = input.model->find_sso_session(marker->session);
    std::string problem;
    if (session == nullptr) {
      problem = "was generated for [sso-session " + marker->session +
                "], which is no longer in the config file; `awsprof set --delete-profile " + shell_word(profile.name) +
                "` removes it";
    } else if (normalize_start_url(setting_text(*session, "sso_start_url")) != normalize_start_url(marker->start_url)) {
      problem = "was generated from " + marker->start_url + ", but [sso-session " + marker->session + "] now uses " +
                setting_text(*session, "sso_start_url") + "; " + prune;
    } else if (marker->stale_since) {
      problem = "is for " + role + ", which IAM Identity Center no longer lists (found by `awsprof sso populate` on " +
                *marker->stale_since + "); " + prune;
    } else {
      return;
    }
    report(marker_setting, true, Severity::warning, "lint.sso-stale-generated-profile",
           "profile " + quoted + " " + problem);
  }

  void check_expiration(const Section& profile, const std::string& quoted) {
    const Setting* expiration = session_expiration(profile);
    if (!expiration) return;
    auto when = parse_expiration_time(detail::trim_blanks(expiration->value));
    if (when && *when <= std::chrono::system_clock::from_time_t(input.now)) {
      report(*expiration, true, Severity::warning, "lint.expired-session-token",
             "the session token of profile " + quoted + " expired at " + std::string(expiration->value) +
                 "; refresh or remove it");
    }
  }

  void check_credential_process(const Setting& process, const std::string& quoted) {
    auto words = detail::shlex_split(process.value);
    if (!words || words->empty()) return;  // validate reports quoting problems
    const std::string& program = words->front();
    if (program.empty() || program[0] == '~' || program[0] == '$') return;  // validate's expansion rule
    std::string path;
    if (program[0] == '/') {
      path = program;
    } else if (program.find('/') != std::string::npos) {
      report(process, true, Severity::warning, "lint.credential-process-relative",
             "credential_process of profile " + quoted + " runs '" + program +
                 "', a relative path that depends on the current directory; use an absolute path");
      return;
    } else {
      std::optional<std::string> search = input.env ? input.env("PATH") : std::nullopt;
      std::string_view dirs = search ? std::string_view(*search) : std::string_view("/usr/bin:/bin");
      while (path.empty()) {
        std::size_t colon = dirs.find(':');
        std::string dir(dirs.substr(0, colon));
        std::string candidate = (dir.empty() ? std::string(".") : dir) + "/" + program;
        auto status = stat_of(candidate);
        if (status && !status->is_directory) path = candidate;
        if (colon == std::string_view::npos) break;
        dirs.remove_prefix(colon + 1);
      }
      if (path.empty()) {
        report(process, true, Severity::error, "lint.credential-process-missing",
               "credential_process of profile " + quoted + " runs '" + program + "', which is not on PATH");
        return;
      }
    }
    auto status = stat_of(path);
    if (!status || status->is_directory) {
      report(process, true, Severity::error, "lint.credential-process-missing",
             "credential_process of profile " + quoted + " runs '" + path + "', which does not exist");
      return;
    }
    if (status->mode & 022) {
      report(process, true, Severity::error, "lint.credential-process-writable",
             "credential_process of profile " + quoted + " runs '" + path + "', which is writable by " +
                 ((status->mode & 002) ? "everyone" : "its group") +
                 "; anyone who can change it gets your credentials");
    }
  }

  std::optional<FileStatus> stat_of(const std::string& path) const {
    return input.stat ? input.stat(path) : real_stat()(path);
  }

  void check_path(const std::string& path, bool holds_secrets) {
    if (path.empty()) return;
    auto status = stat_of(path);
    if (!status) return;
    const char* what = status->is_directory ? "directory" : "file";
    if (status->owner != input.current_uid) {
      out.push_back({path, 0, 0, Severity::error, "lint.file-owner",
                     std::string("the ") + what + " is owned by uid " + std::to_string(status->owner) +
                         ", not by you (uid " + std::to_string(input.current_uid) + ")"});
    }
    unsigned exposed = status->mode & 077;
    if (!status->is_directory && !holds_secrets) exposed &= 022;  // a config without secrets may be readable
    if (exposed) {
      char mode[8];
      std::snprintf(mode, sizeof mode, "%03o", status->mode & 0777);
      out.push_back({path, 0, 0, Severity::warning, "lint.file-permissions",
                     std::string("the ") + what + " has mode " + mode + ", open to " +
                         ((exposed & 007) ? "others" : "its group") + "; use chmod " +
                         (status->is_directory ? "700" : "600")});
    }
  }
};

bool file_has_secrets(const ProfileModel& model, FileKind kind) {
  for (const Section& profile : model.profiles) {
    for (const Setting& setting : profile.settings) {
      if (setting.source.file == kind && (is_secret_key(setting.key) || setting.key == "aws_access_key_id"))
        return true;
    }
  }
  return false;
}

}  // namespace

StatLookup real_stat() {
  return [](const std::string& path) -> std::optional<FileStatus> {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return std::nullopt;
    return FileStatus{S_ISDIR(st.st_mode), static_cast<unsigned>(st.st_mode & 07777),
                      static_cast<unsigned>(st.st_uid)};
  };
}

Diagnostics lint_aws_files(const LintInput& input) {
  Checker checker{input, {}};
  if (input.model) {
    const ProfileModel& model = *input.model;
    std::set<std::string_view> used;
    for (const Section& profile : model.profiles) {
      if (const Setting* source = profile.find("source_profile")) {
        if (source->value != profile.name) used.insert(source->value);
      }
    }
    for (const Section& profile : model.profiles)
      checker.check_profile(profile, !model.sso_sessions.empty(), used);
  }
  // The profile checks come out in profile order; report them in file order.
  std::stable_sort(checker.out.begin(), checker.out.end(), [&](const Diagnostic& a, const Diagnostic& b) {
    int file_a = a.path == input.config.path ? 0 : 1, file_b = b.path == input.config.path ? 0 : 1;
    return file_a != file_b ? file_a < file_b : a.line < b.line;
  });
  bool config_secret = input.model && file_has_secrets(*input.model, FileKind::config);
  checker.check_path(input.aws_directory, true);
  if (input.config.exists()) checker.check_path(input.config.path, config_secret);
  if (input.credentials.exists()) checker.check_path(input.credentials.path, true);
  return checker.out;
}

}  // namespace awsprof
