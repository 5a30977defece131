#include "interlock/checker/Verdict.hpp"

#include "interlock/checker/FindingRank.hpp"

#include <string_view>

namespace interlock {

std::string_view to_string(Result result) noexcept {
  switch (result) {
    case Result::Pass: return "pass";
    case Result::Violation: return "violation";
    case Result::Incomplete: return "incomplete";
  }
  return "?";
}

bool Verdict::meets(const Expectation& expected) const {
  if (!expected.kind) return result == Result::Pass;
  if (result != Result::Violation || violation->kind != *expected.kind) return false;
  return expected.rule.empty() || violation->rule == expected.rule;
}

std::string Verdict::remedy() const { return remedyFor(incompleteReason); }

std::string remedyFor(std::string_view reasons) {
  // One remedy per cause: a bound of the scenario, a budget of the run, or a strategy that
  // does not cover the tree by design.
  struct Cause {
    std::string_view prefix;
    const char* remedy;
  };
  static constexpr Cause kCauses[] = {
      {"step bound", "raise --max-steps"},
      {"suspension bound", "raise --max-suspensions"},
      {"APC bound", "raise the scenario's APC bound"},
      {"execution budget", "raise --max-executions"},
      {"time limit", "raise --time-limit or split the search with --jobs or --shard"},
      {"random sampling", "prove it with an exhaustive strategy (dpor)"},
      {"preemption bound", "raise --preemptions or prove it with dpor"},
  };
  std::string text;
  for (const Cause& cause : kCauses) {
    if (reasons.find(cause.prefix) == std::string_view::npos) continue;
    text += (text.empty() ? "" : "; ") + std::string(cause.remedy);
  }
  return text;
}

std::string Verdict::summary() const {
  switch (result) {
    case Result::Pass: return "pass";
    case Result::Incomplete: return "incomplete (" + incompleteReason + ")";
    case Result::Violation: return std::string(to_string(violation->kind)) + " (" + violation->rule + ")";
  }
  return "?";
}

Verdict verdictOf(const ExecutionResult& execution) {
  Verdict verdict;
  for (const Violation& violation : execution.violations)
    if (violation.kind == ViolationKind::ContractViolation) verdict.causes.push_back(violation);
  if (const Violation* shown = shownViolation(execution)) {
    verdict.result = Result::Violation;
    verdict.violation = *shown;
  } else if (execution.ending == Ending::StepBound) {
    verdict.result = Result::Incomplete;
    verdict.incompleteReason = "step bound";
  }
  return verdict;
}

}  // namespace interlock
