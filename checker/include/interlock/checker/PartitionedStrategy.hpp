#pragma once
// A deterministic part of a tree search, for --jobs and --shard. Every path is cut where the
// product of the option counts of its choice points first reaches `cutProduct`; the choices
// made up to there name its subtree. Subtrees are numbered in the inner strategy's order
// (every part walks the same upper tree) and the k-th belongs to shard k mod shards. Within a
// shard, the jobs of one process share its subtrees out as they reach them (SubtreeClaims): a
// job that finishes a big subtree early takes the next one, so the jobs stay busy. Executions
// below other parts' subtrees are abandoned at the cut. Needs an inner strategy whose upper
// tree does not depend on what other parts find (naive, sleep-set dfs, and dpor built with the
// same cut: DporStrategy's expandedProduct).
#include "interlock/checker/Strategy.hpp"

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

namespace interlock {

// The subtrees of one shard, claimed in order by the jobs that share them.
class SubtreeClaims {
 public:
  // True for the one job that reaches the shard's n-th subtree first. Every job walks the
  // subtrees in the same order and tries each, so n is never past the next unclaimed one.
  [[nodiscard]] bool claim(std::uint64_t n) noexcept {
    std::uint64_t expected = n;
    return next_.compare_exchange_strong(expected, n + 1, std::memory_order_relaxed);
  }

 private:
  std::atomic<std::uint64_t> next_{0};
};

// The product of the option counts along a path after a choice point with `options` options,
// capped far above any cut. The one rule for where a split cuts: PartitionedStrategy cuts with
// it and DporStrategy expands above the same cut with it.
inline constexpr std::uint64_t kCutProductCap = std::uint64_t{1} << 40;
[[nodiscard]] constexpr std::uint64_t cutProductAfter(std::uint64_t product, std::size_t options) noexcept {
  const std::uint64_t next = product * (options == 0 ? 1 : options);
  return next < kCutProductCap ? next : kCutProductCap;
}

class PartitionedStrategy final : public Strategy {
 public:
  // About a thousand subtrees: enough to share out evenly, few enough that walking the
  // others' costs little (each part runs every upper path once, up to its cut).
  static constexpr std::uint64_t kCutProduct = 1024;

  // `claims` nullptr: this part alone runs its shard's subtrees.
  PartitionedStrategy(std::unique_ptr<Strategy> inner, std::uint64_t shard, std::uint64_t shards,
                      SubtreeClaims* claims = nullptr, std::uint64_t cutProduct = kCutProduct);

  void beginExecution(const Execution& execution) override;
  [[nodiscard]] std::size_t choose(std::span<const Choice> options) override;
  [[nodiscard]] std::size_t chooseThread(std::uint64_t runnable, std::span<Choice> room) override;
  [[nodiscard]] bool nextExecution() override;
  [[nodiscard]] std::string_view name() const noexcept override { return inner_->name(); }
  [[nodiscard]] std::string incompleteReason() const override { return inner_->incompleteReason(); }
  [[nodiscard]] Reduction reduction() const override { return inner_->reduction(); }
  [[nodiscard]] double estimatedExecutions() const override { return inner_->estimatedExecutions(); }
  [[nodiscard]] bool ownsLastExecution() override;
  // The subtree number of the execution run last (for choosing the first counterexample).
  [[nodiscard]] std::uint64_t subtree() const noexcept { return subtree_ - 1; }

 private:
  void enterSubtree();
  // The inner strategy took option `index` of `count` above the cut: the prefix grows, and may
  // reach the cut. Out of line.
  [[gnu::noinline]] std::size_t aboveCut(std::size_t index, std::size_t count);

  std::unique_ptr<Strategy> inner_;
  std::uint64_t shard_;
  std::uint64_t shards_;
  SubtreeClaims* claims_;
  std::uint64_t cutProduct_;
  std::uint64_t product_ = 1;      // of the option counts so far in the running execution
  // Its choices at branching points, up to the cut (at most 40, and a short execution's mark).
  std::array<std::uint32_t, 48> prefix_{};
  std::size_t prefixSize_ = 0;
  std::array<std::uint32_t, 48> previous_{};  // the previous subtree's prefix
  std::size_t previousSize_ = 0;
  std::uint64_t subtree_ = 0;      // subtrees entered so far
  bool subtreeOwned_ = false;      // whether the current subtree is this part's
  bool decided_ = false;
  bool owned_ = true;
};

}  // namespace interlock
