#pragma once
// Probabilistic concurrency testing (Burckhardt, Kothari, Musuvathi, Nagarakatte, ASPLOS 2010)
// with bug depth d: each execution gives the threads random distinct priorities, all above d,
// draws d - 1 priority change points in [1, k], and always runs the highest-priority runnable
// thread; when a thread takes the Run step numbered by the j-th change point its priority
// drops to d - j. k counts Run steps: the longest execution seen so far, kInitialSteps before
// the first. Events the model or the adversary offers beside the threads' steps (I/O
// completions, suspensions, scenario APCs) are taken with probability 1/k at each choice
// point that offers them (uniform among them), so an execution sees about one, placed like a
// change point; with no runnable thread one is taken uniformly. Branch choices are uniform.
// Execution i draws from its own stream Rng(seed, i).
#include "interlock/checker/Rng.hpp"
#include "interlock/checker/Strategy.hpp"

#include <cstdint>
#include <vector>

namespace interlock {

class PctStrategy final : public Strategy {
 public:
  static constexpr std::uint64_t kDefaultExecutions = 10000;
  static constexpr std::uint32_t kInitialSteps = 16;  // k before any execution measured it
  // `depth` 0 is taken as 1; `executions` 0 means kDefaultExecutions.
  PctStrategy(std::uint64_t seed, std::uint32_t depth, std::uint64_t executions);
  void beginExecution(const Execution& execution) override;
  [[nodiscard]] std::size_t choose(std::span<const Choice> options) override;
  [[nodiscard]] bool nextExecution() override;
  [[nodiscard]] std::string_view name() const noexcept override { return "pct"; }
  [[nodiscard]] std::string incompleteReason() const override { return "random sampling"; }
  [[nodiscard]] std::uint32_t stepEstimate() const noexcept { return k_; }

 private:
  struct Priority {
    std::uint64_t value = 0;  // 0: not drawn yet in this execution
    [[nodiscard]] bool drawn() const noexcept { return value != 0; }
  };
  [[nodiscard]] std::uint64_t priorityOf(ThreadId thread);

  std::uint64_t seed_;
  std::uint32_t depth_;
  std::uint64_t executions_;
  std::uint64_t index_ = 0;
  std::uint32_t k_ = kInitialSteps;
  std::uint32_t runSteps_ = 0;
  bool measured_ = false;
  Rng rng_;
  std::vector<std::uint32_t> changePoints_;  // Run step numbers, one per j = 1 .. d - 1
  std::vector<Priority> priorities_;         // by thread id, drawn when first offered
  std::vector<std::size_t> events_;          // scratch: indices of non-Run options
};

}  // namespace interlock
