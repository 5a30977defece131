#include "interlock/checker/PctStrategy.hpp"

#include <algorithm>

namespace interlock {

PctStrategy::PctStrategy(std::uint64_t seed, std::uint32_t depth, std::uint64_t executions)
    : seed_(seed),
      depth_(std::max<std::uint32_t>(depth, 1)),
      executions_(executions == 0 ? kDefaultExecutions : executions),
      rng_(seed, 0) {
  changePoints_.reserve(depth_);
  priorities_.reserve(64);
  events_.reserve(64);
}

void PctStrategy::beginExecution(const Execution&) {
  rng_ = Rng(seed_, index_);
  runSteps_ = 0;
  priorities_.assign(priorities_.size(), Priority{});
  changePoints_.clear();
  for (std::uint32_t j = 1; j < depth_; ++j)
    changePoints_.push_back(static_cast<std::uint32_t>(rng_.below(k_)) + 1);
}

std::uint64_t PctStrategy::priorityOf(ThreadId thread) {
  if (thread >= priorities_.size()) priorities_.resize(thread + std::size_t{1});
  Priority& priority = priorities_[thread];
  // Initial priorities lie above every change-point priority (1 .. d - 1); a random 62-bit
  // key orders threads (a tie, 1 in 2^62, goes to the lower thread id).
  if (!priority.drawn()) priority.value = depth_ + (rng_.next() >> 2);
  return priority.value;
}

std::size_t PctStrategy::choose(std::span<const Choice> options) {
  if (options.front().kind == ChoiceKind::Branch) return static_cast<std::size_t>(rng_.below(options.size()));
  events_.clear();
  std::size_t best = options.size();
  std::uint64_t bestPriority = 0;
  for (std::size_t i = 0; i < options.size(); ++i) {
    if (options[i].kind != ChoiceKind::Run) {
      events_.push_back(i);
      continue;
    }
    const std::uint64_t priority = priorityOf(options[i].thread);
    if (best == options.size() || priority > bestPriority) best = i, bestPriority = priority;
  }
  if (best == options.size() || (!events_.empty() && rng_.below(k_) == 0))
    return events_[static_cast<std::size_t>(rng_.below(events_.size()))];
  ++runSteps_;
  for (std::size_t j = 0; j < changePoints_.size(); ++j)
    if (changePoints_[j] == runSteps_) priorities_[options[best].thread].value = depth_ - 1 - j;
  return best;
}

bool PctStrategy::nextExecution() {
  // The first execution replaces the guess; later ones can only lengthen it.
  k_ = measured_ ? std::max(k_, runSteps_) : std::max<std::uint32_t>(runSteps_, 1);
  measured_ = true;
  return ++index_ < executions_;
}

}  // namespace interlock
