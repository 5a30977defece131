// The SARIF report: a SARIF 2.1.0 log with one rule per rule id, one result per violation,
// the counterexample as a code flow (the merged schedule first, then each thread), and the
// violations a scenario expects marked suppressed.
#include "CheckSupport.hpp"
#include "CliSupport.hpp"
#include "TempDir.hpp"

#include "interlock/reports/SarifReport.hpp"
#include "interlock/reports/Trace.hpp"

#include <nlohmann/json.hpp>

#include <doctest/doctest.h>

#include <fstream>
#include <set>
#include <sstream>
#include <string>

using namespace interlock;
using nlohmann::json;

namespace {

json readSarif(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return json::parse(buffer.str());
}

// The three built-in scenarios the report tests may rely on; all meet their expectation.
json builtinSarif() {
  const test::TempDir dir;
  const std::string path = dir.file("check.sarif");
  REQUIRE(test::runCli({"check", "--sarif", path, "eresource/suspended-owner", "eresource/critical-region",
                        "lock-order/abba"})
              .status == 0);
  return readSarif(path);
}

std::vector<json> resultsFor(const json& sarif, const std::string& scenario) {
  std::vector<json> out;
  for (const json& result : sarif["runs"][0]["results"])
    if (result["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == scenario) out.push_back(result);
  return out;
}

std::set<std::string> ruleIds(const std::vector<json>& results) {
  std::set<std::string> out;
  for (const json& result : results) out.insert(result["ruleId"].get<std::string>());
  return out;
}

}  // namespace

TEST_CASE("the SARIF log names its version, schema and tool") {
  const json sarif = builtinSarif();
  CHECK(sarif["version"] == "2.1.0");
  CHECK(sarif["$schema"] == "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json");
  REQUIRE(sarif["runs"].size() == 1);
  const json& driver = sarif["runs"][0]["tool"]["driver"];
  CHECK(driver["name"] == "interlock");
  CHECK(driver["version"] == kToolVersion);
  CHECK(sarif["runs"][0]["invocations"][0]["executionSuccessful"] == true);
}

TEST_CASE("SARIF has one rule per distinct rule id, each described, and results point at them") {
  const json sarif = builtinSarif();
  const json& rules = sarif["runs"][0]["tool"]["driver"]["rules"];
  std::set<std::string> ids;
  for (const json& rule : rules) {
    CHECK(ids.insert(rule["id"].get<std::string>()).second);
    CHECK_FALSE(rule["shortDescription"]["text"].get<std::string>().empty());
  }
  CHECK(ids == std::set<std::string>{"SuspendedOwner", "WaitCycle", "WithinCriticalRegion"});
  for (const json& result : sarif["runs"][0]["results"]) {
    const std::size_t index = result["ruleIndex"].get<std::size_t>();
    REQUIRE(index < rules.size());
    CHECK(rules[index]["id"] == result["ruleId"]);
  }
}

TEST_CASE("SARIF has one result per violation found, naming its scenario") {
  const json sarif = builtinSarif();
  CHECK(sarif["runs"][0]["results"].size() == 3);
  // The DoS and the contract breach that caused it; the deadlock; nothing for the fix.
  CHECK(ruleIds(resultsFor(sarif, "eresource/suspended-owner")) ==
        std::set<std::string>{"SuspendedOwner", "WithinCriticalRegion"});
  CHECK(ruleIds(resultsFor(sarif, "lock-order/abba")) == std::set<std::string>{"WaitCycle"});
  CHECK(resultsFor(sarif, "eresource/critical-region").empty());
  const json dos = resultsFor(sarif, "eresource/suspended-owner")[0];
  CHECK(dos["ruleId"] == "SuspendedOwner");  // the verdict first, then its causes
  CHECK(dos["level"] == "error");
  CHECK(dos["message"]["text"].get<std::string>().find("which the adversary suspended") != std::string::npos);
  CHECK(dos["locations"][0]["logicalLocations"][0]["name"] == "eresource/suspended-owner");
}

TEST_CASE("results for expected violations are suppressed in source") {
  const json sarif = builtinSarif();
  for (const json& result : sarif["runs"][0]["results"]) {
    REQUIRE(result.contains("suppressions"));
    CHECK(result["suppressions"] ==
          json::parse(R"([{"kind": "inSource", "justification": "expected verdict of the scenario"}])"));
  }
}

TEST_CASE("a code flow per counterexample: the merged schedule first, then one flow per thread") {
  const json sarif = builtinSarif();
  const json dos = resultsFor(sarif, "eresource/suspended-owner")[0];
  REQUIRE(dos["codeFlows"].size() == 1);
  const json& flows = dos["codeFlows"][0]["threadFlows"];
  REQUIRE(flows.size() == 3);
  CHECK(flows[0]["id"] == "schedule");
  CHECK(flows[1]["id"] == "user");
  CHECK(flows[2]["id"] == "system");
  std::size_t perThread = 0;
  for (std::size_t f = 1; f < flows.size(); ++f) {
    int previous = 0;
    for (const json& location : flows[f]["locations"]) {
      CHECK(location["state"]["thread"]["text"] == flows[f]["id"]);
      CHECK(location["executionOrder"].get<int>() > previous);  // in schedule order
      previous = location["executionOrder"].get<int>();
      ++perThread;
    }
  }
  CHECK(perThread <= flows[0]["locations"].size());  // the schedule also has thread-less steps
  std::vector<std::string> userSteps;
  for (const json& location : flows[1]["locations"])
    userSteps.push_back(location["location"]["message"]["text"].get<std::string>());
  CHECK(std::find(userSteps.begin(), userSteps.end(), "ExAcquireResourceExclusiveLite(&Resource, TRUE) -> TRUE") !=
        userSteps.end());
  CHECK(std::find(userSteps.begin(), userSteps.end(), "[adversary] NtSuspendThread(user) -> suspend APC queued") !=
        userSteps.end());
}

TEST_CASE("an unexpected violation is not suppressed and is listed as a notification") {
  Catalogue catalogue = test::metCatalogue();
  catalogue.add(test::wrongExpectation());
  const test::TempDir dir;
  const std::string path = dir.file("check.sarif");
  REQUIRE(test::runCli({"check", "--sarif", path}, catalogue).status == 1);
  const json sarif = readSarif(path);
  const auto wrong = resultsFor(sarif, "test/wrong");
  REQUIRE(wrong.size() == 2);
  for (const json& result : wrong) CHECK_FALSE(result.contains("suppressions"));
  for (const json& result : resultsFor(sarif, "test/bug")) CHECK(result.contains("suppressions"));
  const json& notes = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"];
  REQUIRE(notes.size() == 1);
  CHECK(notes[0]["message"]["text"] == "test/wrong: expected pass, got SuspendedOwnerDoS (SuspendedOwner)");
}

TEST_CASE("a message that is not UTF-8 is written with U+FFFD instead of failing") {
  Verdict verdict;
  verdict.result = Result::Violation;
  verdict.violation = Violation{.kind = ViolationKind::Assertion, .rule = "Assertion", .message = "bad \xFF byte"};
  const CheckOutcome outcome{"test/bytes", Expectation::pass(), Settings{}, Exploration{verdict, {}, std::nullopt}, {}};
  const json sarif = json::parse(sarifReport(std::span(&outcome, 1)));
  CHECK(sarif["runs"][0]["results"][0]["message"]["text"] == "bad \xEF\xBF\xBD byte");
  CHECK_FALSE(sarif["runs"][0]["results"][0].contains("codeFlows"));  // no counterexample, no flow
}

namespace {

// A counterexample of driver code: "app" acquires at driver.c:119 and is suspended there;
// "poll" blocks at driver.c:62. Sites as the driver bridge records them.
CheckOutcome driverOutcome() {
  ExecutionResult cx;
  cx.snapshot.threads = {ThreadSnapshot{.name = "app", .requester = "user", .state = "suspended"},
                         ThreadSnapshot{.name = "poll", .requester = "system", .state = "waiting"}};
  cx.events = {Event{.step = 1, .thread = 0, .api = "ExAcquireResourceExclusiveLite", .site = "src/driver.c:119"},
               Event{.step = 2, .kind = EventKind::Suspend, .thread = 0, .api = "NtSuspendThread"},
               Event{.step = 3, .kind = EventKind::Blocked, .thread = 1, .api = "ExAcquireResourceExclusiveLite",
                     .site = "src/driver.c:62"},
               Event{.step = 3, .kind = EventKind::Violation, .violation = 0}};
  const Violation dos{.kind = ViolationKind::SuspendedOwnerDoS, .rule = "SuspendedOwner", .step = 3,
                      .message = "poll waits for app, suspended", .threads = {1, 0}};
  cx.violations = {dos};
  cx.steps = 3;
  Verdict verdict;
  verdict.result = Result::Violation;
  verdict.violation = dos;
  return CheckOutcome{"drv/dos", Expectation::violation(ViolationKind::SuspendedOwnerDoS), Settings{},
                      Exploration{verdict, {}, std::nullopt, std::move(cx)}, {}};
}

json physical(const std::string& uri, unsigned line) {
  return {{"artifactLocation", {{"uri", uri}, {"uriBaseId", "%SRCROOT%"}}}, {"region", {{"startLine", line}}}};
}

}  // namespace

TEST_CASE("a finding in driver code points at the line the suspended owner stands at") {
  const CheckOutcome outcome = driverOutcome();
  const json sarif = json::parse(sarifReport(std::span(&outcome, 1)));
  const json& location = sarif["runs"][0]["results"][0]["locations"][0];
  CHECK(location["physicalLocation"] == physical("src/driver.c", 119));
  CHECK(location["logicalLocations"][0]["fullyQualifiedName"] == "drv/dos");  // the scenario still named
  CHECK(sarif["runs"][0]["originalUriBaseIds"].contains("%SRCROOT%"));
}

TEST_CASE("each thread-flow step in driver code carries its file and line; the others none") {
  const CheckOutcome outcome = driverOutcome();
  const json sarif = json::parse(sarifReport(std::span(&outcome, 1)));
  const json& schedule = sarif["runs"][0]["results"][0]["codeFlows"][0]["threadFlows"][0]["locations"];
  REQUIRE(schedule.size() == 4);
  CHECK(schedule[0]["location"]["physicalLocation"] == physical("src/driver.c", 119));
  CHECK_FALSE(schedule[1]["location"].contains("physicalLocation"));  // the adversary's step
  CHECK(schedule[2]["location"]["physicalLocation"] == physical("src/driver.c", 62));
  CHECK_FALSE(schedule[3]["location"].contains("physicalLocation"));
}

TEST_CASE("C++ scenarios' results name the scenario only: no source file, no source root") {
  const json sarif = builtinSarif();
  CHECK_FALSE(sarif["runs"][0].contains("originalUriBaseIds"));
  for (const json& result : sarif["runs"][0]["results"]) {
    CHECK_FALSE(result["locations"][0].contains("physicalLocation"));
    for (const json& flow : result["codeFlows"][0]["threadFlows"])
      for (const json& step : flow["locations"]) CHECK_FALSE(step["location"].contains("physicalLocation"));
  }
}
