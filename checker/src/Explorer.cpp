#include "interlock/checker/Explorer.hpp"

#include "interlock/checker/StrategyFactory.hpp"
#include "interlock/checker/Properties.hpp"
#include "interlock/checker/ReplayStrategy.hpp"
#include "interlock/checker/Schedule.hpp"

#include <algorithm>
#include <chrono>
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

Exploration explore(const Scenario& scenario, const Settings& settings) {
  const std::unique_ptr<Strategy> chosen = makeStrategy(settings);
  Strategy& strategy = *chosen;
  const auto start = std::chrono::steady_clock::now();
  StackPool stacks;
  Execution execution(stacks);
  DefaultProperties properties;
  Exploration exploration;
  Stats& stats = exploration.stats;
  std::optional<std::vector<Choice>> found;     // first schedule with a consequence
  std::optional<std::vector<Choice>> ordered;   // first schedule with a lock-order cycle
  std::optional<std::vector<Choice>> breached;  // first schedule with only a cause
  bool stepBound = false;
  bool suspensionBound = false;
  bool apcBound = false;
  bool budget = false;
  bool timeUp = false;
  auto lastProgress = start;
  auto elapsed = [&](auto now) { return std::chrono::duration<double>(now - start).count(); };
  do {
    strategy.beginExecution(execution);
    const ExecutionResult& result =
        execution.run(scenario, settings.bounds, strategy, properties.monitors());
    // An execution cut by its sleep set repeats an earlier one: counted apart.
    if (result.ending != Ending::Abandoned) ++stats.executions;
    stats.steps += result.steps;
    stats.choicePoints += result.choicePoints;
    stats.maxDepth = std::max<std::uint64_t>(stats.maxDepth, result.choicePoints);
    stepBound = stepBound || result.ending == Ending::StepBound;
    suspensionBound = suspensionBound || result.suspensionBoundHit;
    apcBound = apcBound || result.apcBoundHit;
    if (result.consequence() != nullptr) {
      found = result.schedule;
      break;
    }
    if (!ordered && result.lockOrder() != nullptr) ordered = result.schedule;
    if (!breached && result.hasCause()) breached = result.schedule;
    if (settings.maxExecutions != 0 && stats.executions >= settings.maxExecutions) {
      budget = true;
      break;
    }
    if (settings.progress || settings.timeLimitSeconds > 0) {
      const auto now = std::chrono::steady_clock::now();
      if (settings.timeLimitSeconds > 0 && elapsed(now) >= settings.timeLimitSeconds) {
        timeUp = true;
        break;
      }
      if (settings.progress &&
          std::chrono::duration<double>(now - lastProgress).count() >= settings.progressInterval) {
        lastProgress = now;
        const double seconds = elapsed(now);
        const double rate = static_cast<double>(stats.executions) / seconds;
        const double estimate = strategy.estimatedExecutions();
        settings.progress(Progress{
            .executions = stats.executions,
            .executionsPerSecond = rate,
            .depth = result.choicePoints,
            .maxDepth = stats.maxDepth,
            .elapsedSeconds = seconds,
            .estimatedExecutions = estimate,
            .overTimeLimit = settings.timeLimitSeconds > 0 && rate > 0 &&
                             seconds + (estimate - static_cast<double>(stats.executions)) / rate >
                                 settings.timeLimitSeconds});
      }
    }
  } while (strategy.nextExecution());
  const Reduction reduction = strategy.reduction();
  stats.sleepSetBlocked = reduction.sleepSetBlocked;
  stats.alternativesSkipped = reduction.alternativesSkipped;
  const std::string strategyGap = found ? std::string() : strategy.incompleteReason();

  if (found || ordered || breached) {
    Replay full = replay(scenario, settings, found ? *found : ordered ? *ordered : *breached);
    exploration.verdict = std::move(full.verdict);
    exploration.counterexample = std::move(full.execution);
  } else if (stepBound || suspensionBound || apcBound || budget || timeUp || !strategyGap.empty()) {
    exploration.verdict.result = Result::Incomplete;
    std::string reason = incompleteReason(stepBound, suspensionBound, apcBound, budget, timeUp);
    if (!strategyGap.empty()) reason += (reason.empty() ? "" : ", ") + strategyGap;
    exploration.verdict.incompleteReason = std::move(reason);
  }
  stats.elapsedSeconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return exploration;
}

namespace {

Replay replayWith(const Scenario& scenario, const Settings& settings, ReplayStrategy& strategy) {
  StackPool stacks;
  Execution execution(stacks);
  DefaultProperties properties;
  strategy.beginExecution(execution);
  Replay result{execution.run(scenario, settings.bounds, strategy, properties.monitors(), true), {},
                std::nullopt};
  result.verdict = verdictOf(result.execution);
  if (const auto& divergence = strategy.divergence()) {
    std::string offered;
    for (const std::string& option : divergence->offered)
      offered += (offered.empty() ? "" : ", ") + option;
    result.divergence = "schedule entry " + std::to_string(divergence->position) + ": " +
                        (divergence->expected.empty() ? std::string("the schedule ended")
                                                      : "'" + divergence->expected + "' is not possible") +
                        " here; the scenario offers " + offered;
  } else if (!strategy.consumedAll()) {
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
