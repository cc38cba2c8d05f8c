// validate: structure, schema, semantics and dialect divergence, in one pass.
#include "awsprof/checks/validate.hpp"

#include <algorithm>
#include <cctype>
#include <set>
#include <tuple>

#include "awsprof/checks/rules.hpp"
#include "awsprof/credentials/profile_graph.hpp"
#include "region_catalogue.hpp"
#include "shlex.hpp"
#include "text_util.hpp"

namespace awsprof {
namespace {

constexpr std::string_view kNameCharacters = "letters, digits and - _ / . % @ : +";

bool is_integer_text(std::string_view text) {
  text = detail::trim_blanks(text);
  if (!text.empty() && (text.front() == '-' || text.front() == '+')) text.remove_prefix(1);
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The rule a check_value() problem is reported under.
std::string_view value_rule(const SettingSpec& spec, std::string_view value) {
  switch (spec.type) {
    case SettingType::enumeration:
      return "validate.invalid-enum";
    case SettingType::arn:
      return "validate.invalid-arn";
    case SettingType::url:
      return "validate.invalid-url";
    case SettingType::region:
      return "validate.invalid-region";
    case SettingType::integer:
    case SettingType::duration:
      return is_integer_text(value) ? "validate.out-of-range" : "validate.invalid-type";
    default:
      return "validate.invalid-type";
  }
}

// An MFA device: an ARN, or a hardware serial number as STS accepts it ([\w+=/:,.@-]{9,256}).
bool is_mfa_serial(std::string_view value) {
  value = detail::trim_blanks(value);
  if (value.starts_with("arn:")) {
    SettingSpec arn;
    arn.name = "mfa_serial";
    arn.type = SettingType::arn;
    return check_value(arn, value).empty();
  }
  return value.size() >= 9 && value.size() <= 256 && std::all_of(value.begin(), value.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  std::string_view("_+=/:,.@-").find(c) != std::string_view::npos;
         });
}

// arn:PARTITION:iam::ACCOUNT:role/NAME
bool is_role_arn(std::string_view value) {
  value = detail::trim_blanks(value);
  std::vector<std::string_view> parts;
  for (int i = 0; i < 5; ++i) {
    std::size_t colon = value.find(':');
    if (colon == std::string_view::npos) return false;
    parts.push_back(value.substr(0, colon));
    value.remove_prefix(colon + 1);
  }
  return parts[2] == "iam" && value.starts_with("role/") && value.size() > 5;
}

std::string join(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : std::string(separator)) + item;
  return out;
}

std::string quote_names(const std::vector<std::string>& names) {
  std::vector<std::string> quoted;
  for (const std::string& name : names) quoted.push_back("'" + name + "'");
  if (quoted.size() <= 1) return join(quoted, "");
  std::string last = quoted.back();
  quoted.pop_back();
  return join(quoted, ", ") + " or " + last;
}

class Validator {
 public:
  Validator(const InputFile& config, const InputFile& credentials, Dialect dialect,
            const SettingsCatalogue& catalogue)
      : config_(config),
        credentials_(credentials),
        dialect_(dialect),
        catalogue_(catalogue),
        model_(build_profile_model(config, credentials, dialect)),
        graph_(build_profile_graph(model_)) {}

  Diagnostics run() {
    reader_findings();
    if (config_.document) structure(FileKind::config);
    if (credentials_.document) structure(FileKind::credentials);
    for (std::size_t i = 0; i < model_.profiles.size(); ++i) {
      check_settings(model_.profiles[i], "profile");
      profile_semantics(model_.profiles[i]);
      source_profile_loop(i);
    }
    for (const Section& session : model_.sso_sessions) {
      check_settings(session, "sso-session");
      sso_session_semantics(session);
    }
    for (const Section& services : model_.services) check_services(services);
    divergences();
    return finish();
  }

 private:
  const InputFile& file(FileKind kind) const { return kind == FileKind::config ? config_ : credentials_; }

  const Line* line_at(FileKind kind, int line) const {
    const Document* doc = file(kind).document;
    if (doc == nullptr || line < 1 || static_cast<std::size_t>(line) > doc->lines().size()) return nullptr;
    return &doc->lines()[static_cast<std::size_t>(line) - 1];
  }
  int key_column(FileKind kind, int line) const {
    const Line* l = line_at(kind, line);
    if (l == nullptr) return line > 0 ? 1 : 0;
    return static_cast<int>(l->kind == LineKind::property || l->kind == LineKind::sub_property ? l->key.begin
                                                                                               : l->indent) +
           1;
  }
  int value_column(FileKind kind, int line) const {
    const Line* l = line_at(kind, line);
    if (l == nullptr) return line > 0 ? 1 : 0;
    if (l->kind != LineKind::property && l->kind != LineKind::sub_property)
      return static_cast<int>(l->indent) + 1;
    return static_cast<int>(l->value.empty() && l->delimiter ? l->key.end : l->value.begin) + 1;
  }

  void add(FileKind kind, int line, int column, std::string_view rule, std::string message) {
    const RuleInfo* info = find_rule(rule);
    add(kind, line, column, info ? info->default_severity : Severity::error, rule, std::move(message));
  }
  void add(FileKind kind, int line, int column, Severity severity, std::string_view rule,
           std::string message) {
    Diagnostic d;
    d.path = file(kind).path;
    d.line = line;
    d.column = line > 0 ? column : 0;
    d.severity = severity;
    d.rule_id = std::string(rule);
    d.message = std::move(message);
    out_.push_back(std::move(d));
  }
  bool reported(const std::string& path, int line, std::string_view rule) const {
    return std::any_of(out_.begin(), out_.end(), [&](const Diagnostic& d) {
      return d.path == path && d.line == line && d.rule_id == rule;
    });
  }

  // ---- The readers' own findings (parse.*). Duplicates are errors only for the AWS CLI; the
  // SDKs merge them, which is still worth a warning in the sdk dialect.
  void reader_findings() {
    out_.insert(out_.end(), model_.diagnostics.begin(), model_.diagnostics.end());
    if (dialect_ != Dialect::sdk) return;
    ProfileModel cli = build_profile_model(config_, credentials_, Dialect::cli);
    for (Diagnostic d : cli.diagnostics) {
      if (d.rule_id != "parse.duplicate-key" && d.rule_id != "parse.duplicate-section") continue;
      d.severity = Severity::warning;
      d.message += d.rule_id == "parse.duplicate-key" ? "; the AWS SDKs use the later value"
                                                      : "; the AWS SDKs merge the two sections";
      out_.push_back(std::move(d));
    }
  }

  // ---- Structure: headers and names, read from the lines as written.
  void structure(FileKind kind) {
    const Document& doc = *file(kind).document;
    int default_line = 0, profile_default_line = 0;
    for (const SectionRange& section : doc.sections()) {
      const int line = static_cast<int>(section.header) + 1;
      const Line& header = doc.lines()[section.header];
      const std::string raw(doc.key_of(section.header));
      const SectionName name = parse_section_name(raw);
      const int column = static_cast<int>(header.indent) + 1;
      if (header.indent > 0) indented_header(doc, kind, section.header);
      if (kind == FileKind::credentials) {
        if (name.prefix == "profile") {
          add(kind, line, column, "validate.profile-prefix-in-credentials",
              "[" + raw + "] in the credentials file: the AWS CLI reads it as a profile named '" + raw +
                  "' and the AWS SDKs ignore it; write [" + name.name + "]");
        } else if (!name.prefix.empty() || !is_portable_profile_name(name.name)) {
          invalid_name(kind, line, column, "profile", raw);
        }
        continue;
      }
      if (name.prefix == "profile" || name.prefix == "sso-session") {
        if (!is_portable_profile_name(name.name)) invalid_name(kind, line, column, name.prefix, name.name);
        if (name.prefix == "profile" && name.name == "default" && profile_default_line == 0)
          profile_default_line = line;
      } else if (name.prefix.empty()) {
        const bool read_by_cli =
            raw.starts_with("profile") || raw.starts_with("sso-session") || raw.starts_with("services");
        if (name.name == "default") {
          if (default_line == 0) default_line = line;
        } else if (!read_by_cli && name.name != "DEFAULT" && name.name != "plugins" &&
                   !reported(file(kind).path, line, "parse.ignored-section")) {
          const std::string suggestion = is_portable_profile_name(name.name) ? name.name : "\"" + name.name + "\"";
          add(kind, line, column, "validate.unprefixed-section",
              "the AWS CLI ignores [" + raw +
                  "] in the config file: profiles other than default need the 'profile' prefix ([profile " +
                  suggestion + "])");
        }
      }
    }
    if (default_line > 0 && profile_default_line > 0) {
      both_defaults_ = true;
      const int later = std::max(default_line, profile_default_line);
      const bool profile_later = profile_default_line > default_line;
      add(kind, later, 1, "validate.default-and-profile-default",
          std::string("both [default] (line ") + std::to_string(default_line) +
              ") and [profile default] (line " + std::to_string(profile_default_line) +
              ") exist: the AWS CLI uses only the later one, " +
              (profile_later ? "[profile default]" : "[default]") +
              "; the AWS SDKs always use [profile default]");
    }
  }

  void invalid_name(FileKind kind, int line, int column, std::string_view what, const std::string& name) {
    add(kind, line, column, "validate.invalid-profile-name",
        std::string(what) + " name '" + name + "' has characters other than " + std::string(kNameCharacters) +
            "; the AWS SDKs ignore this section");
  }

  void indented_header(const Document& doc, FileKind kind, std::size_t index) {
    const Line& header = doc.lines()[index];
    const int line = static_cast<int>(index) + 1;
    // Is a value open above it? Blank and comment lines do not close one.
    std::size_t above = index;
    while (above > 0 && (doc.lines()[above - 1].kind == LineKind::blank ||
                         doc.lines()[above - 1].kind == LineKind::comment))
      --above;
    std::optional<std::size_t> property;
    for (std::size_t i = above; i > 0; --i) {
      const Line& l = doc.lines()[i - 1];
      if (l.kind == LineKind::property) {
        if (l.indent < header.indent) property = i - 1;
        break;
      }
      if (l.kind != LineKind::continuation && l.kind != LineKind::sub_property && l.kind != LineKind::blank &&
          l.kind != LineKind::comment)
        break;
    }
    const std::string raw(doc.key_of(index));
    if (property) {
      add(kind, line, static_cast<int>(header.indent) + 1, "validate.indented-section-header",
          "indented section header [" + raw +
              "]: the AWS CLI and the AWS SDKs read it as part of the value of '" +
              std::string(doc.key_of(*property)) + "' (line " + std::to_string(*property + 1) +
              "), not as a new section; remove the indentation");
    } else {
      add(kind, line, static_cast<int>(header.indent) + 1, "validate.indented-section-header",
          "indented section header [" + raw +
              "]: remove the indentation; after a property it would be read as part of that value, and `aws "
              "configure set` does not find indented headers");
    }
  }

  // ---- Schema: keys and values against the catalogue.
  std::optional<int> sub_property_line(FileKind kind, int property_line, std::string_view key) const {
    const Document* doc = file(kind).document;
    return doc == nullptr ? std::nullopt : doc->sub_property_line(property_line, key);
  }

  void unknown_key(FileKind kind, int line, std::string_view key) {
    std::string message = "unknown setting '" + std::string(key) + "'";
    std::vector<std::string> close = catalogue_.suggest(key);
    if (!close.empty()) message += "; did you mean " + quote_names(close) + "?";
    add(kind, line, key_column(kind, line), "validate.unknown-key", message + " (the AWS CLI ignores it)");
  }

  void check_value_of(const SettingSpec& spec, std::string_view value, FileKind kind, int line) {
    std::string problem;
    std::string_view rule;
    if (spec.name == "mfa_serial") {
      if (!is_mfa_serial(value)) {
        problem =
            "mfa_serial must be an MFA device ARN (arn:aws:iam::ACCOUNT:mfa/NAME) or a hardware device "
            "serial "
            "number (9 to 256 letters, digits and _+=/:,.@-)";
        rule = "validate.invalid-arn";
      }
    } else {
      problem = check_value(spec, value);
      rule = value_rule(spec, value);
      if (problem.empty() && spec.name == "role_arn" && !is_role_arn(value)) {
        problem = "role_arn must be the ARN of an IAM role (arn:aws:iam::ACCOUNT:role/NAME)";
        rule = "validate.invalid-arn";
      }
    }
    if (!problem.empty()) {
      add(kind, line, value_column(kind, line), rule, problem);
    } else if (spec.type == SettingType::region) {
      unknown_region(value, kind, line);
    }
  }

  // A well-formed region name that botocore's endpoint data does not list: a typo (eu-centrl-1),
  // or a region newer than the data, hence a warning.
  void unknown_region(std::string_view value, FileKind kind, int line) {
    const detail::RegionLookup lookup = detail::look_up_region(value);
    if (lookup.known) return;
    std::string message = "unknown region '" + std::string(detail::trim_blanks(value)) + "'";
    if (!lookup.suggestions.empty()) message += "; did you mean " + quote_names(lookup.suggestions) + "?";
    message += " (not among the regions of " + std::string(detail::region_data_source());
    message += lookup.pattern_partition.empty()
                   ? ", nor of the form of any partition's region names)"
                   : "; it has the form of a region of the '" + lookup.pattern_partition +
                         "' partition, so it may be newer than that list)";
    add(kind, line, value_column(kind, line), "validate.unknown-region", message);
  }

  // Checks the sub-properties of a block `parent` (catalogue names "parent.sub").
  void check_block(const Setting& setting, FileKind kind) {
    for (const SubProperty& sub : *setting.sub_properties) {
      const std::string dotted = std::string(setting.key) + "." + std::string(sub.key);
      const int line = sub_property_line(kind, setting.source.line, sub.key).value_or(setting.source.line);
      const SettingSpec* spec = catalogue_.find(dotted);
      if (spec == nullptr) {
        unknown_key(kind, line, dotted);
      } else {
        check_value_of(*spec, sub.value, kind, line);
      }
    }
  }

  void check_settings(const Section& section, std::string_view scope) {
    for (const Setting& setting : section.settings) {
      const FileKind kind = setting.source.file;
      const int line = setting.source.line;
      const SettingSpec* spec = catalogue_.find(setting.key);
      if (spec == nullptr) {
        // A block named after a service ("dynamodb =" then "  signature_version = v4") is known
        // when each of its keys is.
        const bool service_block = setting.sub_properties && !setting.sub_properties->empty() &&
                                   std::all_of(setting.sub_properties->begin(), setting.sub_properties->end(),
                                               [&](const SubProperty& s) {
                                                 const SettingSpec* sub =
                                                     catalogue_.find(std::string(setting.key) + "." + std::string(s.key));
                                                 return sub != nullptr && sub->allowed_in("service");
                                               });
        if (service_block && scope == "profile") {
          check_block(setting, kind);
        } else {
          unknown_key(kind, line, setting.key);
        }
        continue;
      }
      if (!spec->allowed_in(scope)) {
        std::vector<std::string> where;
        for (const std::string& s : spec->scopes)
          where.push_back(s == "profile" ? "profiles" : "[" + s + "]");
        add(kind, line, key_column(kind, line), "validate.wrong-section-type",
            "'" + std::string(setting.key) + "' is read only in " + join(where, " and ") + ", not in " +
                (scope == "profile" ? std::string("a profile") : "[" + std::string(scope) + "]") +
                "; the AWS CLI ignores it here");
        continue;
      }
      if (spec->file == SettingFile::config && kind == FileKind::credentials) {
        add(kind, line, key_column(kind, line), "validate.wrong-file",
            "'" + std::string(setting.key) + "' belongs in the config file, not the credentials file");
      } else if (spec->file == SettingFile::credentials && kind == FileKind::config) {
        add(kind, line, key_column(kind, line), "validate.wrong-file",
            "'" + std::string(setting.key) + "' belongs in the credentials file, not the config file");
      }
      if (spec->type == SettingType::block && setting.sub_properties) {
        check_block(setting, kind);
      } else if (spec->type == SettingType::block && setting.value.starts_with('\n')) {
        // A block the reader could not split (parse.bad-sub-property): already reported.
      } else {
        check_value_of(*spec, setting.value, kind, line);
      }
    }
  }

  void check_services(const Section& services) {
    for (const Setting& setting : services.settings) {
      const FileKind kind = setting.source.file;
      const int line = setting.source.line;
      if (!setting.sub_properties) {
        add(kind, line, key_column(kind, line), "validate.wrong-section-type",
            "in [services " + std::string(services.name) + "], '" + std::string(setting.key) +
                "' must name a service and hold an indented block (" + std::string(setting.key) +
                " =, then   endpoint_url = ...)");
        continue;
      }
      for (const SubProperty& sub : *setting.sub_properties) {
        const int sub_line = sub_property_line(kind, line, sub.key).value_or(line);
        const SettingSpec* spec = catalogue_.find(sub.key);
        if (spec == nullptr) {
          unknown_key(kind, sub_line, sub.key);
        } else if (!spec->allowed_in("services")) {
          add(kind, sub_line, key_column(kind, sub_line), "validate.wrong-section-type",
              "'" + std::string(sub.key) + "' is not read inside a [services] block (only endpoint_url is)");
        } else {
          check_value_of(*spec, sub.value, kind, sub_line);
        }
      }
    }
  }

  // ---- Semantics.
  FileKind header_file(const Section& section) const {
    return section.in_config ? FileKind::config : FileKind::credentials;
  }
  int header_line(const Section& section) const {
    return section.in_config ? section.config_line : section.credentials_line;
  }
  void at_key(const Setting& setting, std::string_view rule, std::string message) {
    add(setting.source.file, setting.source.line, key_column(setting.source.file, setting.source.line), rule,
        std::move(message));
  }
  void at_value(const Setting& setting, std::string_view rule, std::string message) {
    add(setting.source.file, setting.source.line, value_column(setting.source.file, setting.source.line),
        rule, std::move(message));
  }

  void profile_semantics(const Section& profile) {
    const std::string who = "profile '" + std::string(profile.name) + "'";
    const Setting* source_profile = profile.find("source_profile");
    const Setting* credential_source = profile.find("credential_source");
    const Setting* role_arn = profile.find("role_arn");
    if (source_profile && credential_source) {
      at_key(*credential_source, "validate.source-profile-and-credential-source",
             who +
                 " has both source_profile and credential_source; the AWS CLI refuses it (only one may be "
                 "specified)");
    }
    if (source_profile && model_.find_profile(source_profile->value) == nullptr) {
      at_value(*source_profile, "validate.missing-source-profile",
               who + ": source_profile names '" + std::string(source_profile->value) +
                   "', which is not a profile in either file");
    }
    if (role_arn && !source_profile && !credential_source && !profile.find("web_identity_token_file")) {
      at_key(*role_arn, "validate.role-without-source",
             who +
                 " has role_arn but no source_profile, credential_source or web_identity_token_file, so the "
                 "AWS CLI has no credentials to assume the role with");
    }
    if (role_arn && (!source_profile || source_profile->value != profile.name)) {
      const Setting* key = profile.find("aws_access_key_id");
      if (key == nullptr) key = profile.find("aws_secret_access_key");
      if (key != nullptr) {
        at_key(*key, "validate.static-keys-ignored",
               who +
                   " also has role_arn, so the AWS CLI assumes the role and ignores these static keys (set "
                   "source_profile = " +
                   std::string(profile.name) + " to use them as the role's source)");
      }
    }
    sso_semantics(profile);
    if (const Setting* process = profile.find("credential_process")) credential_process(*process);
  }

  // A loop in profile `index`'s source_profile chain, as botocore's AssumeRoleProvider walks it (the
  // profile graph walks it so), reported once per loop, at the profile the walk comes back to.
  void source_profile_loop(std::size_t index) {
    const std::vector<std::size_t>& loop = graph_.nodes[index].loop;
    if (loop.empty()) return;
    std::vector<std::string> cycle;
    for (std::size_t member : loop) cycle.push_back(graph_.nodes[member].name);
    std::vector<std::string> key = cycle;
    std::rotate(key.begin(), std::min_element(key.begin(), key.end()), key.end());
    if (!cycles_.insert(key).second) return;
    cycle.push_back(cycle.front());
    std::string message = "source_profile chain loops: " + join(cycle, " -> ");
    if (loop.size() == 1)
      message +=
          " (a profile may name itself only when it has static keys aws_access_key_id and "
          "aws_secret_access_key)";
    at_value(*model_.profiles[loop.front()].find("source_profile"), "validate.source-profile-cycle",
             message + "; the AWS CLI fails with InfiniteLoopConfigError");
  }

  void sso_semantics(const Section& profile) {
    const std::string who = "profile '" + std::string(profile.name) + "'";
    const Setting* session_ref = profile.find("sso_session");
    const Section* session = nullptr;
    if (session_ref != nullptr) {
      session = model_.find_sso_session(session_ref->value);
      if (session == nullptr) {
        at_value(*session_ref, "validate.missing-sso-session",
                 who + ": sso_session names '" + std::string(session_ref->value) + "', but there is no [sso-session " +
                     std::string(session_ref->value) + "]");
      } else {
        for (const Setting& shared : session->settings) {
          const Setting* own = profile.find(shared.key);
          if (own != nullptr && own->value != shared.value && !is_secret_key(shared.key)) {
            at_value(*own, "validate.sso-session-mismatch",
                     who + ": " + std::string(shared.key) + " is '" + std::string(own->value) + "' here but '" + std::string(shared.value) +
                         "' in [sso-session " + std::string(session->name) + "] (line " +
                         std::to_string(shared.source.line) + "); the AWS CLI refuses the profile");
          }
        }
      }
    }
    if (!profile.find("sso_account_id") && !profile.find("sso_role_name")) return;
    std::vector<std::string> missing;
    for (const char* key : {"sso_start_url", "sso_region", "sso_account_id", "sso_role_name"}) {
      if (profile.find(key) == nullptr && (session == nullptr || session->find(key) == nullptr))
        missing.push_back(key);
    }
    if (!missing.empty() && !(session_ref != nullptr && session == nullptr)) {
      add(header_file(profile), header_line(profile), 1, "validate.incomplete-sso",
          who + " is configured for SSO but is missing " + join(missing, ", ") +
              (session_ref ? " (in the profile or its [sso-session])" : "") +
              "; the AWS CLI fails with missing required configuration");
    }
  }

  void sso_session_semantics(const Section& session) {
    std::vector<std::string> missing;
    for (const char* key : {"sso_start_url", "sso_region"})
      if (session.find(key) == nullptr) missing.push_back(key);
    if (missing.empty()) return;
    add(FileKind::config, session.config_line, 1, "validate.incomplete-sso",
        "[sso-session " + std::string(session.name) + "] is missing " + join(missing, " and ") +
            "; `aws sso login` and the profiles using it fail");
  }

  void credential_process(const Setting& process) {
    std::optional<std::vector<std::string>> words = detail::shlex_split(process.value);
    if (!words) {
      at_value(
          process, "validate.credential-process-quoting",
          "credential_process has an unclosed quote or ends with a backslash; the AWS CLI splits it like a "
          "POSIX shell and fails");
      return;
    }
    for (const std::string& word : *words) {
      if (word.starts_with('~')) {
        at_value(
            process, "validate.credential-process-expansion",
            "credential_process uses '~', which the AWS CLI does not expand (no shell runs the command); "
            "write the full path");
        return;
      }
      for (std::size_t i = 0; i + 1 < word.size(); ++i) {
        const char c = word[i + 1];
        if (word[i] != '$' || !(c == '{' || c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')))
          continue;
        std::size_t end = i + 1;
        if (c == '{') {
          end = word.find('}', i);
          end = end == std::string::npos ? word.size() : end + 1;
        } else {
          while (end < word.size() &&
                 (word[end] == '_' || std::isalnum(static_cast<unsigned char>(word[end]))))
            ++end;
        }
        at_value(process, "validate.credential-process-expansion",
                 "credential_process uses the environment variable " + word.substr(i, end - i) +
                     ", which the AWS CLI does not expand (no shell runs the command)");
        return;
      }
    }
  }

  // ---- Dialects.
  void divergences() {
    for (const Divergence& d : find_dialect_divergences(config_, credentials_)) {
      std::string where;
      if (!d.key.empty()) {
        where = "'" + d.key + "' in '" + d.profile + "': ";
      } else if (!d.profile.empty()) {
        where = "section '" + d.profile + "': ";
      }
      std::string message = where + "the AWS CLI " + d.cli_reading + "; the AWS SDKs " + d.sdk_reading;
      if (both_defaults_ && d.file == FileKind::config && d.profile == "default") {
        message +=
            " ([default] and [profile default] both exist: the AWS CLI reads the later one, the SDKs "
            "[profile default])";
      } else if (!d.cause.empty()) {
        message += " (" + d.cause + ")";
      }
      const int column = d.key.empty() ? 1 : key_column(d.file, d.line);
      add(d.file, d.line, column, "validate.dialect-divergence", std::move(message));
    }
  }

  Diagnostics finish() {
    auto file_order = [&](const Diagnostic& d) { return d.path == config_.path ? 0 : 1; };
    std::stable_sort(out_.begin(), out_.end(), [&](const Diagnostic& a, const Diagnostic& b) {
      return std::make_tuple(file_order(a), a.line, a.column) <
             std::make_tuple(file_order(b), b.line, b.column);
    });
    Diagnostics unique;
    std::set<std::tuple<std::string, int, int, std::string>> seen;
    for (Diagnostic& d : out_)
      if (seen.insert({d.path, d.line, d.column, d.rule_id}).second) unique.push_back(std::move(d));
    return unique;
  }

  const InputFile& config_;
  const InputFile& credentials_;
  Dialect dialect_;
  const SettingsCatalogue& catalogue_;
  ProfileModel model_;
  ProfileGraph graph_;  // over model_
  Diagnostics out_;
  std::set<std::vector<std::string>> cycles_;
  bool both_defaults_ = false;
};

}  // namespace

Diagnostics validate(const InputFile& config, const InputFile& credentials, Dialect dialect,
                     const SettingsCatalogue& catalogue) {
  return Validator(config, credentials, dialect, catalogue).run();
}

}  // namespace awsprof
