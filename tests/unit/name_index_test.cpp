// The section index the readers use: every name found at its index, absent names not found,
// through growth from the smallest table and with names that differ in one byte.
#include "name_index.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace awsprof::detail {
namespace name_index_test {

TEST(NameIndex, FindsEveryNameAndNothingElseThroughGrowth) {
  std::vector<std::string> names;
  for (int i = 0; i < 5000; ++i) {
    names.push_back("profile team-" + std::to_string(i) + "-Admin");
    names.push_back("x" + std::to_string(i));  // short names: the tail-only path of the hash
  }
  names.push_back("");
  NameIndex index;  // starts at the smallest table and grows
  auto name_at = [&names](std::size_t i) { return std::string_view(names[i]); };
  for (std::size_t i = 0; i < names.size(); ++i) {
    ASSERT_EQ(index.find(names[i], name_at), NameIndex::npos) << names[i];
    index.insert(names[i], i);
  }
  for (std::size_t i = 0; i < names.size(); ++i) EXPECT_EQ(index.find(names[i], name_at), i) << names[i];
  for (std::string_view absent : {"profile team-5000-Admin", "profile team-1-Admin ", "profile team-1-admin",
                                  "x5000", "x", "profile team--Admin"}) {
    EXPECT_EQ(index.find(absent, name_at), NameIndex::npos) << absent;
  }
}

TEST(NameIndex, NamesDifferingInOneByteAreApart) {
  std::vector<std::string> names;
  const std::string base(40, 'a');
  for (std::size_t at = 0; at < base.size(); ++at) {
    std::string name = base;
    name[at] = 'b';
    names.push_back(name);
  }
  NameIndex index(names.size());
  auto name_at = [&names](std::size_t i) { return std::string_view(names[i]); };
  for (std::size_t i = 0; i < names.size(); ++i) index.insert(names[i], i);
  for (std::size_t i = 0; i < names.size(); ++i) EXPECT_EQ(index.find(names[i], name_at), i);
  EXPECT_EQ(index.find(base, name_at), NameIndex::npos);
}

}  // namespace name_index_test
}  // namespace awsprof::detail
