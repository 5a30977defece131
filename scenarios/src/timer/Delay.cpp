// Waiting for a device with KeDelayExecutionThread (docs/kernel-rules.md §12.1, §3.2): a
// delay gives up the processor, which a spin lock holder at DISPATCH_LEVEL may not do.
#include "TimerScenarios.hpp"

namespace interlock::scenarios {

using namespace interlock::wdm;

namespace {

struct ResetContext {
  KSPIN_LOCK* DeviceLock = nullptr;  // guards the device's registers
  Shared<LONG>* Ready = nullptr;     // the device's ready bit, set by the hardware
};

LARGE_INTEGER pollDelay() { return LARGE_INTEGER{.QuadPart = -10'000}; }  // 1 ms, relative

// Waits a bounded time for the device to come out of reset.
void WaitReadyHoldingLock(ResetContext& context) {
  KIRQL irql = PASSIVE_LEVEL;
  KeAcquireSpinLock(context.DeviceLock, &irql);
  for (int poll = 0; poll < 2 && context.Ready->load() == 0; ++poll) {
    LARGE_INTEGER delay = pollDelay();
    (void)KeDelayExecutionThread(KernelMode, FALSE, &delay);  // bug: at DISPATCH_LEVEL
  }
  KeReleaseSpinLock(context.DeviceLock, irql);
}

void WaitReadyBetweenLocks(ResetContext& context) {
  for (int poll = 0; poll < 2; ++poll) {
    KIRQL irql = PASSIVE_LEVEL;
    KeAcquireSpinLock(context.DeviceLock, &irql);
    const bool ready = context.Ready->load() != 0;
    KeReleaseSpinLock(context.DeviceLock, irql);
    if (ready) break;
    LARGE_INTEGER delay = pollDelay();
    (void)KeDelayExecutionThread(KernelMode, FALSE, &delay);  // at PASSIVE_LEVEL
  }
}

using Waiter = void (*)(ResetContext&);

Scenario resetScenario(const char* name, const char* description, Expectation expected, Waiter waiter) {
  return Scenario{name, description, std::move(expected), Bounds{}, [waiter](Setup& s) {
                    auto& lock = s.make<KSPIN_LOCK>("DeviceLock");
                    KeInitializeSpinLock(&lock);
                    auto& ready = s.make<Shared<LONG>>("Ready");
                    auto& driver = s.make<DRIVER_OBJECT>("Driver");
                    DEVICE_OBJECT& device = IoCreateDevice<ResetContext>(s, driver, "Device");
                    auto& context = *static_cast<ResetContext*>(device.DeviceExtension);
                    context = ResetContext{&lock, &ready};
                    s.systemThread("reset", [&context, waiter] { waiter(context); });
                    s.systemThread("device", [&ready] { ready.store(1); });
                  }};
}

Scenario delayUnderSpinLock() {
  return resetScenario(
      "timer/delay-under-spin-lock",
      "After resetting its device, a driver polls the device's ready bit, sleeping 1 ms with "
      "KeDelayExecutionThread between polls, and does it all holding the device's spin lock. "
      "A delay needs APC_LEVEL or below (SDV IrqlKeApcLte1): at DISPATCH_LEVEL the thread "
      "cannot give up the processor, and the model lets it hang there.",
      Expectation::violation(ViolationKind::ContractViolation, "IrqlKeApcLte1"), &WaitReadyHoldingLock);
}

Scenario delayOutsideSpinLock() {
  return resetScenario(
      "timer/delay-outside-spin-lock",
      "The fix of timer/delay-under-spin-lock: the driver reads the ready bit under the spin "
      "lock, releases it, and only then sleeps, at PASSIVE_LEVEL.",
      Expectation::pass(), &WaitReadyBetweenLocks);
}

}  // namespace

std::vector<Scenario> timerDelayScenarios() { return {delayUnderSpinLock(), delayOutsideSpinLock()}; }

}  // namespace interlock::scenarios
