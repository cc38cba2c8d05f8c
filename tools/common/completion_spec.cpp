#include "common/completion_spec.hpp"

#include <string>
#include <string_view>

namespace awsprof::tool {
namespace {

nlohmann::ordered_json option_spec(const CLI::Option& option) {
  auto names = nlohmann::ordered_json::array();
  for (const std::string& name : option.get_snames()) names.push_back("-" + name);
  for (const std::string& name : option.get_lnames()) names.push_back("--" + name);
  const bool takes_value = option.get_expected_max() > 0;  // a flag expects 0 values
  return {{"names", names},
          {"description", option.get_description()},
          {"takes_value", takes_value},
          {"value_name", takes_value ? option.get_type_name() : ""},
          {"multiple", option.get_expected_max() > 1}};
}

nlohmann::ordered_json positional_spec(const CLI::Option& option) {
  const int max = option.get_items_expected_max();
  return {{"name", option.get_name(true)},
          {"value_name", option.get_type_name()},
          {"description", option.get_description()},
          {"max", max >= CLI::detail::expected_max_vector_size ? -1 : max}};
}

}  // namespace

nlohmann::ordered_json completion_spec(const CLI::App& app) {
  auto options = nlohmann::ordered_json::array();
  auto positionals = nlohmann::ordered_json::array();
  for (const CLI::Option* option : app.get_options()) {
    if (option->get_group().empty()) continue;  // hidden
    if (option->nonpositional()) {
      options.push_back(option_spec(*option));
    } else if (option->get_positional()) {
      positionals.push_back(positional_spec(*option));
    }
  }
  auto subcommands = nlohmann::ordered_json::array();
  for (const CLI::App* subcommand : app.get_subcommands([](const CLI::App*) { return true; })) {
    if (!subcommand->get_group().empty()) subcommands.push_back(completion_spec(*subcommand));
  }
  return {{"name", app.get_name()},
          {"description", app.get_description()},
          {"options", options},
          {"positionals", positionals},
          {"subcommands", subcommands}};
}

std::optional<int> print_completion_spec_if_asked(const CLI::App& app, int argc, const char* const* argv,
                                                  std::ostream& out) {
  if (argc != 2 || std::string_view(argv[1]) != kCompletionSpecFlag) return std::nullopt;
  out << completion_spec(app).dump(2) << '\n';
  return 0;
}

}  // namespace awsprof::tool
