#include "interlock/checker/PartitionedStrategy.hpp"

namespace interlock {

PartitionedStrategy::PartitionedStrategy(std::unique_ptr<Strategy> inner, std::uint64_t shard,
                                         std::uint64_t shards, SubtreeClaims* claims,
                                         std::uint64_t cutProduct)
    : inner_(std::move(inner)), shard_(shard), shards_(shards), claims_(claims), cutProduct_(cutProduct) {
  prefix_.reserve(64);
  previous_.reserve(64);
}

void PartitionedStrategy::beginExecution(const Execution& execution) {
  product_ = 1;
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
    const std::uint64_t k = subtree_ - 1;
    subtreeOwned_ = k % shards_ == shard_ && (claims_ == nullptr || claims_->claim(k / shards_));
  }
  owned_ = subtreeOwned_;
}

std::size_t PartitionedStrategy::choose(std::span<const Choice> options) {
  // Below the cut (nearly every choice) the inner strategy decides alone: a tail call.
  if (decided_) return inner_->choose(options);
  return chooseAboveCut(options);
}

std::size_t PartitionedStrategy::chooseThread(std::uint64_t runnable, std::span<Choice> room) {
  if (decided_) return inner_->chooseThread(runnable, room);
  return ChoiceSource::chooseThread(runnable, room);  // the list, for choose() above the cut
}

std::size_t PartitionedStrategy::chooseAboveCut(std::span<const Choice> options) {
  const std::size_t index = inner_->choose(options);
  if (options.size() < 2 || index == kAbandon) return index;
  prefix_.push_back(static_cast<std::uint32_t>(index));
  product_ = cutProductAfter(product_, options.size());
  if (product_ < cutProduct_) return index;
  enterSubtree();
  return owned_ ? index : kAbandon;
}

bool PartitionedStrategy::ownsLastExecution() {
  // A short execution (its product never reached the cut) is a subtree of its own.
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
