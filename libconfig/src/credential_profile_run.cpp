// read_network_settings, sts_endpoint_for, resolve_profile and test_profile: one profile, from the
// model and the command line to credentials and the caller's identity.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "awsprof/credential_resolver.hpp"
#include "text_util.hpp"

namespace awsprof {
namespace {

using SteadyClock = std::chrono::steady_clock;

/// A setting of the profile, or the environment variable that overrides it (set and not empty).
class SettingReader {
 public:
  SettingReader(const ProfileModel& model, std::string_view profile, const EnvLookup& env)
      : model_(model), section_(model.find_profile(profile)), env_(env) {}

  std::optional<std::string> env(std::string_view name) const {
    if (!env_) return std::nullopt;
    auto value = env_(name);
    return value && !value->empty() ? value : std::nullopt;
  }
  std::optional<std::string> config(std::string_view key) const {
    if (section_ == nullptr) return std::nullopt;
    const Setting* s = section_->find(key);
    return s != nullptr && !s->value.empty() ? std::optional<std::string>(s->value) : std::nullopt;
  }
  /// The environment variable, else the config key; with the name of the one that was used.
  std::optional<std::pair<std::string, std::string>> get(std::string_view variable,
                                                         std::string_view key) const {
    if (auto v = env(variable)) return std::pair{*v, std::string(variable)};
    if (auto v = config(key)) return std::pair{*v, std::string(key)};
    return std::nullopt;
  }
  bool flag(std::string_view variable, std::string_view key) const {
    auto v = get(variable, key);
    return v && detail::iequals(detail::trim_blanks(v->first), "true");
  }
  /// [services NAME] SERVICE = endpoint_url = ..., for the profile's `services`.
  std::optional<std::string> services_endpoint(std::string_view service) const {
    auto name = config("services");
    if (!name) return std::nullopt;
    const Section* services = model_.find_services(*name);
    const Setting* block = services != nullptr ? services->find(service) : nullptr;
    const SubProperty* url = block != nullptr ? block->find_sub("endpoint_url") : nullptr;
    return url != nullptr && !url->value.empty() ? std::optional<std::string>(url->value) : std::nullopt;
  }

 private:
  const ProfileModel& model_;
  const Section* section_;
  const EnvLookup& env_;
};

Result<double> parse_number(const std::pair<std::string, std::string>& value, bool integer) {
  std::string text(detail::trim_blanks(value.first));
  char* end = nullptr;
  double number = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(number) || number < 0 ||
      (integer && number != std::floor(number)))
    return Result<double>::error(value.second + " \"" + value.first + "\" is not " +
                                 (integer ? "a whole number" : "a number"));
  return number;
}

}  // namespace

Result<NetworkSettings> read_network_settings(const ProfileModel& model, std::string_view profile,
                                              const EnvLookup& env, const NetworkOverrides& overrides) {
  using R = Result<NetworkSettings>;
  SettingReader read(model, profile, env);
  NetworkSettings out;
  StsEndpointInputs& sts = out.sts;
  sts.region = overrides.region;
  if (sts.region.empty())
    sts.region = read.env("AWS_REGION")
                     .value_or(read.env("AWS_DEFAULT_REGION").value_or(read.config("region").value_or("")));
  sts.endpoint_url = overrides.endpoint_url;
  sts.ignore_configured_endpoint_urls =
      read.flag("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "ignore_configured_endpoint_urls");
  sts.env_service_endpoint_url = read.env("AWS_ENDPOINT_URL_STS").value_or("");
  sts.env_endpoint_url = read.env("AWS_ENDPOINT_URL").value_or("");
  sts.config_service_endpoint_url = read.services_endpoint("sts").value_or("");
  sts.config_endpoint_url = read.config("endpoint_url").value_or("");
  if (auto v = read.get("AWS_STS_REGIONAL_ENDPOINTS", "sts_regional_endpoints")) {
    auto mode = parse_sts_regional_endpoints(detail::trim_blanks(v->first));
    if (!mode) return R::error(v->second + ": " + mode.message());
    sts.regional_endpoints = *mode;
  }
  sts.use_fips_endpoint = read.flag("AWS_USE_FIPS_ENDPOINT", "use_fips_endpoint");
  sts.use_dualstack_endpoint = read.flag("AWS_USE_DUALSTACK_ENDPOINT", "use_dualstack_endpoint");

  if (auto v = read.get("AWS_RETRY_MODE", "retry_mode")) {
    auto mode = parse_retry_mode(detail::trim_blanks(v->first));
    if (!mode) return R::error(v->second + ": " + mode.message());
    out.retry.mode = *mode;
  }
  if (auto v = read.get("AWS_MAX_ATTEMPTS", "max_attempts")) {
    auto n = parse_number(*v, true);
    if (!n) return R::error(n.message());
    out.retry.max_attempts = static_cast<int>(std::min(*n, 100.0));
  }

  out.http.verify_tls = overrides.verify_tls;
  out.http.ca_bundle = overrides.ca_bundle;
  if (out.http.ca_bundle.empty())
    if (auto v = read.get("AWS_CA_BUNDLE", "ca_bundle")) out.http.ca_bundle = expand_home(v->first, env);
  if (overrides.connect_timeout) out.http.connect_timeout = *overrides.connect_timeout;
  if (overrides.read_timeout) out.http.read_timeout = *overrides.read_timeout;

  if (auto v = read.get("AWS_METADATA_SERVICE_TIMEOUT", "metadata_service_timeout")) {
    auto n = parse_number(*v, false);
    if (!n) return R::error(n.message());
    out.metadata_timeout = std::chrono::milliseconds(static_cast<long long>(std::min(*n, 3600.0) * 1000));
  }
  if (auto v = read.get("AWS_METADATA_SERVICE_NUM_ATTEMPTS", "metadata_service_num_attempts")) {
    auto n = parse_number(*v, true);
    if (!n) return R::error(n.message());
    out.metadata_attempts = std::max(1, static_cast<int>(std::min(*n, 100.0)));
  }
  out.imds_v1_disabled = read.flag("AWS_EC2_METADATA_V1_DISABLED", "ec2_metadata_v1_disabled");
  if (!sts.ignore_configured_endpoint_urls) {
    // botocore's order for a service: AWS_ENDPOINT_URL_<ID>, AWS_ENDPOINT_URL, the [services]
    // entry, the profile's endpoint_url.
    auto configured = [&read](std::string_view variable, std::string_view service) {
      return read.env(variable).value_or(
          read.env("AWS_ENDPOINT_URL")
              .value_or(read.services_endpoint(service).value_or(read.config("endpoint_url").value_or(""))));
    };
    out.sso_endpoint_url = configured("AWS_ENDPOINT_URL_SSO", "sso");
    out.sso_oidc_endpoint_url = configured("AWS_ENDPOINT_URL_SSO_OIDC", "sso_oidc");
    out.signin_endpoint_url = configured("AWS_ENDPOINT_URL_SIGNIN", "signin");
  }
  return out;
}

Result<StsEndpoint> sts_endpoint_for(const NetworkSettings& settings) {
  StsEndpointInputs inputs = settings.sts;
  if (inputs.region.empty()) {
    const bool configured =
        !inputs.endpoint_url.empty() ||
        (!inputs.ignore_configured_endpoint_urls &&
         (!inputs.env_service_endpoint_url.empty() || !inputs.env_endpoint_url.empty() ||
          !inputs.config_service_endpoint_url.empty() || !inputs.config_endpoint_url.empty()));
    inputs.region = configured ? "us-east-1" : "aws-global";
  }
  return resolve_sts_endpoint(inputs);
}

namespace {

/// What resolve_profile set up, kept for test_profile's GetCallerIdentity.
struct ProfileRun {
  ProfileCredentials result;
  NetworkSettings settings;
  std::unique_ptr<HttpClient> client;
  HttpTransport* transport = nullptr;
  std::optional<SteadyClock::time_point> deadline;
};

CredentialError plan_error(const std::string& message) {
  if (message.rfind("unable to locate credentials", 0) == 0)
    return CredentialError{"NoCredentials", message,
                           "configure keys, a role, SSO or credential_process for this profile "
                           "(awsprof list shows what each profile has)"};
  return CredentialError{"ConfigError", message, "awsprof validate points at the problem in the files"};
}

ProfileRun run_profile(const ProfileModel& model, const SelectedProfile& profile,
                       const ProfileRunOptions& options) {
  ProfileRun run;
  run.result.profile = profile.name;
  if (options.timeout) run.deadline = SteadyClock::now() + *options.timeout;
  Result<CredentialPlan> plan = plan_credentials(model, profile, options.env);
  if (!plan) {
    run.result.error = plan_error(plan.message());
    return run;
  }
  for (const CredentialStep& step : plan->steps) run.result.chain.push_back(chain_label(step));
  Result<NetworkSettings> settings =
      read_network_settings(model, profile.name, options.env, options.overrides);
  if (!settings) {
    run.result.error =
        CredentialError{"ConfigError", "profile \"" + profile.name + "\": " + settings.message(), ""};
    return run;
  }
  run.settings = std::move(*settings);
  Result<StsEndpoint> endpoint = sts_endpoint_for(run.settings);
  if (!endpoint) {
    run.result.error =
        CredentialError{"ConfigError", "profile \"" + profile.name + "\": " + endpoint.message(),
                        "set a region (--region, AWS_REGION or region) or an endpoint_url"};
    return run;
  }
  run.result.endpoint = *endpoint;
  if (options.log)
    options.log(profile.name + ": STS endpoint " + endpoint->url + " (from " + endpoint->source +
                ", signed for " + endpoint->signing_region + ")");
  run.transport = options.transport;
  if (run.transport == nullptr) {
    run.client = std::make_unique<HttpClient>(run.settings.http);
    run.transport = run.client.get();
  }
  ResolverContext context;
  context.fs = options.fs;
  context.env = options.env;
  context.transport = run.transport;
  context.metadata_transport = options.metadata_transport;
  context.settings = run.settings;
  context.sts_endpoint = *endpoint;
  context.mfa_code = options.mfa_code;
  context.mfa_sessions = options.mfa_sessions;
  context.sso_tokens = options.sso_tokens;
  context.process.stderr_mode = options.process_stderr;
  context.deadline = run.deadline;
  context.log = options.log;
  CredentialResolution resolution = resolve_credentials(*plan, context);
  if (run.deadline) *run.deadline += resolution.waited_for_input;
  run.result.credentials = std::move(resolution.credentials);
  run.result.error = std::move(resolution.error);
  return run;
}

/// A failure after the deadline is reported as a timeout.
void mark_timeout(CredentialError& error, const std::optional<SteadyClock::time_point>& deadline,
                  const std::optional<std::chrono::milliseconds>& timeout) {
  if (!deadline || !timeout || SteadyClock::now() < *deadline || error.code == "Timeout") return;
  if (error.code != "TransportError" && error.code != "ProcessError" && error.code != "MetadataError" &&
      error.code != "ContainerError")
    return;
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%.1f", static_cast<double>(timeout->count()) / 1000.0);
  error.message = "timed out after " + std::string(seconds) + " s: " + error.message;
  error.code = "Timeout";
  error.hint = "raise --timeout, or check the endpoint and the network";
}

}  // namespace

MfaSessions::MfaSessions(std::set<std::string> devices) : devices_(std::move(devices)) {}

Result<Credentials> MfaSessions::session(const std::string& device, const std::string& access_key_id,
                                         const std::function<Result<Credentials>()>& open) {
  Entry* entry = nullptr;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto& slot = entries_[{device, access_key_id}];
    if (!slot) slot = std::make_unique<Entry>();
    entry = slot.get();
  }
  std::lock_guard<std::mutex> opening(entry->opening);
  if (entry->credentials) return *entry->credentials;
  Result<Credentials> opened = open();
  if (opened) entry->credentials = *opened;
  return opened;
}

std::set<std::string> devices_named_twice(const ProfileModel& model,
                                          std::span<const SelectedProfile> profiles, const EnvLookup& env) {
  std::map<std::string, int> named;
  for (const SelectedProfile& profile : profiles) {
    Result<CredentialPlan> plan = plan_credentials(model, profile, env);
    if (!plan) continue;
    // Only a role assumed with long-term keys can use a session: STS refuses GetSessionToken with
    // temporary ones (a later hop of a chain, session keys in the files).
    for (std::size_t i = 1; i < plan->steps.size(); ++i) {
      const auto* role = std::get_if<AssumeRoleStep>(&plan->steps[i]);
      const auto* keys = std::get_if<StaticKeysStep>(&plan->steps[i - 1]);
      if (role && role->mfa_serial && !role->mfa_serial->empty() && keys &&
          keys->credentials.session_token.empty())
        ++named[*role->mfa_serial];
    }
  }
  std::set<std::string> out;
  for (const auto& [device, count] : named)
    if (count > 1) out.insert(device);
  return out;
}

ProfileCredentials resolve_profile(const ProfileModel& model, const SelectedProfile& profile,
                                   const ProfileRunOptions& options) {
  ProfileRun run = run_profile(model, profile, options);
  if (run.result.error) mark_timeout(*run.result.error, run.deadline, options.timeout);
  return std::move(run.result);
}

ProfileTest test_profile(const ProfileModel& model, const SelectedProfile& profile,
                         const ProfileRunOptions& options) {
  const auto start = SteadyClock::now();
  ProfileRun run = run_profile(model, profile, options);
  ProfileTest out;
  out.profile = profile.name;
  out.chain = run.result.chain;
  if (run.result.error) {
    out.error = std::move(run.result.error);
  } else if (run.deadline && SteadyClock::now() >= *run.deadline) {
    out.error = CredentialError{
        "Timeout", "profile \"" + profile.name + "\": timed out before GetCallerIdentity", "raise --timeout"};
  } else {
    StsClientOptions sts;
    sts.endpoint = *run.result.endpoint;
    sts.retry = run.settings.retry;
    sts.deadline = run.deadline;
    StsClient client(*run.transport, std::move(sts));
    StsResult<CallerIdentity> identity = client.get_caller_identity(run.result.credentials->credentials);
    if (options.log)
      options.log(profile.name + ": GetCallerIdentity at " + run.result.endpoint->url + " -> " +
                  (identity ? "ok" : identity.error().to_string()));
    if (identity) {
      out.identity = std::move(identity.value());
    } else {
      out.error = credential_error_from_sts(identity.error());
    }
  }
  if (out.error) mark_timeout(*out.error, run.deadline, options.timeout);
  out.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - start);
  return out;
}

}  // namespace awsprof
