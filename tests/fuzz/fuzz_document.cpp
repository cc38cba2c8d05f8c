// libFuzzer target for the lossless document, its edits, and the two dialect readers.
//
// For every input x it checks, and aborts with a message on stderr when one fails:
//  - round trip: Document::parse(x).text() == x, and the lines tile the text exactly (each line's
//    offset follows the previous line's content and line ending, spans stay inside their line);
//  - the cli and sdk readers (build_profile_model) and find_dialect_divergences run on x read as
//    both the config and the credentials file (the sanitizers catch what they get wrong);
//  - up to kMaxEdits edits chosen by the input's bytes (set_property, set_sub_property,
//    unset_property, unset_sub_property, add_section, rename_section, remove_section), on
//    sections and keys taken from the document or made from the bytes. After each one the new
//    text must re-parse to itself with the same lines, and an edit that reports success must have
//    done what it says (the key reads back with its value, a removed section is gone, ...);
//  - one edit of config_edit.hpp chosen by the bytes (set, unset, rename, copy or delete of a
//    section the files have or a name made from the bytes), on the edited document as the config
//    file, in a dialect that can read it: reading the files back gives exactly the intended
//    sections and values, or the edit is refused and changes nothing (edit_property.hpp).
//
// Build with -DAWSPROF_FUZZ=ON and clang; run with tests/fuzz/run-fuzz.sh.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "awsprof/syntax/document.hpp"
#include "awsprof/model/profile_model.hpp"
#include "edit_property.hpp"

namespace {

using awsprof::Document;
using awsprof::SectionName;

constexpr int kMaxEdits = 8;
constexpr const char* kPrefixes[] = {"", "profile", "sso-session", "services"};

/// Reports which check failed (with the key or name involved, as a C string literal) and aborts,
/// which libFuzzer records as a crash with its input.
[[noreturn]] void fail(const char* check, std::string_view detail = {}) {
  std::fprintf(stderr, "fuzz_document: check failed: %s", check);
  if (!detail.empty()) {
    std::fprintf(stderr, " (\"");
    for (unsigned char c : detail) {
      if (c == '"' || c == '\\')
        std::fprintf(stderr, "\\%c", c);
      else if (c >= 0x20 && c < 0x7f)
        std::fputc(c, stderr);
      else
        std::fprintf(stderr, "\\x%02x", c);
    }
    std::fprintf(stderr, "\")");
  }
  std::fprintf(stderr, "\n");
  std::abort();
}

/// The lines cover the text with no gap or overlap, and every span lies inside its line.
void check_layout(const Document& doc) {
  std::size_t pos = 0;
  for (const awsprof::Line& line : doc.lines()) {
    if (line.offset != pos) fail("lines tile the text", "a line does not start where the previous one ended");
    if (line.key.begin > line.key.end || line.key.end > line.length) fail("key span inside its line");
    if (line.value.begin > line.value.end || line.value.end > line.length) fail("value span inside its line");
    pos = std::size_t{line.offset} + line.length + line.eol_length;
  }
  if (pos != doc.text().size()) fail("lines tile the text", "the lines do not end where the text does");
  std::size_t previous_end = 0;
  for (const awsprof::SectionRange& section : doc.sections()) {
    if (section.header < previous_end || section.end > doc.lines().size() || section.header >= section.end)
      fail("section ranges are ordered and inside the document");
    previous_end = section.end;
    for (const awsprof::PropertyRange& property : section.properties)
      if (property.line <= section.header || property.last_line < property.line ||
          property.last_line >= section.end)
        fail("property ranges lie inside their section");
  }
}

bool same_lines(const Document& a, const Document& b) {
  if (a.lines().size() != b.lines().size() || a.sections().size() != b.sections().size()) return false;
  for (std::size_t i = 0; i < a.lines().size(); ++i) {
    const awsprof::Line& x = a.lines()[i];
    const awsprof::Line& y = b.lines()[i];
    if (x.offset != y.offset || x.length != y.length || x.eol_length != y.eol_length || x.kind != y.kind ||
        x.indent != y.indent || x.key.begin != y.key.begin || x.key.end != y.key.end ||
        x.value.begin != y.value.begin || x.value.end != y.value.end || x.delimiter != y.delimiter)
      return false;
  }
  return true;
}

/// After an edit: the text re-parses to itself, into the very lines the edited document holds.
void check_reparses(const Document& doc, const char* edit) {
  Document again = Document::parse(doc.text());
  if (again.text() != doc.text()) fail("edited text re-parses to itself", edit);
  if (!same_lines(again, doc)) fail("edited document has the lines a fresh parse gives", edit);
  check_layout(doc);
}

void read_dialects(const Document& doc) {
  awsprof::InputFile config("config", &doc);
  awsprof::InputFile credentials("credentials", &doc);
  awsprof::InputFile missing{"missing", nullptr};
  (void)awsprof::build_profile_model(config, credentials, awsprof::Dialect::cli);
  (void)awsprof::build_profile_model(config, missing, awsprof::Dialect::sdk);
  (void)awsprof::build_profile_model(missing, credentials, awsprof::Dialect::sdk);
  (void)awsprof::find_dialect_divergences(config, credentials);
}

std::string pick_text(FuzzedDataProvider& bytes, std::size_t max_length) {
  return bytes.ConsumeRandomLengthString(max_length);
}

/// A section to edit: one of the document's own (by index) or one made from the bytes.
SectionName pick_section(FuzzedDataProvider& bytes, const Document& doc) {
  if (!doc.sections().empty() && bytes.ConsumeBool()) {
    std::size_t index = bytes.ConsumeIntegralInRange<std::size_t>(0, doc.sections().size() - 1);
    return doc.section_name(doc.sections()[index]);
  }
  const char* prefix = kPrefixes[bytes.ConsumeIntegralInRange<std::size_t>(0, std::size(kPrefixes) - 1)];
  return SectionName{prefix, pick_text(bytes, 24)};
}

/// A key: one that already appears in the document (as a property or sub-property), or new bytes.
std::string pick_key(FuzzedDataProvider& bytes, const Document& doc) {
  if (!doc.lines().empty() && bytes.ConsumeBool()) {
    std::size_t index = bytes.ConsumeIntegralInRange<std::size_t>(0, doc.lines().size() - 1);
    auto kind = doc.lines()[index].kind;
    if (kind == awsprof::LineKind::property || kind == awsprof::LineKind::sub_property)
      return std::string(doc.key_of(index));
  }
  return pick_text(bytes, 16);
}

const awsprof::PropertyRange* find_key(const Document& doc, const SectionName& section,
                                       std::string_view key) {
  const awsprof::SectionRange* found = doc.find_section(section);
  return found ? doc.find_property(*found, key) : nullptr;
}

bool any_property(const Document& doc, const SectionName& section, std::string_view key) {
  for (const awsprof::SectionRange& s : doc.sections())
    if (doc.section_name(s) == section && doc.find_property(s, key) != nullptr) return true;
  return false;
}

void edit_once(FuzzedDataProvider& bytes, Document& doc) {
  const int op = bytes.ConsumeIntegralInRange<int>(0, 6);
  SectionName section = pick_section(bytes, doc);
  switch (op) {
    case 0: {
      std::string key = pick_key(bytes, doc);
      std::string value = pick_text(bytes, 32);
      if (doc.set_property(section, key, value)) {
        check_reparses(doc, "set_property");
        const awsprof::PropertyRange* property = find_key(doc, section, key);
        if (property == nullptr) fail("set_property: the key is found afterwards", key);
        if (doc.value_of(property->line) != awsprof::edit_property::trimmed(value))
          fail("set_property: the key reads back its value", key);
      } else {
        check_reparses(doc, "refused set_property");
      }
      break;
    }
    case 1: {
      std::string parent = pick_key(bytes, doc);
      std::string key = pick_key(bytes, doc);
      std::string value = pick_text(bytes, 32);
      if (doc.set_sub_property(section, parent, key, value)) {
        check_reparses(doc, "set_sub_property");
        const awsprof::PropertyRange* property = find_key(doc, section, parent);
        if (property == nullptr) fail("set_sub_property: the parent is found afterwards", parent);
        auto sub = doc.find_sub_property(*property, key);
        if (!sub) fail("set_sub_property: the sub-key is found afterwards", key);
        if (doc.value_of(*sub) != awsprof::edit_property::trimmed(value))
          fail("set_sub_property: the sub-key reads back its value", key);
      } else {
        check_reparses(doc, "refused set_sub_property");
      }
      break;
    }
    case 2: {
      std::string key = pick_key(bytes, doc);
      doc.unset_property(section, key);
      check_reparses(doc, "unset_property");
      if (any_property(doc, section, key)) fail("unset_property: no such key is left", key);
      break;
    }
    case 3: {
      std::string parent = pick_key(bytes, doc);
      std::string key = pick_key(bytes, doc);
      doc.unset_sub_property(section, parent, key);
      check_reparses(doc, "unset_sub_property");
      break;
    }
    case 4: {
      if (doc.add_section(section)) {
        check_reparses(doc, "add_section");
        if (doc.find_section(section) == nullptr)
          fail("add_section: the section is found afterwards", section.name);
      } else {
        check_reparses(doc, "refused add_section");
      }
      break;
    }
    case 5: {
      SectionName to = pick_section(bytes, doc);
      if (doc.rename_section(section, to)) {
        check_reparses(doc, "rename_section");
        if (doc.find_section(to) == nullptr)
          fail("rename_section: the new name is found afterwards", to.name);
        if (section != to && doc.find_section(section) != nullptr)
          fail("rename_section: the old name is gone", section.name);
      } else {
        check_reparses(doc, "refused rename_section");
      }
      break;
    }
    default: {
      doc.remove_section(section);
      check_reparses(doc, "remove_section");
      if (doc.find_section(section) != nullptr) fail("remove_section: the section is gone", section.name);
      break;
    }
  }
}

/// An edit of config_edit.hpp chosen by the bytes, checked against the property every such edit
/// keeps: the files read back as intended, or nothing changed.
void check_reader_edit(FuzzedDataProvider& bytes, const Document& config) {
  using awsprof::edit_property::Edit;
  const awsprof::Dialect dialect = bytes.ConsumeBool() ? awsprof::Dialect::cli : awsprof::Dialect::sdk;
  awsprof::ConfigFiles files{config, Document::parse(pick_text(bytes, 64))};
  if (!awsprof::edit_property::read(files, dialect).readable) files.credentials = Document();
  const awsprof::edit_property::ReadFiles reading = awsprof::edit_property::read(files, dialect);
  if (!reading.readable) return;  // the tools refuse to edit a file the dialect cannot read
  std::vector<awsprof::EditTarget> sections;
  for (const auto& [section, settings] : reading.sections)
    sections.push_back({section.first, section.second});
  Edit edit;
  edit.op = static_cast<Edit::Op>(bytes.ConsumeIntegralInRange<int>(0, 4));
  const bool profile_op = edit.op != Edit::Op::set && edit.op != Edit::Op::unset;
  if (!sections.empty() && bytes.ConsumeBool()) {
    edit.target = sections[bytes.ConsumeIntegralInRange<std::size_t>(0, sections.size() - 1)];
    if (profile_op) edit.target.kind = awsprof::EditTarget::Kind::profile;
  } else {
    edit.target = {awsprof::EditTarget::Kind::profile, pick_text(bytes, 12)};
  }
  edit.key = pick_key(bytes, config);
  edit.value = pick_text(bytes, 24);
  edit.to = pick_text(bytes, 12);
  std::string problem = awsprof::edit_property::check(files, dialect, edit);
  if (!problem.empty()) fail("config_edit: the files read back as intended", problem);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  Document doc = Document::parse(input);
  if (doc.text() != input) fail("Document::parse(x).text() == x");
  check_layout(doc);
  read_dialects(doc);

  // The same bytes, read again from both ends, choose the edits.
  FuzzedDataProvider bytes(data, size);
  const int edits = bytes.ConsumeIntegralInRange<int>(0, kMaxEdits);
  for (int i = 0; i < edits && bytes.remaining_bytes() > 0; ++i) edit_once(bytes, doc);
  if (edits > 0) read_dialects(doc);
  if (bytes.remaining_bytes() > 0) check_reader_edit(bytes, doc);
  return 0;
}
