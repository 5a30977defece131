#include "interlock/checker/Verdict.hpp"

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
  if (const Violation* consequence = execution.consequence()) {
    verdict.result = Result::Violation;
    verdict.violation = *consequence;
  } else if (const Violation* order = execution.lockOrder()) {
    verdict.result = Result::Violation;
    verdict.violation = *order;
  } else if (!verdict.causes.empty()) {
    verdict.result = Result::Violation;
    verdict.violation = verdict.causes.front();
  } else if (execution.ending == Ending::StepBound) {
    verdict.result = Result::Incomplete;
    verdict.incompleteReason = "step bound";
  }
  return verdict;
}

}  // namespace interlock
