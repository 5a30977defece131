#include "interlock/checker/DfsStrategy.hpp"

#include <algorithm>
#include <stdexcept>

namespace interlock {

std::size_t DfsStrategy::choose(std::span<const Choice> options) {
  if (depth_ < stack_.size()) {
    const Frame& frame = stack_[depth_++];
    // The same prefix must offer the same options, or the scenario is not deterministic.
    if (frame.count != options.size())
      throw std::logic_error("scenario is not deterministic: a replayed prefix offered " +
                             std::to_string(options.size()) + " options where it had offered " +
                             std::to_string(frame.count));
    return frame.index;
  }
  stack_.push_back(Frame{static_cast<std::uint32_t>(options.size()), 0});
  ++depth_;
  maxDepth_ = std::max(maxDepth_, depth_);
  return 0;
}

bool DfsStrategy::nextExecution() {
  stack_.resize(std::min(stack_.size(), depth_));
  double fraction = 0;
  double weight = 1;
  for (const Frame& frame : stack_) {
    const double share = weight / frame.count;
    fraction += share * frame.index;  // the options before this one are done
    weight = share;
  }
  exploredFraction_ = fraction + weight;
  ++executions_;
  while (!stack_.empty() && stack_.back().index + 1 >= stack_.back().count) stack_.pop_back();
  if (stack_.empty()) return false;
  ++stack_.back().index;
  return true;
}

}  // namespace interlock
