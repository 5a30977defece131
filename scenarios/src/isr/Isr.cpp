// Interrupts as drivers service them (docs/kernel-rules.md §7, §13; bug pattern §18.13).
#include "../DeviceExtension.hpp"
#include "interlock/primitives/wdm.hpp"
#include "interlock/scenarios/Builtin.hpp"

namespace interlock::scenarios {

using namespace interlock::wdm;

namespace {

constexpr KIRQL kDeviceIrql = 5;  // the device's DIRQL, also its SynchronizeIrql

// The requests in flight: the dispatch routine adds one, the ISR retires one.
struct DeviceFields {
  KSPIN_LOCK* Lock = nullptr;     // the executive spin lock the bug shares with the ISR
  Shared<LONG>* InFlight = nullptr;
};

BOOLEAN RetireUnderSpinLock(PKINTERRUPT, PVOID context) {
  auto* device = static_cast<DeviceFields*>(context);
  KeAcquireSpinLockAtDpcLevel(device->Lock);  // bug: an ISR on an executive spin lock
  device->InFlight->store(device->InFlight->load() - 1);
  KeReleaseSpinLockFromDpcLevel(device->Lock);
  return TRUE;
}

BOOLEAN Retire(PKINTERRUPT, PVOID context) {
  auto* device = static_cast<DeviceFields*>(context);
  device->InFlight->store(device->InFlight->load() - 1);  // the interrupt spin lock is held
  return TRUE;
}

BOOLEAN AddInFlight(PVOID context) {
  auto* device = static_cast<DeviceFields*>(context);
  device->InFlight->store(device->InFlight->load() + 1);
  return TRUE;
}

Scenario executiveSpinLock(bool fixed) {
  return Scenario{
      fixed ? "isr/synchronize-execution" : "isr/executive-spin-lock",
      fixed ? "The fix of isr/executive-spin-lock: the dispatch routine updates the count with "
              "KeSynchronizeExecution, which raises to the device's SynchronizeIrql and takes the "
              "interrupt spin lock, and the ISR updates it under the interrupt spin lock the system "
              "holds around it. On the dispatch routine's processor the ISR cannot fire meanwhile; "
              "on another it waits for the lock."
            : "A dispatch routine counts a request in flight under the device's executive spin lock "
              "(KeAcquireSpinLock), and the ISR retires it under the same lock "
              "(KeAcquireSpinLockAtDpcLevel). When the device interrupts the processor where the "
              "dispatch routine holds the lock at DISPATCH_LEVEL, the ISR spins on it above the "
              "holder, which can never run again to release it.",
      fixed ? Expectation::pass() : Expectation::violation(ViolationKind::Deadlock, "NoThreadCanMove"),
      Bounds{},
      [fixed](Setup& s) {
        auto& lock = s.make<KSPIN_LOCK>("DeviceLock");
        auto& inFlight = s.make<Shared<LONG>>("InFlight");
        auto& device = s.make<Extension<DeviceFields>>("DeviceExtension");
        DeviceFields* fields = &device;
        fields->Lock = &lock;
        fields->InFlight = &inFlight;
        KeInitializeSpinLock(&lock);
        PKINTERRUPT interrupt = connectInterrupt(s, "DeviceInterrupt", fixed ? &Retire : &RetireUnderSpinLock,
                                                 fields, kDeviceIrql, kDeviceIrql);
        s.systemThread("dispatch", [&lock, fields, interrupt, fixed] {
          if (fixed) {
            (void)KeSynchronizeExecution(interrupt, &AddInFlight, fields);
            return;
          }
          KIRQL old = PASSIVE_LEVEL;
          KeAcquireSpinLock(&lock, &old);
          (void)AddInFlight(fields);
          KeReleaseSpinLock(&lock, old);
        });
      }};
}

// The device's registers the ISR and the driver share: requests queued and completed.
struct CountFields {
  Shared<LONG>* Queued = nullptr;
  Shared<LONG>* Completed = nullptr;
};

BOOLEAN CompleteOne(PKINTERRUPT, PVOID context) {
  auto* counts = static_cast<CountFields*>(context);
  const LONG queued = counts->Queued->load();
  if (queued == 0) return FALSE;  // not this device's interrupt
  counts->Queued->store(queued - 1);
  counts->Completed->store(counts->Completed->load() + 1);
  return TRUE;
}

BOOLEAN QueueOne(PVOID context) {
  auto* counts = static_cast<CountFields*>(context);
  counts->Queued->store(counts->Queued->load() + 1);
  return TRUE;
}

BOOLEAN AllAccounted(PVOID context) {
  auto* counts = static_cast<CountFields*>(context);
  check(counts->Queued->load() + counts->Completed->load() == 2, "every request is queued or completed");
  return TRUE;
}

Scenario unsynchronizedCount(bool fixed) {
  return Scenario{
      fixed ? "isr/synchronized-count" : "isr/unsynchronized-count",
      fixed ? "The fix of isr/unsynchronized-count: the driver updates and checks the counts inside "
              "KeSynchronizeExecution, so the ISR cannot run between its read and its write."
            : "One request is already queued to the device. The driver queues a second by reading "
              "the queued count and writing it back plus one, without KeSynchronizeExecution; the "
              "ISR moves a request from queued to completed under the interrupt spin lock. When the "
              "device interrupts between the driver's read and its write, the ISR's update is "
              "overwritten, and the driver's check that every request is queued or completed fails.",
      fixed ? Expectation::pass() : Expectation::violation(ViolationKind::Assertion, "Assertion"),
      Bounds{},
      [fixed](Setup& s) {
        auto& queued = s.make<Shared<LONG>>("Queued", 1);
        auto& completed = s.make<Shared<LONG>>("Completed");
        auto& device = s.make<Extension<CountFields>>("DeviceExtension");
        CountFields* fields = &device;
        fields->Queued = &queued;
        fields->Completed = &completed;
        PKINTERRUPT interrupt = connectInterrupt(s, "DeviceInterrupt", &CompleteOne, fields, kDeviceIrql, kDeviceIrql);
        s.systemThread("driver", [fields, interrupt, fixed] {
          if (fixed) {
            (void)KeSynchronizeExecution(interrupt, &QueueOne, fields);
            (void)KeSynchronizeExecution(interrupt, &AllAccounted, fields);
            return;
          }
          (void)QueueOne(fields);  // bug: the ISR may run between its read and its write
          (void)AllAccounted(fields);
        });
      }};
}

}  // namespace

std::vector<Scenario> isrScenarios() {
  std::vector<Scenario> all;
  for (bool fixed : {false, true}) {
    all.push_back(executiveSpinLock(fixed));
    all.push_back(unsynchronizedCount(fixed));
  }
  return all;
}

}  // namespace interlock::scenarios
