// `interlock check` as a CI gate: exit 0 when every expectation is met, 1 on a mismatch,
// 3 when an expected pass was cut short, 2 for an unwritable report before anything runs.
#include "CheckSupport.hpp"
#include "CliSupport.hpp"
#include "TempDir.hpp"

#include <nlohmann/json.hpp>

#include <doctest/doctest.h>

#include <filesystem>
#include <set>

using namespace interlock;
using interlock::test::contains;
using interlock::test::runCli;

TEST_CASE("check exits 0 and prints one row per scenario when every expectation is met") {
  const auto r = runCli({"check", "--strategy", "naive", "eresource/suspended-owner", "eresource/critical-region", "lock-order/abba"});
  CHECK(r.status == 0);
  CHECK(contains(r.out, "scenario"));
  CHECK(contains(r.out, "executions"));
  CHECK(contains(r.out, "eresource/critical-region"));
  CHECK(contains(r.out, "lock-order/abba"));
  CHECK(contains(r.out, "all expectations met: 3 scenarios checked"));
  CHECK_FALSE(contains(r.out, "MISMATCH"));
}

TEST_CASE("check exits 0 over a catalogue the test builds, when its expectations hold") {
  const auto r = runCli({"check", "--strategy", "naive", "test/"}, test::metCatalogue());
  CHECK(r.status == 0);
  CHECK(contains(r.out, "all expectations met: 2 scenarios checked"));
}

TEST_CASE("check exits 1 when a scenario's stated expectation is wrong") {
  Catalogue catalogue = test::metCatalogue();
  catalogue.add(test::wrongExpectation());
  const auto r = runCli({"check", "--strategy", "naive"}, catalogue);
  CHECK(r.status == 1);
  CHECK(contains(r.out, "<-- MISMATCH"));
  CHECK(contains(r.out, "expectations NOT met: 2 of 3 scenarios met their expected verdict"));
  CHECK(contains(r.out, "test/wrong: expected pass, got SuspendedOwnerDoS (SuspendedOwner)"));
  CHECK(contains(r.out, "reproduce: interlock run test/wrong"));
}

TEST_CASE("check exits 3 when an expected pass is cut short by its step bound") {
  Catalogue catalogue = test::metCatalogue();
  catalogue.add(test::cutShort());
  const auto r = runCli({"check", "--strategy", "naive"}, catalogue);
  CHECK(r.status == 3);
  CHECK(contains(r.out, "<-- INCOMPLETE"));
  CHECK(contains(r.out, "test/cut: expected pass, got incomplete (step bound) (to finish: raise --max-steps)"));
}

TEST_CASE("a mismatch outranks an incomplete pass: check exits 1") {
  Catalogue catalogue;
  catalogue.add(test::cutShort());
  catalogue.add(test::wrongExpectation());
  CHECK(runCli({"check", "--strategy", "naive"}, catalogue).status == 1);
}

TEST_CASE("an expected violation the search does not find is a mismatch") {
  Catalogue catalogue;
  catalogue.add(test::testScenario("test/fixed-but-expected-bug",
                                   Expectation::violation(ViolationKind::SuspendedOwnerDoS),
                                   test::criticalRegionSetup));
  const auto r = runCli({"check", "--strategy", "naive"}, catalogue);
  CHECK(r.status == 1);
  CHECK(contains(r.out, "expected SuspendedOwnerDoS, got pass"));
}

TEST_CASE("check --json prints one summary object with counts and the exit status") {
  Catalogue catalogue = test::metCatalogue();
  catalogue.add(test::wrongExpectation());
  catalogue.add(test::cutShort());
  const auto r = runCli({"check", "--strategy", "naive", "--json"}, catalogue);
  REQUIRE(r.status == 1);
  const auto out = nlohmann::json::parse(r.out);  // nothing but the object on stdout
  CHECK(out["total"] == 4);
  CHECK(out["met"] == 2);
  CHECK(out["mismatched"] == 1);
  CHECK(out["incomplete"] == 1);
  CHECK(out["passed"] == false);
  CHECK(out["exit_status"] == 1);
  CHECK(out["reports"]["junit"].is_null());
  REQUIRE(out["scenarios"].size() == 4);
  const auto& cut = out["scenarios"][1];  // sorted by name: bug, cut, fix, wrong
  CHECK(cut["scenario"] == "test/cut");
  CHECK(cut["family"] == "test");
  CHECK(cut["status"] == "incomplete");
  CHECK(cut["verdict"]["result"] == "incomplete");
  CHECK(cut["settings"]["max_steps"] == 3);
  const auto& wrong = out["scenarios"][3];
  CHECK(wrong["status"] == "mismatch");
  CHECK(wrong["expected"]["result"] == "pass");
  CHECK(wrong["verdict"]["kind"] == "SuspendedOwnerDoS");
  CHECK(wrong["stats"]["executions"].get<int>() >= 1);
}

TEST_CASE("an unwritable --junit or --sarif path exits 2 before any scenario runs") {
  int setups = 0;
  Catalogue catalogue;
  catalogue.add(Scenario{"test/counted", "counts its setups", Expectation::pass(), Bounds{},
                         [&setups](Setup& s) {
                           ++setups;
                           test::criticalRegionSetup(s);
                         }});
  for (const char* option : {"--junit", "--sarif"}) {
    CAPTURE(option);
    const auto r = runCli({"check", "--strategy", "naive", option, "/no/such/dir/report.xml"}, catalogue);
    CHECK(r.status == 2);
    CHECK(r.out.empty());
    CHECK(contains(r.err, "/no/such/dir/report.xml: cannot write here"));
  }
  CHECK(setups == 0);
  CHECK(runCli({"check", "--strategy", "naive"}, catalogue).status == 0);
  CHECK(setups > 0);  // the same catalogue does run when the paths are fine
}

TEST_CASE("check writes the JUnit and SARIF files whole, leaving no temporary beside them") {
  const test::TempDir dir;
  const std::string junit = dir.file("check.xml");
  const std::string sarif = dir.file("check.sarif");
  Catalogue catalogue = test::metCatalogue();
  catalogue.add(test::wrongExpectation());
  const auto r = runCli({"check", "--strategy", "naive", "--junit", junit, "--sarif", sarif}, catalogue);
  CHECK(r.status == 1);  // the files are written on a mismatch too: that is when CI needs them
  std::set<std::string> written;  // the two reports and nothing else: no temporary left beside them
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) written.insert(entry.path().string());
  CHECK(written == std::set<std::string>{junit, sarif});
  CHECK(test::readFile(junit).starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites"));
  CHECK(nlohmann::json::parse(test::readFile(sarif))["version"] == "2.1.0");
  CHECK(contains(r.out, "junit     " + junit));
  CHECK(contains(r.out, "sarif     " + sarif));
}

TEST_CASE("check with a pattern that matches nothing exits 2") {
  const auto r = runCli({"check", "--strategy", "naive", "no-such-family/*"});
  CHECK(r.status == 2);
  CHECK(contains(r.err, "no scenario matches"));
}
