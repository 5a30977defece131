// Preemption bounding, random walk and PCT: exact counts and orders on programs whose
// schedules can be enumerated by hand, bounds that say what they cut, and seeded
// determinism. (A preemption: a Run of U while the previous Run thread T != U is still offered.)
#include "Support.hpp"

#include "interlock/checker/PctStrategy.hpp"
#include "interlock/checker/PreemptionBoundedStrategy.hpp"
#include "interlock/checker/Properties.hpp"
#include "interlock/checker/RandomStrategy.hpp"
#include "interlock/checker/Rng.hpp"
#include "interlock/checker/Schedule.hpp"
#include "interlock/checker/StrategyRegistry.hpp"
#include "interlock/cli/Cli.hpp"

#include <doctest/doctest.h>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

using namespace interlock;
using namespace interlock::wdm;
using interlock::test::inlineScenario;

namespace {

// Every execution a strategy asks for, as labels, up to the first consequence.
struct Walk {
  std::vector<std::string> schedules;  // one line per execution: "a a b b"
  std::optional<std::size_t> violation;  // index of the execution that found a consequence
};

std::string thread(const std::string& label) { return label.substr(label.find(' ') + 1); }

Walk walk(const Scenario& scenario, Strategy& strategy, bool stopAtViolation = true) {
  const Snapshot names = namesOf(scenario);
  StackPool stacks;
  Execution execution(stacks);
  DefaultProperties properties;
  Walk walk;
  do {
    strategy.beginExecution(execution);
    const ExecutionResult& result = execution.run(scenario, scenario.bounds, strategy, properties.monitors());
    std::string line;
    for (const Choice& choice : result.schedule) {
      const std::string text = label(choice, names);
      line += (line.empty() ? "" : " ") + (choice.kind == ChoiceKind::Run ? thread(text) : text);
    }
    walk.schedules.push_back(line);
    if (result.consequence() != nullptr && !walk.violation) {
      walk.violation = walk.schedules.size() - 1;
      if (stopAtViolation) break;
    }
  } while (strategy.nextExecution());
  return walk;
}

// Two system threads (not suspendable) of two shared-variable writes each.
Scenario twoWriters() {
  return inlineScenario([](Setup& s) {
    auto& x = s.make<Shared<LONG>>("x");
    for (const char* name : {"a", "b"})
      s.systemThread(name, [&x] {
        x.store(1);
        x.store(2);
      });
  });
}

// Two increments of x without a lock; the thread finishing second checks that none was lost.
// The update is lost only if one thread's load falls between the other's load and store:
// a load, b load (a still runnable: 1 preemption), b finishes, a store -> x == 1.
Scenario lostUpdate() {
  return inlineScenario([](Setup& s) {
    auto& x = s.make<Shared<LONG>>("x");
    auto& done = s.make<Shared<LONG>>("done");
    for (const char* name : {"a", "b"})
      s.systemThread(name, [&x, &done] {
        x.store(x.load() + 1);
        const LONG finished = done.load() + 1;
        done.store(finished);
        if (finished == 2) check(x.load() == 2, "no increment is lost");
      });
  });
}

// A depth-1 bug: the consumer must not read the flag before the producer sets it.
Scenario orderViolation() {
  return inlineScenario([](Setup& s) {
    auto& flag = s.make<Shared<LONG>>("flag");
    s.systemThread("producer", [&flag] { flag.store(1); });
    s.systemThread("consumer", [&flag] { check(flag.load() == 1, "flag set before use"); });
  });
}

const Scenario& catalogued(const char* name) {
  static const Catalogue catalogue = cli::builtinCatalogue();
  const Scenario* scenario = catalogue.find(name);
  REQUIRE(scenario != nullptr);
  return *scenario;
}

}  // namespace

TEST_CASE("splitmix64 and xoshiro256** give the reference outputs for seed 0") {
  std::uint64_t state = 0;
  CHECK(splitmix64(state) == 0xE220A8397B1DCDAFULL);  // Vigna's splitmix64.c, seed 0
  Rng rng(0);
  CHECK(rng.next() == 0x99EC5F36CB75F2B4ULL);
  CHECK(rng.next() == 0xBF6E1F784956452AULL);
  CHECK(rng.next() == 0x1A5F849D4933E6E0ULL);
}

TEST_CASE("Rng::below stays below its bound and reaches every value") {
  Rng rng(7, 3);
  std::set<std::uint64_t> seen;
  for (int i = 0; i < 200; ++i) {
    const std::uint64_t value = rng.below(5);
    CHECK(value < 5);
    seen.insert(value);
  }
  CHECK(seen.size() == 5);
  CHECK(rng.below(1) == 0);
}

TEST_CASE("different streams of one seed start differently") {
  CHECK(Rng(1, 0).next() != Rng(1, 1).next());
  CHECK(Rng(1, 1).next() == Rng(1, 1).next());
}

TEST_CASE("pb runs the schedules of two writers fewest preemptions first, each once") {
  // aabb and bbaa have 0 preemptions, abba and baab 1, abab and baba 2: 6 in all.
  PreemptionBoundedStrategy pb(2);
  const Walk all = walk(twoWriters(), pb);
  CHECK(all.schedules ==
        std::vector<std::string>{"a a b b", "b b a a", "a b b a", "b a a b", "a b a b", "b a b a"});
  CHECK(pb.level() == 2);
  CHECK(pb.incompleteReason().empty());
}

TEST_CASE("pb below the largest preemption count runs fewer schedules and says what it cut") {
  PreemptionBoundedStrategy zero(0);
  CHECK(walk(twoWriters(), zero).schedules.size() == 2);
  CHECK(zero.incompleteReason() == "preemption bound 0");
  PreemptionBoundedStrategy one(1);
  CHECK(walk(twoWriters(), one).schedules.size() == 4);
  CHECK(one.incompleteReason() == "preemption bound 1");
}

TEST_CASE("pb with a bound above the largest preemption count is complete") {
  PreemptionBoundedStrategy many(10);
  CHECK(walk(twoWriters(), many).schedules.size() == 6);
  CHECK(many.incompleteReason().empty());
}

TEST_CASE("pb with a bound no schedule reaches runs every schedule exactly once") {
  // Three threads of two writes: 6! / (2! 2! 2!) = 90 interleavings, all distinct.
  const Scenario scenario = inlineScenario([](Setup& s) {
    auto& x = s.make<Shared<LONG>>("x");
    for (const char* name : {"a", "b", "c"})
      s.systemThread(name, [&x] {
        x.store(1);
        x.store(2);
      });
  });
  PreemptionBoundedStrategy pb(100);
  const Walk all = walk(scenario, pb);
  CHECK(all.schedules.size() == 90);
  CHECK(std::set<std::string>(all.schedules.begin(), all.schedules.end()).size() == 90);
  CHECK(pb.incompleteReason().empty());
  // Nothing blocks here, so a switch preempts iff the previous thread has writes left. Run to
  // completion in any order: 3! = 6 with 0; the 90 words enumerated give 18, 36, 30 for 1-3.
  std::vector<int> perLevel(4, 0);
  int previous = 0;
  for (const std::string& line : all.schedules) {
    std::map<char, int> left{{'a', 2}, {'b', 2}, {'c', 2}};
    char last = 0;
    int preemptions = 0;
    for (const char thread : line) {
      if (thread == ' ') continue;
      if (last != 0 && thread != last && left[last] > 0) ++preemptions;
      --left[thread];
      last = thread;
    }
    CHECK(preemptions >= previous);  // fewest first
    previous = preemptions;
    ++perLevel.at(static_cast<std::size_t>(preemptions));
  }
  CHECK(perLevel == std::vector<int>{6, 18, 36, 30});
}

TEST_CASE("pb finds a lost update that needs one preemption at bound 1, not at bound 0") {
  PreemptionBoundedStrategy zero(0);
  const Walk none = walk(lostUpdate(), zero);
  CHECK(!none.violation);
  CHECK(zero.incompleteReason() == "preemption bound 0");
  PreemptionBoundedStrategy one(1);
  const Walk found = walk(lostUpdate(), one);
  REQUIRE(found.violation);
  // Level 0 has two schedules (all of a, then all of b, or the reverse); the first level-1
  // schedule preempts a at its first chance: a loads, b loads, b finishes, a stores and checks.
  CHECK(*found.violation == 2);
  CHECK(found.schedules[2] == "a b b b b a a a a");
}

TEST_CASE("pb through the factory") {
  Settings settings;
  settings.strategy = "pb";
  settings.preemptions = 1;
  const auto strategy = makeStrategy(settings);
  CHECK(strategy->name() == "pb");
  CHECK(walk(twoWriters(), *strategy).schedules.size() == 4);
}

TEST_CASE("random walk with the same seed repeats its schedules; another seed differs") {
  const Scenario scenario = lostUpdate();
  RandomStrategy first(42, 20), again(42, 20), other(43, 20);
  const Walk a = walk(scenario, first, false);
  const Walk b = walk(scenario, again, false);
  const Walk c = walk(scenario, other, false);
  CHECK(a.schedules.size() == 20);
  CHECK(a.schedules == b.schedules);
  CHECK(a.schedules != c.schedules);
  CHECK(first.incompleteReason() == "random sampling");
}

TEST_CASE("random walk runs 10000 executions when no budget is given") {
  RandomStrategy strategy(0, 0);
  CHECK(walk(orderViolation(), strategy, false).schedules.size() == RandomStrategy::kDefaultExecutions);
}

TEST_CASE("random walk's execution i does not depend on the executions before it") {
  // Execution i draws from stream (seed, i): a search of 5 ends with the first 5 of a search of 20.
  RandomStrategy longer(9, 20), shorter(9, 5);
  const Walk a = walk(lostUpdate(), longer, false);
  const Walk b = walk(lostUpdate(), shorter, false);
  CHECK(std::vector<std::string>(a.schedules.begin(), a.schedules.begin() + 5) == b.schedules);
}

TEST_CASE("random walk visits both orders of two writers") {
  RandomStrategy strategy(1, 200);
  const Walk all = walk(twoWriters(), strategy, false);
  CHECK(std::set<std::string>(all.schedules.begin(), all.schedules.end()).size() == 6);
}

TEST_CASE("pct with the same seed repeats its schedules; another seed differs") {
  const Scenario& scenario = catalogued("lock-order/abba");
  PctStrategy first(5, 3, 30), again(5, 3, 30), other(6, 3, 30);
  const Walk a = walk(scenario, first, false);
  CHECK(a.schedules.size() == 30);
  CHECK(a.schedules == walk(scenario, again, false).schedules);
  CHECK(a.schedules != walk(scenario, other, false).schedules);
  CHECK(first.incompleteReason() == "random sampling");
}

TEST_CASE("pct at depth 1 runs the highest-priority thread to its end") {
  // No change points: each execution runs one writer entirely, then the other.
  PctStrategy strategy(3, 1, 50);
  const Walk all = walk(twoWriters(), strategy, false);
  CHECK(std::set<std::string>(all.schedules.begin(), all.schedules.end()) ==
        std::set<std::string>{"a a b b", "b b a a"});
}

TEST_CASE("pct at depth 1 finds a bug of depth 1") {
  // The consumer first: a random priority order puts it first half the time.
  PctStrategy strategy(0, 1, 20);
  CHECK(walk(orderViolation(), strategy).violation.has_value());
}

TEST_CASE("pct finds the lock-order deadlock at depth 2 and never at depth 1") {
  // abba needs one change point: create takes VolumeLock, loses priority, rename takes FileLock.
  const Scenario& scenario = catalogued("lock-order/abba");
  PctStrategy shallow(0, 1, 200);
  CHECK(!walk(scenario, shallow).violation);
  PctStrategy deep(0, 2, 200);
  CHECK(walk(scenario, deep).violation.has_value());
}

TEST_CASE("pct measures k as the longest execution's Run steps") {
  PctStrategy strategy(0, 2, 3);
  CHECK(strategy.stepEstimate() == PctStrategy::kInitialSteps);
  (void)walk(twoWriters(), strategy, false);
  CHECK(strategy.stepEstimate() == 4);  // two writers of two writes: four Run steps
}

TEST_CASE("pct finds the suspended owner with its adversary events") {
  PctStrategy strategy(0, 2, 500);
  CHECK(walk(catalogued("eresource/suspended-owner"), strategy).violation.has_value());
}

TEST_CASE("the factory builds random and pct from the settings' seed, depth and budget") {
  Settings settings;
  settings.seed = 42;
  settings.maxExecutions = 20;
  settings.pctDepth = 2;
  settings.strategy = "random";
  const auto random = makeStrategy(settings);
  RandomStrategy direct(42, 20);
  CHECK(random->name() == "random");
  CHECK(walk(lostUpdate(), *random, false).schedules == walk(lostUpdate(), direct, false).schedules);
  settings.strategy = "pct";
  const auto pct = makeStrategy(settings);
  PctStrategy pctDirect(42, 2, 20);
  CHECK(pct->name() == "pct");
  CHECK(walk(lostUpdate(), *pct, false).schedules == walk(lostUpdate(), pctDirect, false).schedules);
}
