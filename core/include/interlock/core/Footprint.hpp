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

// Processors appear above the threads: a step of a context writes its processor's, so steps
// that can exclude each other from a processor are dependent (kernel-rules.md §7).
[[nodiscard]] constexpr ObjectId processorObject(std::uint8_t processor) noexcept {
  return static_cast<ObjectId>(kThreadObjectBase | 0x40 | (processor & 0x3F));
}
// Named by an operation that may start a context on any processor (a DPC insert, an ISR's
// start): dependent with every step.
inline constexpr ObjectId kEveryProcessorObject = static_cast<ObjectId>(kThreadObjectBase | 0x80);

class Footprint {
 public:
  static constexpr std::size_t kCapacity = 24;

  // Adds an access; a full footprint turns global (dependent with everything).
  void add(ObjectId object, Access access) noexcept {
    if (object == kNoObject) return;
    const bool write = access != Access::Read;
    const std::uint64_t bit = maskOf(object);
    // A clear bit proves the object new: only a set one needs the scan for a duplicate.
    if ((touched_ & bit) == 0 || !merge(object, write)) append(object, write);
    if (write) written_ |= bit;
    touched_ |= bit;
  }
  void makeGlobal() noexcept { global_ = true; }
  [[nodiscard]] bool global() const noexcept { return global_; }
  [[nodiscard]] bool touches(ObjectId object) const noexcept;
  // Dependent: a common object that at least one of the two writes (reads commute). DPOR asks
  // it for every pair of steps of an execution: disjoint masks answer most without a scan.
  [[nodiscard]] bool conflictsWith(const Footprint& other) const noexcept {
    if (global_ || other.global_) return true;
    if (((written_ & other.touched_) | (touched_ & other.written_)) == 0) return false;
    return sharesWrittenObject(other);
  }
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
  // One bit per object, objects from the low end and thread pseudo-objects from the high end:
  // distinct for up to 64 of them, and a shared bit only costs the exact scan.
  [[nodiscard]] static constexpr std::uint64_t maskOf(ObjectId object) noexcept {
    return std::uint64_t{1} << (object >= kThreadObjectBase ? 63 - (object & 63) : object & 63);
  }
  [[nodiscard]] bool sharesWrittenObject(const Footprint& other) const noexcept;
  // Marks an entry of `object` written if `write`; false when there is none.
  bool merge(ObjectId object, bool write) noexcept;
  void append(ObjectId object, bool write) noexcept;
  std::array<Entry, kCapacity> entries_;  // only [0, size_) is read: no need to clear it
  std::uint64_t touched_ = 0;  // maskOf every entry
  std::uint64_t written_ = 0;  // maskOf the written ones
  std::uint8_t size_ = 0;
  bool global_ = false;
};

}  // namespace interlock
