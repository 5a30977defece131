#pragma once
// The wait-for graph read from an execution's generic views: a blocked thread points at
// the objects it waits on, an object at the threads that own it. A WaitAll (or
// single-object) waiter needs every edge; a WaitAny waiter needs only one (an AND-OR graph).
#include "interlock/core/Execution.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace interlock {

// thread[0] waits on object[0], owned by thread[1], which waits on object[1], ...
struct WaitChain {
  std::vector<ThreadId> threads;
  std::vector<ObjectId> objects;
};

class WaitForGraph {
 public:
  explicit WaitForGraph(const Execution& execution) : execution_(execution) {}

  // Whether a blocked thread still waits on `block`'s object: queued there, not satisfied.
  [[nodiscard]] static bool waitsOn(const WaitBlock& block) noexcept {
    return block.queued && !block.satisfied && block.object != nullptr;
  }
  // A thread blocked in a wait that nobody has satisfied yet. A wait with a finite timeout
  // is not blocked: it times out instead of hanging (§3.6; its timeout branch goes on).
  [[nodiscard]] bool blocked(ThreadId thread) const;
  // A cycle through `start` in which every thread is stuck: a WaitAny waiter only if each of
  // its objects is owned by a stuck thread. It ends with an object owned by `start`.
  [[nodiscard]] std::optional<WaitChain> cycleThrough(ThreadId start) const;
  // A chain from `start` to an object owned by a suspended thread of another requester;
  // the suspended owner is the chain's last thread.
  [[nodiscard]] std::optional<WaitChain> chainToSuspendedOwner(ThreadId start) const;
  // "A waits for ERESOURCE R (exclusive), owned by B; B waits for ..."
  [[nodiscard]] std::string describe(const WaitChain& chain) const;

 private:
  using ThreadSet = std::uint64_t;  // one bit per thread: an execution has at most 64
  // The blocked threads that can never move because what they wait for is owned by others
  // of the set: the greatest such set (AND-OR deadlock).
  [[nodiscard]] ThreadSet stuck() const;
  // Whether wait-for edges through blocked threads lead from `start`'s waits back to it, read
  // from owner masks: the same edges search() follows, without building owner lists.
  [[nodiscard]] bool reachesItself(ThreadId start) const;
  template <typename Goal>
  bool search(ThreadId thread, Goal& goal, WaitChain& path, ThreadSet allowed, ThreadSet& visited) const;

  const Execution& execution_;
};

}  // namespace interlock
