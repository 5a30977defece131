// The minimizer: catalogue counterexamples shrink to the schedules worked out by hand
// (fewest preemptions, then adversary events, then steps), keep their violation, and replay.
#include "Support.hpp"

#include "interlock/checker/Minimizer.hpp"
#include "interlock/checker/Properties.hpp"
#include "interlock/checker/RandomStrategy.hpp"
#include "interlock/checker/Schedule.hpp"
#include "interlock/cli/Cli.hpp"

#include <doctest/doctest.h>

#include <set>
#include <stdexcept>

using namespace interlock;
using namespace interlock::wdm;

namespace {

const Scenario& catalogued(const char* name) {
  static const Catalogue catalogue = cli::builtinCatalogue();
  const Scenario* scenario = catalogue.find(name);
  REQUIRE(scenario != nullptr);
  return *scenario;
}

std::vector<Choice> schedule(const Scenario& scenario, const std::vector<std::string>& labels) {
  const Snapshot names = namesOf(scenario);
  std::vector<Choice> choices;
  for (const std::string& text : labels) {
    const std::optional<Choice> choice = parseLabel(text, names);
    REQUIRE_MESSAGE(choice.has_value(), text);
    choices.push_back(*choice);
  }
  return choices;
}

std::vector<std::string> labels(const Scenario& scenario, const std::vector<Choice>& choices) {
  const Replay full = replay(scenario, defaultSettings(scenario), choices);
  std::vector<std::string> out;
  for (const Choice& choice : choices) out.push_back(label(choice, full.execution.snapshot));
  return out;
}

std::string verdictOfSchedule(const Scenario& scenario, const std::vector<Choice>& choices) {
  const Replay full = replay(scenario, defaultSettings(scenario), choices);
  CHECK(!full.divergence);
  return full.verdict.summary();
}

ScheduleMetrics metrics(std::uint32_t preemptions, std::uint32_t adversaryEvents, std::uint32_t steps) {
  return ScheduleMetrics{preemptions, adversaryEvents, steps};
}

}  // namespace

TEST_CASE("metrics count preemptions only where the previous Run thread was still offered") {
  const Scenario& scenario = catalogued("lock-order/abba");
  const Settings settings = defaultSettings(scenario);
  // rename runs while create could go on (1), create while rename could go on (2); 4 choices.
  CHECK(metricsOf(scenario, settings,
                  schedule(scenario, {"run create", "run rename", "run create", "run rename"})) ==
        metrics(2, 0, 4));
  // The second rename runs its own thread (0); create's last run follows a blocked rename (0).
  CHECK(metricsOf(scenario, settings,
                  schedule(scenario, {"run create", "run rename", "run rename", "run create"})) ==
        metrics(1, 0, 4));
}

TEST_CASE("a suspension is an adversary event and a suspended thread is not offered") {
  const Scenario& scenario = catalogued("eresource/suspended-owner");
  // run system after suspend user: user is no longer offered, so no preemption.
  CHECK(metricsOf(scenario, defaultSettings(scenario),
                  schedule(scenario, {"run user", "suspend user", "run system"})) == metrics(0, 1, 3));
}

TEST_CASE("an I/O completion is progress, not an adversary event, and a Branch counts as a step") {
  const Scenario& scenario = catalogued("fast-mutex/zw-io");
  const Settings settings = defaultSettings(scenario);
  const Exploration found = explore(scenario, settings);
  REQUIRE(found.counterexample);
  CHECK(labels(scenario, found.counterexample->schedule) ==
        std::vector<std::string>{"run filter", "run filter", "branch 1/2", "apc IopCompleteRequest1"});
  CHECK(metricsOf(scenario, settings, found.counterexample->schedule) == metrics(0, 0, 4));
}

TEST_CASE("metricsOf names the entry where a schedule stops fitting") {
  const Scenario& scenario = catalogued("eresource/suspended-owner");
  CHECK_THROWS_WITH_AS(
      (void)metricsOf(scenario, defaultSettings(scenario), schedule(scenario, {"suspend user", "run user"})),
      "schedule entry 1 of 2 does not fit scenario 'eresource/suspended-owner'", std::invalid_argument);
}

TEST_CASE("minimize refuses a schedule that shows no violation") {
  const Scenario& scenario = catalogued("lock-order/consistent");
  const Exploration passing = explore(scenario, defaultSettings(scenario));
  REQUIRE(passing.verdict.result == Result::Pass);
  // create takes and releases both locks, then rename does: 8 steps, nothing wrong.
  const auto clean = schedule(scenario, {"run create", "run create", "run create", "run create", "run rename",
                                         "run rename", "run rename", "run rename"});
  CHECK_THROWS_AS((void)minimize(scenario, defaultSettings(scenario), clean), std::invalid_argument);
}

TEST_CASE("a suspended owner shrinks to acquire, suspend, block") {
  const Scenario& scenario = catalogued("eresource/suspended-owner");
  // A long one: user also reads and writes the table, system blocks (preempting user), then
  // the suspension: 1 preemption, 1 adversary event, 5 steps.
  const auto found = schedule(scenario, {"run user", "run user", "run user", "run system", "suspend user"});
  REQUIRE(metricsOf(scenario, defaultSettings(scenario), found) == metrics(1, 1, 5));
  const Minimized m = minimize(scenario, defaultSettings(scenario), found);
  // By hand: no hit without a suspension; user must own Resource (1 run), be suspended (1
  // event), then system blocks on it (1 run, no preemption: user is no longer offered).
  CHECK(labels(scenario, m.schedule) == std::vector<std::string>{"run user", "suspend user", "run system"});
  CHECK(m.metrics() == metrics(0, 1, 3));
  CHECK(m.proven);
  CHECK(m.executions == 10);
  CHECK(verdictOfSchedule(scenario, m.schedule) == "SuspendedOwnerDoS (SuspendedOwner)");
}

TEST_CASE("the lock-order deadlock shrinks to one preemption and keeps its kind") {
  const Scenario& scenario = catalogued("lock-order/abba");
  const auto found = schedule(scenario, {"run create", "run rename", "run create", "run rename"});
  const Minimized m = minimize(scenario, defaultSettings(scenario), found);
  // By hand: both threads must hold their first lock before either takes its second, so the
  // second thread's first run preempts (1 is unavoidable); after rename blocks on VolumeLock
  // create's run is free; 4 acquires. A LockOrder finding with 0 preemptions exists
  // (create's four steps, then rename's) but is another kind: the deadlock stays a deadlock.
  CHECK(labels(scenario, m.schedule) ==
        std::vector<std::string>{"run create", "run rename", "run rename", "run create"});
  CHECK(m.metrics() == metrics(1, 0, 4));
  CHECK(m.proven);
  CHECK(verdictOfSchedule(scenario, m.schedule) == "Deadlock (WaitCycle)");
}

TEST_CASE("a lock-order finding shrinks to a lock-order finding") {
  const Scenario& scenario = catalogued("lock-order/abba");
  const auto found = schedule(scenario, {"run rename", "run rename", "run rename", "run rename", "run create",
                                         "run create", "run create", "run create"});
  REQUIRE(verdictOfSchedule(scenario, found) == "LockOrder (LockOrderCycle)");
  const Minimized m = minimize(scenario, defaultSettings(scenario), found);
  // By hand: LockOrder does not end the execution, so every one of the 8 steps is taken; with
  // 0 preemptions the first in search order runs create through, then rename.
  CHECK(labels(scenario, m.schedule) ==
        std::vector<std::string>{"run create", "run create", "run create", "run create", "run rename",
                                 "run rename", "run rename", "run rename"});
  CHECK(m.metrics() == metrics(0, 0, 8));
  CHECK(m.proven);
  CHECK(verdictOfSchedule(scenario, m.schedule) == "LockOrder (LockOrderCycle)");
}

TEST_CASE("an APC re-entry deadlock shrinks to acquire, inject, deliver, block") {
  const Scenario& scenario = catalogued("eresource/apc-reentry");
  const auto found = schedule(scenario, {"run reader", "run reader", "apc CompletionApc", "run reader", "run reader"});
  REQUIRE(metricsOf(scenario, defaultSettings(scenario), found) == metrics(0, 1, 5));
  const Minimized m = minimize(scenario, defaultSettings(scenario), found);
  // By hand: the APC must come after the shared acquire (queued earlier it runs before it and
  // finds the lock free); the next run delivers it up to its exclusive acquire, one more run
  // performs it and the reader waits on itself.
  CHECK(labels(scenario, m.schedule) ==
        std::vector<std::string>{"run reader", "apc CompletionApc", "run reader", "run reader"});
  CHECK(m.metrics() == metrics(0, 1, 4));
  CHECK(m.proven);
  CHECK(verdictOfSchedule(scenario, m.schedule) == "Deadlock (SelfDeadlock)");
}

TEST_CASE("an already minimal counterexample comes back unchanged") {
  const Scenario& scenario = catalogued("eresource/suspended-owner");
  const auto minimal = schedule(scenario, {"run user", "suspend user", "run system"});
  const Minimized m = minimize(scenario, defaultSettings(scenario), minimal);
  CHECK(m.schedule == minimal);
  CHECK(m.proven);
}

TEST_CASE("every suspended-owner schedule a random walk finds shrinks to the same one") {
  const Scenario& scenario = catalogued("eresource/suspended-owner");
  const auto expected = schedule(scenario, {"run user", "suspend user", "run system"});
  RandomStrategy strategy(11, 300);
  StackPool stacks;
  Execution execution(stacks);
  DefaultProperties properties;
  std::set<std::vector<std::string>> inputs;
  do {
    strategy.beginExecution(execution);
    const ExecutionResult& result = execution.run(scenario, scenario.bounds, strategy, properties.monitors());
    if (result.consequence() == nullptr) continue;
    const std::vector<Choice> found = result.schedule;
    inputs.insert(labels(scenario, found));
    const Minimized m = minimize(scenario, defaultSettings(scenario), found);
    CHECK(m.schedule == expected);
    CHECK(m.proven);
  } while (strategy.nextExecution());
  CHECK(inputs.size() > 3);  // several different schedules went in
}

TEST_CASE("minimization is deterministic") {
  const Scenario& scenario = catalogued("lock-order/abba");
  const auto found = schedule(scenario, {"run rename", "run create", "run rename", "run create"});
  const Minimized a = minimize(scenario, defaultSettings(scenario), found);
  const Minimized b = minimize(scenario, defaultSettings(scenario), found);
  CHECK(a.schedule == b.schedule);
  CHECK(a.executions == b.executions);
}

TEST_CASE("an exhausted budget returns the best so far, unproven") {
  const Scenario& scenario = catalogued("eresource/suspended-owner");
  const auto found = schedule(scenario, {"run user", "run user", "run user", "run system", "suspend user"});
  // One execution: the replay of the input itself; nothing else runs.
  const Minimized none = minimize(scenario, defaultSettings(scenario), found, 1);
  CHECK(none.schedule == found);
  CHECK(none.metrics() == metrics(1, 1, 5));
  CHECK(none.executions == 1);
  CHECK(!none.proven);
  // Five: the input, level (0, 0) (user then system, system then user: no suspension, no
  // hit), then level (0, 1) depth first: user runs through (no hit), then user is suspended
  // before its release, the first hit (5 steps; proving the 3-step one takes 10 runs).
  const Minimized partial = minimize(scenario, defaultSettings(scenario), found, 5);
  CHECK(labels(scenario, partial.schedule) ==
        std::vector<std::string>{"run user", "run user", "run user", "suspend user", "run system"});
  CHECK(partial.metrics() == metrics(0, 1, 5));
  CHECK(partial.executions == 5);
  CHECK(!partial.proven);
}
