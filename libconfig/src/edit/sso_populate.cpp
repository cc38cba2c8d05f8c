#include "awsprof/edit/sso_populate.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "sectioned_files.hpp"
#include "text_util.hpp"

namespace awsprof {
namespace {

// The keys populate writes, in the order it writes them (the marker comes last).
constexpr std::string_view kGeneratedKeys[] = {"sso_session", "sso_account_id", "sso_role_name", "region"};

// What adopting a granted or aws-sso-util profile removes: their markers and the keys of the forms
// they write (the legacy inline SSO form, granted's credential-process form).
constexpr std::string_view kForeignKeys[] = {"common_fate_generated_from",
                                             "sso_auto_populated",
                                             "sso_util_populate",
                                             "granted_sso_start_url",
                                             "granted_sso_region",
                                             "granted_sso_account_id",
                                             "granted_sso_role_name",
                                             "sso_start_url",
                                             "sso_region",
                                             "sso_account_name"};

using Values = std::map<std::string, std::optional<std::string>, std::less<>>;

std::string identity_key(std::string_view account_id, std::string_view role_name) {
  return std::string(account_id) + '\n' + std::string(role_name);
}

std::optional<std::string> setting_value(const Section& profile, std::string_view key) {
  const Setting* setting = profile.find(key);
  if (!setting) return std::nullopt;
  return std::string(detail::trim_blanks(setting->value));
}

// A credential_process that runs the tool being adopted, which the sso_session form replaces.
bool runs_generating_tool(std::string_view command) {
  command = detail::trim_blanks(command);
  return command.find("granted credential-process") != std::string_view::npos ||
         command.find("aws-sso-util credential-process") != std::string_view::npos ||
         command.starts_with("granted ");
}

// One identity the portal listed, and what this run does for it.
struct Want {
  const SsoAccount* account = nullptr;
  std::string role;
  std::string key;
  std::string candidate;  // the template's name
  enum class Kind { create, update, adopt, skip } kind = Kind::create;
  const Section* profile = nullptr;  // the existing profile (update, adopt, skip)
  SsoProfileIdentity identity;       // of that profile
  std::string final_name;
  bool user_renamed = false;
  std::string note;
};

class Populator {
 public:
  Populator(ConfigFiles& files, const SsoListing& listing, const PopulateOptions& options,
            PopulateReport& report)
      : files_(files), listing_(listing), options_(options), report_(report) {}

  Status run() {
    model_ =
        build_profile_model({"config", &files_.config}, {"credentials", &files_.credentials}, Dialect::cli);
    if (model_.unreadable())
      return Status::error(
          std::string(model_.config_unreadable ? "the config file" : "the credentials file") +
          " cannot be parsed by the AWS CLI");
    for (const Section& profile : model_.profiles)
      if (const Setting* source = profile.find("source_profile"))
        if (std::string_view name = detail::trim_blanks(source->value); name != profile.name)
          referrers_[std::string(name)].emplace_back(profile.name);
    const Section* session = model_.find_sso_session(options_.session);
    if (session == nullptr)
      return Status::error("the config file has no [sso-session " + options_.session + "] section");
    start_url_ = setting_value(*session, "sso_start_url").value_or("");
    if (start_url_.empty())
      return Status::error("[sso-session " + options_.session + "] has no sso_start_url");
    report_.session = options_.session;
    report_.start_url = start_url_;
    if (Status s = plan(); !s) return s;
    return apply();
  }

 private:
  bool same_start_url(std::string_view url) const {
    return normalize_start_url(url) == normalize_start_url(start_url_);
  }

  Status plan() {
    for (const SsoAccountRoles& listed : listing_.accounts) {
      const SsoAccount& account = listed.account;
      ++report_.accounts;
      for (const std::string& role : listed.roles) {
        ++report_.roles;
        Want want;
        want.account = &account;
        want.role = role;
        want.key = identity_key(account.account_id, role);
        want.candidate = options_.name_template.render(
            {account.account_name, account.account_id, role, options_.session, options_.region.value_or("")});
        if (want.candidate.empty())
          return Status::error("the name template '" + options_.name_template.text() +
                               "' gives an empty name for role " + role + " of account " +
                               account.account_id);
        wants_.push_back(std::move(want));
      }
    }
    std::sort(wants_.begin(), wants_.end(), [](const Want& a, const Want& b) {
      return std::tie(a.account->account_id, a.role) < std::tie(b.account->account_id, b.role);
    });
    std::map<std::string, Want*, std::less<>> by_key;
    for (Want& want : wants_) by_key.emplace(want.key, &want);

    // Every profile that stands for an SSO role, by what it is to this session.
    const std::vector<std::pair<int, int>> blocks = aws_sso_cli_blocks(files_.config);
    std::map<std::string, std::vector<std::pair<const Section*, SsoProfileIdentity>>> ours, foreign, covered;
    for (const Section& profile : model_.profiles) {
      std::optional<SsoProfileIdentity> identity = sso_profile_identity(model_, profile, blocks);
      if (!identity) continue;
      const std::string key = identity_key(identity->account_id, identity->role_name);
      const bool listed = by_key.count(key) > 0;
      if (identity->origin == ProfileOrigin::awsprof && identity->marker->session == options_.session) {
        if (listed && same_start_url(identity->start_url)) {
          ours[key].emplace_back(&profile, std::move(*identity));
        } else {
          stale_.emplace_back(&profile, std::move(*identity));
        }
        continue;
      }
      const bool same_instance = identity->start_url.empty() || same_start_url(identity->start_url);
      if (!listed || !same_instance) continue;
      const bool other_tool = identity->origin == ProfileOrigin::granted ||
                              identity->origin == ProfileOrigin::aws_sso_util ||
                              identity->origin == ProfileOrigin::aws_sso_cli;
      (other_tool ? foreign : covered)[key].emplace_back(&profile, std::move(*identity));
    }

    for (Want& want : wants_) {
      if (auto found = ours.find(want.key); found != ours.end()) {
        auto& list = found->second;
        // Of copies of one generated profile, the one still called what populate called it.
        auto primary = std::find_if(list.begin(), list.end(),
                                    [](auto& p) { return p.first->name == p.second.marker->name; });
        if (primary == list.end()) primary = list.begin();
        want.kind = Want::Kind::update;
        want.profile = primary->first;
        want.identity = primary->second;
        want.user_renamed = want.profile->name != want.identity.marker->name;
        for (auto& [copy, identity] : list)
          if (copy != want.profile)
            skipped(
                want, *copy,
                "a copy of the generated profile '" + std::string(want.profile->name) + "'; left as it is");
      } else if (auto other = foreign.find(want.key); other != foreign.end()) {
        const auto& [profile, identity] = other->second.front();
        if (options_.adopt) {
          want.kind = Want::Kind::adopt;
          want.profile = profile;
          want.identity = identity;
        } else {
          want.kind = Want::Kind::skip;
          want.profile = profile;
          want.note = "generated by " + std::string(to_string(identity.origin)) + " as '" +
                      std::string(profile->name) + "'; --adopt takes it over";
        }
      } else if (auto owner = covered.find(want.key); owner != covered.end()) {
        const auto& [profile, identity] = owner->second.front();
        want.kind = Want::Kind::skip;
        want.profile = profile;
        want.note = "already configured by the " +
                    std::string(identity.origin == ProfileOrigin::awsprof
                                    ? "profile generated for [sso-session " + identity.marker->session + "]"
                                    : "hand-written profile") +
                    " '" + std::string(profile->name) + "'";
      }
    }
    assign_names();
    return Status();
  }

  void skipped(const Want& want, const Section& profile, std::string note) {
    PopulatedProfile entry;
    entry.action = PopulateAction::skipped;
    entry.name = std::string(profile.name);
    entry.account_id = want.account->account_id;
    entry.account_name = want.account->account_name;
    entry.role_name = want.role;
    entry.note = std::move(note);
    report_.profiles.push_back(std::move(entry));
  }

  // Gives every created, updated and adopted profile its final name (see the header).
  void assign_names() {
    std::set<std::string, std::less<>> taken;
    for (const Section& profile : model_.profiles) taken.insert(std::string(profile.name));
    for (const Want& want : wants_)
      if (want.kind == Want::Kind::update || want.kind == Want::Kind::adopt)
        taken.erase(std::string(want.profile->name));
    if (options_.prune)
      for (const auto& [profile, identity] : stale_) taken.erase(std::string(profile->name));
    taken.insert("default");  // the default profile is never generated

    std::vector<Want*> pending;
    for (Want& want : wants_) {
      if (want.kind == Want::Kind::skip) continue;
      if (want.user_renamed) {
        want.final_name = std::string(want.profile->name);
        taken.insert(want.final_name);
      } else {
        pending.push_back(&want);
      }
    }
    // A profile that already has its name keeps it, before anyone else is served.
    for (Want* want : pending) {
      if (want->profile != nullptr && want->profile->name == want->candidate &&
          !taken.count(want->candidate)) {
        want->final_name = want->candidate;
        taken.insert(want->final_name);
      }
    }
    for (Want* want : pending) {
      if (!want->final_name.empty()) continue;
      std::string name = want->candidate;
      if (taken.count(name)) name = want->candidate + "-" + want->account->account_id;
      if (taken.count(name)) name += "-" + sanitize_profile_name_part(want->role);
      for (int n = 2; taken.count(name); ++n)
        name = want->candidate + "-" + want->account->account_id + "-" +
               sanitize_profile_name_part(want->role) + "-" + std::to_string(n);
      want->final_name = name;
      taken.insert(name);
    }
  }

  std::vector<std::string> referrers_of(std::string_view name) const {
    auto found = referrers_.find(name);
    return found == referrers_.end() ? std::vector<std::string>() : found->second;
  }

  GeneratedMarker marker_for(const Want& want) const {
    GeneratedMarker marker;
    marker.session = options_.session;
    marker.start_url = start_url_;
    marker.account_id = want.account->account_id;
    marker.role_name = want.role;
    // A name the user chose is theirs: the marker keeps the one populate gave, which tells it so.
    marker.name = want.user_renamed ? want.identity.marker->name : want.final_name;
    marker.region = options_.region;
    return marker;
  }

  Values generated_values(const Want& want) const {
    return {{"sso_session", options_.session},
            {"sso_account_id", want.account->account_id},
            {"sso_role_name", want.role},
            {"region", options_.region}};
  }

  static std::vector<SettingChange> values_to_changes(const Values& values) {
    std::vector<SettingChange> changes;
    for (std::string_view key : kGeneratedKeys) {
      auto found = values.find(key);
      if (found != values.end() && found->second) changes.push_back({std::string(key), found->second});
    }
    return changes;
  }

  // The edits of one run, in the order they are made.
  struct Edits {
    std::vector<std::string> removals;
    std::vector<std::pair<std::string, std::string>> renames;
    std::vector<std::string> moves;  ///< profiles to move after the last section
    std::vector<std::pair<std::string, std::vector<SettingChange>>> changes;  ///< existing and new profiles
  };

  Status apply() {
    Edits edits;
    // Stale profiles: removed (prune), else marked.
    for (const auto& [profile, identity] : stale_) {
      PopulatedProfile entry;
      entry.name = std::string(profile->name);
      entry.account_id = identity.account_id;
      entry.role_name = identity.role_name;
      entry.referrers = referrers_of(profile->name);
      if (options_.prune) {
        entry.action = PopulateAction::pruned;
        edits.removals.push_back(entry.name);
      } else {
        entry.action = PopulateAction::stale;
        entry.note = "since " + identity.marker->stale_since.value_or(options_.today);
        if (!identity.marker->stale_since) {
          GeneratedMarker marker = *identity.marker;
          marker.stale_since = options_.today;
          edits.changes.push_back(
              {entry.name, {{std::string(kGeneratedMarkerKey), format_generated_marker(marker)}}});
        }
      }
      report_.profiles.push_back(std::move(entry));
    }

    for (Want& want : wants_) {
      PopulatedProfile entry;
      entry.name =
          want.final_name.empty() && want.profile ? std::string(want.profile->name) : want.final_name;
      entry.account_id = want.account->account_id;
      entry.account_name = want.account->account_name;
      entry.role_name = want.role;
      entry.note = want.note;
      if (!want.user_renamed && want.final_name != want.candidate && want.kind != Want::Kind::skip)
        entry.wanted_name = want.candidate;
      switch (want.kind) {
        case Want::Kind::skip:
          entry.action = PopulateAction::skipped;
          break;
        case Want::Kind::create:
          entry.action = PopulateAction::created;
          create(want, edits);
          break;
        case Want::Kind::update:
          update(want, entry, edits);
          break;
        case Want::Kind::adopt:
          entry.action = PopulateAction::adopted;
          entry.note = "generated by " + std::string(to_string(want.identity.origin));
          adopt(want, entry, edits);
          break;
      }
      if (want.profile && want.kind != Want::Kind::skip && want.profile->name != want.final_name) {
        entry.renamed_from = std::string(want.profile->name);
        entry.referrers = referrers_of(want.profile->name);
        edits.renames.emplace_back(entry.renamed_from, want.final_name);
      }
      report_.profiles.push_back(std::move(entry));
    }

    detail::SectionedFiles files(files_, Dialect::cli);
    for (const std::string& name : edits.removals)
      if (Status s = files.remove(name, Dependents::orphan); !s) return s;  // referrers are reported
    if (Status s = rename_all(files, edits.renames); !s) return s;
    for (const std::string& name : edits.moves)
      if (Status s = files.move_to_end(name, free_name()); !s) return s;
    for (const auto& [name, changes] : edits.changes)
      if (Status s = files.apply(name, changes); !s) return s;
    files_ = files.join();

    std::sort(report_.profiles.begin(), report_.profiles.end(),
              [](const PopulatedProfile& a, const PopulatedProfile& b) {
                return std::tie(a.name, a.account_id, a.role_name) <
                       std::tie(b.name, b.account_id, b.role_name);
              });
    return Status();
  }

  void create(const Want& want, Edits& edits) const {
    std::vector<SettingChange> changes = values_to_changes(generated_values(want));
    changes.push_back({std::string(kGeneratedMarkerKey), format_generated_marker(marker_for(want))});
    edits.changes.emplace_back(want.final_name, std::move(changes));
  }

  // The three-way merge of a generated profile's keys.
  void update(const Want& want, PopulatedProfile& entry, Edits& edits) const {
    const GeneratedMarker& last = *want.identity.marker;
    const Values base{{"sso_session", last.session},
                      {"sso_account_id", last.account_id},
                      {"sso_role_name", last.role_name},
                      {"region", last.region}};
    const Values now = generated_values(want);
    std::vector<SettingChange> changes;
    for (std::string_view key : kGeneratedKeys) {
      const std::optional<std::string> theirs = setting_value(*want.profile, key);
      const std::optional<std::string>& was = base.find(key)->second;
      const std::optional<std::string>& wanted = now.find(key)->second;
      if (theirs == was) {
        if (wanted != theirs) changes.push_back({std::string(key), wanted});
      } else if (wanted != was && wanted != theirs) {
        entry.kept_values.emplace_back(key);
      }
    }
    entry.action = changes.empty() && !last.stale_since ? PopulateAction::unchanged : PopulateAction::updated;
    finish_with_marker(want, changes);
    if (!changes.empty()) edits.changes.emplace_back(want.final_name, std::move(changes));
  }

  // Ends `changes` with the marker. A key the profile lacks is added after its last line: the marker
  // is then written anew below it, so that it stays the last of what populate wrote. (Keys are set
  // before any is removed: a section apply_changes leaves empty is removed, comments and all.)
  void finish_with_marker(const Want& want, std::vector<SettingChange>& changes) const {
    std::stable_partition(changes.begin(), changes.end(),
                          [](const SettingChange& c) { return c.value.has_value(); });
    const std::string marker = format_generated_marker(marker_for(want));
    const bool adds_key = std::any_of(changes.begin(), changes.end(), [&](const SettingChange& change) {
      return change.value && !want.profile->find(change.key);
    });
    const std::optional<std::string> current = setting_value(*want.profile, kGeneratedMarkerKey);
    if (adds_key && current) changes.push_back({std::string(kGeneratedMarkerKey), std::nullopt});
    if (adds_key || current != marker) changes.push_back({std::string(kGeneratedMarkerKey), marker});
  }

  void adopt(const Want& want, PopulatedProfile& entry, Edits& edits) const {
    std::vector<SettingChange> changes;
    // What the user set survives: a region of theirs stays (and is reported when it differs).
    const Values now = generated_values(want);
    for (std::string_view key : kGeneratedKeys) {
      const std::optional<std::string>& value = now.find(key)->second;
      const std::optional<std::string> theirs = setting_value(*want.profile, key);
      if (key == "region" && theirs) {
        if (value && value != theirs) entry.kept_values.emplace_back(key);
        continue;
      }
      if (value && value != theirs) changes.push_back({std::string(key), value});
    }
    for (std::string_view key : kForeignKeys)
      if (want.profile->find(key)) changes.push_back({std::string(key), std::nullopt});
    if (const Setting* process = want.profile->find("credential_process");
        process &&
        (want.identity.origin == ProfileOrigin::aws_sso_cli || runs_generating_tool(process->value)))
      changes.push_back({"credential_process", std::nullopt});
    finish_with_marker(want, changes);
    // Out of aws-sso-cli's block, which it rewrites whole: the section moves after the last one,
    // its lines (comments, the user's keys) with it.
    if (want.identity.origin == ProfileOrigin::aws_sso_cli) edits.moves.push_back(want.final_name);
    edits.changes.emplace_back(want.final_name, std::move(changes));
  }

  // A profile name no profile has, to park a profile on while it moves or trades names.
  std::string free_name() {
    std::string name;
    do name = "awsprof-populate-parking-" + std::to_string(++parked_);
    while (model_.find_profile(name) != nullptr);
    return name;
  }

  // Renames in an order where each new name is free, through a parking name where two profiles
  // trade names.
  Status rename_all(detail::SectionedFiles& files, std::vector<std::pair<std::string, std::string>> renames) {
    std::set<std::string, std::less<>> present;
    for (const Section& profile : model_.profiles) present.insert(std::string(profile.name));
    for (const PopulatedProfile& p : report_.profiles)
      if (p.action == PopulateAction::pruned) present.erase(p.name);
    while (!renames.empty()) {
      auto ready =
          std::find_if(renames.begin(), renames.end(), [&](auto& r) { return !present.count(r.second); });
      if (ready == renames.end()) {
        ready = renames.begin();
        const std::string parked = free_name();
        if (Status s = files.rename(ready->first, parked); !s) return s;
        present.erase(ready->first);
        present.insert(parked);
        ready->first = parked;
        continue;
      }
      if (Status s = files.rename(ready->first, ready->second); !s) return s;
      present.erase(ready->first);
      present.insert(ready->second);
      renames.erase(ready);
    }
    return Status();
  }

  ConfigFiles& files_;
  const SsoListing& listing_;
  const PopulateOptions& options_;
  PopulateReport& report_;
  ProfileModel model_;
  std::string start_url_;
  std::vector<Want> wants_;
  std::vector<std::pair<const Section*, SsoProfileIdentity>> stale_;
  /// The profiles whose source_profile names each profile.
  std::map<std::string, std::vector<std::string>, std::less<>> referrers_;
  int parked_ = 0;
};

}  // namespace

const char* to_string(PopulateAction action) {
  switch (action) {
    case PopulateAction::created:
      return "created";
    case PopulateAction::updated:
      return "updated";
    case PopulateAction::unchanged:
      return "unchanged";
    case PopulateAction::adopted:
      return "adopted";
    case PopulateAction::pruned:
      return "pruned";
    case PopulateAction::stale:
      return "stale";
    case PopulateAction::skipped:
      break;
  }
  return "skipped";
}

int PopulateReport::count(PopulateAction action) const {
  return static_cast<int>(std::count_if(profiles.begin(), profiles.end(),
                                        [&](const PopulatedProfile& p) { return p.action == action; }));
}

int PopulateReport::renamed() const {
  return static_cast<int>(std::count_if(profiles.begin(), profiles.end(),
                                        [](const PopulatedProfile& p) { return !p.renamed_from.empty(); }));
}

Status populate_profiles(ConfigFiles& files, const SsoListing& listing, const PopulateOptions& options,
                         PopulateReport& report) {
  report = PopulateReport();
  PopulateReport draft;
  ConfigFiles work = files;
  Populator populator(work, listing, options, draft);
  if (Status s = populator.run(); !s) return s;
  files = std::move(work);
  report = std::move(draft);
  return Status();
}

}  // namespace awsprof
