#include "interlock/checker/FindingRank.hpp"

#include <algorithm>

namespace interlock {

FindingRank rankOf(ViolationKind kind) noexcept {
  if (isConsequence(kind)) return FindingRank::Consequence;
  // A data race is a failure waiting for its schedule as a lock-order cycle is: one rank.
  return kind == ViolationKind::LockOrder || kind == ViolationKind::DataRace ? FindingRank::LockOrder
                                                                             : FindingRank::Breach;
}

FindingRank rankOf(const ExecutionResult& execution) noexcept {
  FindingRank best = FindingRank::None;
  for (const Violation& violation : execution.violations) best = std::max(best, rankOf(violation.kind));
  return best;
}

const Violation* shownViolation(const ExecutionResult& execution) noexcept {
  const FindingRank best = rankOf(execution);
  for (const Violation& violation : execution.violations)
    if (rankOf(violation.kind) == best) return &violation;
  return nullptr;
}

}  // namespace interlock
