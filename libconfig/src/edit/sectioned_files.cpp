#include "sectioned_files.hpp"

#include <algorithm>

namespace awsprof::detail {
namespace {

constexpr std::size_t kConfig = 0;
constexpr std::size_t kCredentials = 1;

FileKind kind_of(std::size_t file) {
  return file == kConfig ? FileKind::config : FileKind::credentials;
}

// A document can be cut at its headers when each piece reads alone as it reads in the file: no
// header is indented (after a value, an indented header continues it), and every line ends alike
// (an edit ends the lines it adds as the document's first line ends).
bool can_cut(const Document& document) {
  std::string_view first_eol;
  for (std::size_t i = 0; i < document.lines().size(); ++i) {
    const Line& line = document.lines()[i];
    if (line.kind == LineKind::section && line.indent > 0) return false;
    if (line.eol_length == 0) continue;
    if (first_eol.empty()) first_eol = document.line_eol(i);
    if (document.line_eol(i) != first_eol) return false;
  }
  return true;
}

std::size_t offset_of(const Document& document, std::size_t line) {
  return line < document.lines().size() ? document.lines()[line].offset : document.text().size();
}

}  // namespace

SectionedFiles::SectionedFiles(const ConfigFiles& files, Dialect dialect) : dialect_(dialect) {
  whole_ = !can_cut(files.config) || !can_cut(files.credentials);
  split(kConfig, files.config);
  split(kCredentials, files.credentials);
}

void SectionedFiles::split(std::size_t file, const Document& document) {
  pieces_[file].clear();
  by_name_[file].clear();
  const std::string& text = document.text();
  if (whole_ || document.sections().empty()) {
    pieces_[file].push_back({text, std::nullopt, false, false});
    return;
  }
  pieces_[file].push_back(
      {text.substr(0, offset_of(document, document.sections().front().header)), std::nullopt});
  for (const SectionRange& range : document.sections()) {
    const std::size_t begin = offset_of(document, range.header), end = offset_of(document, range.end);
    Piece piece{text.substr(begin, end - begin), document.section_name(range),
                document.find_property(range, "source_profile") != nullptr, false};
    by_name_[file][key_of(*piece.name)].push_back(pieces_[file].size());
    pieces_[file].push_back(std::move(piece));
  }
}

std::vector<std::size_t> SectionedFiles::pieces_of(std::size_t file, const std::string& profile) const {
  std::vector<SectionName> names;
  if (file == kCredentials) {
    names.push_back({"", profile});
  } else {
    names.push_back({"profile", profile});
    if (profile == "default") names.push_back({"", "default"});
  }
  std::vector<std::size_t> out;
  for (const SectionName& name : names)
    if (auto found = by_name_[file].find(key_of(name)); found != by_name_[file].end())
      out.insert(out.end(), found->second.begin(), found->second.end());
  return out;
}

std::optional<std::size_t> SectionedFiles::last_piece(std::size_t file) const {
  for (std::size_t i = pieces_[file].size(); i-- > 0;)
    if (!pieces_[file][i].removed) return i;
  return std::nullopt;
}

std::optional<std::size_t> SectionedFiles::piece_before(std::size_t file, std::size_t index) const {
  while (index-- > 0)
    if (!pieces_[file][index].removed) return index;
  return std::nullopt;
}

void SectionedFiles::set_piece(std::size_t file, std::size_t index, Piece piece) {
  auto unlist = [&](const std::optional<SectionName>& name) {
    if (!name) return;
    auto& list = by_name_[file][key_of(*name)];
    list.erase(std::remove(list.begin(), list.end(), index), list.end());
    if (list.empty()) by_name_[file].erase(key_of(*name));
  };
  if (index < pieces_[file].size()) {
    unlist(pieces_[file][index].name);
  } else {
    pieces_[file].resize(index + 1, Piece{"", std::nullopt, false, true});
  }
  if (piece.name && !piece.removed) {
    auto& list = by_name_[file][key_of(*piece.name)];
    list.insert(std::lower_bound(list.begin(), list.end(), index), index);
  }
  pieces_[file][index] = std::move(piece);
}

Status SectionedFiles::run_whole(const std::function<Status(ConfigFiles&)>& operation) {
  ConfigFiles files = join();
  if (Status s = operation(files); !s) return s;
  split(kConfig, files.config);
  split(kCredentials, files.credentials);
  return Status();
}

Status SectionedFiles::run(std::array<std::vector<std::size_t>, 2> include, Shape shape,
                           const std::string& profile, const std::function<Status(ConfigFiles&)>& operation) {
  if (whole_) return run_whole(operation);
  std::array<std::string, 2> texts;
  for (std::size_t file : {kConfig, kCredentials}) {
    auto& list = include[file];
    // Edits pick sections by name (the last of a name, or all of it): every section of a name
    // the operation sees must be there, so that it picks in the pieces what it picks in the file.
    for (std::size_t n = list.size(), i = 0; i < n; ++i)
      if (const auto& name = pieces_[file][list[i]].name)
        for (std::size_t same : by_name_[file].at(key_of(*name))) list.push_back(same);
    list.erase(
        std::remove_if(list.begin(), list.end(), [&](std::size_t i) { return pieces_[file][i].removed; }),
        list.end());
    std::sort(list.begin(), list.end());
    list.erase(std::unique(list.begin(), list.end()), list.end());
    for (std::size_t i : list) texts[file] += pieces_[file][i].text;
  }
  ConfigFiles mini{Document::parse(std::move(texts[kConfig])),
                   Document::parse(std::move(texts[kCredentials]))};
  if (Status s = operation(mini); !s) return s;

  // Where each section of the result goes: (file, piece index, the piece), checked for both files
  // before any is changed.
  std::vector<std::pair<std::size_t, std::pair<std::size_t, Piece>>> placed;
  for (std::size_t file : {kConfig, kCredentials}) {
    const Document& doc = mini.of(kind_of(file));
    const std::vector<std::size_t>& list = include[file];
    const bool has_preamble = !list.empty() && list.front() == 0;
    const std::size_t first_header =
        doc.sections().empty() ? doc.lines().size() : doc.sections().front().header;
    const std::string preamble = doc.text().substr(0, offset_of(doc, first_header));
    if (!has_preamble && !preamble.empty()) return run_whole(operation);
    // The included sections, less those the operation was to remove.
    const std::vector<std::size_t> going =
        shape == Shape::without_profile ? pieces_of(file, profile) : std::vector<std::size_t>();
    std::vector<std::size_t> targets;
    for (std::size_t i : list)
      if (i != 0 && std::find(going.begin(), going.end(), i) == going.end()) targets.push_back(i);
    std::vector<std::size_t> removed;
    const std::size_t sections = doc.sections().size();
    if (shape == Shape::without_profile) {
      const std::size_t before = list.size() - (has_preamble ? 1 : 0);
      if (sections == before) {
        targets.clear();  // nothing of the profile in this file
        for (std::size_t i : list)
          if (i != 0) targets.push_back(i);
      } else if (sections != targets.size()) {
        return run_whole(operation);
      } else {
        for (std::size_t i : list)
          if (i != 0 && std::find(targets.begin(), targets.end(), i) == targets.end()) removed.push_back(i);
      }
    }
    const bool adds = shape == Shape::one_more_at_end && sections == targets.size() + 1;
    if (adds && !list.empty() && list.back() != last_piece(file)) return run_whole(operation);
    if (sections != targets.size() + (adds ? 1 : 0)) return run_whole(operation);
    if (has_preamble) placed.push_back({file, {0, Piece{preamble, std::nullopt, false, false}}});
    for (std::size_t s = 0; s < sections; ++s) {
      const SectionRange& range = doc.sections()[s];
      const std::size_t begin = offset_of(doc, range.header), end = offset_of(doc, range.end);
      const std::size_t index = s < targets.size() ? targets[s] : pieces_[file].size();
      placed.push_back({file,
                        {index, Piece{doc.text().substr(begin, end - begin), doc.section_name(range),
                                      doc.find_property(range, "source_profile") != nullptr, false}}});
    }
    for (std::size_t i : removed) placed.push_back({file, {i, Piece{"", std::nullopt, false, true}}});
  }
  for (auto& [file, entry] : placed) set_piece(file, entry.first, std::move(entry.second));
  return Status();
}

Status SectionedFiles::apply(const std::string& profile, std::span<const SettingChange> changes) {
  std::array<std::vector<std::size_t>, 2> include;
  for (std::size_t file : {kConfig, kCredentials}) {
    include[file] = pieces_of(file, profile);
    if (auto last = last_piece(file)) include[file].push_back(*last);
  }
  const EditTarget target{EditTarget::Kind::profile, profile};
  return run(include, Shape::one_more_at_end, profile,
             [&](ConfigFiles& files) { return apply_changes(files, dialect_, target, changes); });
}

Status SectionedFiles::rename(const std::string& from, const std::string& to) {
  std::array<std::vector<std::size_t>, 2> include;
  for (std::size_t file : {kConfig, kCredentials}) {
    include[file] = pieces_of(file, from);
    for (std::size_t i = 1; i < pieces_[file].size(); ++i)
      if (pieces_[file][i].refers && !pieces_[file][i].removed) include[file].push_back(i);
  }
  return run(include, Shape::same, from, [&](ConfigFiles& files) { return rename_profile(files, dialect_, from, to); });
}

Status SectionedFiles::remove(const std::string& profile, Dependents dependents) {
  std::array<std::vector<std::size_t>, 2> include;
  for (std::size_t file : {kConfig, kCredentials}) {
    for (std::size_t i : pieces_of(file, profile)) {
      include[file].push_back(i);
      if (auto before = piece_before(file, i)) include[file].push_back(*before);
    }
  }
  return run(include, Shape::without_profile, profile,
             [&](ConfigFiles& files) { return delete_profile(files, dialect_, profile, dependents); });
}

Status SectionedFiles::move_to_end(const std::string& profile, const std::string& parking) {
  std::array<std::vector<std::size_t>, 2> include;
  for (std::size_t file : {kConfig, kCredentials}) {
    include[file] = pieces_of(file, profile);
    if (auto last = last_piece(file)) include[file].push_back(*last);
  }
  if (Status s = run(include, Shape::one_more_at_end, profile,
                     [&](ConfigFiles& files) { return copy_profile(files, dialect_, profile, parking); });
      !s)
    return s;
  // The profile is back under its name at the end, so its dependents are not orphaned.
  if (Status s = remove(profile, Dependents::orphan); !s) return s;
  return rename(parking, profile);
}

ConfigFiles SectionedFiles::join() const {
  std::array<std::string, 2> texts;
  for (std::size_t file : {kConfig, kCredentials})
    for (const Piece& piece : pieces_[file])
      if (!piece.removed) texts[file] += piece.text;
  return ConfigFiles{Document::parse(std::move(texts[kConfig])),
                     Document::parse(std::move(texts[kCredentials]))};
}

}  // namespace awsprof::detail
