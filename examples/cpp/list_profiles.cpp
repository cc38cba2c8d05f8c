// Lists the profiles of the AWS config and credentials files, and reads one setting of one profile,
// through the installed awsprof library:  list_profiles [PROFILE [SETTING]]  (default: the selected
// profile, region). The files are where the AWS CLI looks: AWS_CONFIG_FILE, ~/.aws/config, ...
#include <awsprof/model/config_query.hpp>
#include <awsprof/platform/file_system.hpp>
#include <awsprof/platform/locations.hpp>
#include <awsprof/model/profile_model.hpp>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

int main(int argc, char** argv) {
  awsprof::EnvLookup env = awsprof::process_environment();
  awsprof::RealFileSystem disk;
  awsprof::InputFile files[] = {{awsprof::config_file_path(env), nullptr},
                                {awsprof::credentials_file_path(env), nullptr}};
  for (awsprof::InputFile& file : files) {
    awsprof::Result<awsprof::FileContent> content = disk.read_file(file.path);
    if (!content) return std::cerr << content.message() << '\n', 2;
    // A missing file stays without text: the AWS CLI reads it as empty.
    if (content->exists) file.text = std::make_shared<const std::string>(std::move(content->bytes));
  }
  awsprof::ProfileModel model = awsprof::build_profile_model(files[0], files[1], awsprof::Dialect::cli);
  for (const awsprof::Section& profile : model.profiles) std::cout << profile.name << '\n';

  std::string profile = argc > 1 ? argv[1] : awsprof::select_profile(env).name;
  std::string setting = argc > 2 ? argv[2] : "region";
  awsprof::ConfigGetResult got = awsprof::configure_get(model, setting, profile);
  if (got.outcome != awsprof::ConfigGetResult::Outcome::value) return std::cerr << got.message << '\n', 1;
  std::cout << profile << ' ' << setting << " = " << got.value << '\n';
  return 0;
}
