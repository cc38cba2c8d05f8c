#include "awsprof/support/suggest.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace awsprof {
namespace suggest_test {

TEST(EditDistance, CountsInsertionsDeletionsAndSubstitutions) {
  EXPECT_EQ(edit_distance("", ""), 0u);
  EXPECT_EQ(edit_distance("", "abc"), 3u);
  EXPECT_EQ(edit_distance("abc", ""), 3u);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(edit_distance("kitten", "sitting", /*transpositions=*/false), 3u);
}

TEST(EditDistance, AnAdjacentSwapIsOneEditUnlessTranspositionsAreOff) {
  EXPECT_EQ(edit_distance("regoin", "region"), 1u);
  EXPECT_EQ(edit_distance("regoin", "region", /*transpositions=*/false), 2u);
  EXPECT_EQ(edit_distance("lsit", "list"), 1u);
  EXPECT_EQ(edit_distance("lsit", "list", /*transpositions=*/false), 2u);
}

TEST(NearestNames, NearestFirstWithinOneEditPerThreeCharacters) {
  const std::vector<std::string> profiles{"develop", "dev", "prod", "production", "staging"};
  EXPECT_EQ(nearest_names("devlop", profiles), (std::vector<std::string>{"develop"}));
  EXPECT_EQ(nearest_names("prd", profiles), (std::vector<std::string>{"prod"}));
  EXPECT_EQ(nearest_names("dve", profiles), (std::vector<std::string>{"dev"}));
  EXPECT_TRUE(nearest_names("qa", profiles).empty());
  EXPECT_TRUE(nearest_names("dev", profiles).empty()) << "a name is not near itself";
  EXPECT_TRUE(nearest_names("", profiles).empty());
  const std::vector<std::string> options{"--dry-run", "--profile", "--output", "--force"};
  EXPECT_EQ(nearest_names("--dryrun", options), (std::vector<std::string>{"--dry-run"}));
  EXPECT_EQ(nearest_names("--outptu", options), (std::vector<std::string>{"--output"}));
  EXPECT_EQ(nearest_names("--aaaaaa", options, 1).size(), 0u);
}

}  // namespace suggest_test
}  // namespace awsprof
