#pragma once
// A strategy decides every choice of an execution and which execution comes next.
// Each strategy stands alone behind this interface (shuttle's schedulers, Coyote's strategies).
#include "interlock/core/Execution.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace interlock {

// What a reducing strategy pruned (zero for the others).
struct Reduction {
  std::uint64_t sleepSetBlocked = 0;      // executions cut: every option asleep
  std::uint64_t alternativesSkipped = 0;  // options at explored choice points never taken
};

class Strategy : public ChoiceSource {
 public:
  // Before each run; `execution` is the one about to run (footprints of options, thread state).
  virtual void beginExecution(const Execution& execution) { (void)execution; }
  // After an execution: false once the strategy has nothing left to explore.
  [[nodiscard]] virtual bool nextExecution() = 0;
  [[nodiscard]] virtual std::string_view name() const noexcept = 0;
  // Non-empty when the strategy, by design, did not cover every schedule within the bounds
  // (a preemption bound that cut a choice, random sampling): the verdict is then incomplete.
  [[nodiscard]] virtual std::string incompleteReason() const { return {}; }
  [[nodiscard]] virtual Reduction reduction() const { return {}; }
  // False when the execution just run belongs to another part of a split search (--jobs,
  // --shard): it is not counted and its findings are not this part's.
  [[nodiscard]] virtual bool ownsLastExecution() { return true; }
  // Estimated executions of the whole search (Knuth's estimator over the paths seen); 0 if unknown.
  [[nodiscard]] virtual double estimatedExecutions() const { return 0; }
};

}  // namespace interlock
