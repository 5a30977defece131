#pragma once
// A deterministic part of a tree search, for --jobs and --shard: the search tree is cut at
// its first `splitDepth` branching choice points; the k-th distinct prefix (in the inner
// strategy's order) belongs to part k mod count. Executions below other parts' prefixes are
// abandoned at the cut, so no part runs them. Needs an inner strategy whose tree does not
// depend on what other parts found (naive and sleep-set dfs; not dpor, whose backtrack sets do).
#include "interlock/checker/Strategy.hpp"

#include <cstdint>
#include <memory>
#include <vector>

namespace interlock {

class PartitionedStrategy final : public Strategy {
 public:
  static constexpr std::uint32_t kSplitDepth = 8;

  PartitionedStrategy(std::unique_ptr<Strategy> inner, std::uint64_t index, std::uint64_t count,
                      std::uint32_t splitDepth = kSplitDepth);

  void beginExecution(const Execution& execution) override;
  [[nodiscard]] std::size_t choose(std::span<const Choice> options) override;
  [[nodiscard]] bool nextExecution() override;
  [[nodiscard]] std::string_view name() const noexcept override { return inner_->name(); }
  [[nodiscard]] std::string incompleteReason() const override { return inner_->incompleteReason(); }
  [[nodiscard]] Reduction reduction() const override { return inner_->reduction(); }
  [[nodiscard]] double estimatedExecutions() const override { return inner_->estimatedExecutions(); }
  [[nodiscard]] bool ownsLastExecution() override;
  // The prefix number of the execution run last (for choosing the first counterexample).
  [[nodiscard]] std::uint64_t subtree() const noexcept { return subtree_ - 1; }

 private:
  void enterSubtree();

  std::unique_ptr<Strategy> inner_;
  std::uint64_t index_;
  std::uint64_t count_;
  std::uint32_t splitDepth_;
  std::uint32_t branchings_ = 0;   // branching choice points in the running execution
  std::vector<std::uint32_t> prefix_;    // its choices at them, up to the cut
  std::vector<std::uint32_t> previous_;  // the previous subtree's prefix
  std::uint64_t subtree_ = 0;      // subtrees entered so far
  bool decided_ = false;
  bool owned_ = true;
};

}  // namespace interlock
