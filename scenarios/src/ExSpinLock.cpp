// Executive reader/writer spin lock scenarios (kernel-rules §14, §19).
#include "interlock/primitives/wdm.hpp"
#include "interlock/scenarios/Builtin.hpp"

namespace interlock::scenarios {

using namespace interlock::wdm;

namespace {

// A NIC driver's flow table: lookups read it under the lock shared, a configuration change
// rewrites it exclusively. The lookup calls a helper that takes the lock shared again.
Scenario sharedReacquire(bool fixed) {
  return Scenario{
      fixed ? "ex-spin-lock/shared-helper-fixed" : "ex-spin-lock/shared-reacquire-with-writer",
      fixed ? "The same lookup calling the helper's Locked form, which expects its caller to hold "
              "the flow-table lock and takes none itself. The writer waits for the one reader and "
              "then rewrites the table."
            : "A packet lookup holds the flow-table EX_SPIN_LOCK shared and calls a helper that "
              "acquires it shared again (ExAcquireSpinLockSharedAtDpcLevel), as it would from other "
              "callers. Recursion is not allowed: when a configuration change asks for the lock "
              "exclusively between the two acquires, the waiting writer turns the second shared "
              "acquire away, and the writer waits for the reader that now waits for it.",
      fixed ? Expectation::pass() : Expectation::violation(ViolationKind::Deadlock, "SelfDeadlock"),
      Bounds{},
      [fixed](Setup& s) {
        auto& lock = s.make<EX_SPIN_LOCK>("FlowTableLock");
        auto& table = s.make<Shared<LONG>>("FlowTable");
        s.systemThread("lookup", [&lock, &table, fixed] {
          const KIRQL old = ExAcquireSpinLockShared(&lock);
          (void)table.load();
          if (!fixed) ExAcquireSpinLockSharedAtDpcLevel(&lock);  // bug: the helper takes it again
          (void)table.load();
          if (!fixed) ExReleaseSpinLockSharedFromDpcLevel(&lock);
          ExReleaseSpinLockShared(&lock, old);
        });
        s.systemThread("configure", [&lock, &table] {
          const KIRQL old = ExAcquireSpinLockExclusive(&lock);
          table.store(table.load() + 1);
          ExReleaseSpinLockExclusive(&lock, old);
        });
      }};
}

// A reader that finds a stale entry converts its shared hold to exclusive to fix it.
Scenario convert(bool fixed) {
  return Scenario{
      fixed ? "ex-spin-lock/convert-or-reacquire" : "ex-spin-lock/convert-assumed",
      fixed ? "Each reader that finds the entry stale tries ExTryConvertSharedSpinLockExclusive and, "
              "when it fails, releases its shared hold and acquires the lock exclusively, then "
              "checks the entry again before fixing it. Whatever the conversion does while the "
              "other reader holds the lock, the entry is fixed exactly once."
            : "Two readers find the same cache entry stale and each calls "
              "ExTryConvertSharedSpinLockExclusive, then fixes the entry without looking at the "
              "result. With the other reader still holding the lock the conversion fails (or "
              "waits until that reader leaves), so a reader writes the entry holding the lock only "
              "shared and both fix it: the refresh count the driver asserts on ends at 2.",
      fixed ? Expectation::pass() : Expectation::violation(ViolationKind::Assertion, "Assertion"),
      Bounds{},
      [fixed](Setup& s) {
        auto& lock = s.make<EX_SPIN_LOCK>("CacheLock");
        auto& stale = s.make<Shared<LONG>>("EntryStale", 1);
        auto& refreshes = s.make<Shared<LONG>>("Refreshes");
        for (const char* name : {"reader1", "reader2"}) {
          s.systemThread(name, [&lock, &stale, &refreshes, fixed] {
            const KIRQL old = ExAcquireSpinLockShared(&lock);
            if (stale.load() == 0) {
              ExReleaseSpinLockShared(&lock, old);
              return;
            }
            const LOGICAL exclusive = ExTryConvertSharedSpinLockExclusive(&lock);
            if (fixed && !exclusive) {
              ExReleaseSpinLockShared(&lock, old);
              const KIRQL again = ExAcquireSpinLockExclusive(&lock);
              if (stale.load() != 0) {
                stale.store(0);
                refreshes.store(refreshes.load() + 1);
              }
              ExReleaseSpinLockExclusive(&lock, again);
              return;
            }
            stale.store(0);  // bug when the conversion failed: written under a shared hold
            refreshes.store(refreshes.load() + 1);
            check(refreshes.load() == 1, "the stale entry is refreshed once");
            if (exclusive) ExReleaseSpinLockExclusive(&lock, old);
            else ExReleaseSpinLockShared(&lock, old);
          });
        }
      }};
}

}  // namespace

std::vector<Scenario> exSpinLockScenarios() {
  std::vector<Scenario> all;
  all.push_back(sharedReacquire(false));
  all.push_back(sharedReacquire(true));
  all.push_back(convert(false));
  all.push_back(convert(true));
  return all;
}

}  // namespace interlock::scenarios
