// --jobs with a join delay (Settings::jobsJoinAfterSeconds, 10 ms from the CLI): job 0 runs on
// the calling thread and the others start only once the search has run that long, so a search
// of milliseconds starts no thread, and jobs that join late still cover the tree exactly once.
#include "Support.hpp"
#include "interlock/checker/Explorer.hpp"
#include "interlock/cli/Cli.hpp"

#include <doctest/doctest.h>

#include <mutex>
#include <set>
#include <thread>

namespace {

using namespace interlock;

Exploration search(const Scenario& scenario, const std::string& strategy, unsigned jobs, double joinAfter) {
  Settings settings = defaultSettings(scenario);
  settings.strategy = strategy;
  settings.jobs = jobs;
  settings.jobsJoinAfterSeconds = joinAfter;
  settings.minimize = false;
  return explore(scenario, settings);
}

}  // namespace

TEST_CASE("a split search that ends before the join delay runs every execution on the calling thread") {
  std::mutex mutex;
  std::set<std::thread::id> explorers;
  const Scenario scenario = test::inlineScenario([&](Setup& s) {
    auto& x = s.make<Shared<int>>("x");
    for (int i = 0; i < 3; ++i)
      s.systemThread("w" + std::to_string(i), [&x, &mutex, &explorers, i] {
        {
          const std::lock_guard lock(mutex);
          explorers.insert(std::this_thread::get_id());  // a fiber runs on the job's thread
        }
        x.store(i);
      });
  });
  const Exploration e = search(scenario, "naive", 4, 3600);
  CHECK(e.stats.executions == 6);
  CHECK(explorers == std::set{std::this_thread::get_id()});
}

TEST_CASE("jobs that join after the search started still run each complete execution once") {
  const Catalogue catalogue = cli::builtinCatalogue();
  for (const std::string strategy : {"naive", "dpor"}) {
    for (const auto& [name, parameters] :
         {std::pair<const char*, Parameters>{"bench/locked-counter", {{"threads", "3"}, {"rounds", "1"}}},
          {"bench/lastzero", {{"n", "3"}}}, {"eresource/apc-reentry-fixed", {}}}) {
      CAPTURE(strategy);
      CAPTURE(name);
      const Scenario scenario = withParameters(*catalogue.find(name), parameters);
      const Exploration one = search(scenario, strategy, 1, 0);
      // A microsecond: the others join after job 0's first execution, mid-tree.
      const Exploration late = search(scenario, strategy, 3, 1e-6);
      CHECK(late.stats.executions == one.stats.executions);
      CHECK(late.verdict.result == one.verdict.result);
    }
  }
}
