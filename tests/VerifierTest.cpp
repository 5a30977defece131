// --verifier: Driver Verifier enabled. A breach it catches stops the machine at the breaching
// step (bug check 0xC4, the check's code as parameter 1); without it, the breach is a cause
// and the execution goes on to what it leads to.
#include "CliSupport.hpp"
#include "Support.hpp"

#include <nlohmann/json.hpp>

#include <doctest/doctest.h>

#include <string>

using namespace interlock;
using namespace interlock::wdm;
using interlock::test::inlineScenario;
using interlock::test::readFile;
using interlock::test::runCli;

namespace {

// An unprivileged caller takes an ERESOURCE with normal kernel APCs enabled (a breach Driver
// Verifier catches) and releases it; nothing else goes wrong.
void acquireOutsideRegion(Setup& s) {
  auto& resource = s.make<ERESOURCE>("R");
  ExInitializeResourceLite(&resource);
  s.systemThread("caller", [&resource] {
    ExAcquireResourceExclusiveLite(&resource, TRUE);
    ExReleaseResourceLite(&resource);
  });
}

Exploration exploreWith(bool verifier) {
  Settings settings{Bounds{}, "naive"};
  settings.verifier = verifier;
  return explore(inlineScenario(acquireOutsideRegion), settings);
}

}  // namespace

TEST_CASE("without --verifier a breach Driver Verifier catches is a cause and the execution goes on") {
  const auto e = exploreWith(false);
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.kind() == ViolationKind::ContractViolation);
  CHECK(e.verdict.violation->rule == "WithinCriticalRegion");
}

TEST_CASE("with --verifier the same breach is bug check 0xC4 at the breaching step") {
  const auto e = exploreWith(true);
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.kind() == ViolationKind::BugCheck);
  CHECK(e.verdict.violation->rule == "WithinCriticalRegion");
  CHECK(e.verdict.violation->code == 0xC4);
  CHECK(e.verdict.violation->step == 0);
  CHECK(e.verdict.violation->message.find("bug check 0xC4 DRIVER_VERIFIER_DETECTED_VIOLATION (parameter 1 = 0x") !=
        std::string::npos);
}

TEST_CASE("a breach Driver Verifier does not catch stays a cause with --verifier") {
  Settings settings{Bounds{.maxSuspensions = 0}, "naive"};
  settings.verifier = true;
  const auto e = explore(inlineScenario([](Setup& s) {
                           auto& resource = s.make<ERESOURCE>("R");
                           s.systemThread("caller", [&resource] {
                             KeEnterCriticalRegion();
                             ExAcquireResourceExclusiveLite(&resource, TRUE);  // never initialized: SDV only
                             ExReleaseResourceLite(&resource);
                             KeLeaveCriticalRegion();
                           });
                         }),
                         settings);
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.kind() == ViolationKind::ContractViolation);
  CHECK(e.verdict.violation->rule == "ResourceInitialized");
}

TEST_CASE("run --verifier compares with the scenario's verifier reading and records it in the trace for replay") {
  const std::string path = "/tmp/interlock-verifier-trace.json";
  const auto r = runCli({"run", "eresource/suspended-owner", "--verifier", "--trace", path});
  CHECK(r.status == 1);
  CHECK(r.out.find("expected  BugCheck (WithinCriticalRegion) (met)") != std::string::npos);
  CHECK(r.out.find("Driver Verifier on") != std::string::npos);
  const auto trace = nlohmann::json::parse(readFile(path));
  CHECK(trace["settings"]["verifier"] == true);
  CHECK(trace["verdict"]["code"] == "0xC4");
  const auto replayed = runCli({"replay", path, "--json"});
  CHECK(replayed.status == 1);
  CHECK(nlohmann::json::parse(replayed.out)["reproduced"] == true);
}

TEST_CASE("check --verifier meets each scenario's verifier reading; without it the usual one") {
  CHECK(runCli({"check", "--verifier", "eresource/suspended-owner"}).status == 0);
  CHECK(runCli({"check", "eresource/suspended-owner"}).status == 0);
}

TEST_CASE("list shows a scenario's verifier reading next to its usual expectation") {
  const auto r = runCli({"list"});
  CHECK(r.out.find("SuspendedOwnerDoS (SuspendedOwner); with --verifier BugCheck (WithinCriticalRegion)\n") !=
        std::string::npos);
}
