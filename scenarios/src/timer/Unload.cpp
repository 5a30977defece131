// Unloading with a timer's callback still running (docs/kernel-rules.md §11.3, §12.1; bug
// pattern §18.14): cancelling a timer does not wait for a callback that already started.
#include "TimerScenarios.hpp"

namespace interlock::scenarios {

using namespace interlock::wdm;

namespace {

struct SamplerExtension {
  KSPIN_LOCK* StatsLock = nullptr;
  Shared<LONG>* Samples = nullptr;
  PEX_TIMER Sampler = nullptr;
};

// Every period: take a sample of the device's counters under the statistics lock.
void SampleCounters(PEX_TIMER, PVOID Context) {
  auto& extension = *static_cast<SamplerExtension*>(Context);
  KeAcquireSpinLockAtDpcLevel(extension.StatsLock);
  (void)extension.Samples->readModifyWrite("sample", [](LONG& samples) { return ++samples; });
  KeReleaseSpinLockFromDpcLevel(extension.StatsLock);
}

void StartSampling(SamplerExtension& extension) {
  (void)ExSetTimer(extension.Sampler, -10'000'000, 10'000'000, nullptr);  // every second
}

void UnloadCancels(SamplerExtension& extension) {
  (void)ExCancelTimer(extension.Sampler, nullptr);  // bug: a callback already running goes on
}

void UnloadDeletesAndWaits(SamplerExtension& extension) {
  // Cancel, and wait for a callback that already started to return.
  (void)ExDeleteTimer(extension.Sampler, TRUE, TRUE, nullptr);
}

using UnloadRoutine = void (*)(SamplerExtension&);

Scenario samplerScenario(const char* name, const char* description, Expectation expected, UnloadRoutine unload) {
  return Scenario{name, description, std::move(expected), Bounds{}, [unload](Setup& s) {
                    auto& lock = s.make<KSPIN_LOCK>("StatsLock");
                    KeInitializeSpinLock(&lock);
                    auto& driver = s.make<DRIVER_OBJECT>("Driver");
                    DEVICE_OBJECT& device = IoCreateDevice<SamplerExtension>(s, driver, "Device");
                    auto& extension = *static_cast<SamplerExtension*>(device.DeviceExtension);
                    extension.StatsLock = &lock;
                    extension.Samples = &s.make<Shared<LONG>>("Samples");
                    extension.Sampler = ExAllocateTimer(&SampleCounters, &extension, 0);
                    // Start, run a while, stop: the PnP manager's calls on one system thread.
                    s.systemThread("pnp", [&extension, unload] {
                      StartSampling(extension);
                      unload(extension);
                      driverUnloadReturns();
                    });
                  }};
}

Scenario unloadCancelsSampler() {
  return samplerScenario(
      "timer/unload-cancels-running-callback",
      "A driver samples its counters every second with a periodic EX_TIMER whose callback "
      "takes the statistics spin lock. Its Unload routine calls ExCancelTimer and returns. "
      "ExCancelTimer stops further expiries but does not wait for a callback that has "
      "already started: when one is running, the driver is unloaded under it "
      "(DRIVER_UNLOADED_WITHOUT_CANCELLING_PENDING_OPERATIONS, 0xCE).",
      Expectation::violation(ViolationKind::BugCheck, "DRIVER_UNLOADED_WITHOUT_CANCELLING_PENDING_OPERATIONS"),
      &UnloadCancels);
}

Scenario unloadDeletesSampler() {
  return samplerScenario(
      "timer/unload-deletes-and-waits",
      "The fix of timer/unload-cancels-running-callback: Unload calls ExDeleteTimer with "
      "Cancel and Wait TRUE, which cancels the timer and returns only after a callback "
      "already running has returned.",
      Expectation::pass(), &UnloadDeletesAndWaits);
}

}  // namespace

std::vector<Scenario> timerUnloadScenarios() { return {unloadCancelsSampler(), unloadDeletesSampler()}; }

}  // namespace interlock::scenarios
