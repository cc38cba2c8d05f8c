// Pieces shared by the two dialect readers. Internal.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "awsprof/model/profile_model.hpp"
#include "name_index.hpp"

namespace awsprof::detail {

/// The SDKs' whitespace: only spaces and tabs (the AWS CLI's is Python's, unicode_text.hpp).
inline bool is_sdk_space(char c) {
  return c == ' ' || c == '\t';
}
inline std::string_view trim_sdk_spaces(std::string_view s) {
  while (!s.empty() && is_sdk_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_sdk_space(s.back())) s.remove_suffix(1);
  return s;
}

/// An ordered collection of sections with lookup by name, keeping the position of the first
/// definition (as a Python dict does on reassignment). Names are views into the model's text.
class SectionList {
 public:
  Section& get_or_add(std::string_view name);
  Section* find(std::string_view name);
  /// Replaces the contents of `name`, keeping its position if it exists.
  Section& assign(std::string_view name, Section section);
  /// Fills an empty list from `sections`, in order, reusing their vector instead of moving each
  /// into a new one (a file's sections are nearly all profiles). `place(section)` returns the
  /// name to assign the section under, or nullopt once it has taken the section elsewhere or
  /// dropped it.
  template <typename Place>
  void absorb(std::vector<Section>&& sections, Place place);
  std::vector<Section> take() { return std::move(sections_); }

 private:
  std::size_t index_of(std::string_view name) const;
  std::vector<Section> sections_;
  NameIndex index_;
};

template <typename Place>
void SectionList::absorb(std::vector<Section>&& sections, Place place) {
  sections_ = std::move(sections);
  index_ = NameIndex(sections_.size());
  std::size_t kept = 0;  // sections_[0, kept) is the list so far
  for (std::size_t i = 0; i < sections_.size(); ++i) {
    std::optional<std::string_view> name = place(sections_[i]);
    if (!name) continue;
    std::size_t at = index_of(*name);
    if (at == NameIndex::npos) {
      at = kept++;
      index_.insert(*name, at);
    }
    if (at != i) sections_[at] = std::move(sections_[i]);
    sections_[at].name = *name;
  }
  sections_.resize(kept);
}

/// Sets key in the section: replaces an existing value in place, else appends.
void put_setting(Section& section, Setting setting);

Diagnostic make_diagnostic(const std::string& path, int line, int column, Severity severity, std::string rule,
                           std::string message);

/// Splits "k = v" lines of a block value into sub-properties, as botocore's _parse_nested does
/// (str.splitlines, then split at the first '='). Returns false if a non-blank line has no '='.
/// The sub-properties are views into `block`.
bool parse_sub_properties(std::string_view block, std::vector<SubProperty>& out, std::size_t& bad_line);

/// Diagnostics for a BOM or invalid UTF-8, which both readers refuse. Returns true when found.
bool check_encoding(const InputFile& file, Diagnostics& diagnostics, const char* reader_name);

ProfileModel build_cli_model(const InputFile& config, const InputFile& credentials);
ProfileModel build_sdk_model(const InputFile& config, const InputFile& credentials);

}  // namespace awsprof::detail
