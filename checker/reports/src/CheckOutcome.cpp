#include "interlock/reports/CheckOutcome.hpp"

#include "interlock/reports/Explanation.hpp"
#include "interlock/reports/Trace.hpp"
#include "interlock/reports/TraceView.hpp"

namespace interlock {

bool CheckOutcome::incompletePass() const noexcept {
  return !expected.kind && exploration.verdict.result == Result::Incomplete;
}

std::string CheckOutcome::family() const { return scenario.substr(0, scenario.find('/')); }

const Snapshot& CheckOutcome::names() const noexcept {
  static const Snapshot none;  // immutable, so sharing it is not global state
  return exploration.counterexample ? exploration.counterexample->snapshot : none;
}

CheckOutcome checkScenario(const Scenario& scenario, const Settings& settings) {
  CheckOutcome outcome{scenario.name, scenario.expected, settings, {}, {}};
  outcome.exploration = explore(scenario, outcome.settings);
  if (const auto& counterexample = outcome.exploration.counterexample) {
    // The same words `interlock run` prints, made from the trace the run would write.
    const nlohmann::json document = traceJson(scenario, outcome.settings, *counterexample);
    outcome.explanation = explain(viewTrace(document, scenario.name));
  }
  return outcome;
}

}  // namespace interlock
