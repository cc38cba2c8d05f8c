// resolve_credentials: the network half of botocore's credential providers (AssumeRoleProvider,
// AssumeRoleWithWebIdentityProvider, SSOProvider, ContainerProvider, InstanceMetadataProvider),
// after resolve_offline has done what needs no network.
#include "awsprof/credentials/credential_resolver.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <thread>
#include <type_traits>

#include "awsprof/credentials/credential_cache.hpp"
#include "awsprof/credentials/login_session.hpp"
#include "credential_error.hpp"
#include "text_util.hpp"

namespace awsprof {
namespace {

using SysClock = std::chrono::system_clock;
using SteadyClock = std::chrono::steady_clock;

using detail::in_quotes;
using detail::make_error;

/// The error resolve_offline gave, with a code guessed from the step it stopped at.
CredentialError offline_error(const CredentialPlan& plan, const std::string& message) {
  if (message.find("sso login") != std::string::npos)
    return make_error("SsoLoginRequired", message, "run `aws sso login --profile " + plan.profile + "`");
  if (message.find("'aws login'") != std::string::npos)
    return make_error("LoginRequired", message, "run `aws login`");
  if (message.find("web identity token file") != std::string::npos)
    return make_error("WebIdentityTokenError", message,
                      "check web_identity_token_file / AWS_WEB_IDENTITY_TOKEN_FILE");
  if (message.find("cache") != std::string::npos && message.find(".json") != std::string::npos)
    return make_error("CacheError", message, "remove the damaged cache file; the CLI rewrites it");
  if (!plan.steps.empty() && std::holds_alternative<ProcessStep>(plan.steps.front()))
    return make_error("ProcessError", message, "run the credential_process command by hand to see its error");
  if (message.find("expired") != std::string::npos)
    return make_error("ExpiredToken", message, "refresh the credentials, or unset the expired ones");
  return make_error("ConfigError", message);
}

/// AccessKeyId, SecretAccessKey, Token, Expiration: the container and IMDS JSON.
Result<ResolvedCredentials> parse_metadata_credentials(std::string_view body, std::string source) {
  using R = Result<ResolvedCredentials>;
  nlohmann::json doc = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object()) return R::error(source + " did not answer with a JSON object");
  auto text = [&doc](const char* key) -> std::string {
    auto it = doc.find(key);
    return it != doc.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  if (doc.contains("Code") && text("Code") != "Success")
    return R::error(source + " answered Code \"" + text("Code") + "\"");
  ResolvedCredentials out;
  out.credentials.access_key_id = text("AccessKeyId");
  out.credentials.secret_access_key = text("SecretAccessKey");
  out.credentials.session_token = text("Token");
  if (out.credentials.access_key_id.empty() || out.credentials.secret_access_key.empty())
    return R::error(source + " answered without AccessKeyId or SecretAccessKey");
  if (std::string expiration = text("Expiration"); !expiration.empty()) {
    out.expiration = parse_expiration_time(expiration);
    if (!out.expiration) return R::error(source + " answered an Expiration that is not a time");
  }
  out.account_id = text("AccountId");
  out.source = std::move(source);
  return out;
}

/// botocore ContainerMetadataFetcher._check_if_whitelisted_host (and the EKS pod identity hosts).
bool container_host_allowed(const Url& url) {
  if (url.scheme == "https") return true;
  const std::string& h = url.host;
  if (h == "169.254.170.2" || h == "169.254.170.23" || h == "[fd00:ec2::23]" || h == "localhost" ||
      h == "[::1]")
    return true;
  return h.rfind("127.", 0) == 0 &&
         std::all_of(h.begin(), h.end(), [](char c) { return c == '.' || (c >= '0' && c <= '9'); });
}

class Resolver {
 public:
  Resolver(const CredentialPlan& plan, const ResolverContext& context)
      : plan_(plan),
        ctx_(context),
        cache_use_{!context.sts_endpoint.configured(),
                   context.sso_endpoint.empty() && context.settings.sso_endpoint_url.empty()},
        deadline_(context.deadline) {}

  CredentialResolution run();

 private:
  CredentialResolution resolve();
  SysClock::time_point now() const { return ctx_.now ? ctx_.now() : SysClock::now(); }
  void log(const std::string& line) const {
    if (ctx_.log) ctx_.log(line);
  }
  bool past_deadline() const { return deadline_ && SteadyClock::now() >= *deadline_; }
  std::chrono::milliseconds time_left(std::chrono::milliseconds at_most) const {
    if (!deadline_) return at_most;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*deadline_ - SteadyClock::now());
    return std::clamp(left, std::chrono::milliseconds(0), at_most);
  }
  /// Time spent waiting for a person (at the MFA prompt) is not the network's: the deadline moves.
  void waited_for_input(SteadyClock::duration waited) {
    const auto ms = std::chrono::ceil<std::chrono::milliseconds>(waited);
    waited_ += ms;
    if (deadline_) *deadline_ += ms;
  }
  std::optional<CredentialError> check_deadline(std::string_view what) const {
    if (!past_deadline()) return std::nullopt;
    return make_error("Timeout",
                      "profile " + in_quotes(plan_.profile) + ": timed out before " + std::string(what),
                      "raise --timeout, or check why earlier steps were slow (--debug)");
  }
  void sleep_for(std::chrono::milliseconds wait) const {
    wait = time_left(wait);
    if (ctx_.sleep)
      ctx_.sleep(wait);
    else
      std::this_thread::sleep_for(wait);
  }

  StsClient sts_client() const;
  HttpTransport& metadata_transport(std::chrono::milliseconds timeout);
  /// Sends with up to `attempts` tries on a transport error or a 5xx.
  Result<HttpResponse> send(HttpTransport& transport, const std::string& origin, const HttpRequest& request,
                            int attempts, std::chrono::milliseconds pause);

  using Step = std::variant<ResolvedCredentials, CredentialError>;
  Step run_step(std::size_t index, const std::optional<ResolvedCredentials>& source);
  Step assume_role(const AssumeRoleStep& step, const ResolvedCredentials& source);
  /// Asks for the code of the step's mfa_serial; the time spent asking moves the deadline.
  std::variant<std::string, CredentialError> mfa_code(const AssumeRoleStep& step);
  /// The run's MFA session for the step's device and these long-term keys (MfaSessions).
  std::variant<Credentials, CredentialError> mfa_session(const AssumeRoleStep& step,
                                                         const Credentials& long_term);
  Step web_identity(const WebIdentityStep& step);
  Step sso(const SsoStep& step);
  Step login_session(const LoginStep& step);
  SsoClientOptions sso_client_options(Url endpoint) const;
  Step container(const ContainerStep& step);
  Step imds(const ImdsStep& step, const std::string& profile);

  std::optional<ResolvedCredentials> from_cache(const CredentialStep& step) const;
  void write_cache(const CredentialStep& step, const ResolvedCredentials& credentials) const;
  Step finish_sts_call(const CredentialStep& step, const std::string& profile,
                       StsResult<AssumedRoleCredentials> got, std::string source);

  const CredentialPlan& plan_;
  const ResolverContext& ctx_;
  const SharedCacheUse cache_use_;
  /// ctx_.deadline, moved later by the time spent at a prompt.
  std::optional<SteadyClock::time_point> deadline_;
  std::chrono::milliseconds waited_{0};
  std::unique_ptr<HttpClient> own_metadata_client_;
};

CredentialResolution Resolver::run() {
  CredentialResolution out = resolve();
  out.waited_for_input = waited_;
  return out;
}

CredentialResolution Resolver::resolve() {
  CredentialResolution out;
  for (const CredentialStep& step : plan_.steps) out.chain.push_back(chain_label(step));
  if (ctx_.fs == nullptr) {
    out.error = make_error("ConfigError", "resolve_credentials needs a file system");
    return out;
  }
  OfflineContext offline;
  offline.fs = ctx_.fs;
  offline.env = ctx_.env;
  offline.now = now();
  offline.process = ctx_.process;
  offline.cache_use = cache_use_;
  if (deadline_)
    offline.process.timeout = std::max(time_left(offline.process.timeout), std::chrono::milliseconds(1));
  offline.run_process = ctx_.run_process;
  Result<OfflineResolution> got = resolve_offline(plan_, offline);
  if (!got) {
    out.error = offline_error(plan_, got.message());
    return out;
  }
  if (got->credentials) {
    log(plan_.profile + ": credentials from the " + got->credentials->source);
    out.credentials = std::move(got->credentials);
    return out;
  }
  std::optional<ResolvedCredentials> current = std::move(got->source_credentials);
  if (current) log(plan_.profile + ": source credentials from the " + current->source);
  for (std::size_t i = got->network_step; i < plan_.steps.size(); ++i) {
    Step step = run_step(i, current);
    if (auto* error = std::get_if<CredentialError>(&step)) {
      out.error = std::move(*error);
      return out;
    }
    current = std::move(std::get<ResolvedCredentials>(step));
  }
  out.credentials = std::move(current);
  return out;
}

StsClient Resolver::sts_client() const {
  StsClientOptions options;
  options.endpoint = ctx_.sts_endpoint;
  options.retry = ctx_.settings.retry;
  options.sleep = [this](std::chrono::milliseconds wait) { sleep_for(wait); };
  options.random = ctx_.random;
  options.now = ctx_.now;
  options.deadline = deadline_;
  return StsClient(*ctx_.transport, std::move(options));
}

HttpTransport& Resolver::metadata_transport(std::chrono::milliseconds timeout) {
  if (ctx_.metadata_transport != nullptr) return *ctx_.metadata_transport;
  if (!own_metadata_client_) {
    HttpClientOptions options = ctx_.settings.http;
    options.connect_timeout = timeout;
    options.read_timeout = timeout;
    own_metadata_client_ = std::make_unique<HttpClient>(options);
  }
  return *own_metadata_client_;
}

Result<HttpResponse> Resolver::send(HttpTransport& transport, const std::string& origin,
                                    const HttpRequest& request, int attempts,
                                    std::chrono::milliseconds pause) {
  Result<HttpResponse> response = Result<HttpResponse>::error("no attempt was made");
  HttpRequest stamped = request;
  stamped.deadline = deadline_;
  for (int attempt = 1; attempt <= std::max(1, attempts); ++attempt) {
    if (attempt > 1) {
      if (deadline_ && SteadyClock::now() + pause >= *deadline_) break;  // the pause would use it all
      sleep_for(pause);
    }
    response = transport.send(origin, stamped);
    log(plan_.profile + ": " + request.method + " " + origin +
        request.path.substr(0, request.path.find('?')) + " -> " +
        (response ? "HTTP " + std::to_string(response->status) : response.message()));
    if (response && response->status < 500) break;
  }
  return response;
}

std::optional<ResolvedCredentials> Resolver::from_cache(const CredentialStep& step) const {
  std::optional<std::string> key = shared_cache_key(step, cache_use_);
  if (!key) return std::nullopt;
  const std::string dir = cli_cache_directory(ctx_.env);
  auto cached = read_cached_credentials(*ctx_.fs, dir, *key, now());
  if (!cached || !*cached) return std::nullopt;  // a damaged entry is simply replaced
  return ResolvedCredentials{(*cached)->credentials, (*cached)->expiration, "",
                             "cache " + dir + "/" + *key + ".json"};
}

void Resolver::write_cache(const CredentialStep& step, const ResolvedCredentials& credentials) const {
  if (!ctx_.write_cache || !credentials.expiration) return;
  std::optional<std::string> key = shared_cache_key(step, cache_use_);
  if (!key) {
    if (cache_key(step))
      log(plan_.profile + ": " + chain_label(step) +
          " not cached: its endpoint is configured, and the AWS CLI would take the credentials for the "
          "real ones");
    return;
  }
  const std::string dir = cli_cache_directory(ctx_.env);
  CachedCredentials entry{credentials.credentials, *credentials.expiration};
  if (std::holds_alternative<SsoStep>(step)) {
    entry.provider_type = "sso";  // what `aws sso logout` removes
    entry.account_id = credentials.account_id;
  }
  Status s = write_cached_credentials(*ctx_.fs, dir, *key, entry);
  log(plan_.profile + ": " + (s ? "cached in " + dir + "/" + *key + ".json" : "not cached: " + s.message()));
}

Resolver::Step Resolver::run_step(std::size_t index, const std::optional<ResolvedCredentials>& source) {
  const CredentialStep& step = plan_.steps[index];
  if (index > 0 && ctx_.transport != nullptr) {
    // resolve_offline stops at a network base before looking at the cache for the roles after it.
    if (auto cached = from_cache(step)) {
      log(plan_.profile + ": " + chain_label(step) + " from the " + cached->source);
      return *cached;
    }
  }
  if (auto error = check_deadline(chain_label(step))) return *error;
  if (auto* role = std::get_if<AssumeRoleStep>(&step)) {
    if (!source)
      return make_error("ConfigError", "profile " + in_quotes(role->profile) +
                                           ": no source credentials for " + role->role_arn);
    return assume_role(*role, *source);
  }
  if (auto* web = std::get_if<WebIdentityStep>(&step)) return web_identity(*web);
  if (auto* sso_step = std::get_if<SsoStep>(&step)) return sso(*sso_step);
  if (auto* login = std::get_if<LoginStep>(&step)) return login_session(*login);
  if (auto* c = std::get_if<ContainerStep>(&step)) return container(*c);
  if (auto* i = std::get_if<ImdsStep>(&step)) return imds(*i, plan_.profile);
  if (auto* named = std::get_if<NamedSourceStep>(&step)) {
    if (named->container) return container(*named->container);
    if (named->imds) return imds(*named->imds, named->profile);
  }
  return make_error("ConfigError", "profile " + in_quotes(plan_.profile) + ": step " + chain_label(step) +
                                       " cannot be resolved here");
}

Resolver::Step Resolver::assume_role(const AssumeRoleStep& step, const ResolvedCredentials& source) {
  if (ctx_.transport == nullptr) return make_error("ConfigError", "no HTTP transport for STS");
  AssumeRoleRequest request;
  request.role_arn = step.role_arn;
  request.role_session_name = step.role_session_name && !step.role_session_name->empty()
                                  ? *step.role_session_name
                                  : generated_session_name(now());
  if (step.external_id) request.external_id = *step.external_id;
  if (step.duration_seconds)
    request.duration_seconds = static_cast<int>(std::clamp<long long>(*step.duration_seconds, 0, 1'000'000));
  const Credentials* signer = &source.credentials;
  Credentials session;
  if (step.mfa_serial && !step.mfa_serial->empty()) {
    const std::string& device = *step.mfa_serial;
    if (ctx_.mfa_sessions != nullptr && ctx_.mfa_sessions->covers(device) &&
        source.credentials.session_token.empty()) {
      std::variant<Credentials, CredentialError> opened = mfa_session(step, source.credentials);
      if (auto* error = std::get_if<CredentialError>(&opened)) return *error;
      session = std::move(std::get<Credentials>(opened));
      signer = &session;
    } else {
      std::variant<std::string, CredentialError> code = mfa_code(step);
      if (auto* error = std::get_if<CredentialError>(&code)) return *error;
      request.serial_number = device;
      request.token_code = std::move(std::get<std::string>(code));
    }
  }
  log(plan_.profile + ": AssumeRole " + step.role_arn + " session " + request.role_session_name + " at " +
      ctx_.sts_endpoint.url + (signer == &session ? " with the MFA session of " + *step.mfa_serial : ""));
  StsClient client = sts_client();
  return finish_sts_call(step, step.profile, client.assume_role(*signer, request),
                         "sts:AssumeRole " + step.role_arn);
}

std::variant<std::string, CredentialError> Resolver::mfa_code(const AssumeRoleStep& step) {
  const std::string where = "profile " + in_quotes(step.profile) + " assumes " + step.role_arn +
                            " with MFA (mfa_serial = " + *step.mfa_serial + ")";
  const std::string hint = "run on a terminal to be prompted, or pass --mfa-code";
  if (!ctx_.mfa_code) return make_error("MfaRequired", where + " but no MFA code can be asked for", hint);
  const auto asked = SteadyClock::now();
  Result<std::string> code = ctx_.mfa_code(MfaRequest{step.profile, *step.mfa_serial});
  waited_for_input(SteadyClock::now() - asked);
  if (!code) return make_error("MfaRequired", where + ": " + code.message(), hint);
  return *code;
}

std::variant<Credentials, CredentialError> Resolver::mfa_session(const AssumeRoleStep& step,
                                                                 const Credentials& long_term) {
  const auto started = SteadyClock::now();
  bool opened_here = false;
  std::optional<CredentialError> failure;
  Result<Credentials> session =
      ctx_.mfa_sessions->session(*step.mfa_serial, long_term.access_key_id, [&]() -> Result<Credentials> {
        opened_here = true;
        waited_for_input(SteadyClock::now() - started);  // queued behind another profile's prompt
        std::variant<std::string, CredentialError> code = mfa_code(step);
        if (auto* error = std::get_if<CredentialError>(&code)) {
          failure = *error;
          return Result<Credentials>::error(error->message);
        }
        GetSessionTokenRequest request;
        request.duration_seconds = 900;  // the shortest: it serves this run only
        request.serial_number = *step.mfa_serial;
        request.token_code = std::get<std::string>(code);
        log(plan_.profile + ": GetSessionToken for MFA device " + *step.mfa_serial + " at " +
            ctx_.sts_endpoint.url + " (one code for every role of this device in this run)");
        StsResult<AssumedRoleCredentials> got = sts_client().get_session_token(long_term, request);
        if (!got) {
          failure = credential_error_from_sts(got.error());
          failure->message = "profile " + in_quotes(step.profile) + ": " + failure->message;
          return Result<Credentials>::error(failure->message);
        }
        return got->credentials;
      });
  if (!opened_here) waited_for_input(SteadyClock::now() - started);  // another profile asked
  if (!session) return failure ? *failure : make_error("MfaRequired", session.message());
  return *session;
}

// Both role calls end alike: credentials into the CLI cache, or the STS error naming the profile.
Resolver::Step Resolver::finish_sts_call(const CredentialStep& step, const std::string& profile,
                                         StsResult<AssumedRoleCredentials> got, std::string source) {
  if (!got) {
    CredentialError error = credential_error_from_sts(got.error());
    if (!profile.empty()) error.message = "profile " + in_quotes(profile) + ": " + error.message;
    return error;
  }
  ResolvedCredentials out;
  out.credentials = got->credentials;
  out.expiration = parse_expiration_time(got->expiration);
  out.source = std::move(source);
  write_cache(step, out);
  return out;
}

Resolver::Step Resolver::web_identity(const WebIdentityStep& step) {
  if (ctx_.transport == nullptr) return make_error("ConfigError", "no HTTP transport for STS");
  Result<FileContent> token = ctx_.fs->read_file(step.web_identity_token_file);
  if (!token) return make_error("WebIdentityTokenError", token.message());
  if (!token->exists || token->bytes.empty())
    return make_error("WebIdentityTokenError",
                      "the web identity token file " + step.web_identity_token_file +
                          (token->exists ? " is empty" : " does not exist"),
                      "check web_identity_token_file / AWS_WEB_IDENTITY_TOKEN_FILE");
  AssumeRoleWithWebIdentityRequest request;
  request.role_arn = step.role_arn;
  request.role_session_name = step.role_session_name && !step.role_session_name->empty()
                                  ? *step.role_session_name
                                  : generated_session_name(now());
  request.web_identity_token = std::move(token->bytes);
  log(plan_.profile + ": AssumeRoleWithWebIdentity " + step.role_arn + " session " +
      request.role_session_name + " at " + ctx_.sts_endpoint.url);
  StsClient client = sts_client();
  return finish_sts_call(step, step.profile, client.assume_role_with_web_identity(request),
                         "sts:AssumeRoleWithWebIdentity " + step.role_arn);
}

SsoClientOptions Resolver::sso_client_options(Url endpoint) const {
  SsoClientOptions options;
  options.endpoint = std::move(endpoint);
  options.retry = ctx_.settings.retry;
  options.sleep = [this](std::chrono::milliseconds wait) { sleep_for(wait); };
  options.random = ctx_.random;
  options.deadline = deadline_;
  options.log = [this](std::string_view line) { log(plan_.profile + ": " + std::string(line)); };
  return options;
}

Resolver::Step Resolver::sso(const SsoStep& step) {
  const std::string login = "run `aws sso login --profile " + step.profile + "`";
  if (ctx_.transport == nullptr) return make_error("ConfigError", "no HTTP transport for the SSO portal");
  const bool fips = ctx_.settings.sts.use_fips_endpoint, dual = ctx_.settings.sts.use_dualstack_endpoint;
  const std::string portal_url = !ctx_.sso_endpoint.empty() ? ctx_.sso_endpoint : ctx_.settings.sso_endpoint_url;
  Result<Url> portal_endpoint = sso_endpoint(SsoService::portal, step.sso_region, portal_url, fips, dual);
  if (!portal_endpoint) return make_error("ConfigError", "profile " + in_quotes(step.profile) + ": " + portal_endpoint.message());
  Result<Url> oidc_endpoint =
      sso_endpoint(SsoService::oidc, step.sso_region, ctx_.settings.sso_oidc_endpoint_url, fips, dual);
  if (!oidc_endpoint) return make_error("ConfigError", "profile " + in_quotes(step.profile) + ": " + oidc_endpoint.message());

  SsoTokenContext token_context;
  token_context.fs = ctx_.fs;
  token_context.env = ctx_.env;
  token_context.now = ctx_.now;
  token_context.transport = ctx_.transport;
  token_context.oidc = sso_client_options(std::move(*oidc_endpoint));
  token_context.login_command = "aws sso login --profile " + step.profile;
  token_context.log = [this](std::string_view line) { log(plan_.profile + ": " + std::string(line)); };
  SsoTokenProvider own_tokens;
  SsoTokenProvider& tokens = ctx_.sso_tokens != nullptr ? *ctx_.sso_tokens : own_tokens;
  auto token = tokens.access_token(sso_session_of(step), token_context);
  if (!token) return token.error();

  SsoPortalClient portal(*ctx_.transport, sso_client_options(*portal_endpoint));
  SsoResult<RoleCredentials> got =
      portal.get_role_credentials(token->access_token, step.sso_account_id, step.sso_role_name);
  if (!got) {
    const SsoApiError& error = got.error();
    if (error.kind == SsoErrorKind::transport)
      return make_error(error.out_of_time ? "Timeout" : "TransportError",
                        "sso:GetRoleCredentials at " + portal_endpoint->origin() + " failed: " + error.message,
                        "check the network and sso_region");
    if (error.kind == SsoErrorKind::bad_response) return make_error("BadResponse", error.to_string());
    std::string code = error.code.empty() ? "HTTP" + std::to_string(error.http_status) : error.code;
    std::string message = "sso:GetRoleCredentials for profile " + in_quotes(step.profile) + " failed: " + code +
                          " (HTTP " + std::to_string(error.http_status) + ")";
    if (error.http_status == 401)
      return make_error("SsoLoginRequired", message + ": the SSO token is no longer valid", login);
    if (error.http_status == 403)
      return make_error(
          code, message + ": no access to role " + step.sso_role_name + " in account " + step.sso_account_id,
          "check sso_account_id and sso_role_name, and the permission set assignment");
    return make_error(code, message + (error.message.empty() ? "" : ": " + error.message));
  }
  ResolvedCredentials out;
  out.credentials = got->credentials;
  out.expiration = got->expiration;
  out.account_id = step.sso_account_id;
  out.source = "sso:GetRoleCredentials " + step.sso_account_id + "/" + step.sso_role_name;
  write_cache(step, out);
  return out;
}

Resolver::Step Resolver::login_session(const LoginStep& step) {
  Result<Url> endpoint = signin_endpoint(ctx_.settings.sts.region, ctx_.settings.signin_endpoint_url,
                                         ctx_.settings.sts.use_fips_endpoint, ctx_.settings.sts.use_dualstack_endpoint);
  if (!endpoint) return make_error("ConfigError", "profile " + in_quotes(step.profile) + ": " + endpoint.message());
  LoginSessionContext context;
  context.fs = ctx_.fs;
  context.env = ctx_.env;
  context.now = ctx_.now;
  context.transport = ctx_.transport;
  context.endpoint = std::move(*endpoint);
  context.retry = ctx_.settings.retry;
  context.sleep = [this](std::chrono::milliseconds wait) { sleep_for(wait); };
  context.random = ctx_.random;
  context.deadline = deadline_;
  context.log = [this](std::string_view line) { log(std::string(line)); };
  auto got = login_session_credentials(step, context);
  if (!got) return got.error();
  return std::move(*got);
}

Resolver::Step Resolver::container(const ContainerStep& step) {
  Result<Url> url = parse_url(step.uri);
  if (!url) return make_error("ContainerError", step.uri_variable + " is not a valid URL: " + url.message());
  if (step.uri_variable == "AWS_CONTAINER_CREDENTIALS_FULL_URI" && !container_host_allowed(*url))
    return make_error("ContainerError",
                      "AWS_CONTAINER_CREDENTIALS_FULL_URI host " + url->host +
                          " is not allowed over http: use https, a loopback address, or 169.254.170.2 / "
                          "169.254.170.23 / fd00:ec2::23",
                      "as in botocore, plain http is allowed only to the container agent or loopback");
  HttpRequest request;
  request.method = "GET";
  request.path = (url->path.empty() ? "/" : url->path) + (url->query.empty() ? "" : "?" + url->query);
  request.headers = {{"Accept", "application/json"}};
  std::string authorization;
  if (!step.authorization_token_file.empty()) {
    Result<FileContent> token = ctx_.fs->read_file(step.authorization_token_file);
    if (!token || !token->exists)
      return make_error("ContainerError", token ? "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE " +
                                                      step.authorization_token_file + " does not exist"
                                                : token.message());
    authorization = token->bytes;
  } else if (step.has_authorization_token && ctx_.env) {
    authorization = ctx_.env("AWS_CONTAINER_AUTHORIZATION_TOKEN").value_or("");
  }
  if (authorization.find_first_of("\r\n") != std::string::npos)
    return make_error("ContainerError", "the container authorization token is not a legal header value",
                      "remove line breaks from the token (or its file)");
  if (!authorization.empty()) request.headers.emplace_back("Authorization", authorization);
  // botocore ContainerMetadataFetcher: 2 s timeout, 3 attempts, 1 s apart.
  Result<HttpResponse> response =
      send(metadata_transport(std::chrono::seconds(2)), url->origin(), request, 3, std::chrono::seconds(1));
  if (!response)
    return make_error(
        "ContainerError",
        "the container credentials endpoint " + url->origin() + " did not answer: " + response.message(),
        "are you running in ECS, EKS or a container with the credentials agent?");
  if (response->status != 200)
    return make_error("ContainerError",
                      "the container credentials endpoint " + url->origin() + " answered HTTP " +
                          std::to_string(response->status),
                      "check AWS_CONTAINER_AUTHORIZATION_TOKEN(_FILE) and the task role");
  Result<ResolvedCredentials> got =
      parse_metadata_credentials(response->body, "container credentials endpoint " + url->origin());
  if (!got) return make_error("ContainerError", got.message());
  return *got;
}

Resolver::Step Resolver::imds(const ImdsStep& step, const std::string& profile) {
  std::string base = step.endpoint;
  if (base.empty()) {
    if (step.endpoint_mode.empty() || detail::iequals(step.endpoint_mode, "ipv4")) {
      base = "http://169.254.169.254";
    } else if (detail::iequals(step.endpoint_mode, "ipv6")) {
      base = "http://[fd00:ec2::254]";
    } else {
      return make_error("ConfigError", "profile " + in_quotes(profile) +
                                           ": ec2_metadata_service_endpoint_mode \"" + step.endpoint_mode +
                                           "\" is not IPv4 or IPv6");
    }
  }
  Result<Url> url = parse_url(base);
  if (!url)
    return make_error("ConfigError",
                      "the instance metadata endpoint \"" + base + "\" is not valid: " + url.message());
  const std::string origin = url->origin();
  std::string prefix = url->path;
  while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  const int attempts = std::max(1, ctx_.settings.metadata_attempts);
  HttpTransport& transport = metadata_transport(ctx_.settings.metadata_timeout);
  const std::string hint = "are you on EC2? Set AWS_EC2_METADATA_DISABLED=true to skip instance metadata";
  auto failed = [&](const std::string& what) {
    return make_error("MetadataError", "instance metadata at " + origin + ": " + what, hint);
  };

  // IMDSv2: a session token first; 403/404/405 mean IMDSv1 only (botocore falls back to it).
  HttpRequest put{
      "PUT", prefix + "/latest/api/token", {{"x-aws-ec2-metadata-token-ttl-seconds", "21600"}}, ""};
  Result<HttpResponse> token = send(transport, origin, put, attempts, std::chrono::milliseconds(0));
  if (!token) return failed("no answer: " + token.message());
  std::vector<std::pair<std::string, std::string>> headers;
  if (token->status == 200) {
    headers.emplace_back("x-aws-ec2-metadata-token", token->body);
  } else if ((token->status == 403 || token->status == 404 || token->status == 405) &&
             !ctx_.settings.imds_v1_disabled) {
    log(plan_.profile + ": no IMDSv2 token (HTTP " + std::to_string(token->status) + "), trying IMDSv1");
  } else {
    return failed("the token request answered HTTP " + std::to_string(token->status));
  }
  const std::string roles_path = prefix + "/latest/meta-data/iam/security-credentials/";
  Result<HttpResponse> roles = send(transport, origin, HttpRequest{"GET", roles_path, headers, ""}, attempts,
                                    std::chrono::milliseconds(0));
  if (!roles) return failed("no answer: " + roles.message());
  if (roles->status == 404) return failed("no IAM role is attached to this instance");
  if (roles->status != 200)
    return failed("the role name request answered HTTP " + std::to_string(roles->status));
  std::string role = roles->body.substr(0, roles->body.find('\n'));
  role = std::string(detail::trim_blanks(role));
  if (role.empty()) return failed("no IAM role is attached to this instance");
  Result<HttpResponse> creds = send(transport, origin, HttpRequest{"GET", roles_path + role, headers, ""},
                                    attempts, std::chrono::milliseconds(0));
  if (!creds) return failed("no answer: " + creds.message());
  if (creds->status != 200)
    return failed("the credentials of role " + role + " answered HTTP " + std::to_string(creds->status));
  Result<ResolvedCredentials> got = parse_metadata_credentials(creds->body, "instance metadata role " + role);
  if (!got) return failed(got.message());
  return *got;
}

}  // namespace

CredentialError credential_error_from_sts(const StsError& error) {
  CredentialError out;
  switch (error.kind) {
    case StsErrorKind::service:
      out.code = error.code.empty() ? "HTTP" + std::to_string(error.http_status) : error.code;
      out.hint = std::string(error.hint());
      break;
    case StsErrorKind::transport:
      out.code = "TransportError";
      out.hint = "check the endpoint, the network and any proxy (HTTPS_PROXY, NO_PROXY)";
      break;
    case StsErrorKind::bad_response:
      out.code = "BadResponse";
      out.hint = "is the endpoint really STS?";
      break;
    case StsErrorKind::invalid_request:
      out.code = "InvalidRequest";
      break;
  }
  out.message = error.to_string();
  if (error.out_of_time) {
    out.code = "Timeout";
    const std::string failing = error.kind == StsErrorKind::transport ? "no answer"
                                : error.code.empty() ? "HTTP " + std::to_string(error.http_status)
                                                     : error.code;
    out.hint = "raise --timeout, or check the endpoint (each attempt failed: " + failing + ")";
  }
  return out;
}

std::string chain_label(const CredentialStep& step) {
  return std::visit(
      [](const auto& s) -> std::string {
        using T = std::decay_t<decltype(s)>;
        if constexpr (std::is_same_v<T, StaticKeysStep>) {
          return s.origin == KeyOrigin::environment ? "env" : "static(" + s.profile + ")";
        } else if constexpr (std::is_same_v<T, NamedSourceStep>) {
          return s.method == CredentialMethod::env              ? "env"
                 : s.method == CredentialMethod::container_role ? "container"
                                                                : "imds";
        } else if constexpr (std::is_same_v<T, WebIdentityStep>) {
          return "web-identity(" + s.role_arn + ")";
        } else if constexpr (std::is_same_v<T, SsoStep>) {
          return "sso(" + s.sso_account_id + "/" + s.sso_role_name + ")";
        } else if constexpr (std::is_same_v<T, LoginStep>) {
          return "login(" + s.session + ")";
        } else if constexpr (std::is_same_v<T, ProcessStep>) {
          return "process(" + s.profile + ")";
        } else if constexpr (std::is_same_v<T, ContainerStep>) {
          return "container";
        } else if constexpr (std::is_same_v<T, ImdsStep>) {
          return "imds";
        } else {
          return "assume-role(" + s.role_arn + ")";
        }
      },
      step);
}

std::string generated_session_name(std::chrono::system_clock::time_point now) {
  return "botocore-session-" +
         std::to_string(std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count());
}

CredentialResolution resolve_credentials(const CredentialPlan& plan, const ResolverContext& context) {
  return Resolver(plan, context).run();
}

}  // namespace awsprof
