// explain_profile: every source of every setting of one profile, highest first.
#include "awsprof/checks/explain.hpp"

#include <algorithm>
#include <array>

#include "awsprof/support/secrets.hpp"
#include "awsprof/model/settings_catalogue.hpp"

namespace awsprof {

const SettingExplanation* Explanation::find(std::string_view name) const {
  for (const SettingExplanation& s : settings)
    if (s.name == name) return &s;
  return nullptr;
}

namespace {

constexpr std::array<std::string_view, 3> kCredentialKeys = {"aws_access_key_id", "aws_secret_access_key",
                                                             "aws_session_token"};

bool is_credential_key(std::string_view key) {
  return std::find(kCredentialKeys.begin(), kCredentialKeys.end(), key) != kCredentialKeys.end() ||
         key == "aws_security_token";
}

// Settings whose variables only the web-identity provider reads, and only for a profile not named
// with --profile.
bool is_web_identity_key(std::string_view key) {
  return key == "role_arn" || key == "role_session_name" || key == "web_identity_token_file";
}

// The value of `name` ("region" or "s3.max_bandwidth") in a section, with its line. `layout` is
// the parsed file the section was read from, when the caller has it: it gives a sub-property's
// own line, which the model does not keep.
struct Found {
  std::string value;
  int line = 0;
};
std::optional<Found> lookup(const Section* section, std::string_view name, const Document* layout) {
  if (section == nullptr) return std::nullopt;
  std::size_t dot = name.find('.');
  const Setting* setting = section->find(name.substr(0, dot));
  if (setting == nullptr) return std::nullopt;
  if (dot == std::string_view::npos) {
    if (setting->sub_properties && !setting->sub_properties->empty()) return std::nullopt;
    return Found{std::string(setting->value), setting->source.line};
  }
  const SubProperty* sub = setting->find_sub(name.substr(dot + 1));
  if (sub == nullptr) return std::nullopt;
  const std::optional<int> sub_line =
      layout != nullptr ? layout->sub_property_line(setting->source.line, sub->key) : std::nullopt;
  return Found{std::string(sub->value), sub_line.value_or(setting->source.line)};
}

class Explainer {
 public:
  explicit Explainer(const ExplainInput& input) : input_(input) {}
  Result<Explanation> run();

 private:
  std::optional<std::string> env(std::string_view name) const {
    return input_.env ? input_.env(name) : std::nullopt;
  }
  void explain_credentials(Explanation& out);
  std::vector<SourcedValue> sources_of(const std::string& name, const SettingSpec* spec) const;
  std::string mask_if(bool secret, std::string_view value) const {
    return secret ? mask_secret(value) : std::string(value);
  }

  const ExplainInput& input_;
  ProfileModel merged_, config_only_, credentials_only_;
  const Section* profile_ = nullptr;
  const Section* config_profile_ = nullptr;
  const Section* credentials_profile_ = nullptr;
};

void Explainer::explain_credentials(Explanation& out) {
  Result<CredentialPlan> plan = plan_credentials(merged_, input_.profile, input_.env);
  if (!plan) {
    out.credentials.error = plan.message();
    return;
  }
  out.credentials.method = plan->method;
  out.credentials.skipped = plan->skipped;
  out.credentials.notes = plan->notes;
  const StaticKeysStep* keys = nullptr;
  if (!plan->steps.empty()) keys = std::get_if<StaticKeysStep>(&plan->steps.front());
  if (plan->steps.size() != 1 || keys == nullptr) return;  // roles, SSO, processes: known only at run time

  const std::string method(method_name(plan->method));
  for (std::string_view key : kCredentialKeys) {
    // Every place the key is set, highest first: environment, credentials file, config file.
    std::vector<SourcedValue> sources;
    std::vector<std::string> variables;
    if (key == "aws_access_key_id") variables = {"AWS_ACCESS_KEY_ID"};
    if (key == "aws_secret_access_key") variables = {"AWS_SECRET_ACCESS_KEY"};
    if (key == "aws_session_token") variables = {"AWS_SECURITY_TOKEN", "AWS_SESSION_TOKEN"};
    for (const std::string& variable : variables)
      if (auto value = env(variable); value && !value->empty())
        sources.push_back({*value, {"env", variable, 0}});
    if (auto found = lookup(credentials_profile_, key, input_.credentials.document))
      sources.push_back({found->value, {"shared-credentials-file", input_.credentials.path, found->line}});
    if (auto found = lookup(config_profile_, key, input_.config.document))
      sources.push_back({found->value, {"config-file", input_.config.path, found->line}});
    // The provider that won decides which of them is used.
    std::string winner_type = keys->origin == KeyOrigin::environment        ? "env"
                              : keys->origin == KeyOrigin::credentials_file ? "shared-credentials-file"
                                                                            : "config-file";
    auto winner = std::find_if(sources.begin(), sources.end(),
                               [&](const SourcedValue& s) { return s.source.type == winner_type; });
    if (winner == sources.end()) continue;  // e.g. no session token
    SettingExplanation explanation;
    explanation.name = key;
    explanation.secret = true;
    explanation.value = mask_secret(winner->value);
    explanation.source = winner->source;
    explanation.source.type = method;
    for (auto it = sources.begin(); it != sources.end(); ++it)
      if (it != winner) explanation.overridden.push_back({mask_secret(it->value), it->source});
    out.settings.push_back(std::move(explanation));
  }
}

std::vector<SourcedValue> Explainer::sources_of(const std::string& name, const SettingSpec* spec) const {
  std::vector<SourcedValue> sources;
  const bool secret = is_secret_key(name) || (spec != nullptr && spec->secret);
  for (const FlagValue& flag : input_.flags)
    if (flag.setting == name) sources.push_back({mask_if(secret, flag.value), {"manual", flag.flag, 0}});
  auto add_variables = [&](const std::vector<std::string>& variables) {
    for (const std::string& variable : variables) {
      if (variable.find('<') != std::string::npos) continue;  // a pattern (AWS_ENDPOINT_URL_<SERVICE>)
      if (auto value = env(variable)) sources.push_back({mask_if(secret, *value), {"env", variable, 0}});
    }
  };
  const bool env_applies = !is_web_identity_key(name) || !input_.profile.explicit_on_command_line();
  if (spec != nullptr && env_applies) add_variables(spec->env);
  if (auto found = lookup(credentials_profile_, name, input_.credentials.document))
    sources.push_back(
        {mask_if(secret, found->value), {"shared-credentials-file", input_.credentials.path, found->line}});
  if (auto found = lookup(config_profile_, name, input_.config.document))
    sources.push_back({mask_if(secret, found->value), {"config-file", input_.config.path, found->line}});
  if (spec != nullptr && spec->allowed_in("sso-session") && profile_ != nullptr) {
    if (const Setting* session = profile_->find("sso_session")) {
      if (auto found = lookup(merged_.find_sso_session(session->value), name, input_.config.document))
        sources.push_back({mask_if(secret, found->value), {"sso-session", input_.config.path, found->line}});
    }
  }
  if (spec != nullptr && env_applies) add_variables(spec->env_fallback);
  if (spec != nullptr && spec->default_value)
    sources.push_back({mask_if(secret, *spec->default_value), {"default", "", 0}});
  return sources;
}

Result<Explanation> Explainer::run() {
  merged_ = build_profile_model(input_.config, input_.credentials, Dialect::cli);
  if (merged_.config_unreadable)
    return Result<Explanation>::error("the AWS CLI cannot parse " + input_.config.path);
  if (merged_.credentials_unreadable)
    return Result<Explanation>::error("the AWS CLI cannot parse " + input_.credentials.path);
  // The merged model keeps only the winning value of each key: read each file alone as well.
  config_only_ = build_profile_model(input_.config, {input_.credentials.path, nullptr}, Dialect::cli);
  credentials_only_ = build_profile_model({input_.config.path, nullptr}, input_.credentials, Dialect::cli);
  const std::string& name = input_.profile.name;
  profile_ = merged_.find_profile(name);
  if (profile_ == nullptr && name != "default")
    return Result<Explanation>::error("the config profile \"" + name + "\" could not be found");
  config_profile_ = config_only_.find_profile(name);
  credentials_profile_ = credentials_only_.find_profile(name);

  Explanation out;
  out.profile.name = name;
  switch (input_.profile.source) {
    case ProfileSource::flag:
      out.profile.source = {"manual", "--profile", 0};
      break;
    case ProfileSource::env_aws_profile:
      out.profile.source = {"env", "AWS_PROFILE", 0};
      break;
    case ProfileSource::env_aws_default_profile:
      out.profile.source = {"env", "AWS_DEFAULT_PROFILE", 0};
      break;
    case ProfileSource::default_name:
      out.profile.source = {"default", "", 0};
      break;
  }

  explain_credentials(out);

  // The other settings: the profile's keys, variables and flags that are set, and, when asked
  // for by name, settings that have only a default. Catalogue order first, unknown keys after.
  const SettingsCatalogue& catalogue = builtin_catalogue();
  std::vector<std::string> names;
  auto add_name = [&names](std::string name) {
    if (!is_credential_key(name) && std::find(names.begin(), names.end(), name) == names.end())
      names.push_back(std::move(name));
  };
  for (const Section* section : {credentials_profile_, config_profile_}) {
    if (section == nullptr) continue;
    for (const Setting& setting : section->settings) {
      if (setting.sub_properties && !setting.sub_properties->empty()) {
        for (const SubProperty& sub : *setting.sub_properties) add_name(std::string(setting.key) + "." + std::string(sub.key));
      } else {
        add_name(std::string(setting.key));
      }
    }
  }
  for (const SettingSpec& spec : catalogue.all()) {
    if (spec.name.find('*') != std::string::npos) continue;
    bool set = false;
    for (const auto* variables : {&spec.env, &spec.env_fallback})
      for (const std::string& variable : *variables)
        if (variable.find('<') == std::string::npos && env(variable)) set = true;
    if (set && (!is_web_identity_key(spec.name) || !input_.profile.explicit_on_command_line()))
      add_name(spec.name);
  }
  if (profile_ != nullptr) {
    if (const Setting* session = profile_->find("sso_session")) {
      if (const Section* section = merged_.find_sso_session(session->value))
        for (const Setting& setting : section->settings)
          if (const SettingSpec* spec = catalogue.find(setting.key); spec && spec->allowed_in("profile"))
            add_name(std::string(setting.key));
    }
  }
  for (const FlagValue& flag : input_.flags) add_name(flag.setting);
  for (const std::string& wanted : input_.only) add_name(wanted);

  auto rank = [&catalogue](const std::string& name) -> std::size_t {
    const SettingSpec* spec = catalogue.find(name);
    if (spec == nullptr || spec->name.find('*') != std::string::npos) return catalogue.all().size();
    return static_cast<std::size_t>(spec - catalogue.all().data());
  };
  std::stable_sort(names.begin(), names.end(),
                   [&](const std::string& a, const std::string& b) { return rank(a) < rank(b); });

  for (const std::string& name : names) {
    const SettingSpec* spec = catalogue.find(name);
    std::vector<SourcedValue> sources = sources_of(name, spec);
    if (sources.empty()) continue;
    bool asked = std::find(input_.only.begin(), input_.only.end(), name) != input_.only.end();
    if (sources.front().source.type == "default" && !asked) continue;  // only a default: not "set"
    SettingExplanation explanation;
    explanation.name = name;
    explanation.secret = is_secret_key(name) || (spec != nullptr && spec->secret);
    explanation.value = sources.front().value;
    explanation.source = sources.front().source;
    explanation.overridden.assign(sources.begin() + 1, sources.end());
    out.settings.push_back(std::move(explanation));
  }
  if (!input_.only.empty()) {
    std::erase_if(out.settings, [&](const SettingExplanation& s) {
      return std::find(input_.only.begin(), input_.only.end(), s.name) == input_.only.end();
    });
  }
  return out;
}

}  // namespace

Result<Explanation> explain_profile(const ExplainInput& input) {
  return Explainer(input).run();
}

}  // namespace awsprof
