// KePulseEvent scenarios (kernel-rules §17, §18 pattern 16).
#include "interlock/primitives/wdm.hpp"
#include "interlock/scenarios/Builtin.hpp"

namespace interlock::scenarios {

using namespace interlock::wdm;

namespace {

// A worker waits for "work available"; a producer pulses it after queueing a request.
Scenario lostPulse(bool fixed) {
  return Scenario{
      fixed ? "pulse-event/set-and-reset-by-waiter" : "pulse-event/lost-during-apc",
      fixed ? "The producer signals with KeSetEvent on a synchronization event instead: the "
              "signal stays until the worker's wait takes it, so a kernel APC running on the "
              "worker at that moment delays the wake-up but cannot lose it."
            : "A driver's worker thread waits on a notification event; the producer "
              "queues a request and calls KePulseEvent. The pulse satisfies only the waits in "
              "progress at that instant: if the I/O manager's completion APC for an earlier "
              "request is running on the worker then, the worker is out of its wait, misses the "
              "pulse, returns to the wait on a reset event and waits forever.",
      fixed ? Expectation::pass() : Expectation::violation(ViolationKind::Deadlock, "NoThreadCanMove"),
      Bounds{},
      [fixed](Setup& s) {
        auto& workAvailable = s.make<KEVENT>("WorkAvailable");
        auto& waiting = s.make<KEVENT>("WorkerWaiting");
        auto& ioStatus = s.make<Shared<LONG>>("EarlierIoStatus");
        KeInitializeEvent(&workAvailable, fixed ? SynchronizationEvent : NotificationEvent, FALSE);
        KeInitializeEvent(&waiting, NotificationEvent, FALSE);
        s.systemThread("worker", [&workAvailable, &waiting] {
          KeSetEvent(&waiting, IO_NO_INCREMENT, FALSE);
          KeWaitForSingleObject(&workAvailable, Executive, KernelMode, FALSE, nullptr);
        });
        // IopCompleteRequest for an earlier read: it copies the I/O status block.
        s.apc("CompleteEarlierRead", "worker", ApcKind::Special, [&ioStatus] { ioStatus.store(0); });
        s.systemThread("producer", [&workAvailable, &waiting, fixed] {
          KeWaitForSingleObject(&waiting, Executive, KernelMode, FALSE, nullptr);
          if (fixed) KeSetEvent(&workAvailable, IO_NO_INCREMENT, FALSE);
          else KePulseEvent(&workAvailable, IO_NO_INCREMENT, FALSE);  // bug: lost if no wait is in progress
        });
      }};
}

}  // namespace

std::vector<Scenario> pulseEventScenarios() {
  std::vector<Scenario> all;
  all.push_back(lostPulse(false));
  all.push_back(lostPulse(true));
  return all;
}

}  // namespace interlock::scenarios
