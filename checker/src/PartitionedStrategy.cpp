#include "interlock/checker/PartitionedStrategy.hpp"

#include "interlock/core/Bits.hpp"

#include <algorithm>
#include <stdexcept>

namespace interlock {

PartitionedStrategy::PartitionedStrategy(std::unique_ptr<Strategy> inner, std::uint64_t shard,
                                         std::uint64_t shards, SubtreeClaims* claims,
                                         std::uint64_t cutProduct)
    : inner_(std::move(inner)), shard_(shard), shards_(shards), claims_(claims), cutProduct_(cutProduct) {
  // Each choice above the cut at least doubles the product, so a prefix has at most log2 of
  // the cut's entries (and the mark of a short execution): the prefix arrays hold them.
  if (cutProduct_ > kCutProductCap) throw std::invalid_argument("a split's cut product is at most 2^40");
}

void PartitionedStrategy::beginExecution(const Execution& execution) {
  product_ = 1;
  prefixSize_ = 0;
  decided_ = false;
  owned_ = true;
  inner_->beginExecution(execution);
}

void PartitionedStrategy::enterSubtree() {
  decided_ = true;
  // Consecutive executions under one prefix form one subtree (the inner search is depth-first).
  const auto prefix = std::span(prefix_.data(), prefixSize_);
  if (subtree_ == 0 || !std::equal(prefix.begin(), prefix.end(), previous_.begin(), previous_.begin() + previousSize_)) {
    ++subtree_;
    std::copy(prefix.begin(), prefix.end(), previous_.begin());
    previousSize_ = prefixSize_;
    const std::uint64_t k = subtree_ - 1;
    subtreeOwned_ = k % shards_ == shard_ && (claims_ == nullptr || claims_->claim(k / shards_));
  }
  owned_ = subtreeOwned_;
}

std::size_t PartitionedStrategy::choose(std::span<const Choice> options) {
  // Below the cut (nearly every choice) the inner strategy decides alone: a tail call.
  if (decided_) return inner_->choose(options);
  return aboveCut(inner_->choose(options), options.size());
}

std::size_t PartitionedStrategy::chooseThread(std::uint64_t runnable, std::span<Choice> room) {
  if (decided_) return inner_->chooseThread(runnable, room);
  return aboveCut(inner_->chooseThread(runnable, room), bitCount(runnable));
}

std::size_t PartitionedStrategy::aboveCut(std::size_t index, std::size_t count) {
  if (count < 2 || index == kAbandon) return index;
  prefix_[prefixSize_++] = static_cast<std::uint32_t>(index);
  product_ = cutProductAfter(product_, count);
  if (product_ < cutProduct_) return index;
  enterSubtree();
  return owned_ ? index : kAbandon;
}

bool PartitionedStrategy::ownsLastExecution() {
  // A short execution (its product never reached the cut) is a subtree of its own.
  if (!decided_) {
    prefix_[prefixSize_++] = 0xFFFFFFFF;
    enterSubtree();
  }
  return owned_;
}

bool PartitionedStrategy::nextExecution() {
  (void)ownsLastExecution();
  return inner_->nextExecution();
}

}  // namespace interlock
