// Push lock scenarios (kernel-rules.md §3.7, §4.8, §5.7, §5.9).
#include "interlock/primitives/wdm.hpp"
#include "interlock/scenarios/Builtin.hpp"

namespace interlock::scenarios {

using namespace interlock::wdm;

namespace {

Scenario recursiveExclusive() {
  return Scenario{
      "push-lock/recursive-exclusive",
      "A routine holding a push lock exclusively calls a helper that acquires the same lock "
      "exclusively again, as it would with a KMUTEX. Push locks are not recursive and do not "
      "know their owner: the second acquire waits for the lock to be released, by the thread "
      "that is now waiting.",
      Expectation::violation(ViolationKind::Deadlock, "SelfDeadlock"),
      Bounds{},
      [](Setup& s) {
        auto& lock = s.make<EX_PUSH_LOCK>("Lock");
        ExInitializePushLock(&lock);
        s.systemThread("owner", [&lock] {
          KeEnterCriticalRegion();
          ExAcquirePushLockExclusive(&lock);
          ExAcquirePushLockExclusive(&lock);  // bug: the helper takes it again
          ExReleasePushLockExclusive(&lock);
          ExReleasePushLockExclusive(&lock);
          KeLeaveCriticalRegion();
        });
      }};
}

// A minifilter's stream-context table: creates update it, a system flush reads it.
Scenario minifilter(bool fltForms) {
  return Scenario{
      fltForms ? "push-lock/flt-region" : "push-lock/missing-region",
      fltForms
          ? "A minifilter's pre-create callback, running in the thread of an unprivileged "
            "process, updates a table under FltAcquirePushLockExclusive and FltReleasePushLock, "
            "which enter and leave a critical region themselves; a system thread reads the table "
            "shared. A suspension requested while the callback holds the lock waits for the "
            "release, so the system thread always gets the lock."
          : "The same callback written with ExAcquirePushLockExclusive and no critical region "
            "(Driver Verifier 0xEA). The process suspends its thread while it holds the lock, "
            "and the system thread that reads the table waits forever.",
      fltForms ? Expectation::pass()
               : Expectation::violation(ViolationKind::SuspendedOwnerDoS, "SuspendedOwner")
                     .withVerifier(Expectation::violation(ViolationKind::BugCheck, "PushLockWithinCriticalRegion")),
      Bounds{},
      [fltForms](Setup& s) {
        auto& lock = s.make<EX_PUSH_LOCK>("TableLock");
        auto& table = s.make<Shared<LONG>>("Table");
        FltInitializePushLock(&lock);
        s.userThread("create", [&lock, &table, fltForms] {
          if (fltForms) FltAcquirePushLockExclusive(&lock);
          else ExAcquirePushLockExclusive(&lock);  // bug: no critical region
          table.store(table.load() + 1);
          if (fltForms) FltReleasePushLock(&lock);
          else ExReleasePushLockExclusive(&lock);
        });
        s.systemThread("flush", [&lock, &table] {
          FltAcquirePushLockShared(&lock);
          (void)table.load();
          FltReleasePushLock(&lock);
        });
      }};
}

Scenario sharedReacquireWithWaiter() {
  return Scenario{
      "push-lock/shared-reacquire-with-waiter",
      "A lookup holds a push lock shared and calls a helper that acquires it shared again. "
      "Alone that succeeds, but once a writer has queued for exclusive access the repeated "
      "shared request queues behind the writer, and the writer waits for the lookup's first "
      "shared hold: neither can move (kernel-rules.md §3.7, §5.9).",
      Expectation::violation(ViolationKind::Deadlock),
      Bounds{},
      [](Setup& s) {
        auto& lock = s.make<EX_PUSH_LOCK>("Lock");
        auto& table = s.make<Shared<LONG>>("Table");
        ExInitializePushLock(&lock);
        s.systemThread("lookup", [&lock, &table] {
          KeEnterCriticalRegion();
          ExAcquirePushLockShared(&lock);
          (void)table.load();
          ExAcquirePushLockShared(&lock);  // bug: the helper takes it again
          ExReleasePushLockShared(&lock);
          ExReleasePushLockShared(&lock);
          KeLeaveCriticalRegion();
        });
        s.systemThread("writer", [&lock, &table] {
          KeEnterCriticalRegion();
          ExAcquirePushLockExclusive(&lock);
          table.store(1);
          ExReleasePushLockExclusive(&lock);
          KeLeaveCriticalRegion();
        });
      }};
}

}  // namespace

std::vector<Scenario> pushLockScenarios() {
  return {recursiveExclusive(), minifilter(true), minifilter(false), sharedReacquireWithWaiter()};
}

}  // namespace interlock::scenarios
