#include "sso_populate_command.hpp"

#include <unistd.h>

#include <chrono>
#include <ctime>
#include <iostream>
#include <nlohmann/json.hpp>

#include "awsprof/credential_cache.hpp"
#include "awsprof/credential_process.hpp"  // parse_expiration_time
#include "awsprof/http_client.hpp"
#include "awsprof/settings_catalogue.hpp"
#include "awsprof/sso_populate.hpp"
#include "awsprof/sso_portal.hpp"
#include "common/config_target.hpp"
#include "common/edit.hpp"
#include "common/format.hpp"
#include "common/load.hpp"
#include "common/network.hpp"
#include "common/tool.hpp"

namespace awsprof::tool {
namespace {

using SysClock = std::chrono::system_clock;

/// The flags, as given.
struct PopulateFlags {
  std::optional<std::string> session;
  std::optional<std::string> name_template;
  std::optional<std::string> preset;
  std::optional<std::string> region;
  bool prune = false;
  bool adopt = false;
  int jobs = 8;
  int timeout = 600;
  std::string ca_bundle;
  bool no_verify_ssl = false;
  std::optional<int> connect_timeout;
  std::optional<int> read_timeout;
  bool debug = false;
};

void add_flags(CLI::App& app, PopulateFlags& flags) {
  app.add_option("--sso-session", flags.session,
                 "The [sso-session NAME] to list (default: the only one in the config file)")
      ->type_name("NAME");
  std::string presets;
  for (const ProfileNamePreset& preset : profile_name_presets())
    presets += (presets.empty() ? "" : "|") + std::string(preset.name);
  app.add_option("--preset", flags.preset,
                 "Name profiles as another tool does (default: awsprof, ACCOUNT.ROLE)")
      ->type_name(presets)
      ->check(one_of([] {
        std::vector<std::string> names;
        for (const ProfileNamePreset& preset : profile_name_presets()) names.emplace_back(preset.name);
        return names;
      }()));
  app.add_option(
         "--template", flags.name_template,
         "Name profiles by this template: {account_name}, {account_id}, {role_name}, {session}, {region}, "
         "{short_region}, with filters {account_name|lower} (lower, upper, capitalize, title, dash-spaces, "
         "dash-runs)")
      ->type_name("TEMPLATE");
  app.add_option("--region", flags.region, "Give every generated profile this region")->type_name("REGION");
  app.add_flag(
      "--prune", flags.prune,
      "Remove the profiles this session generated whose account or role is gone (else they are marked)");
  app.add_flag(
      "--adopt", flags.adopt,
      "Take over the profiles granted, aws-sso-util and aws-sso-cli generated for this session's roles");
  app.add_option("-j,--jobs", flags.jobs, "Portal requests in flight at once (default 8)")
      ->type_name("N")
      ->check(CLI::Range(1, 64));
  app.add_option("--timeout", flags.timeout, "Seconds the whole listing may take (default 600)")
      ->type_name("SECONDS")
      ->check(CLI::Range(1, 86400));
  app.add_option("--ca-bundle", flags.ca_bundle, "Trust the CA certificates in this PEM file")
      ->type_name("PATH");
  app.add_flag("--no-verify-ssl", flags.no_verify_ssl, "Do not verify TLS certificates (prints a warning)");
  app.add_option("--cli-connect-timeout", flags.connect_timeout,
                 "Seconds allowed to connect (0: wait forever; default 60)")
      ->type_name("SECONDS")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--cli-read-timeout", flags.read_timeout,
                 "Seconds of silence before a read fails (0: wait forever; default 60)")
      ->type_name("SECONDS")
      ->check(CLI::NonNegativeNumber);
  app.add_flag("--debug", flags.debug, "Log each retried call on stderr (never a secret)");
}

std::string join(const std::vector<std::string>& words, std::string_view separator = ", ") {
  std::string out;
  for (const std::string& word : words) out += (out.empty() ? "" : std::string(separator)) + word;
  return out;
}

/// The session populate lists, as the config names it.
struct SessionChoice {
  std::string name;
  std::string start_url;
  std::string region;
};

Result<SessionChoice> choose_session(const ToolContext& context, const ProfileModel& model,
                                     const std::optional<std::string>& wanted) {
  using R = Result<SessionChoice>;
  std::vector<std::string> names;
  for (const Section& session : model.sso_sessions) names.emplace_back(session.name);
  const Section* session = nullptr;
  if (wanted) {
    session = model.find_sso_session(*wanted);
    if (session == nullptr)
      return R::error("there is no [sso-session " + *wanted + "] in " + context.config_path +
                      (names.empty() ? "" : " (there is " + join(names) + ")"));
  } else if (names.empty()) {
    return R::error(
        context.config_path +
        " has no [sso-session] section; add one with `awsprof set --sso-session NAME sso_start_url URL "
        "sso_region REGION sso_registration_scopes sso:account:access`");
  } else if (names.size() > 1) {
    return R::error("the config file has several [sso-session] sections (" + join(names) +
                    "); choose one with --sso-session");
  } else {
    session = &model.sso_sessions.front();
  }
  SessionChoice choice{std::string(session->name), "", ""};
  if (const Setting* url = session->find("sso_start_url")) choice.start_url = std::string(url->value);
  if (const Setting* region = session->find("sso_region")) choice.region = std::string(region->value);
  if (choice.start_url.empty() || choice.region.empty())
    return R::error("[sso-session " + choice.name + "] needs sso_start_url and sso_region");
  return choice;
}

// The access token the AWS CLI's login left for the session (~/.aws/sso/cache).
Result<std::string> cached_access_token(const Tool& tool, const SessionChoice& session) {
  using R = Result<std::string>;
  SsoStep step;
  step.sso_session = session.name;
  const std::string path = sso_token_cache_directory(tool.env()) + "/" + sso_token_cache_key(step) + ".json";
  const std::string login = "run `awsprof sso login --sso-session " + session.name + "`";
  RealFileSystem fs;
  Result<FileContent> file = fs.read_file(path);
  if (!file) return R::error(file.message());
  if (!file->exists)
    return R::error("no SSO token for sso-session " + session.name + " (" + path + "); " + login);
  nlohmann::json doc = nlohmann::json::parse(file->bytes, nullptr, false);
  auto field = [&](const char* key) {
    return doc.is_object() && doc.contains(key) && doc[key].is_string() ? doc[key].get<std::string>() : "";
  };
  const std::string token = field("accessToken");
  const std::optional<SysClock::time_point> expiry = parse_expiration_time(field("expiresAt"));
  if (token.empty() || !expiry)
    return R::error("the SSO token of sso-session " + session.name + " in " + path + " is invalid; " + login);
  if (*expiry <= SysClock::now())
    return R::error("the SSO token of sso-session " + session.name + " expired at " + field("expiresAt") +
                    "; " + login);
  return token;
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

int sso_populate_main(int argc, const char* const* argv) {
  Tool tool(
      "sso populate",
      "Write one profile per account and role an IAM Identity Center session can see (sso_session form), "
      "and keep them in sync.");
  EditFlags edit_flags(tool, "Edit files the AWS CLI cannot parse");
  PopulateFlags flags;
  add_flags(tool.app(), flags);
  if (auto exit = tool.parse(argc, argv)) return *exit;
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
  if (flags.no_verify_ssl)
    tool.warn(
        "--no-verify-ssl: TLS certificates are not verified, so anyone on the network path can read and "
        "change the traffic");

  std::optional<LoadedProfiles> loaded = load_profiles(tool);
  if (!loaded) return exit_code(Outcome::error);
  Result<SessionChoice> session = choose_session(context, loaded->model, flags.session);
  if (!session) return tool.fail(session.message());
  Result<std::string> token = cached_access_token(tool, *session);
  if (!token) return tool.fail(token.message());

  const std::string configured =
      tool.env()("AWS_ENDPOINT_URL_SSO").value_or(tool.env()("AWS_ENDPOINT_URL").value_or(""));
  Result<std::string> origin = sso_portal_origin(configured, session->region);
  if (!origin) return tool.fail(origin.message());

  HttpClientOptions http;
  http.verify_tls = !flags.no_verify_ssl;
  http.ca_bundle = flags.ca_bundle;
  if (http.ca_bundle.empty()) http.ca_bundle = tool.env()("AWS_CA_BUNDLE").value_or("");
  if (flags.connect_timeout) http.connect_timeout = std::chrono::seconds(*flags.connect_timeout);
  if (flags.read_timeout) http.read_timeout = std::chrono::seconds(*flags.read_timeout);

  ProgressLine progress(isatty(STDERR_FILENO) == 1 && context.output != OutputFormat::json);
  SsoPortalOptions portal;
  portal.origin = *origin;
  portal.access_token = *token;
  portal.session_label = "sso-session " + session->name;
  portal.login_command = "awsprof sso login --sso-session " + session->name;
  portal.max_in_flight = flags.jobs;
  portal.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(flags.timeout);
  portal.make_transport = [http] { return std::make_unique<HttpClient>(http); };
  portal.on_progress = [&progress](const SsoListingProgress& p) {
    progress.show("listing accounts and roles: " + std::to_string(p.accounts_done) + "/" +
                  std::to_string(p.accounts_listed) + (p.accounts_complete ? "" : "+") + " accounts");
  };
  if (flags.debug)
    portal.log = [&tool](std::string_view line) {
      std::cerr << tool.display_name() << ": debug: " << line << "\n";
    };
  Result<SsoListing> listing = list_sso_assignments(portal);
  progress.clear();
  if (!listing) return tool.fail(listing.message() + "; nothing was changed");

  PopulateOptions options;
  options.session = session->name;
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
