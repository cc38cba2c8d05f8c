// Build-time helper for the shell completions: prints the settings catalogue compiled into the
// library as JSON, [{"name", "type", "values", "description"}, ...], in catalogue order. Names with
// a "*" segment ("api_versions.*") are left out: they are patterns, not names one can type.
// Not installed; generate_completions.py reads its output.
#include <iostream>
#include <nlohmann/json.hpp>

#include "awsprof/model/settings_catalogue.hpp"

int main() {
  const awsprof::SettingsCatalogue& catalogue = awsprof::builtin_catalogue();
  auto settings = nlohmann::ordered_json::array();
  for (const awsprof::SettingSpec& spec : catalogue.all()) {
    if (spec.name.find('*') != std::string::npos) continue;
    settings.push_back({{"name", spec.name},
                        {"type", std::string(awsprof::to_string(spec.type))},
                        {"values", spec.values},
                        {"description", spec.description}});
  }
  if (settings.empty()) {
    std::cerr << "catalogue_dump: the built-in settings catalogue is empty\n";
    return 2;
  }
  std::cout << settings.dump(2) << '\n';
  return 0;
}
