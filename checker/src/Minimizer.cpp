#include "interlock/checker/Minimizer.hpp"

#include "interlock/checker/BoundedDfs.hpp"
#include "interlock/checker/Properties.hpp"
#include "interlock/checker/ReplayStrategy.hpp"

#include <stdexcept>
#include <string>

namespace interlock {

namespace {

// Follows a schedule exactly and measures it.
class MeasuringReplay final : public ChoiceSource {
 public:
  explicit MeasuringReplay(std::vector<Choice> schedule) : replay_(std::move(schedule)) {}
  void beginExecution(const Execution& execution) {
    execution_ = &execution;
    replay_.beginExecution(execution);
    counter_.reset();
  }
  std::size_t choose(std::span<const Choice> options) override {
    const std::size_t index = replay_.choose(options);
    if (index != kAbandon) counter_.take(options, index, *execution_);
    return index;
  }
  [[nodiscard]] const ScheduleMetrics& metrics() const noexcept { return counter_.metrics(); }
  [[nodiscard]] const ReplayStrategy& replay() const noexcept { return replay_; }

 private:
  ReplayStrategy replay_;
  MetricsCounter counter_;
  const Execution* execution_ = nullptr;
};

class SearchSource final : public ChoiceSource {
 public:
  explicit SearchSource(BoundedDfs& dfs) : dfs_(dfs) {}
  std::size_t choose(std::span<const Choice> options) override { return dfs_.choose(options); }

 private:
  BoundedDfs& dfs_;
};

struct Measured {
  ScheduleMetrics metrics;
  const ExecutionResult* result;
};

Measured measure(const Scenario& scenario, const Settings& settings, const std::vector<Choice>& schedule,
                 Execution& execution, DefaultProperties& properties) {
  MeasuringReplay source(schedule);
  source.beginExecution(execution);
  const ExecutionResult& result = execution.run(scenario, settings.bounds, source, properties.monitors());
  const ReplayStrategy& replay = source.replay();
  if (replay.divergence() || !replay.consumedAll())
    throw std::invalid_argument("schedule entry " + std::to_string(replay.position()) + " of " +
                                std::to_string(schedule.size()) + " does not fit scenario '" +
                                scenario.name + "'");
  return Measured{source.metrics(), &result};
}

struct Target {
  ViolationKind kind;
  std::string rule;
  [[nodiscard]] bool shownBy(const ExecutionResult& result) const {
    if (result.ending == Ending::Abandoned) return false;  // a prefix, not a schedule
    const Violation* shown = shownViolation(result);
    return shown != nullptr && shown->kind == kind && shown->rule == rule;
  }
};

}  // namespace

ScheduleMetrics metricsOf(const Scenario& scenario, const Settings& settings,
                          const std::vector<Choice>& schedule) {
  StackPool stacks;
  Execution execution(stacks);
  execution.verifier(settings.verifier);
  DefaultProperties properties;
  return measure(scenario, settings, schedule, execution, properties).metrics;
}

Minimized minimize(const Scenario& scenario, const Settings& settings, const std::vector<Choice>& found,
                   std::uint64_t budget) {
  StackPool stacks;
  Execution execution(stacks);
  execution.verifier(settings.verifier);
  DefaultProperties properties;
  const Measured input = measure(scenario, settings, found, execution, properties);
  const Violation* violation = shownViolation(*input.result);
  if (violation == nullptr)
    throw std::invalid_argument("the schedule to minimize shows no violation in scenario '" +
                                scenario.name + "'");
  const Target target{violation->kind, violation->rule};
  const ScheduleMetrics bound = input.metrics;
  Minimized best{found, bound.preemptions, bound.adversaryEvents, bound.steps, 1, false};

  BoundedDfs dfs;
  SearchSource source(dfs);
  bool outOfBudget = false;
  // One (p, a) level: true if it found a hit (then `best` holds its shortest).
  auto level = [&](std::uint32_t p, std::uint32_t a) {
    // The input's own level needs nothing longer than the input (it is a hit itself).
    const bool own = p == bound.preemptions && a == bound.adversaryEvents;
    dfs.start(SearchLimits{.preemptions = p, .adversaryEvents = a,
                           .choices = own ? bound.steps : SearchLimits::kNone});
    bool hit = false;
    do {
      // Interrupted: the shortest schedule so far is still a counterexample.
      if (best.executions >= budget ||
          (settings.interrupt != nullptr && settings.interrupt->load(std::memory_order_relaxed))) {
        outOfBudget = true;
        return hit;
      }
      dfs.beginExecution(execution);
      const ExecutionResult& result = execution.run(scenario, settings.bounds, source, properties.monitors());
      ++best.executions;
      if (!target.shownBy(result)) continue;
      const ScheduleMetrics& metrics = dfs.metrics();
      best.schedule = result.schedule;
      best.preemptions = metrics.preemptions;
      best.adversaryEvents = metrics.adversaryEvents;
      best.steps = metrics.steps;
      hit = true;
      // Branch and bound: from now on only a strictly shorter hit is worth finding.
      dfs.limitChoices(metrics.steps - 1);
    } while (dfs.backtrack());
    return hit;
  };

  for (std::uint32_t p = 0; p <= bound.preemptions; ++p) {
    // Below the input's preemptions any number of adversary events still beats it.
    const std::uint32_t lastA = p == bound.preemptions ? bound.adversaryEvents : SearchLimits::kNone;
    for (std::uint32_t a = 0; a <= lastA; ++a) {
      const bool hit = level(p, a);
      if (outOfBudget) return best;
      if (hit) {
        best.proven = true;
        return best;
      }
      if (!dfs.adversaryCut()) break;  // a larger a would search the same tree
    }
  }
  // Unreachable when the scenario is deterministic: the input's own level contains the input.
  return best;
}

}  // namespace interlock
