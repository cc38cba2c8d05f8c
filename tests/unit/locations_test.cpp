#include "awsprof/platform/locations.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <string>

#include "test_support.hpp"

namespace awsprof {
namespace locations_test {

TEST(Locations, DefaultPathsUseHome) {
  auto env = fake_env({{"HOME", "/home/user"}});
  EXPECT_EQ(config_file_path(env), "/home/user/.aws/config");
  EXPECT_EQ(credentials_file_path(env), "/home/user/.aws/credentials");
}

TEST(Locations, HomeWinsOverWindowsVariablesOnPosix) {
  auto env =
      fake_env({{"HOME", "/home/user"}, {"USERPROFILE", "ignored"}, {"HOMEDRIVE", "x"}, {"HOMEPATH", "y"}});
  EXPECT_EQ(home_directory(env), "/home/user");
  EXPECT_EQ(config_file_path(env), "/home/user/.aws/config");
}

TEST(Locations, EnvironmentOverridesPaths) {
  auto env = fake_env({{"HOME", "/home/user"},
                       {"AWS_CONFIG_FILE", "/other/config"},
                       {"AWS_SHARED_CREDENTIALS_FILE", "/other/credentials"}});
  EXPECT_EQ(config_file_path(env), "/other/config");
  EXPECT_EQ(credentials_file_path(env), "/other/credentials");
}

TEST(Locations, FlagOverridesEnvironment) {
  auto env = fake_env({{"HOME", "/home/user"},
                       {"AWS_CONFIG_FILE", "/env/config"},
                       {"AWS_SHARED_CREDENTIALS_FILE", "/env/credentials"}});
  EXPECT_EQ(config_file_path(env, std::string("/flag/config")), "/flag/config");
  EXPECT_EQ(credentials_file_path(env, std::string("/flag/credentials")), "/flag/credentials");
}

TEST(Locations, TildeInOverridesIsExpanded) {
  auto env = fake_env({{"HOME", "/home/user"}, {"AWS_CONFIG_FILE", "~/cfg"}});
  EXPECT_EQ(config_file_path(env), "/home/user/cfg");
  EXPECT_EQ(credentials_file_path(env, std::string("~/creds")), "/home/user/creds");
}

TEST(Locations, ExpandHomeHandlesEdgeCasesLikePython) {
  EXPECT_EQ(expand_home("~", fake_env({{"HOME", "/home/user"}})), "/home/user");
  EXPECT_EQ(expand_home("~/", fake_env({{"HOME", "/home/user"}})), "/home/user/");
  EXPECT_EQ(expand_home("~/x", fake_env({{"HOME", "/home/user/"}})), "/home/user/x");
  EXPECT_EQ(expand_home("~/x", fake_env({{"HOME", "/"}})), "/x");
  EXPECT_EQ(expand_home("~", fake_env({{"HOME", "/"}})), "/");
  EXPECT_EQ(expand_home("~", fake_env({{"HOME", ""}})), "/");
  EXPECT_EQ(expand_home("/abs/~/x", fake_env({{"HOME", "/h"}})), "/abs/~/x");
  EXPECT_EQ(expand_home("rel", fake_env({{"HOME", "/h"}})), "rel");
  EXPECT_EQ(expand_home("", fake_env({{"HOME", "/h"}})), "");
  EXPECT_EQ(expand_home("~other/x", fake_env({{"HOME", "/h"}})), "~other/x");
}

TEST(Locations, MissingHomeOnPosixFallsBackToPasswordDatabase) {
  auto env = fake_env({});
  auto home = home_directory(env);
  // Whatever the password database says; the expansion must use it and never keep the "~".
  if (home) {
    EXPECT_EQ(config_file_path(env), *home == "/" ? "/.aws/config" : *home + "/.aws/config");
  }
}

TEST(Locations, WindowsHomeOrder) {
  EXPECT_EQ(home_directory(fake_env({{"HOME", "C:\\h"}, {"USERPROFILE", "C:\\u"}}), Platform::windows),
            "C:\\h");
  EXPECT_EQ(home_directory(fake_env({{"USERPROFILE", "C:\\u"}, {"HOMEDRIVE", "D:"}, {"HOMEPATH", "\\p"}}),
                           Platform::windows),
            "C:\\u");
  EXPECT_EQ(home_directory(fake_env({{"HOMEDRIVE", "D:"}, {"HOMEPATH", "\\p"}}), Platform::windows), "D:\\p");
  EXPECT_EQ(home_directory(fake_env({}), Platform::windows), std::nullopt);
}

TEST(Locations, WindowsDefaultPathsUseBackslashes) {
  auto env = fake_env({{"HOMEDRIVE", "C:"}, {"HOMEPATH", "\\users\\user"}});
  EXPECT_EQ(config_file_path(env, std::nullopt, Platform::windows), "C:\\users\\user\\.aws\\config");
  EXPECT_EQ(credentials_file_path(env, std::nullopt, Platform::windows),
            "C:\\users\\user\\.aws\\credentials");
}

TEST(Locations, SelectProfileOrder) {
  auto both = fake_env({{"AWS_PROFILE", "a"}, {"AWS_DEFAULT_PROFILE", "b"}});
  EXPECT_EQ(select_profile(both).name, "a");
  EXPECT_EQ(select_profile(both).source, ProfileSource::env_aws_profile);
  EXPECT_FALSE(select_profile(both).explicit_on_command_line());

  auto legacy = fake_env({{"AWS_DEFAULT_PROFILE", "b"}});
  EXPECT_EQ(select_profile(legacy).name, "b");
  EXPECT_EQ(select_profile(legacy).source, ProfileSource::env_aws_default_profile);

  auto none = fake_env({});
  EXPECT_EQ(select_profile(none).name, "default");
  EXPECT_EQ(select_profile(none).source, ProfileSource::default_name);

  auto flagged = select_profile(both, std::string("f"));
  EXPECT_EQ(flagged.name, "f");
  EXPECT_EQ(flagged.source, ProfileSource::flag);
  EXPECT_TRUE(flagged.explicit_on_command_line());
}

TEST(Locations, ProcessEnvironmentReadsRealVariables) {
  ::setenv("AWSPROF_LOCATIONS_TEST_VAR", "value", 1);
  ::unsetenv("AWSPROF_LOCATIONS_TEST_UNSET");
  auto env = process_environment();
  EXPECT_EQ(env("AWSPROF_LOCATIONS_TEST_VAR"), "value");
  EXPECT_EQ(env("AWSPROF_LOCATIONS_TEST_UNSET"), std::nullopt);
}

}  // namespace locations_test
}  // namespace awsprof
