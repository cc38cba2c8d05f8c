// build_profile_graph, ProfileGraph::chain, profile_account and account_from_access_key_id.
#include "awsprof/credentials/profile_graph.hpp"

#include <gtest/gtest.h>

namespace awsprof {
namespace profile_graph_test {

ProfileModel model_of(std::string config, std::string credentials = "") {
  const Document config_document = Document::parse(std::move(config));
  const Document credentials_document = Document::parse(std::move(credentials));
  return build_profile_model({"config", &config_document}, {"credentials", &credentials_document},
                             Dialect::cli);
}

std::vector<std::string> names(const ProfileGraph& graph, const std::vector<std::size_t>& nodes) {
  std::vector<std::string> out;
  for (std::size_t node : nodes) out.push_back(graph.nodes[node].name);
  return out;
}

TEST(AccountFromAccessKeyId, DecodesTheAccountOfANewKeyId) {
  // The published example: ASIAQNZGKIQY56JQ7WML belongs to 029608264753.
  EXPECT_EQ(account_from_access_key_id("ASIAQNZGKIQY56JQ7WML"), "029608264753");
}

TEST(AccountFromAccessKeyId, RefusesOldAndMalformedKeyIds) {
  EXPECT_EQ(account_from_access_key_id("AKIAIOSFODNN7EXAMPLE"), std::nullopt);  // before 2019: no account
  EXPECT_EQ(account_from_access_key_id("ASIAQNZGKIQY56JQ7WM"), std::nullopt);   // 19 characters
  EXPECT_EQ(account_from_access_key_id("AIDAQNZGKIQY56JQ7WML"), std::nullopt);  // a user id, not a key
  EXPECT_EQ(account_from_access_key_id("ASIAQNZGKIQY56JQ7WM1"), std::nullopt);  // 1 is not base32
}

TEST(ProfileAccount, PrefersTheRoleArnThenSsoThenOwnThenKey) {
  ProfileModel model = model_of(
      "[profile role]\nrole_arn = arn:aws:iam::111111111111:role/x\naws_account_id = 999999999999\n"
      "[profile sso]\nsso_account_id = 222222222222\n[profile own]\naws_account_id = 333333333333\n",
      "[keys]\naws_access_key_id = ASIAQNZGKIQY56JQ7WML\n");
  EXPECT_EQ(profile_account(*model.find_profile("role")).account_id, "111111111111");
  EXPECT_EQ(profile_account(*model.find_profile("sso")).source, "sso_account_id");
  EXPECT_EQ(profile_account(*model.find_profile("own")).account_id, "333333333333");
  ProfileAccount key = profile_account(*model.find_profile("keys"));
  EXPECT_EQ(key.account_id, "029608264753");
  EXPECT_EQ(key.source, "aws_access_key_id");
}

TEST(ArnParts, AccountAndRoleName) {
  EXPECT_EQ(arn_account("arn:aws:iam::123456789012:role/path/Admin"), "123456789012");
  EXPECT_EQ(arn_role_name("arn:aws:iam::123456789012:role/path/Admin"), "Admin");
  EXPECT_EQ(arn_account("arn:aws:iam::role/Admin"), "");
  EXPECT_EQ(arn_role_name("not-an-arn"), "");
}

TEST(ProfileGraph, ChainStopsAtASourceProfileThatSignsWithItsKeys) {
  // base has keys and a role of its own: as a source, its keys sign (the CLI's rule), so the
  // chain of top does not go on to base's source.
  ProfileModel model = model_of(
      "[profile root]\ncredential_process = /bin/x\n"
      "[profile base]\nrole_arn = arn:aws:iam::111111111111:role/b\nsource_profile = root\n"
      "[profile top]\nrole_arn = arn:aws:iam::222222222222:role/t\nsource_profile = base\n"
      "mfa_serial = arn:aws:iam::222222222222:mfa/me\n",
      "[base]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = s\n");
  ProfileGraph graph = build_profile_graph(model);
  EXPECT_EQ(names(graph, graph.chain(*graph.find_profile("top"))), (std::vector<std::string>{"base", "top"}));
  EXPECT_EQ(names(graph, graph.chain(*graph.find_profile("base"))),
            (std::vector<std::string>{"root", "base"}));
  EXPECT_EQ(graph.nodes[*graph.find_profile("top")].mfa_serial, "arn:aws:iam::222222222222:mfa/me");
  EXPECT_EQ(graph.link_key(*graph.find_profile("top")), "source_profile");
}

TEST(ProfileGraph, KeepsMissingReferencesAsNodes) {
  ProfileModel model = model_of(
      "[profile orphan]\nrole_arn = arn:aws:iam::111111111111:role/o\nsource_profile = gone\n"
      "[profile sso]\nsso_session = nowhere\nsso_account_id = 111111111111\nsso_role_name = R\n"
      "[profile lonely]\nrole_arn = arn:aws:iam::111111111111:role/l\n");
  ProfileGraph graph = build_profile_graph(model);
  const GraphNode& orphan = graph.nodes[*graph.find_profile("orphan")];
  ASSERT_TRUE(orphan.signer);
  EXPECT_EQ(graph.nodes[*orphan.signer].type, GraphNodeType::missing_profile);
  EXPECT_EQ(orphan.problems, (std::vector<std::string>{"source_profile \"gone\" does not exist"}));
  const GraphNode& sso = graph.nodes[*graph.find_profile("sso")];
  ASSERT_TRUE(sso.signer);
  EXPECT_EQ(graph.nodes[*sso.signer].type, GraphNodeType::missing_sso_session);
  EXPECT_EQ(graph.link_key(*graph.find_profile("sso")), "sso_session");
  const GraphNode& lonely = graph.nodes[*graph.find_profile("lonely")];
  EXPECT_FALSE(lonely.signer);
  EXPECT_EQ(lonely.problems.size(), 1u);
}

TEST(ProfileGraph, FindsEachCycleOnceAndLetsAProfileWithKeysSignItself) {
  ProfileModel model = model_of(
      "[profile b]\nrole_arn = arn:aws:iam::111111111111:role/b\nsource_profile = a\n"
      "[profile a]\nrole_arn = arn:aws:iam::111111111111:role/a\nsource_profile = b\n"
      "[profile off]\nrole_arn = arn:aws:iam::111111111111:role/o\nsource_profile = a\n"
      "[profile self]\nrole_arn = arn:aws:iam::111111111111:role/s\nsource_profile = self\n"
      "[profile keyed]\nrole_arn = arn:aws:iam::111111111111:role/k\nsource_profile = keyed\n"
      "aws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = s\n");
  ProfileGraph graph = build_profile_graph(model);
  ASSERT_EQ(graph.cycles.size(), 2u);
  EXPECT_EQ(names(graph, graph.cycles[0]), (std::vector<std::string>{"b", "a"}));
  EXPECT_EQ(names(graph, graph.cycles[1]), (std::vector<std::string>{"self"}));
  EXPECT_FALSE(graph.nodes[*graph.find_profile("off")].in_cycle);
  EXPECT_EQ(names(graph, graph.chain(*graph.find_profile("off"))),
            (std::vector<std::string>{"b", "a", "off"}));
  // off is outside the cycle but runs into it: the AWS CLI fails for it too.
  EXPECT_EQ(graph.nodes[*graph.find_profile("off")].problems,
            (std::vector<std::string>{"its source_profile chain loops: a -> b -> a"}));
  EXPECT_EQ(graph.nodes[*graph.find_profile("self")].problems,
            (std::vector<std::string>{"its source_profile chain loops: self -> self"}));
  const GraphNode& keyed = graph.nodes[*graph.find_profile("keyed")];
  EXPECT_TRUE(keyed.signs_itself);
  EXPECT_FALSE(keyed.signer);
  EXPECT_TRUE(keyed.problems.empty());
}

TEST(ProfileGraph, ACycleMemberSignedByKeysDoesNotLoopButItsSourceDoes) {
  // As plan_credentials() walks it: from worker, keyed signs with its keys (no loop); from keyed,
  // worker's source is keyed again, already visited: the AWS CLI reports a loop.
  ProfileModel model = model_of(
      "[profile keyed]\nrole_arn = arn:aws:iam::111111111111:role/k\nsource_profile = worker\n"
      "[profile worker]\nrole_arn = arn:aws:iam::111111111111:role/w\nsource_profile = keyed\n",
      "[keyed]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = s\n");
  ProfileGraph graph = build_profile_graph(model);
  ASSERT_EQ(graph.cycles.size(), 1u);
  const GraphNode& worker = graph.nodes[*graph.find_profile("worker")];
  EXPECT_TRUE(worker.in_cycle);
  EXPECT_TRUE(worker.problems.empty());
  EXPECT_EQ(names(graph, graph.chain(*graph.find_profile("worker"))),
            (std::vector<std::string>{"keyed", "worker"}));
  EXPECT_EQ(graph.nodes[*graph.find_profile("keyed")].problems,
            (std::vector<std::string>{"its source_profile chain loops: keyed -> worker -> keyed"}));
  EXPECT_TRUE(graph.chain_problems(*graph.find_profile("worker")).empty());  // keyed's loop is not worker's
  EXPECT_EQ(graph.chain_problems(*graph.find_profile("keyed")).size(), 1u);
}

}  // namespace profile_graph_test
}  // namespace awsprof
