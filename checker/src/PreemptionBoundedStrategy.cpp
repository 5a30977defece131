#include "interlock/checker/PreemptionBoundedStrategy.hpp"

#include <string>
#include <utility>

namespace interlock {

PreemptionBoundedStrategy::PreemptionBoundedStrategy(std::uint32_t bound) : bound_(bound) {
  // Level 0 is one subtree: the whole tree with no preemption allowed.
  current_.ends.push_back(0);
  startItem();
}

void PreemptionBoundedStrategy::startItem() {
  // Below a level-b prefix (exactly b preemptions) no further preemption is allowed; what
  // that cuts belongs to level b + 1, or makes the search incomplete at the bound.
  dfs_.start(SearchLimits{.preemptions = level_}, current_.item(item_),
             level_ < bound_ ? &next_ : nullptr);
}

bool PreemptionBoundedStrategy::nextExecution() {
  if (dfs_.backtrack()) return true;
  if (level_ == bound_ && dfs_.preemptionCut()) cutAtBound_ = true;
  if (++item_ < current_.size()) {
    startItem();
    return true;
  }
  if (level_ == bound_ || next_.size() == 0) return false;
  std::swap(current_, next_);
  next_.clear();
  item_ = 0;
  ++level_;
  startItem();
  return true;
}

std::string PreemptionBoundedStrategy::incompleteReason() const {
  // A cut is known as soon as it happens, even if the Explorer stops the search early.
  return cutAtBound_ || (level_ == bound_ && dfs_.preemptionCut()) ? "preemption bound " + std::to_string(bound_)
                                                                     : std::string{};
}

}  // namespace interlock
