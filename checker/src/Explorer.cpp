#include "interlock/checker/Explorer.hpp"

#include "interlock/checker/FindingRank.hpp"
#include "interlock/checker/Minimizer.hpp"
#include "interlock/checker/PartitionedStrategy.hpp"
#include "interlock/checker/Properties.hpp"
#include "interlock/checker/StrategyRegistry.hpp"
#include "interlock/checker/ReplayStrategy.hpp"
#include "interlock/checker/Schedule.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <future>
#include <limits>
#include <stdexcept>

namespace interlock {

Settings defaultSettings(const Scenario& scenario) {
  Settings settings;
  settings.bounds = scenario.bounds;
  return settings;
}

namespace {

std::string incompleteReason(bool steps, bool suspensions, bool apcs, bool budget, bool time) {
  std::string reason;
  auto add = [&](const char* what) { reason += (reason.empty() ? "" : ", ") + std::string(what); };
  if (steps) add("step bound");
  if (suspensions) add("suspension bound");
  if (apcs) add("APC bound");
  if (budget) add("execution budget");
  if (time) add("time limit");
  return reason;
}

}  // namespace

namespace {

// What one part of a search (the whole search when it is not split) found.
struct PartResult {
  struct Finding {
    std::vector<Choice> schedule;
    std::uint64_t subtree = 0;  // where in the split tree: lower came first in one search
  };
  Stats stats;
  bool stepBound = false;
  bool suspensionBound = false;
  bool apcBound = false;
  bool budget = false;
  bool timeUp = false;
  bool interrupted = false;
  std::string strategyGap;
  std::array<std::optional<Finding>, kFindingRanks> findings;  // the first schedule of each rank
};

std::size_t slot(FindingRank rank) noexcept { return static_cast<std::size_t>(rank); }

// What the parts of one search share.
struct SharedState {
  std::chrono::steady_clock::time_point start;
  // On a cache line of its own: the parts add to it while they read the flags below.
  alignas(64) std::atomic<std::uint64_t> executions{0};
  alignas(64) std::atomic<std::uint64_t> firstFound{std::numeric_limits<std::uint64_t>::max()};
  std::atomic<bool> stop{false};  // the budget or the time limit ran out
  SubtreeClaims claims;           // this shard's subtrees, shared out among its jobs
};

// Whether the strategy in force samples (its table entry); the name was checked by explore().
bool samples(const Settings& settings) { return findStrategy(settings.strategy)->samples; }

// `join`, when given, starts the other jobs once the search has run jobsJoinAfterSeconds.
// Works on a result of its own and stores it in `out` at the end: the parts' results lie side
// by side, and one part's per-execution writes must not share a cache line with another's reads.
void searchPart(const Scenario& sharedScenario, const Settings& sharedSettings, SharedState& shared,
                bool reportsProgress, PartResult& out, const std::function<void()>* join = nullptr) {
  // Each part reads its own copies every step and execution (the bounds, the parameters): the
  // originals may share cache lines with another part's hot data (job 0's frame and heap), and
  // that false sharing cost --jobs 2 a fifth of its speed on some layouts.
  const Scenario scenario = sharedScenario;
  const Settings settings = sharedSettings;
  PartResult part;
  const std::uint64_t count = static_cast<std::uint64_t>(settings.shard.count) * settings.jobs;
  std::unique_ptr<Strategy> strategy =
      makeStrategy(settings, count > 1 ? PartitionedStrategy::kCutProduct : 0);
  PartitionedStrategy* partition = nullptr;
  if (count > 1) {
    auto split = std::make_unique<PartitionedStrategy>(std::move(strategy), settings.shard.index,
                                                       settings.shard.count,
                                                       settings.jobs > 1 ? &shared.claims : nullptr);
    partition = split.get();
    strategy = std::move(split);
  }
  StackPool stacks;
  Execution execution(stacks);
  execution.recordEvents(false);
  execution.verifier(settings.verifier);
  DefaultProperties properties;
  Stats& stats = part.stats;
  auto lastProgress = shared.start;
  auto elapsed = [&](auto now) { return std::chrono::duration<double>(now - shared.start).count(); };
  // Sampling strategies count their own budget; the others stop at the shared count.
  const bool budgeted = settings.maxExecutions != 0 && !samples(settings);
  // Parts publish their count every 64 executions, for progress alone. Under a budget every
  // execution takes a numbered ticket instead, so the parts together run exactly the budget.
  const std::uint64_t publishEvery = settings.jobs > 1 ? 64 : 1;
  std::uint64_t unpublished = 0;
  bool lastTicket = false;
  // The clock is read every clockEvery executions: on a VM a read costs 2% of a short execution.
  std::uint64_t clockEvery = 1;
  std::uint64_t sinceClock = 0;
  auto lastClock = shared.start;
  do {
    if (shared.stop.load(std::memory_order_relaxed)) break;
    if (settings.interrupt != nullptr && settings.interrupt->load(std::memory_order_relaxed)) {
      part.interrupted = true;
      break;
    }
    strategy->beginExecution(execution);
    const ExecutionResult& result =
        execution.run(scenario, settings.bounds, *strategy, properties.monitors());
    if (join != nullptr && elapsed(std::chrono::steady_clock::now()) >= settings.jobsJoinAfterSeconds) {
      (*join)();
      join = nullptr;
    }
    if (!strategy->ownsLastExecution()) continue;
    const std::uint64_t subtree = partition != nullptr ? partition->subtree() : 0;
    // A lower subtree already showed a consequence: nothing from here on would be reported.
    if (subtree > shared.firstFound.load()) break;
    // An execution cut by its sleep set repeats an earlier one: counted apart.
    if (result.ending != Ending::Abandoned) {
      if (budgeted) {
        const std::uint64_t ticket = shared.executions.fetch_add(1, std::memory_order_relaxed) + 1;
        if (ticket > settings.maxExecutions) {  // another part ran the last one: this one is not counted
          part.budget = true;
          shared.stop = true;
          break;
        }
        lastTicket = ticket == settings.maxExecutions;
      } else if (++unpublished == publishEvery) {
        shared.executions.fetch_add(unpublished, std::memory_order_relaxed);
        unpublished = 0;
      }
      ++stats.executions;
    } else {
      ++stats.sleepSetBlocked;
    }
    stats.steps += result.steps;
    stats.choicePoints += result.choicePoints;
    stats.maxDepth = std::max<std::uint64_t>(stats.maxDepth, result.choicePoints);
    part.stepBound = part.stepBound || result.ending == Ending::StepBound;
    part.suspensionBound = part.suspensionBound || result.suspensionBoundHit;
    part.apcBound = part.apcBound || result.apcBoundHit;
    // A sleep-set-blocked execution is a prefix, not a schedule: what it shows, the execution
    // it repeats shows too.
    const FindingRank rank = result.ending == Ending::Abandoned ? FindingRank::None : rankOf(result);
    if (rank != FindingRank::None && !part.findings[slot(rank)])
      part.findings[slot(rank)] = PartResult::Finding{result.schedule, subtree};
    if (rank == FindingRank::Consequence) {
      std::uint64_t first = shared.firstFound.load();
      while (subtree < first && !shared.firstFound.compare_exchange_weak(first, subtree)) {
      }
      break;
    }
    if (lastTicket) {
      part.budget = true;
      shared.stop = true;
      break;
    }
    if ((settings.progress || settings.timeLimitSeconds > 0) && ++sinceClock == clockEvery) {
      sinceClock = 0;
      const auto now = std::chrono::steady_clock::now();
      // Reads a millisecond or more apart (four at most), or at every execution when progress
      // is asked for that often: the budget is kept to a few milliseconds.
      const double sinceLast = std::chrono::duration<double>(now - lastClock).count();
      lastClock = now;
      if (settings.progressInterval > 0) {
        if (sinceLast < 0.001 && clockEvery < 1024) clockEvery *= 2;
        else if (sinceLast > 0.004 && clockEvery > 1) clockEvery /= 2;
      }
      if (settings.timeLimitSeconds > 0 && elapsed(now) >= settings.timeLimitSeconds) {
        part.timeUp = true;
        shared.stop = true;
        break;
      }
      if (reportsProgress && settings.progress &&
          std::chrono::duration<double>(now - lastProgress).count() >= settings.progressInterval) {
        lastProgress = now;
        const double seconds = elapsed(now);
        const double done = static_cast<double>(shared.executions.load(std::memory_order_relaxed));
        const double rate = done / seconds;
        // Each part estimates its own share of the tree.
        const double estimate = strategy->estimatedExecutions() * static_cast<double>(count);
        settings.progress(Progress{
            .executions = static_cast<std::uint64_t>(done),
            .executionsPerSecond = rate,
            .depth = result.choicePoints,
            .maxDepth = stats.maxDepth,
            .elapsedSeconds = seconds,
            .estimatedExecutions = estimate,
            .overTimeLimit = settings.timeLimitSeconds > 0 && rate > 0 &&
                             seconds + (estimate - done) / rate > settings.timeLimitSeconds});
      }
    }
  } while (strategy->nextExecution());
  shared.executions.fetch_add(unpublished, std::memory_order_relaxed);
  const Reduction reduction = strategy->reduction();
  // Split searches count the choice points above the cut once per part.
  stats.alternativesSkipped = reduction.alternativesSkipped;
  part.strategyGap = strategy->incompleteReason();
  out = std::move(part);
}

// The earliest finding of one rank across the parts (the one a single search reports).
const PartResult::Finding* earliest(const std::vector<PartResult>& parts, FindingRank rank) {
  const PartResult::Finding* best = nullptr;
  for (const PartResult& part : parts)
    if (const auto& finding = part.findings[slot(rank)];
        finding && (best == nullptr || finding->subtree < best->subtree))
      best = &*finding;
  return best;
}

}  // namespace

namespace {
Exploration exploreOnce(const Scenario& scenario, const Settings& settings);
}  // namespace

// A scenario whose scheduling points grow as it is searched is searched again until they are
// stable: each search is a complete one over a fixed set of points (DPOR's tree never changes
// shape under it), and the last one saw every point the others found. A trace records them
// (Settings::schedulingPoints) so that a replay starts from the same.
Exploration explore(const Scenario& scenario, const Settings& settings) {
  // Each scenario's search starts from none: what another scenario found is no point here.
  if (scenario.usePoints) scenario.usePoints({});
  Exploration exploration = exploreOnce(scenario, settings);
  std::uint64_t executions = 0;
  while (scenario.widened && scenario.widened()) {
    executions += exploration.stats.executions;
    exploration = exploreOnce(scenario, settings);
  }
  exploration.stats.executions += executions;
  return exploration;
}

namespace {

Exploration exploreOnce(const Scenario& scenario, const Settings& settings) {
  if (settings.jobs == 0) throw std::invalid_argument("jobs must be at least 1");
  if (settings.shard.count == 0 || settings.shard.index >= settings.shard.count)
    throw std::invalid_argument("shard index must be below the shard count");
  const std::uint64_t count = static_cast<std::uint64_t>(settings.shard.count) * settings.jobs;
  const StrategyInfo* strategy = findStrategy(settings.strategy);
  // An unknown name fails before any thread starts.
  if (strategy == nullptr) throw std::invalid_argument(unknownStrategyText(settings.strategy));
  if (count > 1 && !strategy->splittable)
    throw std::invalid_argument("--jobs and --shard split the search tree of strategies " +
                                strategyList([](const StrategyInfo& s) { return s.splittable; }, " and ") +
                                "; strategy '" + settings.strategy + "' cannot be split");
  SharedState shared;
  shared.start = std::chrono::steady_clock::now();
  std::vector<PartResult> parts(settings.jobs);
  if (settings.jobs == 1) {
    searchPart(scenario, settings, shared, true, parts[0]);
  } else {
    // std::async carries a worker's exception to get(); the others stop at their next execution.
    std::vector<std::future<void>> workers;
    workers.reserve(settings.jobs);
    const std::function<void()> join = [&] {
      for (unsigned job = 1; job < settings.jobs; ++job)
        workers.push_back(std::async(std::launch::async, [&, job] {
          try {
            searchPart(scenario, settings, shared, false, parts[job]);
          } catch (const std::exception&) {
            shared.stop = true;
            throw;
          }
        }));
    };
    const bool deferred = settings.jobsJoinAfterSeconds > 0;
    if (!deferred) join();
    // Job 0 runs here, so a search that ends before the others would join starts no thread.
    try {
      searchPart(scenario, settings, shared, true, parts[0], deferred ? &join : nullptr);
    } catch (const std::exception&) {
      shared.stop = true;
      for (std::future<void>& worker : workers) worker.wait();
      throw;
    }
    for (std::future<void>& worker : workers) worker.wait();
    for (std::future<void>& worker : workers) worker.get();
  }

  Exploration exploration;
  Stats& stats = exploration.stats;
  bool stepBound = false, suspensionBound = false, apcBound = false, budget = false, timeUp = false;
  bool interrupted = false;
  std::string strategyGap;
  for (const PartResult& part : parts) {
    stats.executions += part.stats.executions;
    stats.steps += part.stats.steps;
    stats.choicePoints += part.stats.choicePoints;
    stats.maxDepth = std::max(stats.maxDepth, part.stats.maxDepth);
    stats.sleepSetBlocked += part.stats.sleepSetBlocked;
    stats.alternativesSkipped += part.stats.alternativesSkipped;
    stepBound = stepBound || part.stepBound;
    suspensionBound = suspensionBound || part.suspensionBound;
    apcBound = apcBound || part.apcBound;
    budget = budget || part.budget;
    timeUp = timeUp || part.timeUp;
    interrupted = interrupted || part.interrupted;
    if (strategyGap.empty()) strategyGap = part.strategyGap;
  }
  // The best rank any part found, and its earliest finding.
  FindingRank rank = FindingRank::Consequence;
  const PartResult::Finding* finding = earliest(parts, rank);
  while (finding == nullptr && rank != FindingRank::Breach) {
    rank = static_cast<FindingRank>(slot(rank) - 1);
    finding = earliest(parts, rank);
  }

  if (finding != nullptr) {
    exploration.subtree = finding->subtree;
    std::vector<Choice> schedule = finding->schedule;
    if (settings.minimize && !interrupted) {  // whoever interrupted wants the answer now
      const Minimized minimal = minimize(scenario, settings, schedule);
      stats.minimizationExecutions = minimal.executions;
      exploration.minimality = Minimality{minimal.proven, minimal.preemptions,
                                          minimal.adversaryEvents, minimal.steps};
      schedule = minimal.schedule;
    }
    Replay full = replay(scenario, settings, std::move(schedule));
    exploration.verdict = std::move(full.verdict);
    exploration.counterexample = std::move(full.execution);
    // A sampling strategy ends only at a consequence, its time limit or its sample budget.
    const bool sampledOut = samples(settings) && !timeUp;
    if (rank != FindingRank::Consequence)
      exploration.verdict.budgetHit = incompleteReason(false, false, false, budget || sampledOut, timeUp);
  } else if (stepBound || suspensionBound || apcBound || budget || timeUp || interrupted || !strategyGap.empty()) {
    exploration.verdict.result = Result::Incomplete;
    std::string reason = incompleteReason(stepBound, suspensionBound, apcBound, budget, timeUp);
    if (!strategyGap.empty()) reason += (reason.empty() ? "" : ", ") + strategyGap;
    if (interrupted) reason += (reason.empty() ? "" : ", ") + std::string("interrupted");
    exploration.verdict.incompleteReason = std::move(reason);
  }
  stats.elapsedSeconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - shared.start).count();
  return exploration;
}

Replay replayWith(const Scenario& scenario, const Settings& settings, ReplayStrategy& strategy) {
  StackPool stacks;
  Execution execution(stacks);
  execution.verifier(settings.verifier);
  DefaultProperties properties;
  strategy.beginExecution(execution);
  Replay result{execution.run(scenario, settings.bounds, strategy, properties.monitors(), true), {},
                std::nullopt};
  result.verdict = verdictOf(result.execution);
  if (const auto& divergence = strategy.divergence()) {
    std::string offered;
    for (const std::string& option : divergence->offered)
      offered += (offered.empty() ? "" : ", ") + option;
    result.divergencePosition = divergence->position;
    result.divergence = "schedule entry " + std::to_string(divergence->position) + ": " +
                        (divergence->expected.empty() ? std::string("the schedule ended")
                                                      : "'" + divergence->expected + "' is not possible") +
                        " here; the scenario offers " + offered;
  } else if (!strategy.consumedAll()) {
    result.divergencePosition = strategy.position();
    result.divergence = "schedule entry " + std::to_string(strategy.position()) +
                        ": the execution ended with entries left over";
  }
  return result;
}

}  // namespace

Replay replay(const Scenario& scenario, const Settings& settings, std::vector<Choice> schedule) {
  ReplayStrategy strategy(std::move(schedule));
  return replayWith(scenario, settings, strategy);
}

Replay replay(const Scenario& scenario, const Settings& settings, std::vector<std::string> labels) {
  ReplayStrategy strategy(std::move(labels));
  return replayWith(scenario, settings, strategy);
}

}  // namespace interlock

namespace interlock {

namespace {
class StopAtOnce final : public ChoiceSource {
 public:
  std::size_t choose(std::span<const Choice>) override { return kAbandon; }
};
}  // namespace

Snapshot namesOf(const Scenario& scenario) {
  StackPool stacks(64 * 1024);
  Execution execution(stacks);
  StopAtOnce stop;
  return execution.run(scenario, scenario.bounds, stop, {}, true).snapshot;
}

}  // namespace interlock
