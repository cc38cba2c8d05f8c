// plan_credentials and profile_kind: botocore's credential chain (credentials.py,
// create_credential_resolver, ProfileProviderBuilder, AssumeRoleProvider, ...) as a pure function.
#include "awsprof/credentials/credential_chain.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include "text_util.hpp"

namespace awsprof {

std::string_view method_name(CredentialMethod method) {
  switch (method) {
    case CredentialMethod::env:
      return "env";
    case CredentialMethod::assume_role:
      return "assume-role";
    case CredentialMethod::assume_role_with_web_identity:
      return "assume-role-with-web-identity";
    case CredentialMethod::sso:
      return "sso";
    case CredentialMethod::shared_credentials_file:
      return "shared-credentials-file";
    case CredentialMethod::login:
      return "login";
    case CredentialMethod::custom_process:
      return "custom-process";
    case CredentialMethod::config_file:
      return "config-file";
    case CredentialMethod::ec2_credentials_file:
      return "ec2-credentials-file";
    case CredentialMethod::boto_config:
      return "boto-config";
    case CredentialMethod::container_role:
      return "container-role";
    case CredentialMethod::iam_role:
      return "iam-role";
  }
  return "env";
}

const char* to_string(KeyOrigin origin) {
  switch (origin) {
    case KeyOrigin::environment:
      return "environment";
    case KeyOrigin::credentials_file:
      return "credentials file";
    case KeyOrigin::config_file:
      return "config file";
  }
  return "config file";
}

std::string_view profile_kind(const Section& profile) {
  auto has = [&profile](const char* key) { return profile.find(key) != nullptr; };
  if (has("role_arn") && !has("web_identity_token_file")) return "assume-role";
  if (has("web_identity_token_file")) return "web-identity";
  if (has("sso_account_id") || has("sso_role_name")) return "sso";
  if (has("aws_access_key_id")) return "static";
  if (has("login_session")) return "login";
  if (has("credential_process")) return "process";
  return "config-only";
}

const Setting* session_expiration(const Section& profile) {
  if (const Setting* s = profile.find(kSessionExpirationKey)) return s;
  return profile.find("expiration");
}

namespace {

using detail::in_quotes;

const std::string_view* value_of(const Section* section, std::string_view key) {
  if (section == nullptr) return nullptr;
  const Setting* s = section->find(key);
  return s == nullptr ? nullptr : &s->value;
}

// A key present in the given file (the model keeps, per key, the file whose value won).
const Setting* in_file(const Section* section, std::string_view key, FileKind file) {
  if (section == nullptr) return nullptr;
  const Setting* s = section->find(key);
  return s != nullptr && s->source.file == file ? s : nullptr;
}

// Python int(): optional blanks, optional sign, digits with single '_' between them.
std::optional<long long> python_int(std::string_view text) {
  auto blank = [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
  };
  while (!text.empty() && blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && blank(text.back())) text.remove_suffix(1);
  bool negative = false;
  if (!text.empty() && (text.front() == '+' || text.front() == '-')) {
    negative = text.front() == '-';
    text.remove_prefix(1);
  }
  if (text.empty() || text.front() == '_' || text.back() == '_') return std::nullopt;
  long long value = 0;
  char previous = 0;
  for (char c : text) {
    if (c == '_') {
      if (previous == '_') return std::nullopt;
    } else if (c >= '0' && c <= '9') {
      if (value > (9'000'000'000'000'000'000LL - (c - '0')) / 10) return std::nullopt;
      value = value * 10 + (c - '0');
    } else {
      return std::nullopt;
    }
    previous = c;
  }
  return negative ? -value : value;
}

bool has_static_credentials(const Section* profile) {
  return value_of(profile, "aws_secret_access_key") != nullptr ||
         value_of(profile, "aws_access_key_id") != nullptr;
}

bool has_assume_role_config(const Section* profile) {
  return value_of(profile, "role_arn") != nullptr && value_of(profile, "web_identity_token_file") == nullptr;
}

// Outcome of one provider: it applied (a step was added), it did not (with a reason), or an error.
struct Tried {
  bool applied = false;
  std::string reason;
  static Tried yes() { return Tried{true, {}}; }
  static Tried no(std::string why) { return Tried{false, std::move(why)}; }
};

class Planner {
 public:
  Planner(const ProfileModel& model, const EnvLookup& env) : model_(model), env_(env) {}

  Result<CredentialPlan> plan(const SelectedProfile& selected);

 private:
  std::optional<std::string> env(std::string_view name) const { return env_ ? env_(name) : std::nullopt; }
  std::string env_or_empty(std::string_view name) const { return env(name).value_or(""); }

  Result<Tried> try_env(std::optional<StaticKeysStep>& out) const;
  Result<Tried> try_web_identity(const std::string& name, const Section* profile, bool use_env);
  Result<Tried> try_sso(const std::string& name, const Section* profile);
  Result<Tried> try_keys(const std::string& name, const Section* profile, FileKind file);
  Tried try_login(const std::string& name, const Section* profile);
  Tried try_process(const std::string& name, const Section* profile);
  std::optional<ContainerStep> container() const;
  bool imds_disabled() const;
  ImdsStep imds(const Section* profile) const;

  Status assume_role(const std::string& name);
  Status named_source(const std::string& profile_name, const std::string& source);
  Status source_profile_credentials(const std::string& name);
  std::string visited_path(const std::string& next) const;

  const ProfileModel& model_;
  const EnvLookup& env_;
  std::vector<std::string> visited_;
  CredentialPlan plan_;
};

Result<Tried> Planner::try_env(std::optional<StaticKeysStep>& out) const {
  const std::string access_key = env_or_empty("AWS_ACCESS_KEY_ID");
  if (access_key.empty())
    return Tried::no(env("AWS_ACCESS_KEY_ID") ? "AWS_ACCESS_KEY_ID is empty"
                                              : "AWS_ACCESS_KEY_ID is not set");
  StaticKeysStep step;
  step.origin = KeyOrigin::environment;
  step.credentials.access_key_id = access_key;
  step.credentials.secret_access_key = env_or_empty("AWS_SECRET_ACCESS_KEY");
  if (step.credentials.secret_access_key.empty())
    return Result<Tried>::error(
        "partial credentials in the environment: AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is " +
        std::string(env("AWS_SECRET_ACCESS_KEY") ? "empty" : "not set"));
  // botocore looks at AWS_SECURITY_TOKEN first, then AWS_SESSION_TOKEN; the first non-empty wins.
  for (const char* name : {"AWS_SECURITY_TOKEN", "AWS_SESSION_TOKEN"}) {
    step.credentials.session_token = env_or_empty(name);
    if (!step.credentials.session_token.empty()) break;
  }
  step.expiration = env_or_empty("AWS_CREDENTIAL_EXPIRATION");
  if (!step.expiration.empty() && !parse_expiration_time(step.expiration))
    return Result<Tried>::error("AWS_CREDENTIAL_EXPIRATION \"" + step.expiration +
                                "\" is not an ISO 8601 time");
  step.account_id = env_or_empty("AWS_ACCOUNT_ID");
  out = std::move(step);
  return Tried::yes();
}

Result<Tried> Planner::try_web_identity(const std::string& name, const Section* profile, bool use_env) {
  static constexpr std::array<std::pair<const char*, const char*>, 3> kKeys{{
      {"web_identity_token_file", "AWS_WEB_IDENTITY_TOKEN_FILE"},
      {"role_arn", "AWS_ROLE_ARN"},
      {"role_session_name", "AWS_ROLE_SESSION_NAME"},
  }};
  // botocore's _get_config: the variable when set (even empty), else the profile's key.
  std::array<std::optional<std::string>, 3> values;
  std::array<bool, 3> from_env{};
  for (std::size_t i = 0; i < kKeys.size(); ++i) {
    if (use_env) {
      if (auto v = env(kKeys[i].second)) {
        values[i] = *v;
        from_env[i] = true;
        continue;
      }
    }
    if (const std::string_view* v = value_of(profile, kKeys[i].first)) values[i] = *v;
  }
  if (!values[0] || values[0]->empty()) {
    std::string why = use_env ? "neither AWS_WEB_IDENTITY_TOKEN_FILE nor web_identity_token_file is set"
                              : "no web_identity_token_file";
    if (values[0] && from_env[0]) why = "AWS_WEB_IDENTITY_TOKEN_FILE is empty";
    if (!use_env && profile != nullptr && env("AWS_WEB_IDENTITY_TOKEN_FILE"))
      why += " (AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN are not used for an explicit or source profile)";
    return Tried::no(why);
  }
  if (!values[1] || values[1]->empty())
    return Result<Tried>::error((from_env[0] ? std::string("AWS_WEB_IDENTITY_TOKEN_FILE is set")
                                             : "profile " + in_quotes(name) + " has web_identity_token_file") +
                                " but no role_arn" + (use_env ? " (nor AWS_ROLE_ARN)" : "") +
                                ": assuming a role with web identity needs the role's ARN");
  WebIdentityStep step;
  step.profile = profile != nullptr ? name : "";
  step.web_identity_token_file = *values[0];
  step.role_arn = *values[1];
  if (values[2] && !values[2]->empty()) step.role_session_name = *values[2];
  step.token_file_from_env = from_env[0];
  step.role_arn_from_env = from_env[1];
  step.role_session_name_from_env = from_env[2];
  plan_.steps.emplace_back(std::move(step));
  return Tried::yes();
}

Result<Tried> Planner::try_sso(const std::string& name, const Section* profile) {
  if (value_of(profile, "sso_account_id") == nullptr && value_of(profile, "sso_role_name") == nullptr) {
    if (value_of(profile, "sso_session") != nullptr)
      return Tried::no("profile " + in_quotes(name) +
                       " has sso_session but neither sso_account_id nor sso_role_name: it gives an SSO token "
                       "(for `aws sso login`), not credentials");
    return Tried::no("no sso_account_id or sso_role_name");
  }
  // The profile's settings, then the [sso-session]'s, which must agree with the profile's.
  std::vector<std::pair<std::string, std::string>> config;
  for (const Setting& s : profile->settings) config.emplace_back(s.key, s.value);
  auto find = [&config](std::string_view key) -> std::string* {
    for (auto& [k, v] : config)
      if (k == key) return &v;
    return nullptr;
  };
  std::vector<std::string> required = {"sso_role_name", "sso_account_id", "sso_start_url", "sso_region"};
  std::optional<std::string> session_name;
  if (const std::string_view* session = value_of(profile, "sso_session")) {
    session_name = *session;
    const Section* section = model_.find_sso_session(*session);
    if (section == nullptr)
      return Result<Tried>::error("the [sso-session " + std::string(*session) + "] section referenced by profile " +
                                  in_quotes(name) + " (sso_session = " + std::string(*session) + ") does not exist");
    for (const Setting& s : section->settings) {
      if (std::string* existing = find(s.key)) {
        if (*existing != s.value)
          return Result<Tried>::error("profile " + in_quotes(name) + " and [sso-session " + std::string(*session) +
                                      "] disagree on " + std::string(s.key) + ": \"" + *existing + "\" vs \"" + std::string(s.value) +
                                      "\"");
      } else {
        config.emplace_back(s.key, s.value);
      }
    }
    required.push_back("sso_session");
  }
  std::string missing;
  for (const std::string& key : required)
    if (find(key) == nullptr) missing += (missing.empty() ? "" : ", ") + key;
  if (!missing.empty())
    return Result<Tried>::error(
        "profile " + in_quotes(name) + " is configured for SSO but is missing " + missing +
        (session_name ? " (looked in the profile and in [sso-session " + *session_name + "])" : ""));
  SsoStep step;
  step.profile = name;
  step.sso_session = session_name;
  step.sso_start_url = *find("sso_start_url");
  step.sso_region = *find("sso_region");
  step.sso_account_id = *find("sso_account_id");
  step.sso_role_name = *find("sso_role_name");
  plan_.steps.emplace_back(std::move(step));
  return Tried::yes();
}

// SharedCredentialProvider (file = credentials) and ConfigProvider (file = config): the access key
// in that file selects the provider; the secret must then be in the same file.
Result<Tried> Planner::try_keys(const std::string& name, const Section* profile, FileKind file) {
  const char* where = file == FileKind::credentials ? "credentials file" : "config file";
  const Setting* access_key = in_file(profile, "aws_access_key_id", file);
  if (access_key == nullptr) {
    if (profile == nullptr) return Tried::no("profile " + in_quotes(name) + " is not defined");
    if (file == FileKind::credentials && !profile->in_credentials)
      return Tried::no("profile " + in_quotes(name) + " is not in the credentials file");
    return Tried::no(std::string("no aws_access_key_id in the ") + where);
  }
  const Setting* secret = profile->find("aws_secret_access_key");
  if (secret == nullptr || (file == FileKind::credentials && secret->source.file != file))
    return Result<Tried>::error("partial credentials in profile " + in_quotes(name) + " of the " + where +
                                ": aws_access_key_id is set but aws_secret_access_key is missing");
  StaticKeysStep step;
  step.profile = name;
  step.origin = file == FileKind::credentials ? KeyOrigin::credentials_file : KeyOrigin::config_file;
  step.line = access_key->source.line;
  step.credentials.access_key_id = access_key->value;
  step.credentials.secret_access_key = secret->value;
  for (const char* key : {"aws_security_token", "aws_session_token"}) {
    const Setting* token = profile->find(key);
    if (token != nullptr && (file == FileKind::config || token->source.file == file)) {
      step.credentials.session_token = token->value;
      break;
    }
  }
  if (const std::string_view* account = value_of(profile, "aws_account_id")) step.account_id = *account;
  plan_.steps.emplace_back(std::move(step));
  return Tried::yes();
}

Tried Planner::try_login(const std::string& name, const Section* profile) {
  const std::string_view* session = value_of(profile, "login_session");
  if (session == nullptr) return Tried::no("no login_session");
  plan_.steps.emplace_back(LoginStep{name, std::string(*session)});
  return Tried::yes();
}

Tried Planner::try_process(const std::string& name, const Section* profile) {
  const std::string_view* command = value_of(profile, "credential_process");
  if (command == nullptr) return Tried::no("no credential_process");
  ProcessStep step;
  step.profile = name;
  step.command = *command;
  if (const std::string_view* account = value_of(profile, "aws_account_id")) step.account_id = *account;
  plan_.steps.emplace_back(std::move(step));
  return Tried::yes();
}

std::optional<ContainerStep> Planner::container() const {
  ContainerStep step;
  if (auto relative = env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")) {
    step.uri = "http://169.254.170.2" + *relative;
    step.uri_variable = "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI";
  } else if (auto full = env("AWS_CONTAINER_CREDENTIALS_FULL_URI")) {
    step.uri = *full;
    step.uri_variable = "AWS_CONTAINER_CREDENTIALS_FULL_URI";
  } else {
    return std::nullopt;
  }
  step.has_authorization_token = env("AWS_CONTAINER_AUTHORIZATION_TOKEN").has_value();
  step.authorization_token_file = env_or_empty("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
  return step;
}

bool Planner::imds_disabled() const {
  std::string value = env("AWS_EC2_METADATA_DISABLED").value_or("false");
  std::transform(value.begin(), value.end(), value.begin(),
                 [](unsigned char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c); });
  return value == "true";
}

ImdsStep Planner::imds(const Section* profile) const {
  ImdsStep step;
  auto setting = [profile](const char* key) {
    const std::string_view* value = value_of(profile, key);
    return value != nullptr ? std::string(*value) : std::string();
  };
  step.endpoint = env("AWS_EC2_METADATA_SERVICE_ENDPOINT").value_or(setting("ec2_metadata_service_endpoint"));
  step.endpoint_mode =
      env("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE").value_or(setting("ec2_metadata_service_endpoint_mode"));
  return step;
}

std::string Planner::visited_path(const std::string& next) const {
  std::string path;
  for (const std::string& name : visited_) path += name + " -> ";
  return path + next;
}

// AssumeRoleProvider._load_creds_via_assume_role: validate the role configuration, resolve the
// source, then add the AssumeRole step.
Status Planner::assume_role(const std::string& name) {
  const Section* profile = model_.find_profile(name);
  AssumeRoleStep step;
  step.profile = name;
  step.role_arn = *value_of(profile, "role_arn");
  auto optional_value = [profile](const char* key) -> std::optional<std::string> {
    const std::string_view* v = value_of(profile, key);
    return v == nullptr ? std::nullopt : std::optional<std::string>(*v);
  };
  step.external_id = optional_value("external_id");
  step.role_session_name = optional_value("role_session_name");
  step.mfa_serial = optional_value("mfa_serial");
  if (const std::string_view* duration = value_of(profile, "duration_seconds")) {
    step.duration_seconds = python_int(*duration);
    if (!step.duration_seconds)
      plan_.notes.push_back("profile " + in_quotes(name) + ": duration_seconds \"" + std::string(*duration) +
                            "\" is not an integer; the AWS CLI ignores it");
  }
  const std::string_view* source_profile = value_of(profile, "source_profile");
  const std::string_view* credential_source = value_of(profile, "credential_source");
  if (source_profile != nullptr && credential_source != nullptr)
    return Status::error("profile " + in_quotes(name) +
                         " has both source_profile and credential_source; use one");
  if (source_profile == nullptr && credential_source == nullptr)
    return Status::error("profile " + in_quotes(name) +
                         " has role_arn but neither source_profile nor credential_source: the role needs "
                         "credentials to be assumed with");
  if (credential_source != nullptr) {
    step.credential_source = *credential_source;
    // botocore's is_supported compares the canonical names exactly.
    if (*credential_source != "Environment" && *credential_source != "Ec2InstanceMetadata" &&
        *credential_source != "EcsContainer")
      return Status::error("profile " + in_quotes(name) + ": credential_source \"" + std::string(*credential_source) +
                           "\" is not valid; use Environment, Ec2InstanceMetadata or EcsContainer");
    if (Status s = named_source(name, std::string(*credential_source)); !s) return s;
  } else {
    step.source_profile = *source_profile;
    const Section* source = model_.find_profile(*source_profile);
    if (source == nullptr)
      return Status::error("source_profile \"" + std::string(*source_profile) + "\" referenced in profile " +
                           in_quotes(name) + " does not exist");
    if (std::find(visited_.begin(), visited_.end(), *source_profile) != visited_.end()) {
      // A profile may name itself, to take static keys from its own section; anything else that
      // comes back to a visited profile is a loop.
      if (*source_profile != name || !has_static_credentials(source))
        return Status::error(
            "source_profile loop: profile " + in_quotes(name) + " names source_profile \"" + std::string(*source_profile) +
            "\", which is already in the chain " + visited_path(std::string(*source_profile)) +
            (*source_profile == name ? " (a profile may name itself only when it has static keys)" : ""));
    }
    visited_.emplace_back(*source_profile);
    if (Status s = source_profile_credentials(std::string(*source_profile)); !s) return s;
  }
  plan_.steps.emplace_back(std::move(step));
  return Status();
}

// CanonicalNameCredentialSourcer: the env, container and instance-metadata providers.
Status Planner::named_source(const std::string& profile_name, const std::string& source) {
  NamedSourceStep step;
  step.profile = profile_name;
  step.source = source;
  const std::string none =
      "credential_source " + source + " of profile " + in_quotes(profile_name) + " gives no credentials: ";
  if (source == "Environment") {
    step.method = CredentialMethod::env;
    std::optional<StaticKeysStep> keys;
    Result<Tried> tried = try_env(keys);
    if (!tried) return tried.status();
    if (!tried->applied) return Status::error(none + tried->reason);
    step.environment = std::move(keys);
  } else if (source == "EcsContainer") {
    step.method = CredentialMethod::container_role;
    step.container = container();
    if (!step.container)
      return Status::error(
          none +
          "neither AWS_CONTAINER_CREDENTIALS_RELATIVE_URI nor AWS_CONTAINER_CREDENTIALS_FULL_URI is set");
  } else {
    step.method = CredentialMethod::iam_role;
    if (imds_disabled()) return Status::error(none + "AWS_EC2_METADATA_DISABLED is true");
    step.imds = imds(model_.find_profile(profile_name));
  }
  plan_.steps.emplace_back(std::move(step));
  return Status();
}

// _resolve_credentials_from_profile: a source profile with static keys, or without role_arn, goes
// through the profile providers (environment variables not consulted); otherwise it is another hop.
Status Planner::source_profile_credentials(const std::string& name) {
  const Section* profile = model_.find_profile(name);
  if (!has_static_credentials(profile) && has_assume_role_config(profile)) return assume_role(name);
  if (has_static_credentials(profile) && has_assume_role_config(profile))
    plan_.notes.push_back(
        "source profile " + in_quotes(name) +
        " has static keys, so its own role_arn is not assumed (the keys are used directly)");
  Result<Tried> tried = try_web_identity(name, profile, /*use_env=*/false);
  if (tried && !tried->applied) tried = try_sso(name, profile);
  if (tried && !tried->applied) tried = try_keys(name, profile, FileKind::credentials);
  if (tried && !tried->applied) tried = try_login(name, profile);
  if (tried && !tried->applied) tried = try_process(name, profile);
  if (tried && !tried->applied) tried = try_keys(name, profile, FileKind::config);
  if (!tried) return tried.status();
  if (!tried->applied) {
    std::string why = value_of(profile, "aws_secret_access_key") != nullptr
                          ? " (it has aws_secret_access_key but no aws_access_key_id)"
                          : " (no keys, login_session, credential_process, SSO or web identity settings)";
    return Status::error("source profile " + in_quotes(name) + " has no credentials" + why);
  }
  return Status();
}

Result<CredentialPlan> Planner::plan(const SelectedProfile& selected) {
  const std::string& name = selected.name;
  plan_.profile = name;
  if (model_.unreadable()) {
    // The AWS CLI refuses a file it cannot parse before it looks for credentials.
    std::string first;
    for (const Diagnostic& d : model_.diagnostics)
      if (d.severity == Severity::error) {
        first = ": " + d.path + ":" + std::to_string(d.line) + ": " + d.message;
        break;
      }
    return Result<CredentialPlan>::error(std::string("the AWS CLI cannot read the ") +
                                         (model_.config_unreadable ? "config" : "credentials") + " file" +
                                         first);
  }
  const Section* profile = model_.find_profile(name);
  if (profile == nullptr && name != "default")
    return Result<CredentialPlan>::error("the config profile " + in_quotes(name) + " could not be found");
  const bool use_env = !selected.explicit_on_command_line();
  auto skip = [this](CredentialMethod method, std::string reason) {
    plan_.skipped.push_back(SkippedProvider{method, std::move(reason)});
  };
  auto win = [this](CredentialMethod method) {
    plan_.method = method;
    return Result<CredentialPlan>(std::move(plan_));
  };

  // 1. env
  if (!use_env) {
    skip(CredentialMethod::env, "the profile was named with --profile, so environment keys are not used");
  } else {
    std::optional<StaticKeysStep> keys;
    Result<Tried> tried = try_env(keys);
    if (!tried) return Result<CredentialPlan>::error(tried.message());
    if (tried->applied) {
      if (profile != nullptr &&
          (value_of(profile, "role_arn") || value_of(profile, "aws_access_key_id") ||
           value_of(profile, "credential_process") || value_of(profile, "sso_account_id")))
        plan_.notes.push_back("environment keys win over the credentials in profile " + in_quotes(name) +
                              " (the profile was not named with --profile)");
      plan_.steps.emplace_back(std::move(*keys));
      return win(CredentialMethod::env);
    }
    skip(CredentialMethod::env, tried->reason);
  }

  // 2. assume-role
  if (has_assume_role_config(profile)) {
    if (has_static_credentials(profile) && value_of(profile, "source_profile") != nullptr &&
        *value_of(profile, "source_profile") != name)
      plan_.notes.push_back(
          "profile " + in_quotes(name) +
          " has static keys too; they are not used, because role_arn comes first in the chain");
    visited_ = {name};
    if (Status s = assume_role(name); !s) return Result<CredentialPlan>::error(s.message());
    return win(CredentialMethod::assume_role);
  }
  skip(CredentialMethod::assume_role, value_of(profile, "role_arn") != nullptr
                                          ? "role_arn is used with web_identity_token_file (web identity)"
                                          : "no role_arn");
  if (value_of(profile, "source_profile") != nullptr || value_of(profile, "credential_source") != nullptr)
    plan_.notes.push_back(
        "profile " + in_quotes(name) +
        " has source_profile or credential_source but no role_arn; the AWS CLI ignores them");

  // 3-8. the profile providers
  struct ProfileProvider {
    CredentialMethod method;
    std::function<Result<Tried>()> run;
  };
  const std::vector<ProfileProvider> providers = {
      {CredentialMethod::assume_role_with_web_identity,
       [&] { return try_web_identity(name, profile, use_env); }},
      {CredentialMethod::sso, [&] { return try_sso(name, profile); }},
      {CredentialMethod::shared_credentials_file,
       [&] { return try_keys(name, profile, FileKind::credentials); }},
      {CredentialMethod::login, [&] { return Result<Tried>(try_login(name, profile)); }},
      {CredentialMethod::custom_process, [&] { return Result<Tried>(try_process(name, profile)); }},
      {CredentialMethod::config_file, [&] { return try_keys(name, profile, FileKind::config); }},
  };
  for (const ProfileProvider& provider : providers) {
    Result<Tried> tried = provider.run();
    if (!tried) return Result<CredentialPlan>::error(tried.message());
    if (tried->applied) return win(provider.method);
    skip(provider.method,
         profile == nullptr && provider.method != CredentialMethod::assume_role_with_web_identity
             ? "profile \"default\" is not defined"
             : tried->reason);
  }

  // 9-10. legacy files awsprof does not read
  if (auto file = env("AWS_CREDENTIAL_FILE")) {
    skip(CredentialMethod::ec2_credentials_file,
         "AWS_CREDENTIAL_FILE is set; awsprof does not read that legacy EC2 tools file");
    plan_.notes.push_back("AWS_CREDENTIAL_FILE is set: the AWS CLI uses the keys in " + *file +
                          " (AWSAccessKeyId, AWSSecretKey) before container and instance credentials");
  } else {
    skip(CredentialMethod::ec2_credentials_file, "AWS_CREDENTIAL_FILE is not set");
  }
  skip(CredentialMethod::boto_config,
       "awsprof does not read boto2 config files (BOTO_CONFIG, /etc/boto.cfg, ~/.boto)");

  // 11. container-role
  if (auto step = container()) {
    plan_.steps.emplace_back(std::move(*step));
    return win(CredentialMethod::container_role);
  }
  skip(CredentialMethod::container_role,
       "neither AWS_CONTAINER_CREDENTIALS_RELATIVE_URI nor AWS_CONTAINER_CREDENTIALS_FULL_URI is set");

  // 12. iam-role
  if (!imds_disabled()) {
    plan_.steps.emplace_back(imds(profile));
    return win(CredentialMethod::iam_role);
  }
  skip(CredentialMethod::iam_role, "AWS_EC2_METADATA_DISABLED is true");

  std::string reasons;
  for (const SkippedProvider& s : plan_.skipped)
    reasons += "; " + std::string(method_name(s.method)) + ": " + s.reason;
  return Result<CredentialPlan>::error("unable to locate credentials for profile " + in_quotes(name) + reasons);
}

}  // namespace

Result<CredentialPlan> plan_credentials(const ProfileModel& model, const SelectedProfile& profile,
                                        const EnvLookup& env) {
  return Planner(model, env).plan(profile);
}

}  // namespace awsprof
