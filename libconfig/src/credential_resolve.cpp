// resolve_offline: a CredentialPlan carried out without the network, in botocore's order. The
// base is resolved eagerly (keys; credential_process is run; a container or instance-metadata base
// is fetched at once, so it needs the network first); role steps are lazy and check the CLI cache.
#include <type_traits>

#include "awsprof/credential_cache.hpp"
#include "awsprof/credential_chain.hpp"
#include "awsprof/login_session.hpp"
#include "awsprof/sso_token.hpp"

namespace awsprof {
namespace {

using SysClock = std::chrono::system_clock;

ResolvedCredentials from_keys(const StaticKeysStep& step) {
  ResolvedCredentials out;
  out.credentials = step.credentials;
  out.account_id = step.account_id;
  out.source = step.origin == KeyOrigin::environment
                   ? "environment"
                   : std::string(to_string(step.origin)) + " (profile \"" + step.profile + "\")";
  if (!step.expiration.empty()) out.expiration = parse_expiration_time(step.expiration);
  return out;
}

OfflineResolution needs_network(std::size_t index, std::string call,
                                std::optional<ResolvedCredentials> source) {
  OfflineResolution out;
  out.network_step = index;
  out.network_call = std::move(call);
  out.source_credentials = std::move(source);
  return out;
}

}  // namespace

Result<OfflineResolution> resolve_offline(const CredentialPlan& plan, const OfflineContext& context) {
  using R = Result<OfflineResolution>;
  if (context.fs == nullptr) return R::error("resolve_offline needs a file system");
  if (plan.steps.empty())
    return R::error("the credential plan for profile \"" + plan.profile + "\" has no steps");
  const std::size_t n = plan.steps.size();

  // 1. The base, eagerly.
  std::optional<ResolvedCredentials> base;
  const CredentialStep& first = plan.steps.front();
  if (auto* keys = std::get_if<StaticKeysStep>(&first)) {
    base = from_keys(*keys);
  } else if (auto* named = std::get_if<NamedSourceStep>(&first)) {
    if (named->environment) {
      base = from_keys(*named->environment);
    } else {
      return needs_network(0, named->container ? "container credentials endpoint" : "instance metadata",
                           std::nullopt);
    }
  } else if (auto* process = std::get_if<ProcessStep>(&first)) {
    ProcessOptions options = context.process;
    if (!options.now) options.now = context.now;
    Result<ProcessCredentials> got = context.run_process ? context.run_process(process->command, options)
                                                         : run_credential_process(process->command, options);
    if (!got) return R::error("profile \"" + process->profile + "\": " + got.message());
    base = ResolvedCredentials{got->credentials, got->expiration,
                               got->account_id.empty() ? process->account_id : got->account_id,
                               "credential_process (profile \"" + process->profile + "\")"};
  } else if (auto* login = std::get_if<LoginStep>(&first)) {
    // botocore's LoginProvider: the cached credentials while more than 5 minutes are left.
    const std::string path = login_cache_path(context.env, login->session);
    Result<FileContent> file = context.fs->read_file(path);
    if (!file) return R::error(file.message());
    if (!file->exists)
      return R::error("Unable to load a existing login session for session " + login->session +
                      ". Please reauthenticate with 'aws login'. (" + path + ")");
    Result<LoginToken> token = parse_login_token(file->bytes);
    if (!token) return R::error("Error loading login session token: " + token.message() + " (" + path + ")");
    if (token->expiry - context.now <= kLoginRefreshThreshold)
      return needs_network(0, "signin:CreateOAuth2Token", std::nullopt);
    base = ResolvedCredentials{token->credentials, token->expiry, token->account_id,
                               "login session " + login->session + " (" + path + ")"};
  } else if (auto* container = std::get_if<ContainerStep>(&first)) {
    if (!container->authorization_token_file.empty()) {
      Result<FileContent> token = context.fs->read_file(container->authorization_token_file);
      if (!token) return R::error(token.message());
      if (!token->exists)
        return R::error("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE " + container->authorization_token_file +
                        " does not exist");
    }
    return needs_network(0, "container credentials endpoint", std::nullopt);
  } else if (std::holds_alternative<ImdsStep>(first)) {
    return needs_network(0, "instance metadata", std::nullopt);
  }
  if (base && base->expiration && *base->expiration <= context.now)
    return R::error("the credentials from the " + base->source + " expired at " +
                    format_expiration_time(*base->expiration));

  // 2. The newest role step with fresh credentials in the CLI cache.
  const std::string cache_dir = cli_cache_directory(context.env);
  std::size_t known = base ? 0 : n;  // index of the newest step whose credentials are known
  std::optional<ResolvedCredentials> known_credentials = base;
  for (std::size_t i = n; i-- > 0;) {
    if (base && i == 0) break;
    std::optional<std::string> key = shared_cache_key(plan.steps[i], context.cache_use);
    if (!key) continue;
    auto cached = read_cached_credentials(*context.fs, cache_dir, *key, context.now);
    if (!cached) return R::error(cached.message());
    if (*cached) {
      known = i;
      known_credentials = ResolvedCredentials{(*cached)->credentials, (*cached)->expiration, "",
                                              "cache " + cache_dir + "/" + *key + ".json"};
      break;
    }
  }
  if (known != n && known == n - 1) {
    OfflineResolution out;
    out.credentials = std::move(known_credentials);
    return out;
  }

  // 3. The first step that needs a call.
  const std::size_t next = known == n ? 0 : known + 1;
  const CredentialStep& step = plan.steps[next];
  if (auto* sso = std::get_if<SsoStep>(&step)) {
    const SsoSessionConfig session = sso_session_of(*sso);
    const std::string path = sso_token_path(context.env, session);
    const std::string login = "; run `aws sso login --profile " + sso->profile + "`";
    Result<FileContent> file = context.fs->read_file(path);
    if (!file) return R::error(file.message());
    if (!file->exists)
      return R::error("the SSO token for " + session.label() + " does not exist (" + path + ")" + login);
    Result<SsoToken> token = parse_sso_token(file->bytes);
    if (!token) return R::error("the SSO token for " + session.label() + " in " + path + " " + token.message() + login);
    const bool expired = token->expiry <= context.now;
    if (auto why = why_not_refreshable(session, *token, context.now); expired && why)
      return R::error("the SSO token for profile \"" + sso->profile + "\" has expired (" + *why + ")" + login);
    return needs_network(
        next, expired ? "sso-oidc:CreateToken, then sso:GetRoleCredentials" : "sso:GetRoleCredentials",
        std::nullopt);
  }
  if (auto* web = std::get_if<WebIdentityStep>(&step)) {
    Result<FileContent> token = context.fs->read_file(web->web_identity_token_file);
    if (!token) return R::error(token.message());
    if (!token->exists)
      return R::error("the web identity token file " + web->web_identity_token_file + " does not exist");
    return needs_network(next, "sts:AssumeRoleWithWebIdentity", std::nullopt);
  }
  return needs_network(next, "sts:AssumeRole", known == n ? std::nullopt : known_credentials);
}

}  // namespace awsprof
