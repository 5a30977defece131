// The JUnit report: well-formed XML that dashboards read (one testsuite "interlock", one
// testcase per scenario, a <failure> per unmet expectation), escaped properly, and byte for
// byte what tests/golden/junit-report.xml holds for fixed outcomes.
#include "CheckSupport.hpp"
#include "CliSupport.hpp"
#include "ReportSupport.hpp"
#include "TempDir.hpp"
#include "XmlReader.hpp"

#include "interlock/reports/JunitReport.hpp"

#include <doctest/doctest.h>

#include <vector>

using namespace interlock;
using interlock::test::parseXml;
using interlock::test::XmlElement;

namespace {

CheckOutcome outcome(std::string name, Expectation expected, Verdict verdict, std::uint64_t executions,
                     double seconds, std::string explanation = {}) {
  Exploration exploration{std::move(verdict), Stats{.executions = executions, .elapsedSeconds = seconds},
                          std::nullopt};
  return CheckOutcome{std::move(name), std::move(expected), Settings{}, std::move(exploration),
                      std::move(explanation)};
}

Verdict violation(ViolationKind kind, std::string rule, std::string message, std::uint32_t step) {
  Verdict verdict;
  verdict.result = Result::Violation;
  verdict.violation = Violation{.kind = kind, .rule = std::move(rule), .step = step, .message = std::move(message)};
  return verdict;
}

Verdict incomplete(std::string reason) {
  Verdict verdict;
  verdict.result = Result::Incomplete;
  verdict.incompleteReason = std::move(reason);
  return verdict;
}

// Every kind of row a report can have, with text that needs escaping.
std::vector<CheckOutcome> fixedOutcomes() {
  std::vector<CheckOutcome> out;
  out.push_back(outcome("eresource/critical-region", Expectation::pass(), Verdict{}, 62, 0.0125));
  out.push_back(outcome("eresource/suspended-owner",
                        Expectation::violation(ViolationKind::SuspendedOwnerDoS, "SuspendedOwner"),
                        violation(ViolationKind::SuspendedOwnerDoS, "SuspendedOwner", "user waits", 5), 3, 0.002));
  out.push_back(outcome("lock-order/abba", Expectation::pass(),
                        violation(ViolationKind::Deadlock, "WaitCycle", "create <-> rename", 4), 7, 0.25,
                        "create & rename wait on each other: \"VolumeLock\" <FileLock> 'forever'.\n"
                        "Fix: take the locks in one order.\n"));
  out.push_back(outcome("test/no-explanation", Expectation::pass(),
                        violation(ViolationKind::BugCheck, "RESOURCE_NOT_OWNED", "released <twice> & more", 2), 1,
                        0));
  out.push_back(outcome("test/cut", Expectation::pass(), incomplete("step bound"), 40, 1.5));
  out.push_back(outcome("loner", Expectation::violation(ViolationKind::Deadlock), Verdict{}, 9, 0.0004));
  return out;
}

}  // namespace

TEST_CASE("xmlEscape escapes markup, keeps UTF-8 and replaces what XML cannot carry") {
  CHECK(xmlEscape("a & b < c > d \" e ' f") == "a &amp; b &lt; c &gt; d &quot; e &apos; f");
  CHECK(xmlEscape("line\none\ttab") == "line&#10;one&#9;tab");
  CHECK(xmlEscape("line\none\ttab", XmlPlace::Text) == "line\none\ttab");
  CHECK(xmlEscape("cr\r", XmlPlace::Text) == "cr&#13;");
  CHECK(xmlEscape("IRQL \xE2\x89\xA4 APC_LEVEL") == "IRQL \xE2\x89\xA4 APC_LEVEL");   // U+2264 kept
  CHECK(xmlEscape(std::string("nul\0bell\a", 9)) == "nul\xEF\xBF\xBD" "bell\xEF\xBF\xBD");
  CHECK(xmlEscape("bad \xC3 byte") == "bad \xEF\xBF\xBD byte");                      // truncated sequence
  CHECK(xmlEscape("over \xC0\xAF long") == "over \xEF\xBF\xBD\xEF\xBF\xBD long");       // overlong '/'
  CHECK(xmlEscape("not \xEF\xBF\xBF a char") == "not \xEF\xBF\xBD a char");            // U+FFFF
}

TEST_CASE("the JUnit report for fixed outcomes matches tests/golden/junit-report.xml byte for byte") {
  test::checkGolden("junit-report.xml", junitReport(fixedOutcomes()));
}

TEST_CASE("the JUnit report parses back: one suite, one case per scenario, failures where unmet") {
  const auto outcomes = fixedOutcomes();
  const XmlElement root = parseXml(junitReport(outcomes));
  CHECK(root.name == "testsuites");
  const auto suites = root.all("testsuite");
  REQUIRE(suites.size() == 1);
  const XmlElement& suite = *suites[0];
  CHECK(suite.attributes.at("name") == "interlock");
  CHECK(suite.attributes.at("tests") == "6");
  CHECK(suite.attributes.at("failures") == "4");
  CHECK(suite.attributes.at("errors") == "0");
  CHECK(suite.attributes.at("time") == "1.765");
  const auto cases = suite.all("testcase");
  REQUIRE(cases.size() == 6);
  for (std::size_t i = 0; i < cases.size(); ++i) {
    CAPTURE(outcomes[i].scenario);
    CHECK(cases[i]->attributes.at("name") == outcomes[i].scenario);
    CHECK(cases[i]->attributes.at("classname") == outcomes[i].family());
    CHECK(cases[i]->all("failure").size() == (outcomes[i].met() ? 0u : 1u));
  }
  CHECK(cases[5]->attributes.at("classname") == "loner");
  CHECK(cases[0]->attributes.at("time") == "0.013");  // three decimals

  const XmlElement& abba = *cases[2]->all("failure")[0];
  CHECK(abba.attributes.at("message") == "expected pass, got Deadlock (WaitCycle)");
  CHECK(abba.attributes.at("type") == "mismatch");
  CHECK(abba.text.find("create & rename wait on each other: \"VolumeLock\" <FileLock> 'forever'.\n") !=
        std::string::npos);
  CHECK(abba.text.find("reproduce: interlock run lock-order/abba") != std::string::npos);

  const XmlElement& twice = *cases[3]->all("failure")[0];
  CHECK(twice.text.find("BugCheck RESOURCE_NOT_OWNED at step 2: released <twice> & more") != std::string::npos);
  CHECK(cases[4]->all("failure")[0]->attributes.at("type") == "incomplete");
  CHECK(cases[5]->all("failure")[0]->text.find("No explored schedule shows the expected violation") !=
        std::string::npos);
}

TEST_CASE("a message with line breaks survives a round trip through an attribute") {
  auto outcomes = fixedOutcomes();
  outcomes[2].expected.rule = "two\nlines";
  outcomes[2].expected.kind = ViolationKind::Deadlock;
  const XmlElement root = parseXml(junitReport(outcomes));
  const XmlElement& failure = *root.all("testsuite")[0]->all("testcase")[2]->all("failure")[0];
  CHECK(failure.attributes.at("message") == "expected Deadlock (two\nlines), got Deadlock (WaitCycle)");
}

TEST_CASE("check --junit writes the real verdicts, the explanation on a mismatch included") {
  const test::TempDir dir;
  const std::string path = dir.file("check.xml");
  Catalogue catalogue;
  catalogue.add(test::wrongExpectation());
  catalogue.add(test::testScenario("test/fix", Expectation::pass(), test::criticalRegionSetup));
  REQUIRE(test::runCli({"check", "--junit", path}, catalogue).status == 1);
  const XmlElement root = parseXml(test::readFile(path));
  const auto cases = root.all("testsuite")[0]->all("testcase");
  REQUIRE(cases.size() == 2);
  CHECK(cases[0]->attributes.at("name") == "test/fix");
  CHECK(cases[0]->children.empty());
  const auto failures = cases[1]->all("failure");
  REQUIRE(failures.size() == 1);
  CHECK(failures[0]->attributes.at("message") == "expected pass, got SuspendedOwnerDoS (SuspendedOwner)");
  // explain()'s words: who was suspended owning what, and the cause.
  CHECK(failures[0]->text.find("was suspended while it owned ERESOURCE Resource") != std::string::npos);
  CHECK(failures[0]->text.find("WithinCriticalRegion") != std::string::npos);
}

TEST_CASE("check --junit over the built-in golden scenarios: three cases, no failure") {
  const test::TempDir dir;
  const std::string path = dir.file("check.xml");
  REQUIRE(test::runCli({"check", "--junit", path, "eresource/suspended-owner", "eresource/critical-region",
                        "lock-order/abba"})
              .status == 0);
  const XmlElement root = parseXml(test::readFile(path));
  CHECK(root.attributes.at("failures") == "0");
  const auto cases = root.all("testsuite")[0]->all("testcase");
  REQUIRE(cases.size() == 3);
  CHECK(cases[0]->attributes.at("classname") == "eresource");
  CHECK(cases[1]->attributes.at("name") == "eresource/suspended-owner");
  CHECK(cases[2]->attributes.at("classname") == "lock-order");
}
