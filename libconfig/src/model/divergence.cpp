// Where the AWS CLI and the AWS SDKs read the same files differently: both readings are built
// and compared, and each difference is explained from the source line that caused it.
#include <algorithm>
#include <tuple>

#include "awsprof/model/profile_model.hpp"
#include "awsprof/support/secrets.hpp"
#include "profile_model_common.hpp"
#include "text_util.hpp"
#include "unicode_text.hpp"

namespace awsprof {
namespace {

// Messages are one line: a value's line breaks are shown as \n.
std::string quoted(std::string_view value) {
  return "'" + detail::on_one_line(value) + "'";
}

std::string describe_value(const Setting* setting) {
  if (setting == nullptr) return "no value";
  if (is_secret_key(setting->key)) return "a value (secret, not shown)";
  if (setting->sub_properties) {
    // The sub-properties themselves: two blocks that differ must not read alike.
    std::string text = "a block of " + std::to_string(setting->sub_properties->size()) + " sub-propert" +
                       (setting->sub_properties->size() == 1 ? "y" : "ies");
    for (std::size_t i = 0; i < setting->sub_properties->size(); ++i) {
      const SubProperty& sub = (*setting->sub_properties)[i];
      text += (i == 0 ? " (" : ", ") + std::string(sub.key) + " = " +
              (is_secret_key(sub.key) ? std::string("(secret)") : quoted(sub.value));
    }
    return text + (setting->sub_properties->empty() ? "" : ")");
  }
  return quoted(setting->value);
}

// The two readings mean the same: equal values, or blocks of the same sub-properties (the raw text
// of a block may differ where the readers differ only in what they skip, such as a blank line).
bool same_reading(const Setting& cli, const Setting& sdk) {
  if (cli.sub_properties == nullptr || sdk.sub_properties == nullptr)
    return cli.sub_properties == sdk.sub_properties && cli.value == sdk.value;
  return std::equal(cli.sub_properties->begin(), cli.sub_properties->end(), sdk.sub_properties->begin(),
                    sdk.sub_properties->end(), [](const SubProperty& a, const SubProperty& b) {
                      return a.key == b.key && a.value == b.value;
                    });
}

// The first line of a value.
std::string_view first_line(std::string_view value) {
  return value.substr(0, value.find('\n'));
}

// The document a reading took `ref` from, when it has that line.
const Document* document_with(const InputFile& config, const InputFile& credentials, SourceRef ref) {
  const InputFile& file = ref.file == FileKind::config ? config : credentials;
  if (file.document == nullptr || ref.line <= 0 || static_cast<std::size_t>(ref.line) > file.document->lines().size())
    return nullptr;
  return file.document;
}

// The first character at the edges of `text` that the AWS CLI strips as whitespace and the SDKs
// keep (whitespace other than spaces and tabs, such as \x1c or U+00A0), or nullopt.
std::optional<char32_t> space_only_the_cli_strips(std::string_view text) {
  auto first_in = [](std::string_view edge) -> std::optional<char32_t> {  // edge: whitespace only
    for (std::size_t pos = 0, length = 0; pos < edge.size(); pos += length) {
      length = detail::python_space_length(edge, pos);
      if (length == 0) break;
      if (!detail::is_sdk_space(edge[pos])) return detail::decode_utf8(edge, pos, length);
    }
    return std::nullopt;
  };
  const std::string_view core = detail::python_strip(text);
  const std::size_t begin = core.empty() ? text.size() : static_cast<std::size_t>(core.data() - text.data());
  if (std::optional<char32_t> c = first_in(text.substr(0, begin))) return c;
  return first_in(text.substr(begin + core.size()));
}

// The first character of a line below property line `index` that the AWS CLI reads as the
// property's continuation only because it starts with whitespace other than a space or tab; the
// SDKs continue a value only on a line that starts with one.
std::optional<char32_t> continuation_only_for_the_cli(const Document& doc, std::size_t index) {
  for (std::size_t i = index + 1; i < doc.lines().size(); ++i) {
    const LineKind kind = doc.lines()[i].kind;
    if (kind == LineKind::blank || kind == LineKind::comment) continue;
    if (kind != LineKind::continuation && kind != LineKind::sub_property) break;
    const std::string_view text = doc.line_text(i);
    if (!detail::is_sdk_space(text.front())) {
      std::size_t length = 1;
      return detail::decode_utf8(text, 0, length);
    }
  }
  return std::nullopt;
}

std::string value_cause(const Document* doc, int line_number, const Setting* cli, const Setting* sdk) {
  const std::string_view line =
      doc != nullptr ? doc->line_text(static_cast<std::size_t>(line_number) - 1) : std::string_view();
  if (cli != nullptr && sdk != nullptr) {
    // On the key's own line: a value continued on further lines differs there too.
    const std::string_view cli_first = first_line(cli->value), sdk_first = first_line(sdk->value);
    if (cli_first.size() > sdk_first.size() && cli_first.starts_with(sdk_first)) {
      std::string_view rest = cli_first.substr(sdk_first.size());
      std::string_view trimmed = detail::trim_blanks(rest);
      if (!trimmed.empty() && (trimmed.front() == '#' || trimmed.front() == ';'))
        return "inline comment: the AWS CLI keeps '" + std::string(trimmed.substr(0, 1)) +
               "...' as part of the value; the SDKs strip it";
    }
  }
  std::string_view trimmed = detail::trim_blanks(line);
  std::size_t eq = trimmed.find('='), colon = trimmed.find(':');
  if (colon != std::string_view::npos && (eq == std::string_view::npos || colon < eq))
    return "':' delimiter: the AWS CLI accepts 'key : value'; the SDKs split only at '='";
  if (cli == nullptr || sdk == nullptr) {
    if (std::optional<char32_t> c = space_only_the_cli_strips(line.substr(0, detail::find_delimiter(line))))
      return "whitespace " + detail::code_point_name(*c) +
             " around the key: the AWS CLI strips it (Python's str.strip); the SDKs trim only spaces and "
             "tabs, and ignore a key name that holds it";
    return "the key is read by one side only";
  }
  if (detail::python_strip(sdk->value) == cli->value)
    if (std::optional<char32_t> c = space_only_the_cli_strips(sdk->value))
      return "whitespace " + detail::code_point_name(*c) +
             " around the value: the AWS CLI strips it (Python's str.strip); the SDKs trim only spaces and "
             "tabs";
  if (doc != nullptr)
    if (std::optional<char32_t> c =
            continuation_only_for_the_cli(*doc, static_cast<std::size_t>(line_number) - 1))
      return "a line that starts with whitespace " + detail::code_point_name(*c) +
             " (not a space or tab) continues the value for the AWS CLI; the SDKs read it as a line of its "
             "own";
  return "the two readers split or join this value differently";
}

struct Side {
  const std::vector<Section>* cli;
  const std::vector<Section>* sdk;
  const char* what;  // "profile", "sso-session", "services"
};

const Section* find_named(const std::vector<Section>& list, std::string_view name) {
  for (const Section& s : list)
    if (s.name == name) return &s;
  return nullptr;
}

SourceRef header_of(const Section& section) {
  return section.in_config ? SourceRef{FileKind::config, section.config_line}
                           : SourceRef{FileKind::credentials, section.credentials_line};
}

}  // namespace

std::vector<Divergence> find_dialect_divergences(const InputFile& config, const InputFile& credentials) {
  ProfileModel cli = build_profile_model(config, credentials, Dialect::cli);
  ProfileModel sdk = build_profile_model(config, credentials, Dialect::sdk);
  std::vector<Divergence> out;

  auto whole_file = [&](FileKind kind, bool cli_refuses, bool sdk_refuses) {
    if (cli_refuses == sdk_refuses) return;
    const ProfileModel& refusing = cli_refuses ? cli : sdk;
    const std::string& path = kind == FileKind::config ? config.path : credentials.path;
    Divergence d;
    d.file = kind;
    for (const Diagnostic& diag : refusing.diagnostics)
      if (diag.severity == Severity::error && diag.path == path) {
        d.line = diag.line;
        d.cause = detail::on_one_line(diag.message);
        break;
      }
    d.cli_reading = cli_refuses ? "refuses the whole file" : "reads the file";
    d.sdk_reading = sdk_refuses ? "refuse the whole file" : "read the file";
    out.push_back(std::move(d));
  };
  whole_file(FileKind::config, cli.config_unreadable, sdk.config_unreadable);
  whole_file(FileKind::credentials, cli.credentials_unreadable, sdk.credentials_unreadable);
  if (cli.unreadable() || sdk.unreadable()) return out;

  for (Side side : {Side{&cli.profiles, &sdk.profiles, "profile"}, Side{&cli.sso_sessions, &sdk.sso_sessions, "sso-session"},
                    Side{&cli.services, &sdk.services, "services"}}) {
    for (const Section& c : *side.cli) {
      const Section* s = find_named(*side.sdk, c.name);
      if (s == nullptr) {
        SourceRef at = header_of(c);
        out.push_back(Divergence{at.file, at.line, std::string(c.name), "", std::string("reads ") + side.what + " '" + std::string(c.name) + "'",
                                 "ignore it", "the SDKs accept only unquoted names of letters, digits and - _ / . % @ : +, "
                                               "and ignore [default] when [profile default] exists"});
        continue;
      }
      std::vector<std::string_view> keys;
      for (const Setting& setting : c.settings) keys.push_back(setting.key);
      for (const Setting& setting : s->settings)
        if (std::find(keys.begin(), keys.end(), setting.key) == keys.end()) keys.push_back(setting.key);
      for (std::string_view key : keys) {
        const Setting* cv = c.find(key);
        const Setting* sv = s->find(key);
        if (cv != nullptr && sv != nullptr && same_reading(*cv, *sv)) continue;
        SourceRef at = cv != nullptr ? cv->source : sv->source;
        Divergence d{at.file, at.line, std::string(c.name), std::string(key), "reads " + describe_value(cv), "read " + describe_value(sv),
                     value_cause(document_with(config, credentials, at), at.line, cv, sv)};
        out.push_back(std::move(d));
      }
    }
    for (const Section& s : *side.sdk) {
      if (find_named(*side.cli, s.name) != nullptr) continue;
      SourceRef at = header_of(s);
      out.push_back(Divergence{at.file, at.line, std::string(s.name), "", "ignores it",
                               std::string("read ") + side.what + " '" + std::string(s.name) + "'",
                               "the AWS CLI splits section names like a shell and needs '" + std::string(side.what) +
                                   "' at the very start, and the later of [default] and [profile default] wins"});
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const Divergence& a, const Divergence& b) {
    return std::tie(a.file, a.line) < std::tie(b.file, b.line);
  });
  return out;
}

}  // namespace awsprof
