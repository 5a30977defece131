#pragma once
// Exhaustive depth-first search: every execution is a fresh run whose prefix replays the
// stack of earlier decisions, then takes the first option at each new choice point.
#include "interlock/checker/Strategy.hpp"

#include <cstdint>
#include <vector>

namespace interlock {

class DfsStrategy final : public Strategy {
 public:
  DfsStrategy() { stack_.reserve(1024); }
  void beginExecution(const Execution&) override { depth_ = 0; }
  [[nodiscard]] std::size_t choose(std::span<const Choice> options) override;
  [[nodiscard]] bool nextExecution() override;
  [[nodiscard]] std::string_view name() const noexcept override { return "naive"; }
  [[nodiscard]] std::size_t maxDepth() const noexcept { return maxDepth_; }
  // Knuth's estimator (the product of the branching along a path), averaged over the paths run.
  [[nodiscard]] double estimatedExecutions() const override {
    return estimateCount_ == 0 ? 0 : estimateSum_ / static_cast<double>(estimateCount_);
  }

 private:
  struct Frame {
    std::uint32_t count;
    std::uint32_t index;
  };
  std::vector<Frame> stack_;
  std::size_t depth_ = 0;
  std::size_t maxDepth_ = 0;
  double estimateSum_ = 0;
  std::uint64_t estimateCount_ = 0;
};

}  // namespace interlock
