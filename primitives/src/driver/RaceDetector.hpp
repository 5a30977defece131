#pragma once
// Happens-before race detection over the driver's own memory (its library's writable data and
// the pool arena), fed by the ThreadSanitizer instrumentation the driver is compiled with
// (Tsan.cpp) and by the execution's synchronization (SyncObserver). Vector clocks per thread;
// a clock per kernel object and per address used atomically; four shadow cells per 8 bytes.
// A location found racing becomes a scheduling point in the searches after the one that found
// it (widen()), so the values a racy read can see are all explored.
#include "DriverImage.hpp"

#include "interlock/core/Execution.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace interlock::driver::detail {

class RaceDetector final : public SyncObserver {
 public:
  static constexpr std::size_t kThreads = 64;
  using Clock = std::array<std::uint32_t, kThreads>;

  // The detector of the running driver execution, nullptr outside one (or with races off).
  [[nodiscard]] static RaceDetector* active() noexcept { return active_; }

  // A driver execution begins (Kernel::begin): the image's writable data is tracked.
  void begin(Execution& execution, const DriverImage& image);
  // It ended: the pool's shadow is dropped; the image's is reset lazily (a generation).
  void end() noexcept;
  // A pool allocation the driver may touch, named `label` ("pool3", "extension1").
  void track(std::uintptr_t start, std::size_t size, const std::string& label);

  // An instrumented plain access of `size` bytes at `address` by code at `pc`.
  void access(std::uintptr_t address, std::size_t size, bool write, std::uintptr_t pc);
  // An interlocked operation or a volatile access (MSVC's /volatile:ms): synchronization on
  // its address. An atomic read-modify-write both acquires and releases.
  void acquire(std::uintptr_t address) noexcept;
  void release(std::uintptr_t address);
  // A full barrier (KeMemoryBarrier): acquire and release on one clock shared by all barriers.
  void fence();

  // The locations found racing in the searches so far become scheduling points in the next:
  // true when that set grew since the last call (the search must run again).
  [[nodiscard]] bool widen();
  // The set by name ("image+0x40"), in order; use() replaces it (a replay of a trace).
  [[nodiscard]] std::vector<std::string> locations() const;
  void use(const std::vector<std::string>& names);
  // Off: accesses are neither checked nor scheduling points (INTERLOCK_DRIVER_RACES=0 at run time).
  void enabled(bool on) noexcept { enabled_ = on; }

  // SyncObserver
  void operation(const Thread& thread, const Op& op) noexcept override;
  void waited(const Thread& thread) noexcept override;
  void spawned(const Thread* parent, const Thread& child) noexcept override;

 private:
  struct Cell {
    std::uintptr_t pc = 0;
    std::uint32_t epoch = 0;  // 0: empty
    std::uint16_t locks = 0;  // index into locksets_
    std::uint8_t thread = 0;
    std::uint8_t mask = 0;    // the bytes of the granule accessed
    bool write = false;
  };
  struct Granule {
    std::uint32_t generation = 0;  // cells and flags belong to execution `generation` only
    ObjectId object = kNoObject;   // the memory object of a racy granule, this execution
    bool racy = false;             // a scheduling point (from racy_)
    bool reported = false;         // a race here was reported this execution
    std::uint8_t next = 0;         // the cell replaced next when all are taken
    std::array<Cell, 4> cells{};
  };
  struct Region {
    std::uintptr_t start = 0;
    std::size_t size = 0;
    std::string label;  // "image", "pool3", ...
    std::vector<Granule> shadow;
  };
  // A location of the racy set, stable across executions: its region's label and offset.
  using Key = std::pair<std::string, std::uintptr_t>;

  [[nodiscard]] Region* regionOf(std::uintptr_t address) noexcept;
  Clock& clockOf(ThreadId thread) noexcept;
  void acquireFrom(ThreadId thread, const Clock& from) noexcept;
  void releaseInto(ThreadId thread, Clock& into) noexcept;
  [[nodiscard]] Clock& objectClock(ObjectId object);
  [[nodiscard]] std::uint16_t locksetOf(const Thread& thread);
  void check(Region& region, Granule& granule, std::uintptr_t address, std::uint8_t mask, bool write,
             std::uintptr_t pc, const Thread& thread);
  void schedule(Region& region, Granule& granule, std::uintptr_t granuleAddress, bool write);
  void reportRace(const Region& region, std::uintptr_t address, const Cell& earlier, const Cell& now,
                  std::uint8_t size);
  [[nodiscard]] std::string locationName(const Region& region, std::uintptr_t address) const;
  [[nodiscard]] std::string codeName(std::uintptr_t pc) const;
  [[nodiscard]] std::string locksetName(std::uint16_t locks) const;

  static inline RaceDetector* active_ = nullptr;
  bool enabled_ = true;
  Execution* execution_ = nullptr;
  const DriverImage* image_ = nullptr;
  std::uint32_t generation_ = 0;
  std::vector<Region> images_;               // the image's writable ranges: shadow kept across executions
  std::map<std::uintptr_t, Region> pool_;    // this execution's pool blocks, by start
  std::uintptr_t poolLow_ = ~std::uintptr_t{0};  // the span of this execution's pool blocks
  std::uintptr_t poolHigh_ = 0;
  Region* last_ = nullptr;                   // the region the last access hit
  std::array<Clock, kThreads> clocks_{};
  std::array<std::uint16_t, kThreads> locks_{};  // each thread's lockset, valid unless dirty
  std::uint64_t locksDirty_ = ~std::uint64_t{0};
  std::vector<Clock> objectClocks_;          // by ObjectId, this execution
  std::vector<std::uint32_t> objectGeneration_;
  std::vector<bool> memoryObject_;           // by ObjectId: a racy location's own object
  std::unordered_map<std::uintptr_t, Clock> addressClocks_;
  Clock fenceClock_{};
  std::vector<std::vector<ObjectId>> locksets_{{}};  // interned; 0 is "no lock"
  std::set<Key> racy_;    // scheduling points in this search
  std::set<Key> found_;   // found racing in this search and not in racy_ yet
};

}  // namespace interlock::driver::detail
