// Every catalogue scenario gets the verdict it states; the walking-skeleton scenarios
// also pin their exact execution counts (DFS stops at the first consequence).
#include "interlock/checker/Explorer.hpp"
#include "interlock/cli/Cli.hpp"
#include "interlock/primitives/wdm.hpp"

#include <doctest/doctest.h>

using namespace interlock;

TEST_CASE("every catalogue scenario meets its expected verdict") {
  const Catalogue catalogue = cli::builtinCatalogue();
  REQUIRE(catalogue.all().size() >= 7);
  for (const Scenario& scenario : catalogue.all()) {
    CAPTURE(scenario.name);
    const Exploration e = explore(scenario, defaultSettings(scenario));
    CHECK_MESSAGE(e.verdict.meets(scenario.expected),
                  scenario.name << ": expected " << scenario.expected.describe() << ", got "
                                << e.verdict.summary());
  }
}

TEST_CASE("the walking-skeleton scenarios keep their verdicts and execution counts") {
  const Catalogue catalogue = cli::builtinCatalogue();
  struct Pin {
    const char* name;
    const char* verdict;
    std::uint64_t executions;
  };
  // Counts are naive DFS's (no reduction): regressions here mean the search or a model changed.
  for (const Pin& pin : {Pin{"eresource/suspended-owner", "SuspendedOwnerDoS (SuspendedOwner)", 3},
                         Pin{"eresource/suspended-waiter", "SuspendedOwnerDoS (SuspendedOwner)", 13},
                         Pin{"eresource/critical-region", "pass", 62},
                         Pin{"eresource/critical-region-combined", "pass", 49},
                         Pin{"lock-order/abba", "Deadlock (WaitCycle)", 7},
                         Pin{"lock-order/consistent", "pass", 8}}) {
    CAPTURE(pin.name);
    const Scenario* scenario = catalogue.find(pin.name);
    REQUIRE(scenario != nullptr);
    Settings settings = defaultSettings(*scenario);
    settings.strategy = "naive";
    const Exploration e = explore(*scenario, settings);
    CHECK(e.verdict.summary() == pin.verdict);
    CHECK(e.stats.executions == pin.executions);
  }
}

TEST_CASE("eresource/suspended-owner lists the acquire outside a critical region as its cause") {
  const Catalogue catalogue = cli::builtinCatalogue();
  const Scenario& scenario = *catalogue.find("eresource/suspended-owner");
  const Exploration e = explore(scenario, defaultSettings(scenario));
  REQUIRE(e.verdict.causes.size() == 1);
  CHECK(e.verdict.causes[0].kind == ViolationKind::ContractViolation);
  CHECK(e.verdict.causes[0].rule == "WithinCriticalRegion");
  CHECK(e.verdict.causes[0].code == 0x37);
  CHECK(e.verdict.causes[0].thread == 0);  // user
}

TEST_CASE("two threads taking one lock in turn: four executions, eighteen steps, by hand") {
  // A first: [A.acq, A.rel, B.acq, B.rel] or [A.acq, B.acq waits, A.rel hands off, B.wake,
  // B.rel]; B first is symmetric: 4 executions of 4 + 5 + 4 + 5 = 18 steps.
  const Scenario scenario{"test/two-lockers", "", Expectation::pass(), Bounds{},
                          [](Setup& s) {
                            auto& r = s.make<wdm::ERESOURCE>("R");
                            wdm::ExInitializeResourceLite(&r);
                            for (const char* name : {"A", "B"})
                              s.systemThread(name, [&r] {
                                wdm::KeEnterCriticalRegion();
                                wdm::ExAcquireResourceExclusiveLite(&r, wdm::TRUE);
                                wdm::ExReleaseResourceLite(&r);
                                wdm::KeLeaveCriticalRegion();
                              });
                          }};
  for (const char* strategy : {"naive", "dpor"}) {
    CAPTURE(strategy);
    Settings settings = defaultSettings(scenario);
    settings.strategy = strategy;  // the four are distinct traces: DPOR keeps them all
    const Exploration e = explore(scenario, settings);
    CHECK(e.verdict.result == Result::Pass);
    CHECK(e.stats.executions == 4);
    CHECK(e.stats.steps == 18);
  }
}
