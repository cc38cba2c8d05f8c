#include "awsprof/model/sso_profile_names.hpp"

#include <gtest/gtest.h>

#include "awsprof/model/profile_model.hpp"

namespace awsprof {
namespace sso_profile_names_test {

ProfileNameFields fields(std::string account_name, std::string role = "AdministratorAccess",
                         std::string region = "") {
  return {std::move(account_name), "111111111111", std::move(role), "corp", std::move(region)};
}

std::string render(std::string_view text, const ProfileNameFields& f) {
  Result<ProfileNameTemplate> parsed = ProfileNameTemplate::parse(text);
  EXPECT_TRUE(parsed) << parsed.message();
  return parsed ? parsed->render(f) : "";
}

std::string preset(std::string_view name, const ProfileNameFields& f) {
  const ProfileNamePreset* found = find_profile_name_preset(name);
  EXPECT_NE(found, nullptr) << name;
  return found ? render(found->template_text, f) : "";
}

TEST(ProfileNameTemplate, FieldsAndLiterals) {
  EXPECT_EQ(render("{account_name}.{role_name}", fields("prod")), "prod.AdministratorAccess");
  EXPECT_EQ(render("{session}/{account_id}/{role_name}", fields("prod")),
            "corp/111111111111/AdministratorAccess");
  EXPECT_EQ(render("{account_name}-{region}", fields("prod", "x", "eu-west-1")), "prod-eu-west-1");
  EXPECT_EQ(render("{account_name}-{short_region}", fields("prod", "x", "eu-central-1")), "prod-euce1");
  EXPECT_EQ(render("{ account_name | lower }", fields("Prod")), "prod");
}

TEST(ProfileNameTemplate, CaseFiltersFollowPython) {
  EXPECT_EQ(render("{account_name|upper}", fields("prod-1")), "PROD-1");
  EXPECT_EQ(render("{account_name|lower}", fields("PROD-A")), "prod-a");
  EXPECT_EQ(render("{account_name|capitalize}", fields("pROD-a")), "Prod-a");
  // str.title(): a letter after a letter is lowered, any other raised.
  EXPECT_EQ(render("{account_name|title}", fields("my-PROD-2nd")), "My-Prod-2Nd");
  EXPECT_EQ(render("{role_name|lower}.{account_name|upper}", fields("a", "ReadOnly")), "readonly.A");
}

TEST(ProfileNameTemplate, PresetsReproduceOtherToolsDefaultNames) {
  // granted: strings.ReplaceAll(accountName, " ", "-") + "/" + roleName.
  EXPECT_EQ(preset("granted", fields("Acme Prod  Account")), "Acme-Prod--Account/AdministratorAccess");
  // aws-sso-util: re.sub(r"[\s\[\]]+", "-", name).strip("-") + "." + roleName (first region).
  EXPECT_EQ(preset("aws-sso-util", fields(" [Acme]  Prod ")), "Acme-Prod.AdministratorAccess");
  EXPECT_EQ(preset("aws-sso-util", fields("-dev-")), "dev.AdministratorAccess");
  // aws-sso-cli: {{.AccountIdPad}}:{{.RoleName}}.
  EXPECT_EQ(preset("aws-sso-cli", fields("x")), "111111111111:AdministratorAccess");
  // aws configure sso: f"{sso_role_name}-{sso_account_id}".
  EXPECT_EQ(preset("aws-cli", fields("x")), "AdministratorAccess-111111111111");
  EXPECT_EQ(preset("awsprof", fields("prod")), "prod.AdministratorAccess");
  EXPECT_EQ(profile_name_presets().front().name, "awsprof");
  EXPECT_EQ(find_profile_name_preset("nope"), nullptr);
}

TEST(ProfileNameTemplate, AnAccountWithoutANameIsCalledByItsId) {
  EXPECT_EQ(render("{account_name}.{role_name}", fields("")), "111111111111.AdministratorAccess");
  EXPECT_EQ(render("{account_name}.{role_name}", fields("()")), "111111111111.AdministratorAccess");
}

TEST(ProfileNameTemplate, ParseErrorsSayWhereAndWhat) {
  auto error = [](std::string_view text) {
    Result<ProfileNameTemplate> parsed = ProfileNameTemplate::parse(text);
    EXPECT_FALSE(parsed) << text;
    return parsed ? std::string() : parsed.message();
  };
  EXPECT_EQ(error("{acount_name}"),
            "the name template '{acount_name}', column 2: unknown field 'acount_name' (fields: account_name, "
            "account_id, role_name, session, region, short_region)");
  EXPECT_EQ(
      error("{account_name|snake}"),
      "the name template '{account_name|snake}', column 2: unknown filter 'snake' (filters: lower, upper, "
      "capitalize, title, dash-spaces, dash-runs)");
  EXPECT_EQ(error("{account_name"), "the name template '{account_name', column 1: '{' is not closed");
  EXPECT_EQ(error("a}"), "the name template 'a}', column 2: '}' without a '{' before it");
  EXPECT_EQ(error("{account_name} {role_name}"),
            "the name template '{account_name} {role_name}', column 15: ' ' cannot be part of a profile name "
            "(use letters, digits and - _ / . % @ : +)");
  EXPECT_EQ(error("prod"),
            "the name template 'prod', column 1: it has no field, so every profile would get the "
            "same name");
}

TEST(ProfileNameSanitising, EveryNameIsPortable) {
  EXPECT_EQ(sanitize_profile_name_part("Acme (Prod)"), "Acme-Prod");
  EXPECT_EQ(sanitize_profile_name_part("Acme-(Prod)"), "Acme-Prod");
  EXPECT_EQ(sanitize_profile_name_part("a - b"), "a-b");
  EXPECT_EQ(sanitize_profile_name_part("a--b"), "a--b");  // the name's own dashes stay
  EXPECT_EQ(sanitize_profile_name_part("  a  b  "), "a-b");
  EXPECT_EQ(sanitize_profile_name_part("Société Générale"), "Soci-t-G-n-rale");
  EXPECT_EQ(sanitize_profile_name_part("a\"b'c\\d[e]f#g;h"), "a-b-c-d-e-f-g-h");
  EXPECT_EQ(sanitize_profile_name_part(std::string_view("x\r\ny\tz\0w", 9)), "x-y-z-w");
  EXPECT_EQ(sanitize_profile_name_part("ok_-/.%@:+"), "ok_-/.%@:+");
  EXPECT_EQ(sanitize_profile_name_part("日本"), "");
  for (std::string_view nasty : {"Acme (Prod)", "  [x] ", "a\"b", "tab\there", "ümlaut", "a=b", "#c;d"}) {
    const std::string name = render("{account_name}.{role_name}", fields(std::string(nasty), "Role Name"));
    EXPECT_TRUE(is_portable_profile_name(name)) << name;
  }
}

TEST(ProfileNameSanitising, ShortRegionAsAwsSsoUtil) {
  EXPECT_EQ(short_region("us-east-1"), "usea1");
  EXPECT_EQ(short_region("ap-southeast-2"), "apse2");
  EXPECT_EQ(short_region("us-gov-west-1"), "govwe1");
  EXPECT_EQ(short_region("eu-central-1"), "euce1");
  EXPECT_EQ(short_region("local"), "local");
  EXPECT_EQ(short_region(""), "");
}

}  // namespace sso_profile_names_test
}  // namespace awsprof
