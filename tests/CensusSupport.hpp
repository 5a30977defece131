#pragma once
// A search run to its end (not stopping at a violation), and what its complete executions
// showed: the shared yardstick of the partial-order reduction tests.
#include "Support.hpp"
#include "interlock/checker/Properties.hpp"
#include "interlock/checker/StrategyRegistry.hpp"

#include <set>
#include <string>

namespace interlock::test {

struct Census {
  std::uint64_t executions = 0;  // complete executions
  std::uint64_t blocked = 0;     // cut by their sleep set
  std::set<std::string> outcomes;  // per execution: its violations' kinds and rules
};

inline Census census(const Scenario& scenario, const std::string& strategyName) {
  Settings settings = defaultSettings(scenario);
  settings.strategy = strategyName;
  const auto strategy = makeStrategy(settings);
  StackPool stacks;
  Execution execution(stacks);
  DefaultProperties properties;
  Census result;
  do {
    strategy->beginExecution(execution);
    const ExecutionResult& run = execution.run(scenario, settings.bounds, *strategy, properties.monitors());
    if (run.ending == Ending::Abandoned) {
      ++result.blocked;
      continue;
    }
    ++result.executions;
    std::set<std::string> rules;
    for (const Violation& violation : run.violations)
      rules.insert(std::string(to_string(violation.kind)) + ":" + violation.rule);
    std::string outcome = run.ending == Ending::StepBound ? "cut;" : "";
    for (const std::string& rule : rules) outcome += rule + ";";
    result.outcomes.insert(outcome);
  } while (strategy->nextExecution());
  return result;
}

}  // namespace interlock::test
