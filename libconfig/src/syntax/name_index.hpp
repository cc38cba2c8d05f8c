// Finding sections by name while a file is read. Internal.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

namespace awsprof::detail {

/// Maps names to indices into the caller's own vector, which keeps the names. An open-addressing
/// table of (hash, index) pairs: 8 bytes a name and no allocation per name. std::unordered_map,
/// which allocates a node per name and chases pointers on every lookup, was a fifth of the time
/// taken to read a 10,000-profile file.
class NameIndex {
 public:
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);

  explicit NameIndex(std::size_t expected = 0) { rehash(capacity_for(expected)); }

  /// The index stored for `name`, or npos. `name_at(index)` gives the name stored for an index.
  template <typename NameAt>
  std::size_t find(std::string_view name, const NameAt& name_at) const {
    const std::uint32_t hash = hash_of(name);
    for (std::size_t slot = hash & mask_;; slot = (slot + 1) & mask_) {
      const Slot& s = slots_[slot];
      if (s.index == kEmpty) return npos;
      if (s.hash == hash && name_at(s.index) == name) return s.index;
    }
  }

  /// Stores `index` for `name`, which must not be present yet (find first).
  void insert(std::string_view name, std::size_t index) {
    if ((count_ + 1) * 2 > slots_.size()) grow();
    place(Slot{hash_of(name), static_cast<std::uint32_t>(index)});
    ++count_;
  }

 private:
  static constexpr std::uint32_t kEmpty = 0xFFFFFFFF;
  struct Slot {
    std::uint32_t hash = 0;
    std::uint32_t index = kEmpty;
  };

  // Eight bytes a step, multiply and fold; the top bits of a last multiply pick the slot. About
  // three times as fast as std::hash on section names, which all readers hash at least once.
  static std::uint32_t hash_of(std::string_view name) {
    constexpr std::uint64_t kMultiplier = 0x9E3779B97F4A7C15ull;  // 2^64 / golden ratio
    std::uint64_t hash = name.size() * kMultiplier;
    std::size_t at = 0;
    for (; at + 8 <= name.size(); at += 8) {
      std::uint64_t word;
      std::memcpy(&word, name.data() + at, 8);
      hash = (hash ^ word) * kMultiplier;
      hash ^= hash >> 32;
    }
    if (at < name.size()) {
      std::uint64_t word = 0;
      std::memcpy(&word, name.data() + at, name.size() - at);
      hash = (hash ^ word) * kMultiplier;
      hash ^= hash >> 32;
    }
    return static_cast<std::uint32_t>((hash * kMultiplier) >> 32);
  }
  // At most half full: a name that is not there (every new section) then ends its probe within
  // two slots on average; at 70% it took six.
  static std::size_t capacity_for(std::size_t count) {
    std::size_t capacity = 16;
    while (capacity < count * 2) capacity *= 2;
    return capacity;
  }
  void place(Slot slot) {
    std::size_t at = slot.hash & mask_;
    while (slots_[at].index != kEmpty) at = (at + 1) & mask_;
    slots_[at] = slot;
  }
  void rehash(std::size_t capacity) {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(capacity, Slot{});
    mask_ = capacity - 1;
    for (const Slot& slot : old)
      if (slot.index != kEmpty) place(slot);
  }
  void grow() { rehash(slots_.size() * 2); }

  std::vector<Slot> slots_;
  std::size_t mask_ = 0;
  std::size_t count_ = 0;
};

}  // namespace awsprof::detail
