// Unloading with a timer's DPC queued (docs/kernel-rules.md §11.3, §12.1; bug pattern §18.14):
// KeCancelTimer returns FALSE once the timer expired, and its DPC may still be queued.
#include "TimerScenarios.hpp"

namespace interlock::scenarios {

using namespace interlock::wdm;

namespace {

struct IdleExtension {
  KTIMER* IdleTimer = nullptr;
  KDPC* IdleDpc = nullptr;
  KSPIN_LOCK* PowerLock = nullptr;
  Shared<LONG>* Idle = nullptr;
};

// The device was idle for the timeout: mark it for power-down under the power lock.
void IdleTimeoutDpc(KDPC*, PVOID Context, PVOID, PVOID) {
  auto& extension = *static_cast<IdleExtension*>(Context);
  KeAcquireSpinLockAtDpcLevel(extension.PowerLock);
  extension.Idle->store(1);
  KeReleaseSpinLockFromDpcLevel(extension.PowerLock);
}

void UnloadCancelsOnly(IdleExtension& extension) {
  (void)KeCancelTimer(extension.IdleTimer);  // bug: FALSE when the DPC is already queued
}

void UnloadCancelsAndFlushes(IdleExtension& extension) {
  (void)KeCancelTimer(extension.IdleTimer);
  KeFlushQueuedDpcs();  // the DPC of a timer that already expired has run when this returns
}

using UnloadRoutine = void (*)(IdleExtension&);

Scenario idleScenario(const char* name, const char* description, Expectation expected, UnloadRoutine unload) {
  return Scenario{name, description, std::move(expected), Bounds{}, [unload](Setup& s) {
                    auto& lock = s.make<KSPIN_LOCK>("PowerLock");
                    KeInitializeSpinLock(&lock);
                    auto& timer = s.make<KTIMER>("IdleTimer");
                    KeInitializeTimer(&timer);
                    auto& dpc = s.make<KDPC>("IdleDpc");
                    auto& driver = s.make<DRIVER_OBJECT>("Driver");
                    DEVICE_OBJECT& device = IoCreateDevice<IdleExtension>(s, driver, "Device");
                    auto& extension = *static_cast<IdleExtension*>(device.DeviceExtension);
                    extension = IdleExtension{&timer, &dpc, &lock, &s.make<Shared<LONG>>("Idle")};
                    KeInitializeDpc(&dpc, &IdleTimeoutDpc, &extension);
                    // The last request completed: arm the idle timeout; later the driver unloads.
                    s.systemThread("pnp", [&extension, unload] {
                      LARGE_INTEGER timeout{.QuadPart = -50'000'000};  // five seconds, relative
                      (void)KeSetTimer(extension.IdleTimer, timeout, extension.IdleDpc);
                      unload(extension);
                      driverUnloadReturns();
                    });
                  }};
}

Scenario unloadCancelsOnly() {
  return idleScenario(
      "timer/unload-races-timer-dpc",
      "A driver arms an idle-timeout KTIMER with a DPC that marks the device for power-down "
      "under a spin lock. Its Unload routine cancels the timer and returns. When the timer has "
      "already expired, KeCancelTimer returns FALSE and the DPC is queued or running: the "
      "driver is unloaded under it (DRIVER_UNLOADED_WITHOUT_CANCELLING_PENDING_OPERATIONS, "
      "0xCE).",
      Expectation::violation(ViolationKind::BugCheck, "DRIVER_UNLOADED_WITHOUT_CANCELLING_PENDING_OPERATIONS"),
      &UnloadCancelsOnly);
}

Scenario unloadFlushes() {
  return idleScenario(
      "timer/unload-flushes-timer-dpc",
      "The fix of timer/unload-races-timer-dpc: after KeCancelTimer, Unload calls "
      "KeFlushQueuedDpcs, which returns once every DPC queued before it (the expired timer's "
      "included) has run.",
      Expectation::pass(), &UnloadCancelsAndFlushes);
}

}  // namespace

std::vector<Scenario> timerUnloadDpcScenarios() { return {unloadCancelsOnly(), unloadFlushes()}; }

}  // namespace interlock::scenarios
