// Every counterexample `interlock run` writes replays exactly: for every catalogue scenario
// expected to fail and every strategy, `interlock replay` of the trace gives the same verdict
// and the same trace again, byte for byte, threads the scenario creates while it runs (work
// items, system threads) included. The catalogue is enumerated, so a new scenario is covered.
#include "CliSupport.hpp"
#include "TempDir.hpp"

#include "interlock/checker/StrategyRegistry.hpp"
#include "interlock/reports/Trace.hpp"

#include <nlohmann/json.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <sstream>

using interlock::test::builtinCatalogue;
using interlock::test::readFile;
using interlock::test::runCli;
using interlock::test::TempDir;
using nlohmann::json;

namespace {

// The verdict as the trace shows it: what the search adds about its budget is no part of it.
json traceVerdict(json verdict) {
  verdict.erase("budget_hit");
  return verdict;
}

std::vector<std::string> words(const std::string& command) {
  std::istringstream in(command);
  std::vector<std::string> out;
  for (std::string word; in >> word;) out.push_back(word);
  return out;
}

}  // namespace

TEST_CASE("every trace run writes for a failing catalogue scenario replays exactly, under every strategy") {
  const TempDir scratch;
  const std::string trace = scratch.file("trace.json");
  std::size_t replayed = 0;
  for (const interlock::Scenario& scenario : builtinCatalogue().all()) {
    if (!scenario.expected.kind) continue;
    for (const interlock::StrategyInfo& info : interlock::strategies()) {
      const std::string_view strategy = info.name;
      CAPTURE(scenario.name);
      CAPTURE(strategy);
      // A bounded search: a strategy that finds nothing within it has no trace to replay.
      const auto run = runCli({"run", scenario.name, "--strategy", std::string(strategy), "--max-executions", "200",
                               "--trace", trace, "--json"});
      REQUIRE((run.status == 0 || run.status == 1 || run.status == 3));
      if (run.status != 1) continue;
      const json found = json::parse(run.out);
      CHECK(readFile(trace) == interlock::traceText(found["counterexample"]));
      const auto again = runCli({"replay", trace, "--json"});
      REQUIRE(again.status == 1);
      const json replay = json::parse(again.out);
      CHECK(replay["reproduced"] == true);
      CHECK(replay["verdict"] == traceVerdict(found["verdict"]));
      ++replayed;
    }
  }
  // Most pairs find their counterexample within the budget; none may fail to replay.
  CHECK(replayed > 0);
}

TEST_CASE("the replay command run prints reproduces a counterexample whose scenario creates a thread") {
  const TempDir scratch;
  const auto run = runCli({"run", "lock-order/latent", "--json"});
  REQUIRE(run.status == 1);
  const std::string command = json::parse(run.out)["replay"].get<std::string>();
  const auto split = command.find(" && ");
  REQUIRE(split != std::string::npos);
  for (const std::string& part : {command.substr(0, split), command.substr(split + 4)}) {
    std::vector<std::string> args = words(part);
    REQUIRE(args.front() == "interlock");
    args.erase(args.begin());
    for (std::string& arg : args)
      if (arg == "trace.json") arg = scratch.file("trace.json");
    const auto step = runCli(args);
    CHECK(step.status == 1);
    if (args.front() == "replay") CHECK(step.out.find("replay    reproduced the trace exactly\n") != std::string::npos);
  }
}

TEST_CASE("replay refuses a label naming no thread the execution ever had, a created one misspelled") {
  const TempDir scratch;
  const std::string trace = scratch.file("trace.json");
  REQUIRE(runCli({"run", "lock-order/latent", "--trace", trace}).status == 1);
  json document = json::parse(readFile(trace));
  const auto& schedule = document["schedule"];
  const auto worker = std::find(schedule.begin(), schedule.end(), "run worker1");
  REQUIRE(worker != schedule.end());
  const auto entry = static_cast<std::size_t>(worker - schedule.begin());
  document["schedule"][entry] = "run wroker1";
  interlock::test::writeFile(trace, document.dump(2));
  const auto r = runCli({"replay", trace});
  CHECK(r.status == 2);
  CHECK(r.err == "interlock: " + trace + ": field 'schedule[" + std::to_string(entry) +
                     "]': 'run wroker1' is not a choice of scenario lock-order/latent (expected \"run THREAD\", "
                     "\"suspend THREAD\", \"apc NAME\" or \"branch I/N\")\n");
}
