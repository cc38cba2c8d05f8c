// awsprof test: resolve each profile's credentials as the AWS CLI would, then ask STS who they
// belong to (GetCallerIdentity). Profiles are tested concurrently.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "awsprof/credential_resolver.hpp"
#include "common/format.hpp"
#include "common/load.hpp"
#include "common/network.hpp"
#include "common/tool.hpp"

namespace {

using namespace awsprof::tool;
using awsprof::ProfileTest;
using awsprof::SelectedProfile;

constexpr int kDefaultMaxJobs = 8;

std::string join_chain(const std::vector<std::string>& chain) {
  std::string out;
  for (const std::string& link : chain) out += (out.empty() ? "" : " → ") + link;
  return out.empty() ? "-" : out;
}

/// Which profiles to test: the arguments, every profile (--all), or the selected one.
std::optional<std::vector<SelectedProfile>> profiles_to_test(const Tool& tool,
                                                             const awsprof::ProfileModel& model,
                                                             const std::vector<std::string>& names,
                                                             bool all) {
  std::vector<SelectedProfile> out;
  if (all) {
    for (const awsprof::Section& profile : model.profiles)
      out.push_back({std::string(profile.name), awsprof::ProfileSource::flag});
    if (out.empty()) {
      tool.fail("--all: there are no profiles in " + tool.context().config_path + " or " +
                tool.context().credentials_path);
      return std::nullopt;
    }
  } else if (!names.empty()) {
    for (const std::string& name : names) out.push_back({name, awsprof::ProfileSource::flag});
  } else {
    out.push_back(tool.context().profile);  // not named on the command line: environment keys may win
  }
  return out;
}

/// Runs `jobs` workers over the profiles; shows "testing profiles: k/n" on `progress`.
std::vector<ProfileTest> run_tests(const awsprof::ProfileModel& model,
                                   const std::vector<SelectedProfile>& profiles,
                                   const awsprof::ProfileRunOptions& options, int jobs,
                                   ProgressLine& progress) {
  std::vector<ProfileTest> results(profiles.size());
  std::atomic<std::size_t> next{0};
  std::atomic<std::size_t> done{0};
  auto worker = [&] {
    for (std::size_t i = next++; i < profiles.size(); i = next++) {
      results[i] = awsprof::test_profile(model, profiles[i], options);
      progress.show("testing profiles: " + std::to_string(++done) + "/" + std::to_string(profiles.size()));
    }
  };
  std::vector<std::thread> threads;
  for (int j = 1; j < jobs; ++j) threads.emplace_back(worker);
  worker();
  for (std::thread& t : threads) t.join();
  progress.clear();
  return results;
}

nlohmann::ordered_json to_json(const ProfileTest& r) {
  auto or_null = [&r](const std::string& (*get)(const awsprof::CallerIdentity&)) {
    return r.identity ? nlohmann::ordered_json(get(*r.identity)) : nlohmann::ordered_json(nullptr);
  };
  nlohmann::ordered_json error = nullptr;
  if (r.error) error = {{"code", r.error->code}, {"message", r.error->message}, {"hint", r.error->hint}};
  return {
      {"profile", r.profile},
      {"ok", r.ok()},
      {"account", or_null([](const awsprof::CallerIdentity& i) -> const std::string& { return i.account; })},
      {"arn", or_null([](const awsprof::CallerIdentity& i) -> const std::string& { return i.arn; })},
      {"user_id", or_null([](const awsprof::CallerIdentity& i) -> const std::string& { return i.user_id; })},
      {"chain", r.chain},
      {"elapsed_ms", r.elapsed.count()},
      {"error", error}};
}

void print_results(const std::vector<ProfileTest>& results, const Tool& tool) {
  const ToolContext& context = tool.context();
  if (context.output == OutputFormat::json) {
    auto array = nlohmann::ordered_json::array();
    for (const ProfileTest& r : results) array.push_back(to_json(r));
    print_json(std::cout, array);
    return;
  }
  Table table({"PROFILE", "RESULT", "ACCOUNT", "ARN", "CHAIN", "TIME"});
  for (const ProfileTest& r : results) {
    table.add_row({r.profile,
                   r.ok() ? styled("ok", Style::green, context.stdout_colour)
                          : styled(r.error->code, Style::red, context.stdout_colour),
                   r.ok() ? r.identity->account : "-", r.ok() ? r.identity->arn : "-", join_chain(r.chain),
                   std::to_string(r.elapsed.count()) + " ms"});
  }
  table.print(std::cout, context.output, context.stdout_colour);
  // The reasons: below the table on a terminal, on stderr for scripts reading the text rows.
  const bool below = context.output == OutputFormat::table;
  bool first = true;
  for (const ProfileTest& r : results) {
    if (r.ok()) continue;
    std::ostream& out = below ? std::cout : std::cerr;
    if (below && first) out << '\n';
    first = false;
    out << (below ? "" : tool.display_name() + ": ") << r.profile << ": " << r.error->message << '\n';
    if (!r.error->hint.empty())
      out << (below ? "" : tool.display_name() + ": ") << "  hint: " << r.error->hint << '\n';
  }
}

}  // namespace

int main(int argc, char** argv) {
  Tool tool("test", "Resolve each profile's credentials and check them with STS GetCallerIdentity.");
  std::vector<std::string> names;
  bool all = false;
  std::optional<int> jobs;
  double timeout_seconds = 30;
  NetworkFlags network;
  CLI::App& app = tool.app();
  app.add_option("profiles", names, "The profiles to test (default: the selected profile)")
      ->type_name("PROFILE");
  app.add_flag("--all", all, "Test every profile in the config and credentials files");
  app.add_option("-j,--jobs", jobs, "Profiles tested at once (default: min(8, profiles))")
      ->type_name("N")
      ->check(CLI::Range(1, 256));
  app.add_option("--timeout", timeout_seconds,
                 "Seconds allowed per profile: its whole resolution and call, MFA prompts aside (default 30)")
      ->type_name("SECONDS")
      ->check(CLI::Range(0.001, 86400.0));
  add_network_flags(app, network);
  if (auto exit = tool.parse(argc, argv)) return *exit;
  if (all && !names.empty()) return tool.fail("give profile names or --all, not both");
  warn_about_network_flags(tool, network);

  auto loaded = load_profiles(tool);
  if (!loaded) return exit_code(Outcome::error);
  auto profiles = profiles_to_test(tool, loaded->model, names, all);
  if (!profiles) return exit_code(Outcome::error);

  const bool show_progress = isatty(STDERR_FILENO) == 1 && !network.debug && profiles->size() > 1;
  ProgressLine progress(show_progress);
  // One MFA prompt per device for the whole run (see awsprof::MfaSessions).
  awsprof::MfaSessions mfa_sessions(awsprof::devices_named_twice(loaded->model, *profiles, tool.env()));
  // One refresh per SSO token for the whole run, and no second attempt within a minute.
  awsprof::SsoTokenProvider sso_tokens;
  awsprof::RealFileSystem fs;
  awsprof::ProfileRunOptions options;
  options.fs = &fs;
  options.env = tool.env();
  options.overrides = network_overrides(network);
  options.mfa_code = mfa_code_provider(network, &progress);
  options.mfa_sessions = &mfa_sessions;
  options.sso_tokens = &sso_tokens;
  options.timeout = std::chrono::milliseconds(static_cast<long long>(timeout_seconds * 1000));
  options.log = debug_logger(tool, network);
  const int job_count =
      jobs.value_or(static_cast<int>(std::min<std::size_t>(kDefaultMaxJobs, profiles->size())));

  std::vector<ProfileTest> results = run_tests(loaded->model, *profiles, options, job_count, progress);
  print_results(results, tool);
  const bool all_ok =
      std::all_of(results.begin(), results.end(), [](const ProfileTest& r) { return r.ok(); });
  return exit_code(all_ok ? Outcome::ok : Outcome::findings);
}
