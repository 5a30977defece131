#include "interlock/checker/ReplayStrategy.hpp"

#include <algorithm>

namespace interlock {

std::size_t ReplayStrategy::choose(std::span<const Choice> options) {
  if (position_ < schedule_.size()) {
    const auto found = std::find(options.begin(), options.end(), schedule_[position_]);
    if (found != options.end()) {
      ++position_;
      return static_cast<std::size_t>(found - options.begin());
    }
  }
  if (!divergence_) {
    divergence_ = ReplayDivergence{position_, std::nullopt, {options.begin(), options.end()}};
    if (position_ < schedule_.size()) divergence_->expected = schedule_[position_];
  }
  return kAbandon;
}

}  // namespace interlock
