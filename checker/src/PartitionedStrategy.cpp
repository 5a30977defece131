#include "interlock/checker/PartitionedStrategy.hpp"

namespace interlock {

PartitionedStrategy::PartitionedStrategy(std::unique_ptr<Strategy> inner, std::uint64_t index,
                                         std::uint64_t count, std::uint32_t splitDepth)
    : inner_(std::move(inner)), index_(index), count_(count), splitDepth_(splitDepth) {
  prefix_.reserve(splitDepth);
  previous_.reserve(splitDepth);
}

void PartitionedStrategy::beginExecution(const Execution& execution) {
  branchings_ = 0;
  prefix_.clear();
  decided_ = false;
  owned_ = true;
  inner_->beginExecution(execution);
}

void PartitionedStrategy::enterSubtree() {
  decided_ = true;
  // Consecutive executions under one prefix form one subtree (the inner search is depth-first).
  if (subtree_ == 0 || prefix_ != previous_) {
    ++subtree_;
    previous_ = prefix_;
  }
  owned_ = (subtree_ - 1) % count_ == index_;
}

std::size_t PartitionedStrategy::choose(std::span<const Choice> options) {
  const std::size_t index = inner_->choose(options);
  if (decided_ || options.size() < 2 || index == kAbandon) return index;
  prefix_.push_back(static_cast<std::uint32_t>(index));
  if (++branchings_ < splitDepth_) return index;
  enterSubtree();
  return owned_ ? index : kAbandon;
}

bool PartitionedStrategy::ownsLastExecution() {
  // A short execution (fewer branching points than the cut) is a subtree of its own.
  if (!decided_) {
    prefix_.push_back(0xFFFFFFFF);
    enterSubtree();
  }
  return owned_;
}

bool PartitionedStrategy::nextExecution() {
  (void)ownsLastExecution();
  return inner_->nextExecution();
}

}  // namespace interlock
