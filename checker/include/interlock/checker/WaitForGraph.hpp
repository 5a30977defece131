#pragma once
// The wait-for graph read from an execution's generic views: a blocked thread points at
// the object it waits on, an object at the threads that own it.
#include "interlock/core/Execution.hpp"

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

  // A thread blocked in a wait that nobody has satisfied yet.
  [[nodiscard]] bool blocked(ThreadId thread) const;
  // A cycle through `start`; it ends with an object owned by `start`.
  [[nodiscard]] std::optional<WaitChain> cycleThrough(ThreadId start) const;
  // A chain from `start` to an object owned by a suspended thread of another requester;
  // the suspended owner is the chain's last thread.
  [[nodiscard]] std::optional<WaitChain> chainToSuspendedOwner(ThreadId start) const;
  // "A waits for ERESOURCE R (exclusive), owned by B; B waits for ..."
  [[nodiscard]] std::string describe(const WaitChain& chain) const;

 private:
  template <typename Goal>
  bool search(ThreadId thread, Goal& goal, WaitChain& path, std::vector<bool>& visited) const;

  const Execution& execution_;
};

}  // namespace interlock
