// Run-down protection scenarios (kernel-rules.md §3.8, §4.6).
#include "interlock/primitives/wdm.hpp"
#include "interlock/scenarios/Builtin.hpp"

namespace interlock::scenarios {

using namespace interlock::wdm;

namespace {

constexpr const char* kUseAfterFree = "the I/O path touched the device extension after teardown freed it";

// The device extension: 0 while live, 1 once teardown has freed it.
struct Device {
  EX_RUNDOWN_REF& rundown;
  Shared<LONG>& freed;
};

Device makeDevice(Setup& s) {
  auto& rundown = s.make<EX_RUNDOWN_REF>("Rundown");
  auto& freed = s.make<Shared<LONG>>("Extension");
  ExInitializeRundownProtection(&rundown);
  return Device{rundown, freed};
}

// An I/O path done right: the object is used only under a run-down reference.
void guardedUse(Device device) {
  if (!ExAcquireRundownProtection(&device.rundown)) return;  // STATUS_DELETE_PENDING
  check(device.freed.load() == 0, kUseAfterFree);
  ExReleaseRundownProtection(&device.rundown);
}

// Teardown: bar new references, wait for the old ones, then free.
void teardown(Device device) {
  ExWaitForRundownProtectionRelease(&device.rundown);
  device.freed.store(1);
}

Scenario teardownPass() {
  return Scenario{
      "rundown/teardown",
      "A device's teardown path calls ExWaitForRundownProtectionRelease and then frees the "
      "device extension. Its IOCTL path (a user thread, inside a critical region so it cannot "
      "be suspended while holding a reference) and a system worker each take a run-down "
      "reference before touching the extension and drop it right after. Once the wait has "
      "begun new acquires fail, and the wait returns only after the last release, so no path "
      "ever touches freed memory and nobody waits forever.",
      Expectation::pass(),
      Bounds{},
      [](Setup& s) {
        const Device device = makeDevice(s);
        s.userThread("ioctl", [device] {
          KeEnterCriticalRegion();
          guardedUse(device);
          KeLeaveCriticalRegion();
        });
        s.systemThread("worker", [device] { guardedUse(device); });
        s.systemThread("teardown", [device] { teardown(device); });
      }};
}

Scenario waitHoldingReference() {
  return Scenario{
      "rundown/wait-holding-reference",
      "A cleanup routine runs under the run-down protection its dispatch path took, and on "
      "the last handle calls the device's teardown, which waits for run-down. The wait "
      "returns only when every reference is released, including the one its own thread "
      "holds: the thread waits for itself forever.",
      Expectation::violation(ViolationKind::Deadlock, "SelfDeadlock"),
      Bounds{},
      [](Setup& s) {
        const Device device = makeDevice(s);
        s.systemThread("cleanup", [device] {
          if (!ExAcquireRundownProtection(&device.rundown)) return;
          teardown(device);  // bug: still holding the reference
          ExReleaseRundownProtection(&device.rundown);
        });
      }};
}

Scenario suspendedHolder() {
  return Scenario{
      "rundown/suspended-holder",
      "The IOCTL path takes a run-down reference at PASSIVE_LEVEL outside any critical "
      "region. The calling process suspends its own thread while it holds the reference; the "
      "system's teardown then waits for run-down forever. The documentation asks holders to "
      "stay in a critical region for exactly this reason: one unprivileged caller blocks "
      "device removal for the whole system.",
      Expectation::violation(ViolationKind::SuspendedOwnerDoS, "SuspendedOwner"),
      Bounds{},
      [](Setup& s) {
        const Device device = makeDevice(s);
        s.userThread("ioctl", [device] { guardedUse(device); });  // bug: no critical region
        s.systemThread("teardown", [device] { teardown(device); });
      }};
}

// The I/O path needs the configuration lock before it can finish and drop its reference.
void configuredUse(Device device, ERESOURCE& config) {
  if (!ExAcquireRundownProtection(&device.rundown)) return;
  KeEnterCriticalRegion();
  ExAcquireResourceSharedLite(&config, TRUE);
  check(device.freed.load() == 0, kUseAfterFree);
  ExReleaseResourceLite(&config);
  KeLeaveCriticalRegion();
  ExReleaseRundownProtection(&device.rundown);
}

Scenario waitUnderLock(bool waitInsideLock) {
  return Scenario{
      waitInsideLock ? "rundown/wait-under-lock" : "rundown/wait-outside-lock",
      waitInsideLock
          ? "Teardown takes the driver's configuration ERESOURCE exclusively and, still holding "
            "it, waits for run-down. An I/O path that already holds a run-down reference needs "
            "the same lock shared before it can finish and release the reference: teardown "
            "waits for the reference, the reference holder waits for the lock."
          : "The fix of rundown/wait-under-lock: teardown waits for run-down first and takes "
            "the configuration lock only afterwards, so a reference holder can always get the "
            "lock, finish and release.",
      waitInsideLock ? Expectation::violation(ViolationKind::Deadlock, "WaitCycle")
                     : Expectation::pass(),
      Bounds{},
      [waitInsideLock](Setup& s) {
        const Device device = makeDevice(s);
        auto& config = s.make<ERESOURCE>("ConfigLock");
        ExInitializeResourceLite(&config);
        s.systemThread("io", [device, &config] { configuredUse(device, config); });
        s.systemThread("teardown", [device, &config, waitInsideLock] {
          if (!waitInsideLock) ExWaitForRundownProtectionRelease(&device.rundown);
          KeEnterCriticalRegion();
          ExAcquireResourceExclusiveLite(&config, TRUE);
          if (waitInsideLock) ExWaitForRundownProtectionRelease(&device.rundown);  // bug
          device.freed.store(1);
          ExReleaseResourceLite(&config);
          KeLeaveCriticalRegion();
        });
      }};
}

Scenario missingProtection() {
  return Scenario{
      "rundown/missing-protection",
      "A DPC-style worker reads the device extension without taking run-down protection, "
      "while teardown waits for run-down and frees the extension. With no reference to wait "
      "for, the wait returns at once and the worker can read freed memory: the run-down "
      "reference is what defers the free, and a path that skips it is unprotected.",
      Expectation::violation(ViolationKind::Assertion, "Assertion"),
      Bounds{},
      [](Setup& s) {
        const Device device = makeDevice(s);
        s.systemThread("worker", [device] {
          check(device.freed.load() == 0, kUseAfterFree);  // bug: no run-down reference
        });
        s.systemThread("teardown", [device] { teardown(device); });
      }};
}

}  // namespace

std::vector<Scenario> rundownScenarios() {
  return {teardownPass(),        waitHoldingReference(), suspendedHolder(),
          waitUnderLock(true),   waitUnderLock(false),   missingProtection()};
}

}  // namespace interlock::scenarios
