#pragma once
// Lock order (Driver Verifier's deadlock detection, 0xC4/0x1001): whenever a thread comes to
// own a lock while it holds others, each held lock precedes the new one. A cycle in that
// order is reported even if this schedule did not hang: another schedule can.
// Partial: the graph is per execution, so both orders must occur in one execution (the
// counterexample then replays on its own); orders seen only in different executions are not
// combined yet.
#include "interlock/core/Execution.hpp"

#include <cstdint>
#include <vector>

namespace interlock {

class LockOrderProperty final : public Monitor {
 public:
  void beginExecution(Execution& execution) override;
  void afterStep(Execution& execution, const Choice& choice) override;

 private:
  struct Edge {
    ObjectId before;
    ObjectId after;
    ThreadId thread;
  };
  void ownership(const Execution& execution, std::vector<std::uint64_t>& owners) const;
  // A path after -> ... -> before through recorded edges, as the edges taken.
  [[nodiscard]] bool path(ObjectId from, ObjectId to, std::vector<const Edge*>& out,
                          std::vector<bool>& seen) const;

  std::vector<std::uint64_t> held_;  // per object: bit t set when thread t owns it
  std::vector<std::uint64_t> now_;
  std::vector<Edge> edges_;
  bool reported_ = false;
};

}  // namespace interlock
