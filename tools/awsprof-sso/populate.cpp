#include "populate.hpp"

#include <unistd.h>

#include <chrono>
#include <ctime>
#include <iostream>
#include <nlohmann/json.hpp>

#include "awsprof/net/http_client.hpp"
#include "awsprof/model/settings_catalogue.hpp"
#include "awsprof/edit/sso_populate.hpp"
#include "awsprof/net/sso_portal.hpp"
#include "awsprof/credentials/sso_token.hpp"
#include "common/config_target.hpp"
#include "common/format.hpp"
#include "common/network.hpp"

namespace awsprof::tool {
namespace {

using SysClock = std::chrono::system_clock;

std::string join(const std::vector<std::string>& words, std::string_view separator = ", ") {
  std::string out;
  for (const std::string& word : words) out += (out.empty() ? "" : std::string(separator)) + word;
  return out;
}

/// The [sso-session] to list: the one named, else the only one there is.
Result<std::string> session_name(const ToolContext& context, const ProfileModel& model,
                                 const std::optional<std::string>& wanted) {
  using R = Result<std::string>;
  if (wanted) return *wanted;
  std::vector<std::string> names;
  for (const Section& session : model.sso_sessions) names.emplace_back(session.name);
  if (names.size() == 1) return names.front();
  if (names.empty())
    return R::error(
        context.config_path +
        " has no [sso-session] section; add one with `awsprof set --sso-session NAME sso_start_url URL "
        "sso_region REGION sso_registration_scopes sso:account:access`");
  return R::error("the config file has several [sso-session] sections (" + join(names) +
                  "); choose one with --sso-session");
}

std::string today_utc() {
  const std::time_t now = SysClock::to_time_t(SysClock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[16];
  std::strftime(text, sizeof text, "%Y-%m-%d", &utc);
  return text;
}

nlohmann::ordered_json profile_json(const PopulatedProfile& p) {
  nlohmann::ordered_json item{{"name", p.name},
                              {"action", to_string(p.action)},
                              {"account_id", p.account_id},
                              {"account_name", p.account_name},
                              {"role_name", p.role_name}};
  if (!p.renamed_from.empty()) item["renamed_from"] = p.renamed_from;
  if (!p.wanted_name.empty()) item["wanted_name"] = p.wanted_name;
  if (!p.kept_values.empty()) item["kept_values"] = p.kept_values;
  if (!p.referrers.empty()) item["referrers"] = p.referrers;
  if (!p.note.empty()) item["note"] = p.note;
  return item;
}

nlohmann::ordered_json report_json(const PopulateReport& report, const SsoListingStats& stats) {
  nlohmann::ordered_json counts = nlohmann::ordered_json::object();
  for (PopulateAction action :
       {PopulateAction::created, PopulateAction::updated, PopulateAction::unchanged, PopulateAction::adopted,
        PopulateAction::stale, PopulateAction::pruned, PopulateAction::skipped})
    counts[to_string(action)] = report.count(action);
  counts["renamed"] = report.renamed();
  auto profiles = nlohmann::ordered_json::array();
  for (const PopulatedProfile& p : report.profiles) profiles.push_back(profile_json(p));
  return {{"sso_session", report.session},
          {"start_url", report.start_url},
          {"accounts", report.accounts},
          {"roles", report.roles},
          {"portal",
           {{"requests", stats.requests},
            {"throttled", stats.throttled},
            {"retried", stats.retried},
            {"lowest_concurrency", stats.lowest_concurrency}}},
          {"counts", counts},
          {"profiles", profiles}};
}

/// The summary in words: the counts, then a line for each profile worth a look.
void print_summary(std::ostream& out, const PopulateReport& report) {
  out << "sso-session " << report.session << " (" << report.start_url << "): " << report.accounts
      << (report.accounts == 1 ? " account, " : " accounts, ") << report.roles
      << (report.roles == 1 ? " role" : " roles") << "\n";
  std::vector<std::string> counts;
  for (PopulateAction action :
       {PopulateAction::created, PopulateAction::updated, PopulateAction::unchanged, PopulateAction::adopted,
        PopulateAction::stale, PopulateAction::pruned, PopulateAction::skipped})
    if (int n = report.count(action)) counts.push_back(std::to_string(n) + " " + to_string(action));
  if (int n = report.renamed()) counts.push_back(std::to_string(n) + " renamed");
  out << (counts.empty() ? std::string("no profiles") : join(counts)) << "\n";
  for (const PopulatedProfile& p : report.profiles) {
    const std::string role = "role " + p.role_name + " of account " + p.account_id +
                             (p.account_name.empty() ? "" : " (" + p.account_name + ")");
    if (!p.renamed_from.empty())
      out << "renamed: " << p.renamed_from << " -> " << p.name
          << (p.referrers.empty() ? "" : " (source_profile of " + join(p.referrers) + " follows)") << "\n";
    if (p.action == PopulateAction::adopted) out << "adopted: " << p.name << " (" << p.note << ")\n";
    if (!p.wanted_name.empty())
      out << "name taken: " << p.name << " instead of " << p.wanted_name << " for " << role << "\n";
    for (const std::string& key : p.kept_values) out << "kept: your " << key << " in " << p.name << "\n";
    if (p.action == PopulateAction::stale)
      out << "stale: " << p.name << " (" << role << " is gone, " << p.note << "); --prune removes it\n";
    if (p.action == PopulateAction::pruned)
      out << "pruned: " << p.name << " (" << role << " is gone)"
          << (p.referrers.empty() ? "" : "; source_profile of " + join(p.referrers) + " still names it")
          << "\n";
    if (p.action == PopulateAction::skipped) out << "skipped: " << role << ": " << p.note << "\n";
  }
}

}  // namespace

CLI::App* add_populate_command(CLI::App& app, PopulateFlags& flags, std::optional<EditFlags>& edit_flags) {
  CLI::App* command = app.add_subcommand("populate",
                                         "Write one profile per account and role an [sso-session] can see "
                                         "(the refreshable sso_session form), and "
                                         "keep them in sync");
  command
      ->add_option("--sso-session", flags.session,
                   "The [sso-session] to list (default: the only one in the config file)")
      ->type_name("NAME");
  std::vector<std::string> presets;
  for (const ProfileNamePreset& preset : profile_name_presets()) presets.emplace_back(preset.name);
  command
      ->add_option("--preset", flags.preset,
                   "Name profiles as another tool does (default: awsprof, ACCOUNT.ROLE)")
      ->type_name(join(presets, "|"))
      ->check(one_of(presets));
  command
      ->add_option(
          "--template", flags.name_template,
          "Name profiles by this template: {account_name}, {account_id}, {role_name}, {session}, {region}, "
          "{short_region}, with filters as in {account_name|lower} (lower, upper, capitalize, title, "
          "dash-spaces, dash-runs)")
      ->type_name("TEMPLATE");
  command->add_option("--region", flags.region, "Give every generated profile this region")
      ->type_name("REGION");
  command->add_flag(
      "--prune", flags.prune,
      "Remove the profiles this session generated whose account or role is gone (else they are marked)");
  command->add_flag(
      "--adopt", flags.adopt,
      "Take over the profiles granted, aws-sso-util and aws-sso-cli generated for this session's roles");
  command->add_option("-j,--jobs", flags.jobs, "Portal requests in flight at once (default 8)")
      ->type_name("N")
      ->check(CLI::Range(1, 64));
  command->add_option("--timeout", flags.timeout, "Seconds the whole listing may take (default 600)")
      ->type_name("SECONDS")
      ->check(CLI::Range(1, 86400));
  edit_flags.emplace(*command, "");
  return command;
}

int run_populate(const Tool& tool, const ProfileModel& model, const NetworkSettings& settings,
                 const PopulateFlags& flags, const EditFlags& edit_flags,
                 const std::function<void(std::string_view)>& log) {
  const ToolContext& context = tool.context();
  if (flags.preset && flags.name_template) return usage_error(tool, "give --preset or --template, not both");
  const std::string template_text = flags.name_template ? *flags.name_template
                                    : flags.preset
                                        ? std::string(find_profile_name_preset(*flags.preset)->template_text)
                                        : std::string(profile_name_presets().front().template_text);
  Result<ProfileNameTemplate> name_template = ProfileNameTemplate::parse(template_text);
  if (!name_template) return usage_error(tool, name_template.message());
  if (flags.region) {
    SettingCheck check = check_setting(builtin_catalogue(), EditTarget{EditTarget::Kind::profile, "x"},
                                       "region", flags.region);
    if (!check.reason.empty()) return usage_error(tool, "--region: " + check.reason);
  }

  Result<std::string> name = session_name(context, model, flags.session);
  if (!name) return tool.fail(name.message());
  Result<SsoSessionConfig> session = sso_session_config(model, *name);
  if (!session) return tool.fail(session.message());
  const bool fips = settings.sts.use_fips_endpoint, dualstack = settings.sts.use_dualstack_endpoint;
  Result<Url> oidc =
      sso_endpoint(SsoService::oidc, session->region, settings.sso_oidc_endpoint_url, fips, dualstack);
  if (!oidc) return tool.fail(oidc.message());
  Result<Url> portal_endpoint =
      sso_endpoint(SsoService::portal, session->region, settings.sso_endpoint_url, fips, dualstack);
  if (!portal_endpoint) return tool.fail(portal_endpoint.message());

  // The session's token, refreshed first when due (as botocore would).
  const std::string login = "awsprof sso login --sso-session " + *name;
  RealFileSystem fs;
  HttpClient oidc_http(settings.http);
  SsoTokenContext token_context;
  token_context.fs = &fs;
  token_context.env = tool.env();
  token_context.transport = &oidc_http;
  token_context.oidc.endpoint = *oidc;
  token_context.oidc.retry = settings.retry;
  token_context.oidc.log = log;
  token_context.lock_timeout = tool.file_access().lock_timeout;
  token_context.log = log;
  token_context.login_command = login;
  SsoTokenProvider tokens;
  Expected<SsoAccessToken, CredentialError> token = tokens.access_token(*session, token_context);
  if (!token) {
    const CredentialError& error = token.error();
    tool.fail(error.message + "; nothing was changed");
    if (!error.hint.empty()) std::cerr << tool.display_name() << ": hint: " << error.hint << '\n';
    return exit_code(error.code == "ConfigError" || error.code == "CacheError" ? Outcome::error
                                                                               : Outcome::findings);
  }

  ProgressLine progress(isatty(STDERR_FILENO) == 1 && context.output != OutputFormat::json);
  SsoPortalOptions portal;
  portal.client.endpoint = *portal_endpoint;
  portal.client.log = log;
  portal.access_token = token->access_token;
  portal.session_label = "sso-session " + *name;
  portal.login_command = login;
  portal.max_in_flight = flags.jobs;
  // max_attempts / AWS_MAX_ATTEMPTS, when set, bounds every call; else throttling is waited out
  // longer than the mode's attempts allow (a listing of thousands of accounts meets it by design).
  if (settings.retry.max_attempts > 0) portal.max_attempts = settings.retry.max_attempts;
  portal.failure_attempts = settings.retry.effective_max_attempts();
  portal.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(flags.timeout);
  const HttpClientOptions http = settings.http;
  portal.make_transport = [http] { return std::make_unique<HttpClient>(http); };
  portal.on_progress = [&progress](const SsoListingProgress& p) {
    progress.show("listing accounts and roles: " + std::to_string(p.accounts_done) + "/" +
                  std::to_string(p.accounts_listed) + (p.accounts_complete ? "" : "+") + " accounts");
  };
  Result<SsoListing> listing = list_sso_assignments(portal);
  progress.clear();
  if (!listing) {
    tool.fail(listing.message() + "; nothing was changed");
    return exit_code(Outcome::findings);
  }

  PopulateOptions options;
  options.session = *name;
  options.name_template = std::move(*name_template);
  options.region = flags.region;
  options.prune = flags.prune;
  options.adopt = flags.adopt;
  options.today = today_utc();
  PopulateReport report;
  auto edit = [&](ConfigFiles& files) { return populate_profiles(files, *listing, options, report); };
  auto summary = [&]() { return report_json(report, listing->stats); };
  const int status = run_edit(tool, edit_flags, edit, summary);
  if (status != exit_code(Outcome::ok) || context.output == OutputFormat::json) return status;
  // A dry run's stdout is the diff; its summary goes beside it, on stderr.
  print_summary(edit_flags.dry_run ? std::cerr : std::cout, report);
  return status;
}

}  // namespace awsprof::tool
