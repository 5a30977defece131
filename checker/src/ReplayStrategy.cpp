#include "interlock/checker/ReplayStrategy.hpp"

#include "interlock/checker/Schedule.hpp"

#include <algorithm>

namespace interlock {

std::size_t ReplayStrategy::find(std::span<const Choice> options) const {
  if (position_ >= length()) return options.size();
  if (labels_.empty())
    return static_cast<std::size_t>(
        std::find(options.begin(), options.end(), schedule_[position_]) - options.begin());
  const Execution& execution = Execution::current();
  for (std::size_t i = 0; i < options.size(); ++i)
    if (label(options[i], execution) == labels_[position_]) return i;
  return options.size();
}

std::size_t ReplayStrategy::choose(std::span<const Choice> options) {
  const std::size_t found = find(options);
  if (found < options.size()) {
    ++position_;
    return found;
  }
  if (!divergence_) {
    ReplayDivergence divergence{position_, {}, {}};
    const Execution& execution = Execution::current();
    for (const Choice& option : options) divergence.offered.push_back(label(option, execution));
    if (position_ < length())
      divergence.expected = labels_.empty() ? label(schedule_[position_], execution) : labels_[position_];
    divergence_ = std::move(divergence);
  }
  return kAbandon;
}

}  // namespace interlock
