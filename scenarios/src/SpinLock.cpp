// Spin lock scenarios (kernel-rules.md §3.2, §4.5).
#include "interlock/primitives/wdm.hpp"
#include "interlock/scenarios/Builtin.hpp"

namespace interlock::scenarios {

using namespace interlock::wdm;

namespace {

Scenario recursive() {
  return Scenario{
      "spinlock/recursive",
      "A driver's completion path holds its queue spin lock and calls a helper that was "
      "written for callers without it; the helper calls KeAcquireSpinLock on the same lock. "
      "Spin locks are not recursive: the owner spins forever on a lock only it could release, "
      "at DISPATCH_LEVEL, so the processor hangs.",
      Expectation::violation(ViolationKind::Deadlock, "SelfDeadlock"),
      Bounds{},
      [](Setup& s) {
        auto& lock = s.make<KSPIN_LOCK>("QueueLock");
        auto& queue = s.make<Shared<LONG>>("Queue");
        KeInitializeSpinLock(&lock);
        s.systemThread("completion", [&lock, &queue] {
          KIRQL outer = PASSIVE_LEVEL;
          KeAcquireSpinLock(&lock, &outer);
          queue.store(queue.load() - 1);
          KIRQL inner = PASSIVE_LEVEL;
          KeAcquireSpinLock(&lock, &inner);  // bug: the helper takes the lock again
          queue.store(0);
          KeReleaseSpinLock(&lock, inner);
          KeReleaseSpinLock(&lock, outer);
        });
      }};
}

// The device lock is always taken with the ordinary routines, the queue lock with the
// in-stack queued ones (§3.2: never mix them on one lock).
void deviceThenQueue(KSPIN_LOCK& device, KSPIN_LOCK& queue) {
  KIRQL old = PASSIVE_LEVEL;
  KeAcquireSpinLock(&device, &old);
  KLOCK_QUEUE_HANDLE handle;
  KeAcquireInStackQueuedSpinLock(&queue, &handle);
  KeReleaseInStackQueuedSpinLock(&handle);
  KeReleaseSpinLock(&device, old);
}

void queueThenDevice(KSPIN_LOCK& device, KSPIN_LOCK& queue) {
  KLOCK_QUEUE_HANDLE handle;
  KeAcquireInStackQueuedSpinLock(&queue, &handle);
  KeAcquireSpinLockAtDpcLevel(&device);  // already at DISPATCH_LEVEL
  KeReleaseSpinLockFromDpcLevel(&device);
  KeReleaseInStackQueuedSpinLock(&handle);
}

Scenario lockOrder(bool consistent) {
  return Scenario{
      consistent ? "spinlock/ordered" : "spinlock/abba",
      consistent
          ? "The fix of spinlock/abba: both paths take the device lock first and the queue "
            "lock second (one order for nested spin locks), so neither can hold what the "
            "other waits for."
          : "A driver's dispatch path takes its device spin lock and then, nested, its queue "
            "spin lock; its DPC path takes the queue lock and then the device lock. When the "
            "two run on two processors at once, each spins on the lock the other holds, "
            "forever, at DISPATCH_LEVEL.",
      consistent ? Expectation::pass()
                 : Expectation::violation(ViolationKind::Deadlock, "WaitCycle"),
      Bounds{},
      [consistent](Setup& s) {
        auto& device = s.make<KSPIN_LOCK>("DeviceLock");
        auto& queue = s.make<KSPIN_LOCK>("QueueLock");
        KeInitializeSpinLock(&device);
        KeInitializeSpinLock(&queue);
        s.systemThread("dispatch", [&device, &queue] { deviceThenQueue(device, queue); });
        s.systemThread("dpc", [&device, &queue, consistent] {
          if (consistent) deviceThenQueue(device, queue);
          else queueThenDevice(device, queue);  // bug: the opposite order
        });
      }};
}

}  // namespace

std::vector<Scenario> spinLockScenarios() {
  return {recursive(), lockOrder(false), lockOrder(true)};
}

}  // namespace interlock::scenarios
