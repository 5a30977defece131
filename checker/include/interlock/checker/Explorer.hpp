#pragma once
// Exploration: runs a scenario under a strategy until every schedule within the bounds
// has been tried or a consequence is found, then replays the counterexample in full.
#include "interlock/checker/Verdict.hpp"
#include "interlock/core/Execution.hpp"
#include "interlock/core/Scenario.hpp"

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string_view>
#include <string>
#include <vector>

namespace interlock {

// A deterministic part of the search: shard `index` (0-based) of `count`.
struct Shard {
  std::uint32_t index = 0;
  std::uint32_t count = 1;
  friend bool operator==(const Shard&, const Shard&) = default;
};

// What a long search tells its caller every Settings::progressInterval seconds.
struct Progress {
  std::uint64_t executions = 0;
  double executionsPerSecond = 0;
  std::uint64_t depth = 0;     // choice points in the execution just finished
  std::uint64_t maxDepth = 0;
  double elapsedSeconds = 0;
  double estimatedExecutions = 0;  // the tree's estimated size; 0 while unknown
  bool overTimeLimit = false;      // the estimate says the search will not finish in time
};

struct Settings {
  Bounds bounds;
  std::string strategy = "odpor";   // a name in the strategy table (StrategyRegistry.hpp)
  std::uint32_t preemptions = 2;    // pb: the largest preemption bound tried
  std::uint64_t seed = 0;           // random, pct
  std::uint32_t pctDepth = 3;       // pct: bug depth d (d - 1 priority change points)
  std::uint64_t maxExecutions = 0;  // 0: no limit (random and pct then run 10000)
  double timeLimitSeconds = 0;      // 0: no limit
  unsigned jobs = 1;                // worker threads
  // With jobs > 1, the other jobs join only once the search has run this long (0: all start
  // at once): a search shorter than a thread start runs alone instead of paying for threads.
  double jobsJoinAfterSeconds = 0;
  Shard shard;
  bool minimize = true;             // shrink a counterexample to the fewest preemptions, ...
  // Set (by a signal handler) to end the search at the next execution, as a time limit would.
  const std::atomic<bool>* interrupt = nullptr;
  std::function<void(const Progress&)> progress;  // called from the exploring thread
  double progressInterval = 1.0;    // seconds between progress calls
  bool verifier = false;            // Driver Verifier enabled: a breach it catches is bug check 0xC4
  // Scheduling points the scenario grew while searched (Scenario::points): a trace records them.
  std::vector<std::string> schedulingPoints{};
};

struct Stats {
  std::uint64_t executions = 0;
  std::uint64_t steps = 0;
  std::uint64_t choicePoints = 0;
  std::uint64_t maxDepth = 0;
  double elapsedSeconds = 0;
  // What reduction pruned: executions cut because every option was asleep (sleep sets), and
  // scheduling alternatives DPOR proved redundant and never explored.
  std::uint64_t sleepSetBlocked = 0;
  std::uint64_t alternativesSkipped = 0;
  // The minimization search that shrank the counterexample, if any ran.
  std::uint64_t minimizationExecutions = 0;
  [[nodiscard]] double executionsPerSecond() const noexcept {
    return elapsedSeconds > 0 ? static_cast<double>(executions) / elapsedSeconds : 0;
  }
};

// How far the reported counterexample was shrunk (Minimizer.hpp).
struct Minimality {
  bool proven = false;  // no schedule within the bounds shows the violation more simply
  std::uint32_t preemptions = 0;
  std::uint32_t adversaryEvents = 0;
  std::uint32_t steps = 0;
};

struct Exploration {
  Verdict verdict;
  Stats stats;
  std::optional<Minimality> minimality;  // when Settings::minimize shrank the counterexample
  std::optional<ExecutionResult> counterexample;  // with events and final snapshot
  // Where the counterexample was found in a split search's order of subtrees (0 unsplit):
  // of the shards' findings of one rank, an unsharded search reports the lowest.
  std::uint64_t subtree = 0;
};

// Settings a scenario runs with unless the user overrides them.
[[nodiscard]] Settings defaultSettings(const Scenario& scenario);

[[nodiscard]] Exploration explore(const Scenario& scenario, const Settings& settings);

// Re-runs one schedule; nullopt divergence means it fit the scenario to the end.
struct Replay {
  ExecutionResult execution;
  Verdict verdict;
  std::optional<std::string> divergence;  // where the schedule and scenario part, in words
  std::size_t divergencePosition = 0;     // the schedule entry where they part
};
[[nodiscard]] Replay replay(const Scenario& scenario, const Settings& settings,
                            std::vector<Choice> schedule);
// The same for a schedule of labels, as a trace file records it.
[[nodiscard]] Replay replay(const Scenario& scenario, const Settings& settings,
                            std::vector<std::string> labels);

// The scenario's thread and object names, from a run that stops before its first choice.
[[nodiscard]] Snapshot namesOf(const Scenario& scenario);

}  // namespace interlock
