#include "awsprof/checks/config_diff.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <utility>

#include "awsprof/support/secrets.hpp"
#include "subprocess.hpp"

namespace awsprof {
namespace {

/// A key and its value, as compared: a plain value, or sub-properties (the last of a name wins).
struct Entry {
  std::string key;
  const Setting* setting = nullptr;
  std::vector<SubProperty> subs;  ///< Deduplicated, first-definition order.
};

std::vector<SubProperty> dedup_subs(const std::vector<SubProperty>& subs) {
  std::vector<SubProperty> out;
  for (const SubProperty& sub : subs) {
    auto it = std::find_if(out.begin(), out.end(), [&](const SubProperty& s) { return s.key == sub.key; });
    if (it != out.end()) {
      it->value = sub.value;
    } else {
      out.push_back(sub);
    }
  }
  return out;
}

/// The value of a setting as a diff shows it: as the reader returns it, a block as its raw text
/// (what `aws configure get s3` prints), not re-written from its sub-properties.
std::string value_text(const Setting& setting) {
  return std::string(setting.value);
}

std::string shown(std::string_view value, bool secret) {
  return secret ? mask_secret(value) : std::string(value);
}

/// Names in the order of `a`, then those only in `b`, in the order of `b`.
template <typename T, typename NameOf>
std::vector<std::string_view> union_order(const std::vector<T>& a, const std::vector<T>& b, NameOf name_of) {
  std::vector<std::string_view> names;
  for (const T& item : a) names.push_back(name_of(item));
  for (const T& item : b) {
    if (std::find(names.begin(), names.end(), name_of(item)) == names.end()) names.push_back(name_of(item));
  }
  return names;
}

class Differ {
 public:
  Differ(SectionType type, std::string_view label) : type_(type), label_(label) {}

  void section_only(ChangeKind kind, const Section& section) {
    push(kind, "", "", std::nullopt, std::nullopt, false);
    for (const Setting& setting : section.settings) key_only(kind, setting);
  }

  void sections(const Section& a, const Section& b) {
    auto key_of = [](const Setting& s) { return s.key; };
    for (std::string_view key : union_order(a.settings, b.settings, key_of)) {
      const Setting* old_setting = a.find(key);
      const Setting* new_setting = b.find(key);
      if (old_setting == nullptr) {
        key_only(ChangeKind::added, *new_setting);
      } else if (new_setting == nullptr) {
        key_only(ChangeKind::removed, *old_setting);
      } else if (old_setting->sub_properties && new_setting->sub_properties) {
        subs(key, dedup_subs(*old_setting->sub_properties), dedup_subs(*new_setting->sub_properties));
      } else {
        std::string old_text = value_text(*old_setting);
        std::string new_text = value_text(*new_setting);
        if (old_text == new_text &&
            (old_setting->sub_properties != nullptr) == (new_setting->sub_properties != nullptr)) {
          continue;
        }
        bool secret = is_secret_key(key);
        push(ChangeKind::changed, key, "", shown(old_text, secret), shown(new_text, secret), secret);
      }
    }
  }

  ConfigDiff take() { return std::move(diff_); }

 private:
  void key_only(ChangeKind kind, const Setting& setting) {
    bool secret = is_secret_key(setting.key);
    std::string text = shown(value_text(setting), secret);
    if (kind == ChangeKind::added) {
      push(kind, setting.key, "", std::nullopt, std::move(text), secret);
    } else {
      push(kind, setting.key, "", std::move(text), std::nullopt, secret);
    }
  }

  void subs(std::string_view key, const std::vector<SubProperty>& a, const std::vector<SubProperty>& b) {
    auto key_of = [](const SubProperty& s) { return s.key; };
    auto find = [](const std::vector<SubProperty>& list, std::string_view sub_key) -> const SubProperty* {
      for (const SubProperty& sub : list) {
        if (sub.key == sub_key) return &sub;
      }
      return nullptr;
    };
    for (std::string_view sub_key : union_order(a, b, key_of)) {
      const SubProperty* old_sub = find(a, sub_key);
      const SubProperty* new_sub = find(b, sub_key);
      bool secret = is_secret_key(key) || is_secret_key(sub_key);
      if (old_sub == nullptr) {
        push(ChangeKind::added, key, sub_key, std::nullopt, shown(new_sub->value, secret), secret);
      } else if (new_sub == nullptr) {
        push(ChangeKind::removed, key, sub_key, shown(old_sub->value, secret), std::nullopt, secret);
      } else if (old_sub->value != new_sub->value) {
        push(ChangeKind::changed, key, sub_key, shown(old_sub->value, secret), shown(new_sub->value, secret),
             secret);
      }
    }
  }

  void push(ChangeKind kind, std::string_view key, std::string_view sub_key, std::optional<std::string> old_value,
            std::optional<std::string> new_value, bool secret) {
    diff_.changes.push_back({kind, type_, label_, std::string(key), std::string(sub_key), std::move(old_value),
                             std::move(new_value), secret});
  }

  SectionType type_;
  std::string label_;
  ConfigDiff diff_;
};

void append(ConfigDiff& to, ConfigDiff from) {
  to.changes.insert(to.changes.end(), std::make_move_iterator(from.changes.begin()),
                    std::make_move_iterator(from.changes.end()));
}

const Section* find_named(const std::vector<Section>& sections, std::string_view name) {
  for (const Section& section : sections) {
    if (section.name == name) return &section;
  }
  return nullptr;
}

void diff_lists(ConfigDiff& out, const std::vector<Section>& a, const std::vector<Section>& b,
                SectionType type) {
  for (std::string_view name : union_order(a, b, [](const Section& s) { return s.name; })) {
    const Section* old_section = find_named(a, name);
    const Section* new_section = find_named(b, name);
    Differ differ(type, name);
    if (old_section == nullptr) {
      differ.section_only(ChangeKind::added, *new_section);
    } else if (new_section == nullptr) {
      differ.section_only(ChangeKind::removed, *old_section);
    } else {
      differ.sections(*old_section, *new_section);
    }
    append(out, differ.take());
  }
}

/// Runs git in `directory`; an error when git cannot be started.
Result<detail::ProcessOutput> git(const std::string& directory, std::vector<std::string> args) {
  args.insert(args.begin(), "git");
  return detail::run_process(args, {}, directory);
}

std::string first_line(std::string_view text) {
  std::string_view line = text.substr(0, text.find('\n'));
  return std::string(line);
}

std::string directory_of(const std::string& path) {
  std::size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

std::string base_name(const std::string& path) {
  std::size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

bool is_directory(const std::string& path) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode);
}

/// The path with symlinks resolved (so a link into a dotfiles repository is read from there); a
/// missing file keeps its name in its directory, resolved.
std::string resolved(const std::string& path) {
  std::error_code error;
  std::filesystem::path canonical = std::filesystem::canonical(path, error);
  if (!error) return canonical.string();
  canonical = std::filesystem::canonical(directory_of(path), error);
  return error ? path : (canonical / base_name(path)).string();
}

}  // namespace

const char* to_string(ChangeKind kind) {
  switch (kind) {
    case ChangeKind::added:
      return "added";
    case ChangeKind::removed:
      return "removed";
    case ChangeKind::changed:
      return "changed";
  }
  return "changed";
}

const char* to_string(SectionType type) {
  switch (type) {
    case SectionType::profile:
      return "profile";
    case SectionType::sso_session:
      return "sso-session";
    case SectionType::services:
      return "services";
    case SectionType::other:
      return "other";
  }
  return "other";
}

ConfigDiff diff_sections(const Section& old_section, const Section& new_section, SectionType type,
                         std::string_view label) {
  Differ differ(type, label);
  differ.sections(old_section, new_section);
  return differ.take();
}

ConfigDiff diff_configs(const ProfileModel& old_model, const ProfileModel& new_model) {
  ConfigDiff diff;
  diff_lists(diff, old_model.profiles, new_model.profiles, SectionType::profile);
  diff_lists(diff, old_model.sso_sessions, new_model.sso_sessions, SectionType::sso_session);
  diff_lists(diff, old_model.services, new_model.services, SectionType::services);
  diff_lists(diff, old_model.other_sections, new_model.other_sections, SectionType::other);
  return diff;
}

Result<ConfigDiff> diff_profiles(const ProfileModel& model, std::string_view old_profile,
                                 std::string_view new_profile) {
  for (std::string_view name : {old_profile, new_profile}) {
    if (model.find_profile(name) == nullptr) {
      return Result<ConfigDiff>::error("no profile named '" + std::string(name) +
                                       "' in the config or credentials file");
    }
  }
  return diff_sections(*model.find_profile(old_profile), *model.find_profile(new_profile),
                       SectionType::profile, old_profile);
}

ConfigDiff filter_profile(const ConfigDiff& diff, std::string_view profile) {
  ConfigDiff out;
  for (const ConfigChange& change : diff.changes) {
    if (change.section_type == SectionType::profile && change.section == profile)
      out.changes.push_back(change);
  }
  return out;
}

bool in_git_work_tree(const std::string& path) {
  std::string directory = directory_of(resolved(path));
  if (!is_directory(directory)) return false;
  auto inside = git(directory, {"rev-parse", "--is-inside-work-tree"});
  return inside && inside->exit_code == 0 && first_line(inside->out) == "true";
}

Result<GitFile> read_file_at_revision(const std::string& path, const std::string& revision) {
  using R = Result<GitFile>;
  const std::string real_path = resolved(path);
  std::string directory = directory_of(real_path);
  if (!is_directory(directory)) return R::error(directory + ": no such directory");
  auto prefix = git(directory, {"rev-parse", "--show-prefix"});
  if (!prefix) return R::error(prefix.message());
  if (prefix->exit_code != 0) return R::error(path + " is not inside a git work tree");
  std::string relative = first_line(prefix->out) + base_name(real_path);
  if (revision.empty() || revision.starts_with("-"))
    return R::error("unknown git revision '" + revision + "'");
  auto commit =
      git(directory, {"rev-parse", "--verify", "--quiet", "--end-of-options", revision + "^{commit}"});
  if (!commit) return R::error(commit.message());
  if (commit->exit_code != 0) return R::error("unknown git revision '" + revision + "'");
  GitFile file;
  file.label = revision + ":" + relative;
  std::string object = revision + ":" + relative;
  auto type = git(directory, {"cat-file", "-t", object});
  if (!type) return R::error(type.message());
  if (type->exit_code != 0) return file;  // not in that revision's tree: empty
  if (first_line(type->out) != "blob") return R::error(file.label + " is not a file");
  auto blob = git(directory, {"cat-file", "blob", object});
  if (!blob) return R::error(blob.message());
  if (blob->exit_code != 0) return R::error("git cat-file blob " + object + ": " + first_line(blob->err));
  file.content.exists = true;
  file.content.bytes = std::move(blob->out);
  return file;
}

}  // namespace awsprof
