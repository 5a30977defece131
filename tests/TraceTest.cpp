// Trace files: deterministic to the byte, replayable, and validated on the way in.
#include "interlock/checker/Explorer.hpp"
#include "interlock/checker/Schedule.hpp"
#include "interlock/reports/Trace.hpp"
#include "interlock/cli/Cli.hpp"

#include "TempDir.hpp"

#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>
#include <string>

using namespace interlock;

namespace {

std::string traceOf(const Scenario& scenario) {
  const Settings settings = defaultSettings(scenario);
  const Exploration e = explore(scenario, settings);
  REQUIRE(e.counterexample.has_value());
  return traceText(traceJson(scenario, settings, *e.counterexample));
}

std::string readError(const std::string& path) {
  try {
    (void)readTrace(path);
  } catch (const InputError& error) {
    return error.what();
  }
  return "";
}

const char* kViolating[] = {"eresource/suspended-owner", "eresource/suspended-waiter",
                            "lock-order/abba", "apc-disable/unbalanced-exit"};

}  // namespace

TEST_CASE("exploring a scenario twice writes byte-identical traces") {
  const Catalogue catalogue = cli::builtinCatalogue();
  for (const char* name : kViolating) {
    CAPTURE(name);
    const Scenario& scenario = *catalogue.find(name);
    CHECK(traceOf(scenario) == traceOf(scenario));
  }
}

TEST_CASE("replaying a trace reproduces its verdict and its bytes") {
  const test::TempDir dir;
  const Catalogue catalogue = cli::builtinCatalogue();
  for (const char* name : kViolating) {
    CAPTURE(name);
    const Scenario& scenario = *catalogue.find(name);
    const std::string original = traceOf(scenario);
    const std::string path = dir.write("replay.json", original);
    const TraceFile file = readTrace(path);
    CHECK(file.scenario == name);
    const Snapshot names = namesOf(scenario);
    std::vector<Choice> schedule;
    for (const std::string& text : file.schedule) schedule.push_back(*parseLabel(text, names));
    const Replay again = replay(scenario, file.settings, schedule);
    CHECK_FALSE(again.divergence);
    CHECK(traceText(traceJson(scenario, file.settings, again.execution)) == original);
    CHECK(again.verdict.summary() == file.document["verdict"]["kind"].get<std::string>() + " (" +
                                         file.document["verdict"]["rule"].get<std::string>() + ")");
  }
}

TEST_CASE("a trace records the format, settings, schedule and each step's thread state") {
  const Catalogue catalogue = cli::builtinCatalogue();
  const auto trace = nlohmann::json::parse(traceOf(*catalogue.find("eresource/suspended-owner")));
  CHECK(trace["format"] == "interlock-trace");
  CHECK(trace["version"] == 1);
  CHECK(trace["scenario"]["name"] == "eresource/suspended-owner");
  CHECK(trace["settings"]["max_suspensions"] == 1);
  CHECK(trace["verdict"]["result"] == "violation");
  CHECK(trace["verdict"]["kind"] == "SuspendedOwnerDoS");
  CHECK(trace["verdict"]["causes"][0]["rule"] == "WithinCriticalRegion");
  // The minimal schedule: no preemption, one suspension, three steps.
  CHECK(trace["schedule"] == nlohmann::json::array({"run user", "suspend user", "run system"}));
  const auto& acquire = trace["events"][2];
  CHECK(acquire["thread"] == "user");
  CHECK(acquire["call"] == "ExAcquireResourceExclusiveLite(&Resource, TRUE)");
  CHECK(acquire["result"] == "TRUE");
  CHECK(acquire["irql"] == 0);
  CHECK(acquire["kernel_apc_disable"] == 0);
  CHECK(acquire["special_apc_disable"] == 0);
}

TEST_CASE("reading a missing trace file names the file") {
  const test::TempDir dir;
  const std::string missing = dir.file("no-such-trace.json");
  CHECK(readError(missing) == missing + ": cannot open the file for reading");
}

TEST_CASE("reading a file that is not JSON says so") {
  const test::TempDir dir;
  const std::string path = dir.write("not-json.json", "{ this is not json");
  CHECK(readError(path).starts_with(path + ": not valid JSON"));
}

TEST_CASE("reading a trace of another format names the field and what was expected") {
  const test::TempDir dir;
  const std::string path = dir.write("format.json", R"({"format": "pcap", "version": 1})");
  CHECK(readError(path) == path + ": field 'format': expected \"interlock-trace\", found \"pcap\"");
}

TEST_CASE("reading a trace of another version names the field and the version read") {
  const test::TempDir dir;
  const std::string path =
      dir.write("version.json", R"({"format": "interlock-trace", "version": 2})");
  CHECK(readError(path) == path + ": field 'version': expected 1, found 2 (this interlock reads trace version 1)");
}

TEST_CASE("reading a trace without a scenario name names the missing field") {
  const test::TempDir dir;
  const std::string path = dir.write(
      "noscenario.json", R"({"format": "interlock-trace", "version": 1, "scenario": {}})");
  CHECK(readError(path) == path + ": field 'scenario.name' is missing");
}

TEST_CASE("reading a trace with a bad bound names the setting and the accepted range") {
  const test::TempDir dir;
  const std::string path = dir.write("bound.json", R"({"format": "interlock-trace", "version": 1,
      "scenario": {"name": "x"}, "settings": {"strategy": "dfs", "max_steps": 0, "max_suspensions": 1}})");
  CHECK(readError(path) == path + ": field 'settings.max_steps': expected a whole number from 1 to 1000000000, found 0");
}

TEST_CASE("a schedule that no longer fits the scenario is refused at the entry where they part") {
  const Catalogue catalogue = cli::builtinCatalogue();
  const Scenario& scenario = *catalogue.find("lock-order/consistent");
  const Snapshot names = namesOf(scenario);
  const Replay r = replay(scenario, defaultSettings(scenario),
                          {*parseLabel("run create", names), *parseLabel("branch 1/2", names)});
  REQUIRE(r.divergence);
  CHECK(r.divergence->starts_with("schedule entry 1: 'branch 1/2' is not possible here; the scenario offers run create, run rename"));
}

// Scenario parameters: recorded in the trace and applied on replay.
#include "CliSupport.hpp"

#include <nlohmann/json.hpp>

TEST_CASE("a trace records the scenario's parameters, and replay applies them") {
  const test::TempDir dir;
  const std::string path = dir.write("params.json", "");
  const auto run = test::runParameterized(
      {"run", "test/abba-rounds", "--strategy", "naive", "--param", "rounds=2", "--trace", path});
  REQUIRE(run.status == 1);
  const TraceFile file = readTrace(path);
  CHECK(file.parameters == Parameters{{"rounds", "2"}});
  CHECK(file.document["scenario"]["parameters"] == nlohmann::json{{"rounds", "2"}});
  const auto replayed = test::runParameterized({"replay", path, "--json"});
  CHECK(replayed.status == 1);
  const auto out = nlohmann::json::parse(replayed.out);
  CHECK(out["reproduced"] == true);
  CHECK(out["parameters"] == nlohmann::json{{"rounds", "2"}});
}

TEST_CASE("a trace records every declared parameter, defaults included") {
  const test::TempDir dir;
  const std::string path = dir.write("params-default.json", "");
  REQUIRE(test::runParameterized({"run", "test/abba-rounds", "--strategy", "naive", "--trace", path}).status == 1);
  CHECK(readTrace(path).parameters == Parameters{{"rounds", "1"}});
}

TEST_CASE("replaying a trace naming a parameter the scenario lacks exits 2 naming the field") {
  const test::TempDir dir;
  const std::string path = dir.write("params-unknown.json", "");
  REQUIRE(test::runParameterized({"run", "test/abba-rounds", "--strategy", "naive", "--trace", path}).status == 1);
  auto document = nlohmann::json::parse(test::readFile(path));
  document["scenario"]["parameters"]["threads"] = "4";
  test::writeFile(path, document.dump(2));
  const auto r = test::runParameterized({"replay", path});
  CHECK(r.status == 2);
  CHECK(r.err == "interlock: " + path + ": field 'scenario.parameters.threads': scenario 'test/abba-rounds' has no "
                 "parameter 'threads'; it accepts rounds\n");
}

TEST_CASE("reading a trace whose parameter is not a string names the field") {
  const test::TempDir dir;
  const std::string path = dir.write("params-number.json", R"({"format": "interlock-trace", "version": 1,
      "scenario": {"name": "x", "parameters": {"rounds": 2}}, "settings": {"strategy": "dfs", "max_steps": 10,
      "max_suspensions": 1, "max_apcs": 1}, "schedule": []})");
  CHECK(readError(path) == path + ": field 'scenario.parameters.rounds': expected a string such as \"3\", found 2");
}

TEST_CASE("replaying a trace with a parameter value that is not a whole number exits 2 naming the field") {
  const test::TempDir dir;
  const std::string path = dir.write("params-bad-value.json", "");
  REQUIRE(test::runParameterized({"run", "test/abba-rounds", "--strategy", "naive", "--trace", path}).status == 1);
  auto document = nlohmann::json::parse(test::readFile(path));
  document["scenario"]["parameters"]["rounds"] = "two";
  test::writeFile(path, document.dump(2));
  const auto r = test::runParameterized({"replay", path});
  CHECK(r.status == 2);
  CHECK(r.err.find("field 'scenario.parameters.rounds': parameter 'rounds' of scenario 'test/abba-rounds': expected "
                   "a non-negative integer, found 'two'") != std::string::npos);
}
