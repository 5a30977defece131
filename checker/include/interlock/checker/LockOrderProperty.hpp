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
  // Which locks' owners are read again after a step.
  enum class Scan : std::uint8_t {
    Touched,  // those the step's operation names (Execution::stepLocks): the fast default
    All,      // every lock, every step: the reference the fast scan is tested against
  };
  explicit LockOrderProperty(Scan scan = Scan::Touched) : scan_(scan) {}

  [[nodiscard]] std::uint8_t watches() const noexcept override {
    return scan_ == Scan::All ? kEveryStep : kStepsNamingLocks;
  }
  void beginExecution(Execution& execution) override;
  void afterStep(Execution& execution, const Choice& choice) override;

 private:
  struct Edge {
    ObjectId before;
    ObjectId after;
    ThreadId thread;
  };
  void gained(Execution& execution, ObjectId x, std::uint64_t threads);
  // Records a new edge; reports the cycle it closes, if any.
  [[gnu::noinline]] void addEdge(Execution& execution, const Edge& edge);
  // A path after -> ... -> before through recorded edges, as the edges taken.
  [[nodiscard]] bool path(ObjectId from, ObjectId to, std::vector<const Edge*>& out,
                          std::vector<bool>& seen) const;

  Scan scan_;
  std::vector<std::uint64_t> held_;  // per object, before the step
  std::vector<std::uint64_t> now_;   // per object, after it (equal to held_ between steps)
  std::vector<Edge> edges_;
  std::vector<bool> seen_;           // scratch for path(), kept between calls
  bool reported_ = false;
};

}  // namespace interlock
