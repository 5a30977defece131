#pragma once
// Shrinks a counterexample to the simplest schedule showing the same violation (kind and
// rule): lexicographically the fewest preemptions, then the fewest adversary events, then the
// fewest steps (ScheduleMetrics.hpp defines the three). Method: iterative bounding. For
// p = 0 .. the found schedule's preemptions, and within p for a = 0, 1, ...: an exhaustive
// search restricted to <= p preemptions and <= a adversary events (choices that would exceed
// a limit are pruned), with branch and bound on the number of steps. The first (p, a) level
// with a hit gives the answer, its shortest hit (the first in search order among equally
// short ones). docs/counterexample-minimality.md explains it with a worked example.
#include "interlock/checker/Explorer.hpp"
#include "interlock/checker/FindingRank.hpp"
#include "interlock/checker/ScheduleMetrics.hpp"

#include <cstdint>
#include <vector>

namespace interlock {

inline constexpr std::uint64_t kDefaultMinimizationBudget = 200000;

struct Minimized {
  std::vector<Choice> schedule;
  std::uint32_t preemptions = 0;
  std::uint32_t adversaryEvents = 0;
  std::uint32_t steps = 0;
  std::uint64_t executions = 0;  // runs the search took, the replay of the input included
  // The search finished: no schedule within the bounds shows the violation with smaller
  // metrics. False when the budget ran out; the schedule is then the best found so far.
  bool proven = false;
  [[nodiscard]] ScheduleMetrics metrics() const noexcept { return {preemptions, adversaryEvents, steps}; }
};

// The metrics of `schedule`, measured by replaying it. Throws std::invalid_argument naming the
// entry where the schedule and the scenario part.
[[nodiscard]] ScheduleMetrics metricsOf(const Scenario& scenario, const Settings& settings,
                                        const std::vector<Choice>& schedule);

// `found` must replay to a violation (std::invalid_argument otherwise). At most `budget`
// executions; deterministic. Ignores Settings::strategy, time limit and progress.
[[nodiscard]] Minimized minimize(const Scenario& scenario, const Settings& settings,
                                 const std::vector<Choice>& found,
                                 std::uint64_t budget = kDefaultMinimizationBudget);

}  // namespace interlock
