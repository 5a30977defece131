#pragma once
// Small catalogues for the `interlock check` tests: scenarios whose stated expectation is
// right, wrong, or cut short by a bound, built with the WDK names.
#include "interlock/checker/Catalogue.hpp"
#include "interlock/primitives/wdm.hpp"

#include <string>

namespace interlock::test {

// A user thread takes an ERESOURCE outside a critical region while a system thread needs it:
// SuspendedOwnerDoS (SuspendedOwner) with WithinCriticalRegion as its cause.
inline void suspendedOwnerSetup(Setup& s) {
  using namespace interlock::wdm;
  auto& resource = s.make<ERESOURCE>("Resource");
  ExInitializeResourceLite(&resource);
  s.userThread("user", [&resource] {
    ExAcquireResourceExclusiveLite(&resource, TRUE);
    ExReleaseResourceLite(&resource);
  });
  s.systemThread("system", [&resource] {
    KeEnterCriticalRegion();
    ExAcquireResourceExclusiveLite(&resource, TRUE);
    ExReleaseResourceLite(&resource);
    KeLeaveCriticalRegion();
  });
}

// The same with the fix: both threads inside a critical region. Passes.
inline void criticalRegionSetup(Setup& s) {
  using namespace interlock::wdm;
  auto& resource = s.make<ERESOURCE>("Resource");
  ExInitializeResourceLite(&resource);
  s.userThread("user", [&resource] {
    KeEnterCriticalRegion();
    ExAcquireResourceExclusiveLite(&resource, TRUE);
    ExReleaseResourceLite(&resource);
    KeLeaveCriticalRegion();
  });
  s.systemThread("system", [&resource] {
    KeEnterCriticalRegion();
    ExAcquireResourceExclusiveLite(&resource, TRUE);
    ExReleaseResourceLite(&resource);
    KeLeaveCriticalRegion();
  });
}

inline Scenario testScenario(std::string name, Expectation expected, void (*setup)(Setup&),
                             Bounds bounds = {}) {
  return Scenario{std::move(name), "a scenario stated in a test", std::move(expected), bounds, setup};
}

// test/bug states the right violation, test/fix the right pass.
inline Catalogue metCatalogue() {
  Catalogue catalogue;
  catalogue.add(testScenario("test/bug", Expectation::violation(ViolationKind::SuspendedOwnerDoS, "SuspendedOwner"),
                             suspendedOwnerSetup));
  catalogue.add(testScenario("test/fix", Expectation::pass(), criticalRegionSetup));
  return catalogue;
}

// test/wrong states a pass for a scenario with a bug: an expectation that is not met.
inline Scenario wrongExpectation() {
  return testScenario("test/wrong", Expectation::pass(), suspendedOwnerSetup);
}

// test/cut states a pass the step bound keeps it from proving.
inline Scenario cutShort() {
  return testScenario("test/cut", Expectation::pass(), criticalRegionSetup, Bounds{.maxSteps = 3});
}

}  // namespace interlock::test
