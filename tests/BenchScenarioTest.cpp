// The bench/ family: every program passes, naive DFS needs exactly the executions counted by
// hand or pinned below, parameters change the program, and bad parameters are refused.
//
// Mazurkiewicz traces the papers report (for the DPOR tests to pin; naive DFS cannot reach
// these sizes). "opt" is optimal DPOR (one execution per trace), "src" source-DPOR, "classic"
// Flanagan-Godefroid DPOR, all as explored by Concuerror in:
//   [AAJS14] Abdulla, Aronis, Jonsson, Sagonas, "Optimal dynamic partial order reduction",
//            POPL 2014, evaluation table (also J. ACM 64(4), 2017, "Source sets").
//
//   program          traces (opt)   src     classic   source
//   lastzero(5)      64             79      241       [AAJS14]
//   readers(2)       4              4       -         [AAJS14]; 2^n in general
//   readers(8)       256            256     -         [AAJS14]
//   readers(13)      8192           8192    -         [AAJS14]
//   indexer(12)      8              8       -         [AAJS14]; 1 trace for n <= 11
//   indexer(13)      64             64      -         [AAJS14]
//   indexer(14)      512            512     -         [AAJS14]
//   indexer(15)      4096           4096    -         [AAJS14]
//   filesystem(14)   2              2       -         [AAJS14]; 1 trace for n <= 13
//   filesystem(16)   8              8       -         [AAJS14]
//   filesystem(18)   32             32      -         [AAJS14]
//   filesystem(19)   64             64      -         [AAJS14]
//
// The indexer and filesystem counts follow from the programs: in indexer(n), thread 11+k
// collides with thread k on 3 cells (w = 11(m+1) + k), each collision an independent race of
// two orders (8 per extra thread); in filesystem(n), thread 13+k starts at thread k's block,
// one race of two orders per extra thread. "-": not re-checked here.
#include "interlock/checker/Explorer.hpp"
#include "interlock/cli/Cli.hpp"
#include "interlock/core/Setup.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

using namespace interlock;

namespace {

Scenario bench(const std::string& name, const Parameters& parameters = {}) {
  static const Catalogue catalogue = cli::builtinCatalogue();
  const Scenario* scenario = catalogue.find(name);
  REQUIRE_MESSAGE(scenario != nullptr, name << " is not in the catalogue");
  return withParameters(*scenario, parameters);
}

Exploration naive(const Scenario& scenario) {
  Settings settings = defaultSettings(scenario);
  settings.strategy = "naive";
  return explore(scenario, settings);
}

std::uint64_t naiveExecutions(const std::string& name, const Parameters& parameters) {
  const Exploration e = naive(bench(name, parameters));
  CHECK(e.verdict.result == Result::Pass);
  return e.stats.executions;
}

}  // namespace

// Each count below also checks the verdict is pass, at the default size among others.
TEST_CASE("every bench scenario is in the catalogue and expects pass") {
  for (const char* name :
       {"bench/locked-counter", "bench/lastzero", "bench/readers", "bench/indexer", "bench/filesystem"}) {
    CAPTURE(name);
    const Scenario scenario = bench(name);
    CHECK_FALSE(scenario.expected.kind.has_value());
    CHECK(scenario.bounds.maxSuspensions == 0);
    CHECK(scenario.bounds.maxApcs == 0);
  }
}

TEST_CASE("bench scenarios declare their parameters with small defaults") {
  CHECK(bench("bench/locked-counter").parameters == Parameters{{"rounds", "1"}, {"threads", "2"}});
  CHECK(bench("bench/lastzero").parameters == Parameters{{"n", "3"}});
  CHECK(bench("bench/readers").parameters == Parameters{{"n", "3"}});
  CHECK(bench("bench/indexer").parameters == Parameters{{"n", "2"}});
  CHECK(bench("bench/filesystem").parameters == Parameters{{"n", "2"}});
}

TEST_CASE("one thread has exactly one execution in every bench program") {
  CHECK(naiveExecutions("bench/locked-counter", {{"threads", "1"}, {"rounds", "3"}}) == 1);
  CHECK(naiveExecutions("bench/indexer", {{"n", "1"}}) == 1);
  CHECK(naiveExecutions("bench/filesystem", {{"n", "1"}}) == 1);
}

TEST_CASE("bench/readers: naive DFS runs every interleaving of 1 + 2n operations") {
  // (2n+1)! / 2!^n: the writer's store and each reader's two loads in program order.
  CHECK(naiveExecutions("bench/readers", {{"n", "1"}}) == 3);
  CHECK(naiveExecutions("bench/readers", {{"n", "2"}}) == 30);
  CHECK(naiveExecutions("bench/readers", {{"n", "3"}}) == 630);
}

TEST_CASE("bench/indexer: below 12 threads no cell is shared, naive DFS runs all (4n)!/4!^n") {
  CHECK(naiveExecutions("bench/indexer", {{"n", "2"}}) == 70);
}

TEST_CASE("bench/filesystem: two threads share nothing, naive DFS runs all 16!/8!^2") {
  // Each thread: lock inode, load inode, lock block, load busy, store busy, store inode,
  // unlock block, unlock inode; threads 0 and 1 touch disjoint locks and variables.
  CHECK(naiveExecutions("bench/filesystem", {{"n", "2"}}) == 12870);
}

// The counts below were also reached by an independent enumeration of the interleavings (a
// few lines of Python over program counters, lock owners and FIFO-free waiter sets).
TEST_CASE("bench/lastzero: naive DFS runs every interleaving the reader's loads allow") {
  // n=1: the reader's load of array[1] before the writer's store (2 orders of it and the
  // writer's load), or after it and then a load of array[0]: 3.
  CHECK(naiveExecutions("bench/lastzero", {{"n", "1"}}) == 3);
  CHECK(naiveExecutions("bench/lastzero", {{"n", "2"}}) == 35);
  CHECK(naiveExecutions("bench/lastzero", {{"n", "3"}}) == 920);
}

TEST_CASE("bench/locked-counter: naive DFS runs every lock-respecting interleaving") {
  // 2x1: whoever takes First first, the other's acquire waits before one of the holder's 5
  // later steps (then wakes after the hand-off) or comes after it finished: 2 * (5 + 1).
  CHECK(naiveExecutions("bench/locked-counter", {{"threads", "2"}, {"rounds", "1"}}) == 12);
  CHECK(naiveExecutions("bench/locked-counter", {{"threads", "2"}, {"rounds", "2"}}) == 646);
  // With two exclusive waiters a release may grant either (kernel-rules.md §6).
  CHECK(naiveExecutions("bench/locked-counter", {{"threads", "3"}, {"rounds", "1"}}) == 426);
}

TEST_CASE("a parameter override changes the program explored") {
  const std::uint64_t small = naiveExecutions("bench/readers", {{"n", "1"}});
  const std::uint64_t larger = naiveExecutions("bench/readers", {{"n", "2"}});
  CHECK(small != larger);
  CHECK(naive(bench("bench/locked-counter", {{"rounds", "0"}})).stats.steps == 0);
}

TEST_CASE("an unknown parameter is refused naming it and the accepted ones") {
  const Scenario scenario = bench("bench/locked-counter");
  CHECK_THROWS_WITH_AS(
      (void)withParameters(scenario, {{"thread", "3"}}),
      "scenario 'bench/locked-counter' has no parameter 'thread'; it accepts rounds, threads",
      ScenarioError);
}

TEST_CASE("a parameter outside the program's range is refused when the program is built") {
  const Scenario scenario = bench("bench/lastzero", {{"n", "0"}});
  CHECK_THROWS_WITH_AS((void)naive(scenario), "parameter 'n' must be between 1 and 1000, not 0",
                       ScenarioError);
}

TEST_CASE("a setup reads each parameter's own value, among keys that share a prefix") {
  std::vector<std::int64_t> read;
  const Scenario scenario{"parameters", "reads three parameters", Expectation::pass(), Bounds{},
                          [&read](Setup& s) {
                            read = {s.intParam("n"), s.intParam("nn"), s.intParam("m")};
                            s.systemThread("only", [] {});
                          },
                          Parameters{{"m", "3"}, {"n", "1"}, {"nn", "22"}}};
  CHECK(naive(scenario).verdict.result == Result::Pass);
  CHECK(read == std::vector<std::int64_t>{1, 22, 3});
}

TEST_CASE("a setup reading a parameter it does not declare is a scenario error naming it") {
  const Scenario scenario{"parameters", "reads an undeclared parameter", Expectation::pass(), Bounds{},
                          [](Setup& s) { (void)s.intParam("nn"); },
                          Parameters{{"n", "1"}}};
  CHECK_THROWS_WITH_AS((void)naive(scenario), "the scenario reads parameter 'nn' but does not declare it",
                       ScenarioError);
}
