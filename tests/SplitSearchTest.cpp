// --jobs and --shard: the trees of naive, dfs, dpor and odpor cut into parts by prefix; the parts
// together explore exactly the complete executions one search explores, and report what it
// reports.
#include "CliSupport.hpp"
#include "interlock/checker/DfsStrategy.hpp"
#include "interlock/checker/Explorer.hpp"
#include "interlock/checker/PartitionedStrategy.hpp"
#include "interlock/cli/Cli.hpp"

#include <doctest/doctest.h>

#include <memory>
#include <stdexcept>

namespace {

using namespace interlock;

Exploration search(const Scenario& scenario, const std::string& strategy, unsigned jobs, Shard shard = {},
                   bool minimize = true) {
  Settings settings = defaultSettings(scenario);
  settings.strategy = strategy;
  settings.jobs = jobs;
  settings.shard = shard;
  settings.minimize = minimize;
  return explore(scenario, settings);
}

}  // namespace

TEST_CASE("two jobs give every passing catalogue scenario the verdict and execution count of one") {
  const Catalogue catalogue = cli::builtinCatalogue();
  for (const Scenario& scenario : catalogue.all()) {
    for (const std::string strategy : {"naive", "dfs", "dpor", "odpor"}) {
      CAPTURE(scenario.name);
      CAPTURE(strategy);
      const Exploration one = search(scenario, strategy, 1);
      const Exploration two = search(scenario, strategy, 2);
      CHECK(two.verdict.summary() == one.verdict.summary());
      // A search that stops at a violation stops its parts at different moments.
      if (one.verdict.result == Result::Violation) continue;
      CHECK(two.stats.executions == one.stats.executions);
      if (strategy != "dpor" && strategy != "odpor") {
        CHECK(two.stats.sleepSetBlocked == one.stats.sleepSetBlocked);
        continue;
      }
      // Split dpor and odpor try every option above the cut: more executions end asleep there,
      // but the complete ones (one per Mazurkiewicz trace under sleep sets) are the same, and
      // every split of that one tree runs the same executions.
      CHECK(two.stats.sleepSetBlocked >= one.stats.sleepSetBlocked);
      const Exploration three = search(scenario, strategy, 3);
      CHECK(three.stats.executions == one.stats.executions);
      CHECK(three.stats.sleepSetBlocked == two.stats.sleepSetBlocked);
    }
  }
}

TEST_CASE("the shards of a search together run exactly its executions") {
  const Catalogue catalogue = cli::builtinCatalogue();
  const Scenario scenario = withParameters(*catalogue.find("bench/locked-counter"), {{"rounds", "2"}});
  for (const std::string strategy : {"naive", "dfs", "dpor", "odpor"}) {
    CAPTURE(strategy);
    const Exploration whole = search(scenario, strategy, 1);
    REQUIRE(whole.verdict.result == Result::Pass);
    for (std::uint32_t count : {2u, 3u, 7u}) {
      CAPTURE(count);
      std::uint64_t executions = 0;
      std::uint64_t nonEmpty = 0;
      for (std::uint32_t index = 0; index < count; ++index) {
        const Exploration part = search(scenario, strategy, 1, Shard{index, count});
        CHECK(part.verdict.result == Result::Pass);
        executions += part.stats.executions;
        nonEmpty += part.stats.executions != 0;
      }
      CHECK(executions == whole.stats.executions);
      if (count <= 3) CHECK(nonEmpty == count);  // the cut makes enough subtrees to share
    }
  }
}

TEST_CASE("shards running different numbers of jobs still cover the search exactly once") {
  const Catalogue catalogue = cli::builtinCatalogue();
  const Scenario scenario = withParameters(*catalogue.find("bench/locked-counter"), {{"rounds", "2"}});
  for (const std::string strategy : {"naive", "dpor", "odpor"}) {
    CAPTURE(strategy);
    const Exploration whole = search(scenario, strategy, 1);
    std::uint64_t executions = 0;
    for (std::uint32_t index = 0; index < 3; ++index) {
      const Exploration part = search(scenario, strategy, index + 1, Shard{index, 3});  // 1, 2, 3 jobs
      CHECK(part.verdict.result == Result::Pass);
      executions += part.stats.executions;
    }
    CHECK(executions == whole.stats.executions);
  }
}

TEST_CASE("the jobs of one process share its subtrees out as they reach them") {
  SubtreeClaims claims;
  // Two jobs walk the same subtrees in order; whoever reaches one first takes it.
  CHECK(claims.claim(0));       // job A takes subtree 0
  CHECK_FALSE(claims.claim(0)); // job B arrives at 0: taken, it moves on
  CHECK(claims.claim(1));       // B takes 1 while A still works on 0
  CHECK_FALSE(claims.claim(1)); // A, done with 0, finds 1 taken
  CHECK(claims.claim(2));
}

TEST_CASE("a split search reports the counterexample the unsplit search finds first") {
  const Catalogue catalogue = cli::builtinCatalogue();
  for (const char* name : {"lock-order/abba", "eresource/suspended-owner", "rundown/suspended-holder"}) {
    CAPTURE(name);
    const Scenario& scenario = *catalogue.find(name);
    const Exploration one = search(scenario, "naive", 1, {}, false);
    const Exploration two = search(scenario, "naive", 2, {}, false);
    REQUIRE(one.counterexample);
    REQUIRE(two.counterexample);
    CHECK(two.counterexample->schedule == one.counterexample->schedule);
  }
}

TEST_CASE("the sampling and bounded strategies refuse --jobs and --shard") {
  for (const char* strategy : {"pb", "random", "pct"}) {
    CAPTURE(strategy);
    const auto jobs = test::runCli({"run", "lock-order/abba", "--strategy", strategy, "--jobs", "2"});
    CHECK(jobs.status == 2);
    CHECK(jobs.err.find("--jobs: strategy " + std::string(strategy) + " cannot be split") != std::string::npos);
    const auto shard = test::runCli({"run", "lock-order/abba", "--strategy", strategy, "--shard", "1/2"});
    CHECK(shard.status == 2);
    CHECK(shard.err.find("--shard: strategy " + std::string(strategy) + " cannot be split") != std::string::npos);
  }
}

TEST_CASE("the default strategy, odpor, splits: --jobs 2 finds the violation one job finds") {
  const auto one = test::runCli({"run", "lock-order/abba"});
  const auto two = test::runCli({"run", "lock-order/abba", "--jobs", "2"});
  CHECK(one.status == 1);
  CHECK(two.status == 1);
  CHECK(test::runCli({"run", "lock-order/abba", "--shard", "2/2"}).status != 2);
}

TEST_CASE("a scenario error in one job ends the split search with that error") {
  const Scenario broken{"test/broken", "", Expectation::pass(), Bounds{}, [](Setup& s) {
                          s.systemThread("a", [] { throw std::runtime_error("bad scenario"); });
                          s.systemThread("b", [] {});
                        }};
  CHECK_THROWS_AS((void)search(broken, "naive", 2), ScenarioError);
}

TEST_CASE("a split cuts where the product of a path's option counts reaches the cut") {
  CHECK(cutProductAfter(1, 1) == 1);          // a forced step does not move the cut
  CHECK(cutProductAfter(6, 6) == 36);         // six threads: 36 prefixes after two choices
  CHECK(cutProductAfter(512, 2) == PartitionedStrategy::kCutProduct);
  CHECK(cutProductAfter(std::uint64_t{1} << 40, 64) == std::uint64_t{1} << 40);  // capped, never overflows
}

TEST_CASE("split dpor and odpor run lastzero(5)'s 64 traces, as one search does") {
  // Deep enough that the cut falls inside races: odpor's subtrees cannot rely on wakeup
  // sequences inserted above the cut, so split it runs source-DPOR there.
  const Catalogue catalogue = cli::builtinCatalogue();
  const Scenario scenario = withParameters(*catalogue.find("bench/lastzero"), {{"n", "5"}});
  for (const std::string strategy : {"dpor", "odpor"}) {
    CAPTURE(strategy);
    CHECK(search(scenario, strategy, 2).stats.executions == 64);
    std::uint64_t executions = 0;
    for (std::uint32_t index = 0; index < 3; ++index)
      executions += search(scenario, strategy, 1, Shard{index, 3}).stats.executions;
    CHECK(executions == 64);
  }
}

TEST_CASE("a split refuses a cut product above the cap, where a path's prefix would have no bound") {
  CHECK_NOTHROW(PartitionedStrategy(std::make_unique<DfsStrategy>(), 0, 2, nullptr, kCutProductCap));
  CHECK_THROWS_AS(PartitionedStrategy(std::make_unique<DfsStrategy>(), 0, 2, nullptr, kCutProductCap + 1),
                  std::invalid_argument);
}
