#include "sectioned_files.hpp"

#include <gtest/gtest.h>

#include <random>

namespace awsprof::detail {
namespace sectioned_files_test {

ConfigFiles files(std::string config, std::string credentials) {
  return ConfigFiles{Document::parse(std::move(config)), Document::parse(std::move(credentials))};
}

/// The same operation through config_edit on the whole files, and through SectionedFiles: the
/// texts (and the outcome) must be the same.
struct Both {
  ConfigFiles whole;
  SectionedFiles cut;
  explicit Both(const ConfigFiles& start) : whole(start), cut(start, Dialect::cli) {}

  void check(const std::string& what, Status expected, Status got) {
    ASSERT_EQ(expected.ok(), got.ok())
        << what << ": " << (expected.ok() ? got.message() : expected.message());
    const ConfigFiles joined = cut.join();
    ASSERT_EQ(joined.config.text(), whole.config.text()) << what;
    ASSERT_EQ(joined.credentials.text(), whole.credentials.text()) << what;
  }
  void apply(const std::string& profile, std::vector<SettingChange> changes) {
    Status expected = apply_changes(whole, Dialect::cli, EditTarget{EditTarget::Kind::profile, profile}, changes);
    check("apply " + profile, expected, cut.apply(profile, changes));
  }
  void rename(const std::string& from, const std::string& to) {
    Status expected = rename_profile(whole, Dialect::cli, from, to);
    check("rename " + from + " " + to, expected, cut.rename(from, to));
  }
  void remove(const std::string& profile) {
    Status expected = delete_profile(whole, Dialect::cli, profile, Dependents::orphan);
    check("remove " + profile, expected, cut.remove(profile, Dependents::orphan));
  }
  void move_to_end(const std::string& profile) {
    Status expected = copy_profile(whole, Dialect::cli, profile, "parked");
    if (expected) expected = delete_profile(whole, Dialect::cli, profile, Dependents::orphan);
    if (expected) expected = rename_profile(whole, Dialect::cli, "parked", profile);
    check("move " + profile, expected, cut.move_to_end(profile, "parked"));
  }
};

TEST(SectionedFiles, EachOperationEqualsConfigEditOnTheWholeFiles) {
  const std::string config =
      "# preamble\n\n[default]\nregion = a\n\n[profile a]\nregion = x\n# about b\n\n[profile "
      "b]\nsource_profile = "
      "a\nrole_arn = arn:aws:iam::1:role/r\n\n# comment that introduces c\n[profile c]\nsource_profile = b\n"
      "[sso-session s]\nsso_region = r\n[profile default]\noutput = json\n[profile d]\ns3 =\n  max_bandwidth "
      "= 1\n"
      "[profile b]\nregion = dup\n[profile e]\noutput = text";  // no final line ending
  const std::string credentials = "[a]\naws_access_key_id = A\n\n[c]\n# keys\naws_access_key_id = C\n";
  Both both(files(config, credentials));
  both.apply("a", {{"output", "table"}, {"region", std::nullopt}});
  both.apply("new", {{"region", "n"}, {"aws_access_key_id", "N"}});
  both.apply("e", {{"region", "e"}});
  both.apply("d", {{"s3.addressing_style", "path"}, {"output", std::nullopt}});
  both.rename("a", "a2");
  both.rename("b", "bee");  // two sections of b, and c's source_profile
  both.rename("default", "dflt");
  both.rename("missing", "x");  // refused either way
  both.move_to_end("c");
  both.move_to_end("new");
  both.remove("bee");
  both.remove("a2");
  both.remove("e");
  both.apply("c", {{"source_profile", std::nullopt}});
  both.remove("nobody");  // refused either way
  both.apply("x", {{"region", "only"}});
  both.apply("x", {{"region", std::nullopt}});  // emptied: the section goes
}

TEST(SectionedFiles, RandomOperationsOnRandomFiles) {
  std::mt19937 random(20250203);
  auto pick = [&](int n) { return static_cast<int>(random() % static_cast<unsigned>(n)); };
  const std::vector<std::string> names = {"default", "p0", "p1", "p2", "p3", "p4", "p5"};
  for (int round = 0; round < 150; ++round) {
    std::string config = pick(3) == 0 ? "# top\n\n" : "";
    std::string credentials;
    for (int s = 0; s < 8; ++s) {
      const std::string& name = names[static_cast<std::size_t>(pick(7))];
      config += name == "default" && pick(2) ? "[default]\n" : "[profile " + name + "]\n";
      if (pick(2)) config += "region = r" + std::to_string(s) + "\n";
      if (pick(3) == 0) config += "source_profile = " + names[static_cast<std::size_t>(pick(7))] + "\n";
      if (pick(3) == 0) config += "# note\n";
      if (pick(2)) config += "\n";
      if (pick(4) == 0) credentials += "[" + name + "]\naws_access_key_id = K" + std::to_string(s) + "\n\n";
    }
    if (pick(4) == 0 && !config.empty()) config.pop_back();
    ConfigFiles start = files(config, credentials);
    // Files the AWS CLI reads with duplicate sections are valid input to the edits all the same.
    Both both(start);
    for (int op = 0; op < 6 && !HasFatalFailure(); ++op) {
      const std::string& a = names[static_cast<std::size_t>(pick(7))];
      switch (pick(4)) {
        case 0:
          both.apply(a, {{"output", "o" + std::to_string(op)}, {"region", std::nullopt}});
          break;
        case 1:
          both.rename(a, "n" + std::to_string(round) + "-" + std::to_string(op));
          break;
        case 2:
          both.remove(a);
          break;
        default:
          both.move_to_end(a);
          break;
      }
    }
    if (HasFatalFailure()) {
      ADD_FAILURE() << "config:\n" << config << "\ncredentials:\n" << credentials;
      return;
    }
  }
}

TEST(SectionedFiles, FilesThatCannotBeCutAreEditedWhole) {
  // An indented header after a value continues it; mixed line endings: both are edited whole.
  for (const char* config : {"[profile a]\nregion = x\n  [profile b]\nregion = y\n[profile c]\nregion = z\n",
                             "[profile a]\r\nregion = x\n[profile b]\nregion = y\r\n"}) {
    Both both(files(config, ""));
    both.apply("b", {{"output", "json"}});
    both.rename("a", "a2");
    both.apply("new", {{"output", "json"}});
    both.remove("a2");
  }
}

TEST(SectionedFiles, CrLfFiles) {
  Both both(files("[profile a]\r\nregion = x\r\n\r\n[profile b]\r\nsource_profile = a\r\n", "[a]\r\nk = v"));
  both.apply("a", {{"output", "json"}});
  both.rename("a", "z");
  both.apply("n", {{"region", "n"}});
  both.move_to_end("z");
  both.remove("b");
}

}  // namespace sectioned_files_test
}  // namespace awsprof::detail
