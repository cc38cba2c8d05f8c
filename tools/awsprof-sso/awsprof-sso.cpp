// awsprof sso: log in to IAM Identity Center, and show or end the logins that awsprof and the AWS
// CLI v2 share in ~/.aws/sso/cache.
//
//   login   the authorization code flow (PKCE, a loopback redirect) for an [sso-session], or the
//           device code flow (legacy profiles, --use-device-code), into the CLI's cache files
//   status  each login the files name: start URL, region, expiry, whether it can be refreshed
//   logout  one login (--sso-session) or all of them, as `aws sso logout` does
//   populate  one profile per account and role a session can see, kept in sync (populate.cpp)
//
// What the user must do (a URL, a code) goes to stderr; results go to stdout (text, table or json).
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <iostream>
#include <string>
#include <vector>

#include "awsprof/credentials/credential_process.hpp"
#include "awsprof/credentials/credential_resolver.hpp"
#include "awsprof/credentials/sso_login.hpp"
#include "awsprof/credentials/sso_token.hpp"
#include "common/format.hpp"
#include "common/load.hpp"
#include "common/network.hpp"
#include "common/tool.hpp"
#include "populate.hpp"

extern char** environ;

namespace {

using namespace awsprof::tool;
using awsprof::CredentialError;
using awsprof::SsoLoginState;
using awsprof::SsoSessionConfig;

/// The exit code of a failed login or logout: 2 for the files (config, cache), 1 for the service.
int failure_exit(const CredentialError& error) {
  return exit_code(error.code == "ConfigError" || error.code == "CacheError" ? Outcome::error
                                                                             : Outcome::findings);
}

int report(const Tool& tool, const CredentialError& error) {
  tool.fail(error.message);
  if (!error.hint.empty()) std::cerr << tool.display_name() << ": hint: " << error.hint << '\n';
  return failure_exit(error);
}

/// Starts the user's browser on `url` without waiting for it (it may be what answers the login's
/// redirect): each command of $BROWSER (":"-separated, "%s" standing for the URL, else the URL
/// last), else xdg-open. Returns the child's pid, or -1.
pid_t open_browser(const std::string& url, const awsprof::EnvLookup& env) {
  std::vector<std::vector<std::string>> commands;
  std::string browsers = env("BROWSER").value_or("");
  for (std::size_t start = 0; start < browsers.size();) {
    const std::size_t colon = std::min(browsers.find(':', start), browsers.size());
    std::vector<std::string> words;
    bool placed = false;
    std::string text = browsers.substr(start, colon - start);
    for (std::size_t i = 0; i < text.size();) {
      const std::size_t end = std::min(text.find(' ', i), text.size());
      std::string word = text.substr(i, end - i);
      if (auto at = word.find("%s"); at != std::string::npos) {
        word.replace(at, 2, url);
        placed = true;
      }
      if (!word.empty()) words.push_back(std::move(word));
      i = end + 1;
    }
    if (!words.empty()) {
      if (!placed) words.push_back(url);
      commands.push_back(std::move(words));
    }
    start = colon + 1;
  }
  if (commands.empty()) commands.push_back({"xdg-open", url});
  for (const auto& words : commands) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    for (int fd : {STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO})
      posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", fd == STDIN_FILENO ? O_RDONLY : O_WRONLY,
                                       0);
    std::vector<char*> argv;
    for (const std::string& word : words) argv.push_back(const_cast<char*>(word.c_str()));
    argv.push_back(nullptr);
    pid_t pid = -1;
    const int spawned = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (spawned == 0) return pid;
  }
  return -1;
}

/// What the AWS CLI prints when the user must act (awscli/customizations/sso/utils.py), on stderr.
void show_prompt(const awsprof::SsoLoginPrompt& prompt, bool no_browser) {
  std::ostream& out = std::cerr;
  if (no_browser) {
    out << "Browser will not be automatically opened.\nPlease visit the following URL:\n\n"
        << prompt.verification_uri << '\n';
    if (!prompt.user_code.empty())
      out << "\nThen enter the code:\n\n"
          << prompt.user_code
          << "\n\nAlternatively, you may visit the following URL which will autofill the code upon loading:\n"
          << prompt.verification_uri_complete << '\n';
  } else if (prompt.browser_flow) {
    out << "Attempting to open your default browser. If the browser does not open, open the following URL.\n"
           "If you are unable to open the URL on this device, run this command again with the "
           "'--use-device-code' option.\n\n"
        << prompt.verification_uri << "\n\n";
  } else {
    out << "Attempting to open your default browser.\nIf the browser does not open or you wish to use a "
           "different device to authorize this request, open the following URL:\n\n"
        << prompt.verification_uri << "\n\nThen enter the code:\n\n"
        << prompt.user_code << '\n';
  }
  out << std::flush;
}

nlohmann::ordered_json optional_json(const std::optional<std::string>& value) {
  return value ? nlohmann::ordered_json(*value) : nlohmann::ordered_json(nullptr);
}

nlohmann::ordered_json session_json(const SsoSessionConfig& session) {
  return {{"session", optional_json(session.session_name)},
          {"profile",
           session.session_name ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(session.profile)},
          {"start_url", session.start_url},
          {"region", session.region}};
}

struct Context {
  Tool& tool;
  awsprof::ProfileModel& model;
  awsprof::NetworkSettings settings;
  awsprof::HttpClient client;
  std::function<void(std::string_view)> log;
};

awsprof::SsoClientOptions client_options(const Context& c, awsprof::Url endpoint) {
  awsprof::SsoClientOptions options;
  options.endpoint = std::move(endpoint);
  options.retry = c.settings.retry;
  options.log = c.log;
  return options;
}

int login(Context& c, const std::optional<std::string>& session_name, bool no_browser, bool use_device_code) {
  const awsprof::SelectedProfile& profile = c.tool.context().profile;
  if (!session_name && c.model.find_profile(profile.name) == nullptr &&
      profile.source != awsprof::ProfileSource::default_name)
    return c.tool.fail("the profile \"" + profile.name + "\" does not exist");
  auto session = awsprof::sso_login_config(c.model, profile.name, session_name);
  if (!session) return c.tool.fail(session.message());
  auto endpoint =
      awsprof::sso_endpoint(awsprof::SsoService::oidc, session->region, c.settings.sso_oidc_endpoint_url,
                            c.settings.sts.use_fips_endpoint, c.settings.sts.use_dualstack_endpoint);
  if (!endpoint) return c.tool.fail(endpoint.message());
  awsprof::RealFileSystem fs;
  awsprof::SsoLoginOptions options;
  options.fs = &fs;
  options.env = c.tool.env();
  options.transport = &c.client;
  options.oidc = client_options(c, *endpoint);
  options.use_device_code = use_device_code;
  options.lock_timeout = c.tool.file_access().lock_timeout;
  options.log = c.log;
  pid_t browser = -1;
  options.on_pending = [&](const awsprof::SsoLoginPrompt& prompt) {
    show_prompt(prompt, no_browser);
    if (!no_browser) browser = open_browser(prompt.verification_uri_complete, c.tool.env());
  };
  auto result = awsprof::sso_login(*session, options);
  if (browser > 0) waitpid(browser, nullptr, WNOHANG);
  if (!result) return report(c.tool, result.error());
  const auto why_not =
      awsprof::why_not_refreshable(*session, result->token, std::chrono::system_clock::now());
  if (c.tool.context().output == OutputFormat::json) {
    nlohmann::ordered_json out = session_json(*session);
    out["flow"] = result->browser_flow ? "authorization_code" : "device_code";
    out["expires_at"] = result->token.expires_at;
    out["refreshable"] = !why_not;
    out["token_file"] = result->token_path;
    out["registration_file"] = result->registration_path;
    out["registered"] = result->registered;
    print_json(std::cout, out);
  } else {
    std::cout << "Successfully logged into Start URL: " << session->start_url << '\n';
  }
  return exit_code(Outcome::ok);
}

std::string when(const SsoLoginState& state) {
  return state.expires_at.value_or("-");
}

int status(Context& c, const std::optional<std::string>& session_name) {
  std::vector<SsoSessionConfig> sessions;
  if (session_name) {
    auto session = awsprof::sso_session_config(c.model, *session_name);
    if (!session) return c.tool.fail(session.message());
    sessions.push_back(std::move(*session));
  } else {
    sessions = awsprof::configured_sso_logins(c.model);
  }
  awsprof::RealFileSystem fs;
  const auto now = std::chrono::system_clock::now();
  std::vector<SsoLoginState> states;
  for (const SsoSessionConfig& session : sessions) {
    auto state = awsprof::sso_login_state(fs, c.tool.env(), session, now);
    if (!state) return c.tool.fail(state.message());
    states.push_back(std::move(*state));
  }
  const bool all_usable =
      std::all_of(states.begin(), states.end(), [](const SsoLoginState& s) { return s.usable(); });
  const ToolContext& context = c.tool.context();
  if (context.output == OutputFormat::json) {
    auto array = nlohmann::ordered_json::array();
    for (const SsoLoginState& s : states) {
      nlohmann::ordered_json item = session_json(s.session);
      item["token_file"] = s.token_path;
      item["token"] = to_string(s.token);
      item["problem"] =
          s.problem.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(s.problem);
      item["expires_at"] = optional_json(s.expires_at);
      item["expires_in_seconds"] =
          s.expiry ? nlohmann::ordered_json(
                         std::chrono::duration_cast<std::chrono::seconds>(*s.expiry - now).count())
                   : nlohmann::ordered_json(nullptr);
      item["refreshable"] = s.refreshable;
      item["why_not_refreshable"] =
          optional_json(s.token == SsoLoginState::Token::missing ? std::nullopt : s.why_not_refreshable);
      item["registration_expires_at"] = optional_json(s.registration_expires_at);
      item["usable"] = s.usable();
      array.push_back(std::move(item));
    }
    print_json(std::cout, array);
  } else {
    if (states.empty())
      std::cerr << c.tool.display_name() << ": no [sso-session] sections or SSO profiles in "
                << context.config_path << '\n';
    Table table({"SESSION", "START URL", "REGION", "TOKEN", "EXPIRES", "REFRESHABLE"});
    for (const SsoLoginState& s : states) {
      const std::string token = to_string(s.token);
      const bool good = s.usable();
      table.add_row({s.session.session_name ? *s.session.session_name : "(profile " + s.session.profile + ")",
                     s.session.start_url, s.session.region,
                     styled(token, good ? Style::green : Style::red, context.stdout_colour), when(s),
                     s.token == SsoLoginState::Token::missing ? "-" : (s.refreshable ? "yes" : "no")});
    }
    table.print(std::cout, context.output, context.stdout_colour);
  }
  return exit_code(all_usable ? Outcome::ok : Outcome::findings);
}

int logout(Context& c, const std::optional<std::string>& session_name) {
  awsprof::RealFileSystem fs;
  awsprof::SsoLogoutOptions options;
  options.fs = &fs;
  options.env = c.tool.env();
  options.transport = &c.client;
  options.portal = client_options(c, {});
  options.configured_portal_url = c.settings.sso_endpoint_url;
  options.use_fips = c.settings.sts.use_fips_endpoint;
  options.use_dualstack = c.settings.sts.use_dualstack_endpoint;
  options.access = c.tool.file_access();
  std::optional<SsoSessionConfig> session;
  if (session_name) {
    auto config = awsprof::sso_session_config(c.model, *session_name);
    if (!config) return c.tool.fail(config.message());
    session = std::move(*config);
  }
  auto result = session
                    ? awsprof::sso_logout(*session, awsprof::sso_role_cache_keys(c.model, *session), options)
                    : awsprof::sso_logout_all(options);
  if (!result) return report(c.tool, result.error());
  for (const std::string& note : result->notes)
    std::cerr << c.tool.display_name() << ": note: " << note << '\n';
  if (c.tool.context().output == OutputFormat::json) {
    nlohmann::ordered_json out = {
        {"session", session ? nlohmann::ordered_json(*session->session_name) : nullptr},
        {"removed_tokens", result->removed_tokens},
        {"removed_credentials", result->removed_credentials},
        {"notes", result->notes}};
    print_json(std::cout, out);
  } else {
    const auto tokens = result->removed_tokens.size(), credentials = result->removed_credentials.size();
    std::cout << "Logged out" << (session ? " of " + session->label() : std::string()) << ": removed "
              << tokens << (tokens == 1 ? " token" : " tokens") << " and " << credentials
              << (credentials == 1 ? " cached role credential" : " cached role credentials") << '\n';
  }
  return exit_code(Outcome::ok);
}

}  // namespace

int main(int argc, char** argv) {
  Tool tool("sso",
            "Log in to IAM Identity Center (AWS SSO), show or end the logins the AWS CLI shares, and generate a "
            "profile per account and role.");
  CLI::App& app = tool.app();
  app.require_subcommand(1, 1);
  app.fallthrough();
  NetworkFlags network;
  add_network_flags(app, network, NetworkFlagSet::connection);
  std::optional<std::string> session;
  bool no_browser = false;
  bool use_device_code = false;
  CLI::App* login_command = app.add_subcommand(
      "login", "Log in and cache the token where the AWS CLI v2 looks for it (~/.aws/sso/cache)");
  login_command
      ->add_option("--sso-session", session,
                   "The [sso-session] to log in to (default: the profile's sso_session)")
      ->type_name("NAME");
  login_command->add_flag("--no-browser", no_browser, "Print the URL to open instead of opening a browser");
  login_command->add_flag(
      "--use-device-code", use_device_code,
      "Use the device code flow (a URL and a code, from any device) instead of the browser flow");
  CLI::App* status_command = app.add_subcommand(
      "status", "Show each login: start URL, region, expiry, and whether it can be refreshed");
  status_command->add_option("--sso-session", session, "Only this [sso-session]")->type_name("NAME");
  CLI::App* logout_command = app.add_subcommand(
      "logout",
      "End the SSO logins and remove their cached tokens and role credentials (default: all of them)");
  logout_command->add_option("--sso-session", session, "Only this [sso-session]")->type_name("NAME");
  PopulateFlags populate_flags;
  std::optional<EditFlags> populate_edit_flags;
  CLI::App* populate_command = add_populate_command(app, populate_flags, populate_edit_flags);
  if (auto exit = tool.parse(argc, argv)) return *exit;
  warn_about_network_flags(tool, network);

  auto loaded = load_profiles(tool);
  if (!loaded) return exit_code(Outcome::error);
  auto settings = awsprof::read_network_settings(loaded->model, tool.context().profile.name, tool.env(),
                                                 network_overrides(network));
  if (!settings) return tool.fail(settings.message());
  Context context{tool, loaded->model, *settings, awsprof::HttpClient(settings->http),
                  debug_logger(tool, network)};
  if (login_command->parsed()) return login(context, session, no_browser, use_device_code);
  if (status_command->parsed()) return status(context, session);
  if (populate_command->parsed())
    return run_populate(tool, loaded->model, *settings, populate_flags, *populate_edit_flags, context.log);
  return logout(context, session);
}
