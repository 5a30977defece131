// The harness for example.sys (driver.c): the situation its scenario checks. The I/O manager's
// thread loads the driver and unloads it; an unprivileged application, which the adversary may
// suspend, sends the three requests meanwhile (its IOCTL handlers, called directly until IRPs
// are bridged). The expected verdict depends on the bug driver.c was built with.
#include <interlock/driver/Driver.hpp>
#include <interlock/driver/Scenarios.hpp>

#include <cstdint>

// The driver's entry and handlers, seen from C++ (wdm.h is C): PDEVICE_OBJECT is a void*.
extern "C" {
std::int32_t DriverEntry(void* driverObject, void* registryPath);
std::int32_t ExampleQueueWork(void* deviceObject, std::uint32_t value);
std::int32_t ExampleSetConfig(void* deviceObject, std::uint32_t value);
std::int32_t ExampleQueryStats(void* deviceObject, std::uint32_t* processed);
}

namespace {

using interlock::Expectation;
using interlock::ViolationKind;

Expectation expected() {
#if defined(EXAMPLE_BUG_NO_CRITICAL_REGION)
  // The application is suspended holding ConfigLock (or the rundown reference): the poll thread
  // (or the unload) waits for it forever.
  return Expectation::violation(ViolationKind::SuspendedOwnerDoS, "SuspendedOwner");
#elif defined(EXAMPLE_BUG_LOCK_ORDER)
  return Expectation::violation(ViolationKind::Deadlock);
#elif defined(EXAMPLE_BUG_LEAK)
  return Expectation::violation(ViolationKind::ContractViolation, "PoolLeakedAtUnload");
#elif defined(EXAMPLE_BUG_DATA_RACE)
  // The statistics read a flag the queueing path writes under QueueLock, without the lock.
  return Expectation::violation(ViolationKind::DataRace);
#else
  return Expectation::pass();
#endif
}

}  // namespace

std::vector<interlock::Scenario> interlock::driver::scenarios() {
  Scenario scenario;
  scenario.name = "example/requests-during-unload";
  scenario.description =
      "example.sys is loaded and unloaded by the I/O manager's thread while an unprivileged "
      "application queues work, changes the setting and reads the statistics; the driver's "
      "polling thread applies the work.";
  scenario.expected = expected();
  scenario.bounds.maxSteps = 400;
  scenario.setup = [](Setup& s) {
    interlock::driver::beginExecution(s, DriverEntry);
    s.systemThread("IoManager", [] {
      if (interlock::driver::load() < 0) return;
      interlock::driver::unload();
    });
    s.userThread("App", [] {
      interlock::driver::waitUntilLoaded();
      std::uint32_t processed = 0;
      (void)ExampleQueueWork(interlock::driver::device(), 2);
      (void)ExampleSetConfig(interlock::driver::device(), 5);
      (void)ExampleQueryStats(interlock::driver::device(), &processed);
    });
  };
  return {std::move(scenario)};
}
