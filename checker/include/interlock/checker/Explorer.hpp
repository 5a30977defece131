#pragma once
// Exploration: runs a scenario under a strategy until every schedule within the bounds
// has been tried or a consequence is found, then replays the counterexample in full.
#include "interlock/checker/Verdict.hpp"
#include "interlock/core/Execution.hpp"
#include "interlock/core/Scenario.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace interlock {

struct Settings {
  Bounds bounds;
  std::string strategy = "dfs";
  std::uint64_t maxExecutions = 0;  // 0: no limit
};

struct Stats {
  std::uint64_t executions = 0;
  std::uint64_t steps = 0;
  std::uint64_t choicePoints = 0;
  std::uint64_t maxDepth = 0;
  double elapsedSeconds = 0;
  [[nodiscard]] double executionsPerSecond() const noexcept {
    return elapsedSeconds > 0 ? static_cast<double>(executions) / elapsedSeconds : 0;
  }
};

struct Exploration {
  Verdict verdict;
  Stats stats;
  std::optional<ExecutionResult> counterexample;  // with events and final snapshot
};

// Settings a scenario runs with unless the user overrides them.
[[nodiscard]] Settings defaultSettings(const Scenario& scenario);

[[nodiscard]] Exploration explore(const Scenario& scenario, const Settings& settings);

// Re-runs one schedule; nullopt divergence means it fit the scenario to the end.
struct Replay {
  ExecutionResult execution;
  Verdict verdict;
  std::optional<std::string> divergence;  // where the schedule and scenario part, in words
};
[[nodiscard]] Replay replay(const Scenario& scenario, const Settings& settings,
                            std::vector<Choice> schedule);
// The same for a schedule of labels, as a trace file records it.
[[nodiscard]] Replay replay(const Scenario& scenario, const Settings& settings,
                            std::vector<std::string> labels);

// The scenario's thread and object names, from a run that stops before its first choice.
[[nodiscard]] Snapshot namesOf(const Scenario& scenario);

}  // namespace interlock
