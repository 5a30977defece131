// run and check options that shape the search: --strategy, --preemptions, --seed,
// --pct-depth, --jobs, --shard, --time-limit, --param, --no-minimize; the bounds line, the
// replay command and the JSON that report them.
#include "CliSupport.hpp"

#include <nlohmann/json.hpp>

#include <doctest/doctest.h>

using interlock::test::contains;
using interlock::test::EnvironmentGuard;
using interlock::test::runCli;
using interlock::test::runParameterized;
using nlohmann::json;

namespace {

const std::map<std::string, std::optional<std::string>> kNoShardEnvironment{
    {"INTERLOCK_SHARD_INDEX", std::nullopt}, {"INTERLOCK_SHARD_COUNT", std::nullopt},
    {"JOB_COMPLETION_INDEX", std::nullopt},  {"SLURM_ARRAY_TASK_ID", std::nullopt},
    {"SLURM_ARRAY_TASK_MIN", std::nullopt},  {"SLURM_ARRAY_TASK_COUNT", std::nullopt}};

}  // namespace

TEST_CASE("--strategy accepts the explorer's strategy names and reports the one in force") {
  const auto r = runCli({"run", "lock-order/abba", "--strategy", "naive", "--json"});
  CHECK(r.status == 1);
  const auto out = json::parse(r.out);
  CHECK(out["strategy"] == "naive");
  CHECK(out["settings"]["strategy"] == "naive");
}

TEST_CASE("without --strategy the search is optimal DPOR") {
  const auto r = runCli({"run", "bench/lastzero", "--param", "n=5", "--json"});
  CHECK(r.status == 0);
  const auto out = json::parse(r.out);
  CHECK(out["strategy"] == "odpor");
  CHECK(out["stats"]["executions"] == 64);        // one per Mazurkiewicz trace
  CHECK(out["stats"]["sleep_set_blocked"] == 0);  // source-DPOR (dpor) also runs 33 of these
}

TEST_CASE("an unknown --strategy exits 2 listing the strategies") {
  const auto r = runCli({"run", "lock-order/abba", "--strategy", "bfs"});
  CHECK(r.status == 2);
  CHECK(contains(r.err, "--strategy: unknown strategy 'bfs'; expected one of odpor, dpor, dfs, naive, pb, random, pct"));
}

TEST_CASE("out-of-range search options exit 2 naming the option and the accepted range") {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases{
      {{"--jobs", "0"}, "--jobs: Value 0 not in range 1 to 256"},
      {{"--jobs", "257"}, "--jobs: Value 257 not in range 1 to 256"},
      {{"--pct-depth", "0"}, "--pct-depth: Value 0 not in range 1 to 1000"},
      {{"--preemptions", "1001"}, "--preemptions: Value 1001 not in range 0 to 1000"},
      {{"--time-limit", "0"}, "--time-limit: expected seconds greater than 0 and at most 31536000 (a year), found '0'"},
      {{"--time-limit", "-3"}, "--time-limit: expected seconds greater than 0"},
      {{"--time-limit", "soon"}, "--time-limit: expected seconds greater than 0"},
      {{"--seed", "-1"}, "--seed: expected a whole number from 0 to 18446744073709551615, found '-1'"},
      {{"--shard", "3/2"}, "--shard: expected I/N with 1 <= I <= N <= 65536 (e.g. 2/4), or auto; found '3/2'"},
      {{"--shard", "0/2"}, "--shard: expected I/N with 1 <= I <= N <= 65536"},
  };
  for (const auto& [option, message] : cases) {
    std::vector<std::string> args{"run", "lock-order/abba", "--strategy", "naive"};
    args.insert(args.end(), option.begin(), option.end());
    CAPTURE(option[0]);
    CAPTURE(option[1]);
    const auto r = runCli(args);
    CHECK(r.status == 2);
    CHECK(contains(r.err, message));
    CHECK(r.out.empty());
  }
}

TEST_CASE("--shard auto without a shard in the environment exits 2 saying which variables it looked for") {
  const EnvironmentGuard env(kNoShardEnvironment);
  const auto r = runCli({"run", "lock-order/abba", "--strategy", "naive", "--shard", "auto"});
  CHECK(r.status == 2);
  CHECK(contains(r.err, "interlock: --shard auto: no shard in the environment; looked for INTERLOCK_SHARD_INDEX"));
  CHECK(contains(r.err, "JOB_COMPLETION_INDEX"));
  CHECK(contains(r.err, "SLURM_ARRAY_TASK_ID"));
}

TEST_CASE("--shard auto takes the shard from the environment and reports it 1-based") {
  auto values = kNoShardEnvironment;
  values["INTERLOCK_SHARD_INDEX"] = "2";
  values["INTERLOCK_SHARD_COUNT"] = "3";
  const EnvironmentGuard env(values);
  const auto r = runCli({"run", "lock-order/abba", "--strategy", "naive", "--shard", "auto", "--json"});
  REQUIRE(r.status == 1);
  const auto out = json::parse(r.out);
  CHECK(out["shard"] == json{{"index", 2}, {"count", 3}});
  CHECK(contains(out["replay"].get<std::string>(), " --shard 2/3 "));
}

TEST_CASE("an unsharded run reports shard 1 of 1") {
  const auto out = json::parse(runCli({"run", "lock-order/consistent", "--strategy", "naive", "--json"}).out);
  CHECK(out["shard"] == json{{"index", 1}, {"count", 1}});
}

TEST_CASE("run --json reports every statistic, the strategy, the shard and the parameters") {
  const auto r = runParameterized({"run", "test/counter", "--strategy", "naive", "--param", "threads=2", "--json"});
  REQUIRE(r.status == 0);
  const auto out = json::parse(r.out);
  for (const char* key : {"executions", "steps", "choice_points", "max_depth", "elapsed_seconds",
                          "executions_per_second", "sleep_set_blocked", "alternatives_skipped",
                          "minimization_executions"}) {
    CAPTURE(key);
    CHECK(out["stats"].contains(key));
  }
  CHECK(out["stats"]["executions"].get<std::uint64_t>() > 1);
  CHECK(out["parameters"] == json{{"rounds", "1"}, {"threads", "2"}});
  CHECK(out["strategy"] == "naive");
  CHECK(out["met"] == true);
  CHECK(out["counterexample"].is_null());
  CHECK(out["settings"]["jobs"] == 1);
  CHECK(out["settings"]["minimize"] == true);
  CHECK(out["settings"]["time_limit_seconds"] == 0);
}

TEST_CASE("run --json carries the counterexample trace, so merge can print it") {
  const auto out = json::parse(runCli({"run", "lock-order/abba", "--strategy", "naive", "--json"}).out);
  CHECK(out["counterexample"]["format"] == "interlock-trace");
  CHECK(out["counterexample"]["verdict"]["kind"] == "Deadlock");
}

TEST_CASE("--param sets a scenario parameter and the bounds line names it") {
  const auto r = runParameterized({"run", "test/abba-rounds", "--strategy", "naive", "--param", "rounds=2"});
  CHECK(r.status == 1);
  CHECK(contains(r.out, "bounds    strategy naive; bounds: 1000 steps per execution, 1 suspension, 1 APC; parameters rounds=2\n"));
  CHECK(contains(r.out, "replay    interlock run test/abba-rounds --strategy naive --param rounds=2 --trace trace.json && "
                        "interlock replay trace.json\n"));
}

TEST_CASE("--param changes what the scenario does") {
  const auto one = json::parse(runParameterized({"run", "test/counter", "--strategy", "naive", "--json"}).out);
  const auto three = json::parse(
      runParameterized({"run", "test/counter", "--strategy", "naive", "--param", "threads=3", "--json"}).out);
  CHECK(three["stats"]["executions"].get<std::uint64_t>() > one["stats"]["executions"].get<std::uint64_t>());
}

TEST_CASE("an unknown --param key exits 2 naming the key and the accepted ones") {
  const auto r = runParameterized({"run", "test/counter", "--strategy", "naive", "--param", "workers=3"});
  CHECK(r.status == 2);
  CHECK(r.err == "interlock: --param: scenario 'test/counter' has no parameter 'workers'; it accepts rounds, threads\n");
}

TEST_CASE("--param for a scenario without parameters exits 2 saying it takes none") {
  const auto r = runCli({"run", "lock-order/abba", "--strategy", "naive", "--param", "n=3"});
  CHECK(r.status == 2);
  CHECK(contains(r.err, "--param: scenario 'lock-order/abba' has no parameter 'n'; it takes no parameters"));
}

TEST_CASE("a --param value that is not KEY=VALUE or not a whole number exits 2 naming --param") {
  auto r = runParameterized({"run", "test/counter", "--param", "threads"});
  CHECK(r.status == 2);
  CHECK(r.err == "interlock: --param: expected KEY=VALUE (e.g. --param threads=3), found 'threads'\n");
  r = runParameterized({"run", "test/counter", "--param", "threads=many"});
  CHECK(r.status == 2);
  CHECK(contains(r.err, "--param: parameter 'threads' of scenario 'test/counter': expected a non-negative integer, found 'many'"));
  r = runParameterized({"run", "test/counter", "--param", "threads=2", "--param", "threads=3"});
  CHECK(r.status == 2);
  CHECK(r.err == "interlock: --param: 'threads' is given more than once\n");
}

TEST_CASE("--param is repeatable") {
  const auto out = json::parse(runParameterized({"run", "test/counter", "--strategy", "naive", "--param", "threads=1",
                                                 "--param", "rounds=2", "--json"})
                                   .out);
  CHECK(out["parameters"] == json{{"rounds", "2"}, {"threads", "1"}});
}

TEST_CASE("the bounds line names the shard, jobs, time limit and minimization in force") {
  const auto r = runCli({"run", "lock-order/consistent", "--strategy", "naive", "--shard", "2/4", "--jobs", "2",
                         "--time-limit", "90", "--no-minimize"});
  CHECK(contains(r.out, "; shard 2/4; 2 jobs; time limit 1m30s; no minimization\n"));
}

TEST_CASE("the replay command repeats every option that decides the counterexample") {
  const auto out = json::parse(runCli({"run", "lock-order/abba", "--strategy", "naive", "--max-steps", "50",
                                       "--shard", "1/2", "--no-minimize", "--jobs", "2", "--json"})
                                   .out);
  CHECK(out["replay"] == "interlock run lock-order/abba --strategy naive --max-steps 50 --shard 1/2 --no-minimize "
                         "--trace trace.json && interlock replay trace.json");
  CHECK(out["settings"]["minimize"] == false);
  CHECK(out["settings"]["jobs"] == 2);
}

TEST_CASE("check takes --strategy, --jobs and --time-limit and reports them per scenario") {
  const auto r = runCli({"check", "--json", "--strategy", "naive", "--jobs", "2", "--time-limit", "60",
                         "lock-order/abba", "lock-order/consistent"});
  CHECK(r.status == 0);
  const auto out = json::parse(r.out);
  REQUIRE(out["scenarios"].size() == 2);
  CHECK(out["scenarios"][0]["settings"]["strategy"] == "naive");
  CHECK(out["scenarios"][0]["settings"]["jobs"] == 2);
  CHECK(out["scenarios"][0]["settings"]["time_limit_seconds"] == 60);
  CHECK(out["scenarios"][0]["stats"].contains("sleep_set_blocked"));
}

TEST_CASE("check prints the search settings under its table") {
  const auto r = runCli({"check", "--strategy", "naive", "--time-limit", "60", "lock-order/consistent"});
  CHECK(r.status == 0);
  CHECK(contains(r.out, "search    strategy naive; time limit 60 s per scenario\n"));
}

TEST_CASE("check with an unknown --strategy exits 2 listing the strategies") {
  const auto r = runCli({"check", "--strategy", "bfs"});
  CHECK(r.status == 2);
  CHECK(contains(r.err, "expected one of odpor, dpor, dfs, naive, pb, random, pct"));
}

TEST_CASE("--time-limit ends a long search with verdict incomplete and says how far it got") {
  const auto r = runParameterized({"run", "test/counter", "--strategy", "naive", "--param", "threads=3", "--param",
                                   "rounds=2", "--time-limit", "0.001"});
  CHECK(r.status == 3);
  CHECK(contains(r.out, "verdict   incomplete (time limit)\n"
                        "          to finish: raise --time-limit or split the search with --jobs or --shard\n"));
  CHECK(contains(r.out, "; time limit 0.001 s\n"));
  CHECK(contains(r.out, "stats     "));
}
