// --max-executions E under --jobs N (and --shard): the jobs share one budget and together run
// exactly E executions, not E rounded up to how often a job tells the others its count.
#include "CliSupport.hpp"
#include "interlock/checker/Explorer.hpp"

#include <nlohmann/json.hpp>

#include <doctest/doctest.h>

namespace {

using namespace interlock;

// A tree far larger than any budget below.
Scenario bigTree() {
  return withParameters(*test::builtinCatalogue().find("bench/locked-counter"), {{"threads", "3"}, {"rounds", "2"}});
}

Exploration budgeted(const std::string& strategy, unsigned jobs, std::uint64_t budget, Shard shard = {}) {
  const Scenario scenario = bigTree();
  Settings settings = defaultSettings(scenario);
  settings.strategy = strategy;
  settings.jobs = jobs;
  settings.jobsJoinAfterSeconds = 0;  // every job runs from the start
  settings.maxExecutions = budget;
  settings.shard = shard;
  return explore(scenario, settings);
}

}  // namespace

TEST_CASE("jobs sharing an execution budget run exactly that many executions") {
  for (const std::string strategy : {"naive", "dfs", "dpor", "odpor"})
    for (const unsigned jobs : {2U, 3U, 4U})
      for (const std::uint64_t budget : {1U, 63U, 65U, 300U}) {  // around the 64 a job counts alone
        CAPTURE(strategy);
        CAPTURE(jobs);
        CAPTURE(budget);
        const Exploration exploration = budgeted(strategy, jobs, budget);
        CHECK(exploration.stats.executions == budget);
        CHECK(exploration.verdict.result == Result::Incomplete);
        CHECK(exploration.verdict.incompleteReason == "execution budget");
      }
}

TEST_CASE("a shard's jobs sharing an execution budget run exactly that many executions") {
  for (const std::uint64_t budget : {7U, 100U})
    CHECK(budgeted("dpor", 3, budget, Shard{1, 2}).stats.executions == budget);
}

TEST_CASE("run --jobs --max-executions reports exactly the budget's executions") {
  const auto r = test::runCli({"run", "bench/locked-counter", "--param", "threads=3", "--param", "rounds=2",
                               "--strategy", "naive", "--jobs", "3", "--max-executions", "3001", "--json"});
  CHECK(r.status == 3);
  CHECK(nlohmann::json::parse(r.out)["stats"]["executions"] == 3001);
}
