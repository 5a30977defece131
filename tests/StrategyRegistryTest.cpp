// The strategy table: the command line accepts, lists and refuses strategy names from it, and
// the explorer splits and budgets a strategy as its entry says.
#include "CliSupport.hpp"

#include "interlock/checker/Explorer.hpp"
#include "interlock/checker/StrategyRegistry.hpp"

#include <nlohmann/json.hpp>

#include <doctest/doctest.h>

#include <set>
#include <stdexcept>
#include <string>

using namespace interlock;
using interlock::test::contains;
using interlock::test::runCli;
using nlohmann::json;

namespace {

std::set<std::string> namesWhere(bool (*keep)(const StrategyInfo&)) {
  std::set<std::string> names;
  for (const StrategyInfo& info : strategies())
    if (keep(info)) names.emplace(info.name);
  return names;
}

Exploration exploreWith(const std::string& scenario, const std::string& strategy, std::uint64_t maxExecutions,
                        Shard shard = {}) {
  const Scenario& found = *test::builtinCatalogue().find(scenario);
  Settings settings = defaultSettings(found);
  settings.strategy = strategy;
  settings.maxExecutions = maxExecutions;
  settings.shard = shard;
  settings.minimize = false;
  return explore(found, settings);
}

}  // namespace

TEST_CASE("the table holds the seven strategies, odpor first as the default") {
  std::string names;
  for (const StrategyInfo& info : strategies()) names += std::string(info.name) + " ";
  CHECK(names == "odpor dpor dfs naive pb random pct ");
  CHECK(Settings{}.strategy == strategies().front().name);
  for (const StrategyInfo& info : strategies()) {
    CAPTURE(info.name);
    CHECK(findStrategy(info.name) == &info);
    REQUIRE(static_cast<bool>(info.make));
    Settings settings;
    settings.strategy = std::string(info.name);
    CHECK(makeStrategy(settings)->name() == info.name);
  }
  CHECK(findStrategy("bfs") == nullptr);
}

TEST_CASE("the exhaustive tree searches split, pb and the samplers do not; random and pct sample") {
  CHECK(namesWhere([](const StrategyInfo& s) { return s.splittable; }) ==
        std::set<std::string>{"odpor", "dpor", "dfs", "naive"});
  CHECK(namesWhere([](const StrategyInfo& s) { return s.samples; }) == std::set<std::string>{"random", "pct"});
  CHECK(namesWhere([](const StrategyInfo& s) { return s.readsPreemptions; }) == std::set<std::string>{"pb"});
  CHECK(namesWhere([](const StrategyInfo& s) { return s.readsSeed; }) == std::set<std::string>{"random", "pct"});
  CHECK(namesWhere([](const StrategyInfo& s) { return s.readsPctDepth; }) == std::set<std::string>{"pct"});
}

TEST_CASE("--strategy accepts every strategy in the table") {
  for (const StrategyInfo& info : strategies()) {
    CAPTURE(info.name);
    const auto r = runCli({"run", "lock-order/abba", "--strategy", std::string(info.name), "--max-executions", "20",
                           "--json"});
    CHECK(r.status != 2);
    CHECK(json::parse(r.out)["strategy"] == info.name);
  }
}

TEST_CASE("run --help lists every strategy in the table, in its order") {
  const auto r = runCli({"run", "--help"});
  CHECK(r.status == 0);
  CHECK(contains(r.out, "Search strategy: " + strategyList() + " (default: odpor)"));
  for (const StrategyInfo& info : strategies()) CHECK(contains(r.out, std::string(info.name)));
  CHECK(contains(r.out, "pb: the largest preemption bound tried"));
  CHECK(contains(r.out, "random, pct: the seed"));
  CHECK(contains(r.out, "pct: the bug depth d"));
}

TEST_CASE("an unknown strategy is refused with every name in the table") {
  CHECK(strategyList() == "odpor, dpor, dfs, naive, pb, random, pct");
  const std::string expected = "unknown strategy 'bfs'; expected one of " + strategyList();
  const auto r = runCli({"run", "lock-order/abba", "--strategy", "bfs"});
  CHECK(r.status == 2);
  CHECK(contains(r.err, "--strategy: " + expected));
  Settings settings;
  settings.strategy = "bfs";
  CHECK_THROWS_WITH_AS((void)makeStrategy(settings), expected.c_str(), std::invalid_argument);
  CHECK_THROWS_WITH_AS((void)exploreWith("lock-order/abba", "bfs", 1), expected.c_str(), std::invalid_argument);
}

TEST_CASE("--jobs is accepted exactly for the strategies the table marks splittable") {
  for (const StrategyInfo& info : strategies()) {
    CAPTURE(info.name);
    const auto r = runCli({"run", "lock-order/abba", "--strategy", std::string(info.name), "--jobs", "2"});
    CHECK((r.status == 2) == !info.splittable);
    if (!info.splittable)
      CHECK(contains(r.err, "(only the exhaustive searches odpor, dpor, dfs and naive divide their tree)"));
  }
}

TEST_CASE("the explorer splits exactly the strategies the table marks splittable") {
  for (const StrategyInfo& info : strategies()) {
    CAPTURE(info.name);
    if (info.splittable) {
      CHECK_NOTHROW((void)exploreWith("lock-order/abba", std::string(info.name), 20, Shard{0, 2}));
    } else {
      CHECK_THROWS_WITH_AS((void)exploreWith("lock-order/abba", std::string(info.name), 20, Shard{0, 2}),
                           ("--jobs and --shard split the search tree of strategies odpor, dpor, dfs and naive; "
                            "strategy '" + std::string(info.name) + "' cannot be split").c_str(),
                           std::invalid_argument);
    }
  }
}

TEST_CASE("a sampling strategy spends its own budget; the others stop at the explorer's") {
  // lastzero(3) passes with 16 schedules under the strongest reduction: a budget of three cuts it.
  for (const StrategyInfo& info : strategies()) {
    CAPTURE(info.name);
    const Exploration e = exploreWith("bench/lastzero", std::string(info.name), 3);
    CHECK(e.stats.executions == 3);
    CHECK(e.verdict.result == Result::Incomplete);
    CHECK(contains(e.verdict.incompleteReason, "execution budget") == !info.samples);
    CHECK(contains(e.verdict.incompleteReason, "random sampling") == info.samples);
  }
}
