// "odpor" (optimal DPOR with wakeup trees) must reach every outcome exhaustive search reaches
// and, on programs without adversary events, run exactly one execution per Mazurkiewicz trace,
// none cut by its sleep set. The traces are counted independently: naive search runs every
// interleaving, and each is named by its events and the order of its conflicting ones.
#include "CensusSupport.hpp"
#include "interlock/checker/Properties.hpp"
#include "interlock/checker/StrategyRegistry.hpp"
#include "interlock/cli/Cli.hpp"

#include <doctest/doctest.h>

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace {

using namespace interlock;
using namespace interlock::wdm;

using test::Census;
using test::census;

// Naive search, recording each step's actor and footprint (taken before the step, as DPOR
// takes it) to name the execution's Mazurkiewicz trace.
class TraceNamer final : public ChoiceSource {
 public:
  explicit TraceNamer(Strategy& naive) : naive_(naive) {}

  void begin(const Execution& execution) {
    execution_ = &execution;
    steps_.clear();
    naive_.beginExecution(execution);
  }

  std::size_t choose(std::span<const Choice> options) override {
    const std::size_t index = naive_.choose(options);
    if (index == kAbandon) return index;
    const Choice& choice = options[index];
    if (choice.kind == ChoiceKind::Branch) {
      steps_.back().label += "/" + std::to_string(choice.value);  // part of the running step
      return index;
    }
    const char* kind = choice.kind == ChoiceKind::Run ? "t" : choice.kind == ChoiceKind::Suspend ? "s" : "a";
    const int who = choice.kind == ChoiceKind::Apc ? choice.value : choice.thread;
    steps_.push_back(Step{kind + std::to_string(who), "", execution_->footprintOf(choice)});
    return index;
  }

  // The events (actor, ordinal within the actor, branch alternatives taken) and, for each
  // conflicting pair of different actors, which went first: equal exactly for equivalent runs.
  [[nodiscard]] std::string trace() const {
    std::map<std::string, int> ordinal;
    std::vector<std::string> names;
    for (const Step& step : steps_) names.push_back(step.actor + "#" + std::to_string(ordinal[step.actor]++) + step.label);
    std::set<std::string> parts(names.begin(), names.end());
    for (std::size_t j = 0; j < steps_.size(); ++j)
      for (std::size_t i = 0; i < j; ++i)
        if (steps_[i].actor != steps_[j].actor && steps_[i].footprint.conflictsWith(steps_[j].footprint))
          parts.insert(names[i] + "<" + names[j]);
    std::string text;
    for (const std::string& part : parts) text += part + ";";
    return text;
  }

 private:
  struct Step {
    std::string actor;
    std::string label;
    Footprint footprint;
  };
  Strategy& naive_;
  const Execution* execution_ = nullptr;
  std::vector<Step> steps_;
};

std::size_t countTraces(const Scenario& scenario) {
  Settings settings = defaultSettings(scenario);
  settings.strategy = "naive";
  const auto naive = makeStrategy(settings);
  TraceNamer namer(*naive);
  StackPool stacks;
  Execution execution(stacks);
  std::set<std::string> traces;
  do {
    namer.begin(execution);
    (void)execution.run(scenario, settings.bounds, namer, {});
    traces.insert(namer.trace());
  } while (naive->nextExecution());
  return traces.size();
}

void writers(Setup& setup, int count, bool sameVariable) {
  auto& x = setup.make<Shared<int>>("x");
  for (int i = 0; i < count; ++i) {
    auto& target = sameVariable ? x : setup.make<Shared<int>>("v" + std::to_string(i));
    setup.systemThread("w" + std::to_string(i), [&target, i] { target.store(i); });
  }
}

Scenario bench(const char* name, Parameters parameters) {
  static const Catalogue catalogue = cli::builtinCatalogue();
  return withParameters(*catalogue.find(name), parameters);
}

}  // namespace

TEST_CASE("odpor explores one execution per order of two writes to one variable") {
  const Census c = census(test::inlineScenario([](Setup& s) { writers(s, 2, true); }), "odpor");
  CHECK(c.executions == 2);
  CHECK(c.blocked == 0);
}

TEST_CASE("odpor explores all six orders of three writes to one variable, none blocked") {
  const Census c = census(test::inlineScenario([](Setup& s) { writers(s, 3, true); }), "odpor");
  CHECK(c.executions == 6);
  CHECK(c.blocked == 0);
}

TEST_CASE("odpor explores independent writers once") {
  const Census c = census(test::inlineScenario([](Setup& s) { writers(s, 3, false); }), "odpor");
  CHECK(c.executions == 1);
  CHECK(c.blocked == 0);
}

TEST_CASE("odpor runs lastzero(5)'s 64 traces with no sleep-set-blocked execution") {
  const Census c = census(bench("bench/lastzero", {{"n", "5"}}), "odpor");
  CHECK(c.executions == 64);
  CHECK(c.blocked == 0);
}

TEST_CASE("odpor runs 2^n executions of readers(n), none blocked") {
  for (int n = 1; n <= 5; ++n) {
    CAPTURE(n);
    const Census c = census(bench("bench/readers", {{"n", std::to_string(n)}}), "odpor");
    CHECK(c.executions == (1u << n));
    CHECK(c.blocked == 0);
  }
}

TEST_CASE("odpor runs the published trace counts of indexer(12) and indexer(13)") {
  for (const auto& [n, traces] : {std::pair{"12", 8u}, std::pair{"13", 64u}}) {
    CAPTURE(n);
    const Census c = census(bench("bench/indexer", {{"n", n}}), "odpor");
    CHECK(c.executions == traces);
    CHECK(c.blocked == 0);
  }
}

TEST_CASE("odpor runs 4^k executions of filesystem(13+k), none blocked") {
  // DporTest explains the 4^k: an ERESOURCE acquire that finds the lock held is an event.
  for (const auto& [n, traces] : {std::pair{"14", 4u}, std::pair{"15", 16u}, std::pair{"16", 64u}}) {
    CAPTURE(n);
    const Census c = census(bench("bench/filesystem", {{"n", n}}), "odpor");
    CHECK(c.executions == traces);
    CHECK(c.blocked == 0);
  }
}

TEST_CASE("odpor runs exactly one execution per Mazurkiewicz trace") {
  struct Program {
    const char* name;
    Scenario scenario;
  };
  const std::vector<Program> programs{
      {"two writers", test::inlineScenario([](Setup& s) { writers(s, 2, true); })},
      {"three writers", test::inlineScenario([](Setup& s) { writers(s, 3, true); })},
      {"independent writers", test::inlineScenario([](Setup& s) { writers(s, 3, false); })},
      {"readers(2)", bench("bench/readers", {{"n", "2"}})},
      {"readers(3)", bench("bench/readers", {{"n", "3"}})},
      {"lastzero(2)", bench("bench/lastzero", {{"n", "2"}})},
      {"lastzero(3)", bench("bench/lastzero", {{"n", "3"}})},
      {"locked-counter 2x1", bench("bench/locked-counter", {{"threads", "2"}, {"rounds", "1"}})},
      {"locked-counter 3x1", bench("bench/locked-counter", {{"threads", "3"}, {"rounds", "1"}})},
      {"indexer(2)", bench("bench/indexer", {{"n", "2"}})},
      {"filesystem(2)", bench("bench/filesystem", {{"n", "2"}})},
  };
  for (const Program& program : programs) {
    CAPTURE(program.name);
    const std::size_t traces = countTraces(program.scenario);
    const Census odpor = census(program.scenario, "odpor");
    const Census dpor = census(program.scenario, "dpor");
    CHECK(odpor.executions == traces);
    CHECK(odpor.blocked == 0);
    CHECK(dpor.executions == traces);
  }
}

TEST_CASE("odpor reaches every outcome exhaustive search reaches on the catalogue, in no more executions than dpor") {
  const Catalogue catalogue = cli::builtinCatalogue();
  for (const Scenario& scenario : catalogue.all()) {
    CAPTURE(scenario.name);
    const Census naive = census(scenario, "naive");
    const Census dpor = census(scenario, "dpor");
    const Census odpor = census(scenario, "odpor");
    CHECK(odpor.outcomes == naive.outcomes);
    CHECK(odpor.executions <= dpor.executions);
  }
}
