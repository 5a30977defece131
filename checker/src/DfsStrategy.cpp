#include "interlock/checker/DfsStrategy.hpp"

#include <algorithm>
#include <stdexcept>

namespace interlock {

namespace {

// Out of line: the replay path above stays a few instructions.
[[noreturn]] [[gnu::cold]] [[gnu::noinline]] void notDeterministic(std::size_t offered, std::uint32_t before) {
  throw std::logic_error("scenario is not deterministic: a replayed prefix offered " +
                         std::to_string(offered) + " options where it had offered " +
                         std::to_string(before));
}

}  // namespace

std::size_t DfsStrategy::choose(std::span<const Choice> options) {
  if (depth_ < stack_.size()) [[likely]] {  // replaying the prefix: most choices
    const Frame& frame = stack_[depth_++];
    // The same prefix must offer the same options, or the scenario is not deterministic.
    if (frame.count != options.size()) notDeterministic(options.size(), frame.count);
    return frame.index;
  }
  return extend(options.size());
}

std::size_t DfsStrategy::extend(std::size_t count) {
  // Each option of a node weighs alike: one of these options weighs its parent's share / count.
  double share = 1;
  double before = 0;
  if (depth_ != 0) {
    const Frame& parent = stack_[depth_ - 1];
    share = parent.share;
    before = parent.before + parent.share * parent.index;
  }
  stack_.push_back(Frame{static_cast<std::uint32_t>(count), 0, share / static_cast<double>(count), before});
  ++depth_;
  maxDepth_ = std::max(maxDepth_, depth_);
  return 0;
}

bool DfsStrategy::nextExecution() {
  stack_.resize(std::min(stack_.size(), depth_));
  // The paths before this one, and this one's leaf: read off the last frame in O(1).
  if (stack_.empty()) {
    exploredFraction_ = 1;
  } else {
    const Frame& last = stack_.back();
    exploredFraction_ = last.before + last.share * (last.index + 1);
  }
  ++executions_;
  while (!stack_.empty() && stack_.back().index + 1 >= stack_.back().count) stack_.pop_back();
  if (stack_.empty()) return false;
  ++stack_.back().index;
  return true;
}

}  // namespace interlock
