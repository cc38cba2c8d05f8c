#include "awsprof/support/suggest.hpp"

#include <gtest/gtest.h>

namespace awsprof {
namespace {

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

}  // namespace
}  // namespace awsprof
