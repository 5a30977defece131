#pragma once
// What one step may touch: the objects it reads or writes, and the threads whose state it
// changes (as pseudo-objects). Two steps whose footprints conflict are dependent; partial-
// order reduction reorders only independent steps. Over-approximating is always sound.
#include "interlock/core/Ids.hpp"
#include "interlock/core/Op.hpp"

#include <array>
#include <cstdint>

namespace interlock {

// Threads appear in footprints as objects above every real object id.
inline constexpr ObjectId kThreadObjectBase = 0x8000;
[[nodiscard]] constexpr ObjectId threadObject(ThreadId thread) noexcept {
  return static_cast<ObjectId>(kThreadObjectBase | thread);
}

class Footprint {
 public:
  static constexpr std::size_t kCapacity = 24;

  // Adds an access; a full footprint turns global (dependent with everything).
  void add(ObjectId object, Access access) noexcept;
  void makeGlobal() noexcept { global_ = true; }
  [[nodiscard]] bool global() const noexcept { return global_; }
  [[nodiscard]] bool touches(ObjectId object) const noexcept;
  // Dependent: a common object that at least one of the two writes (reads commute).
  [[nodiscard]] bool conflictsWith(const Footprint& other) const noexcept;
  // Calls f(object, written) for each real object (thread pseudo-objects left out).
  template <class F>
  void forEachObject(F&& f) const {
    for (std::uint8_t i = 0; i < size_; ++i)
      if (entries_[i].object < kThreadObjectBase) f(entries_[i].object, entries_[i].write);
  }

 private:
  struct Entry {
    ObjectId object;
    bool write;
  };
  std::array<Entry, kCapacity> entries_;  // only [0, size_) is read: no need to clear it
  std::uint8_t size_ = 0;
  bool global_ = false;
};

}  // namespace interlock
