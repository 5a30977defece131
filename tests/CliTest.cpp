// The command line: exit statuses 0 pass, 1 violation, 2 bad input, 3 incomplete, and
// messages that name what was wrong.
#include "CliSupport.hpp"
#include "TempDir.hpp"

#include <nlohmann/json.hpp>

#include <doctest/doctest.h>

#include <filesystem>
#include <vector>

using interlock::test::runCli;
using interlock::test::TempDir;

TEST_CASE("run exits 1 on a violation and 0 on a pass") {
  CHECK(runCli({"run", "eresource/suspended-owner", "--strategy", "naive"}).status == 1);
  CHECK(runCli({"run", "eresource/critical-region", "--strategy", "naive"}).status == 0);
}

TEST_CASE("run exits 3 when the step bound cuts the search") {
  const auto r = runCli({"run", "eresource/critical-region", "--strategy", "naive", "--max-steps", "3"});
  CHECK(r.status == 3);
  CHECK(r.out.find("incomplete (step bound)\n          to finish: raise --max-steps") != std::string::npos);
}

TEST_CASE("run --json prints the verdict and statistics as one object") {
  const auto r = runCli({"run", "eresource/suspended-owner", "--strategy", "naive", "--json"});
  REQUIRE(r.status == 1);
  const auto out = nlohmann::json::parse(r.out);
  CHECK(out["verdict"]["result"] == "violation");
  CHECK(out["verdict"]["kind"] == "SuspendedOwnerDoS");
  CHECK(out["verdict"]["rule"] == "SuspendedOwner");
  CHECK(out["verdict"]["causes"][0]["rule"] == "WithinCriticalRegion");
  CHECK(out["stats"]["executions"] == 3);
  CHECK(out["settings"]["max_suspensions"] == 1);
}

TEST_CASE("run prints the bounds and strategy in force and a replay command") {
  const auto r = runCli({"run", "lock-order/abba", "--strategy", "naive"});
  CHECK(r.out.find("strategy naive; bounds: 1000 steps per execution, 1 suspension") != std::string::npos);
  CHECK(r.out.find("replay    interlock run lock-order/abba --strategy naive --trace trace.json") != std::string::npos);
}

TEST_CASE("an unknown scenario exits 2 and suggests the closest names") {
  const auto r = runCli({"run", "eresource/suspend-owner", "--strategy", "naive"});
  CHECK(r.status == 2);
  CHECK(r.err.find("unknown scenario 'eresource/suspend-owner'; did you mean eresource/suspended-owner") !=
        std::string::npos);
}

TEST_CASE("an out-of-range option exits 2 naming the option") {
  const auto r = runCli({"run", "lock-order/abba", "--strategy", "naive", "--max-steps", "0"});
  CHECK(r.status == 2);
  CHECK(r.err.find("--max-steps") != std::string::npos);
}

TEST_CASE("an unwritable trace path exits 2 before exploring") {
  const auto r = runCli({"run", "lock-order/abba", "--strategy", "naive", "--trace", "/no/such/dir/trace.json", "--json"});
  CHECK(r.status == 2);
  CHECK(r.out.empty());
  CHECK(r.err.find("/no/such/dir/trace.json: cannot write here") != std::string::npos);
}

TEST_CASE("run --trace writes the trace and replay reproduces it exactly") {
  const TempDir dir;
  const std::string path = dir.file("trace.json");
  REQUIRE(runCli({"run", "eresource/suspended-waiter", "--strategy", "naive", "--trace", path}).status == 1);
  // The trace and nothing else: no temporary left beside it.
  CHECK(std::vector<std::filesystem::path>(std::filesystem::directory_iterator(dir.path()), {}) ==
        std::vector<std::filesystem::path>{path});
  const auto r = runCli({"replay", path, "--json"});
  CHECK(r.status == 1);
  const auto out = nlohmann::json::parse(r.out);
  CHECK(out["reproduced"] == true);
  CHECK(out["verdict"]["kind"] == "SuspendedOwnerDoS");
}

TEST_CASE("a passing run writes no trace file") {
  const TempDir dir;
  CHECK(runCli({"run", "lock-order/consistent", "--strategy", "naive", "--trace", dir.file("trace.json")}).status == 0);
  CHECK(std::filesystem::is_empty(dir.path()));
}

TEST_CASE("replay of a missing file exits 2 naming it") {
  const TempDir dir;
  const std::string missing = dir.file("missing.json");
  const auto r = runCli({"replay", missing});
  CHECK(r.status == 2);
  CHECK(r.err == "interlock: " + missing + ": cannot open the file for reading\n");
}

TEST_CASE("replay of a trace for an unknown scenario exits 2 naming the field") {
  const TempDir dir;
  const std::string path = dir.write("unknown-scenario.json", R"({"format": "interlock-trace", "version": 1, "scenario": {"name": "nope/none"},
    "settings": {"strategy": "dfs", "max_steps": 10, "max_suspensions": 1, "max_apcs": 1}, "schedule": []})");
  const auto r = runCli({"replay", path});
  CHECK(r.status == 2);
  CHECK(r.err.find("field 'scenario.name': no scenario named 'nope/none'") != std::string::npos);
}

TEST_CASE("replay of a schedule naming no thread of the scenario exits 2 naming the entry") {
  const TempDir dir;
  const std::string path = dir.write("bad-choice.json", R"({"format": "interlock-trace", "version": 1, "scenario": {"name": "lock-order/abba"},
    "settings": {"strategy": "dfs", "max_steps": 10, "max_suspensions": 1, "max_apcs": 1}, "schedule": ["run create", "run ghost"]})");
  const auto r = runCli({"replay", path});
  CHECK(r.status == 2);
  CHECK(r.err.find("field 'schedule[1]': 'run ghost' is not a choice of scenario lock-order/abba") !=
        std::string::npos);
}

TEST_CASE("replay of a schedule the scenario no longer follows exits 2 naming the step") {
  const TempDir dir;
  const std::string path = dir.write("diverged.json", R"({"format": "interlock-trace", "version": 1, "scenario": {"name": "lock-order/abba"},
    "settings": {"strategy": "dfs", "max_steps": 10, "max_suspensions": 1, "max_apcs": 1}, "schedule": ["run create", "suspend create"]})");
  const auto r = runCli({"replay", path});
  CHECK(r.status == 2);
  CHECK(r.err.find("schedule entry 1: 'suspend create' is not possible here") != std::string::npos);
}

TEST_CASE("check over the catalogue exits 0 when every expectation is met") {
  const auto r = runCli({"check", "--strategy", "naive", "--json", "lock-order/abba", "lock-order/consistent", "eresource/suspended-owner"});
  CHECK(r.status == 0);
  const auto out = nlohmann::json::parse(r.out);
  CHECK(out["scenarios"].size() == 3);
}

TEST_CASE("list names every scenario with its expected verdict") {
  const auto r = runCli({"list"});
  CHECK(r.status == 0);
  CHECK(r.out.find("eresource/suspended-owner") != std::string::npos);
  CHECK(r.out.find("SuspendedOwnerDoS (SuspendedOwner)") != std::string::npos);
}
