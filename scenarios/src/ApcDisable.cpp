// APC-disable balance scenarios (kernel-rules.md §2.3, §3.1, §4.10).
#include "interlock/primitives/wdm.hpp"
#include "interlock/scenarios/Builtin.hpp"

namespace interlock::scenarios {

using namespace interlock::wdm;

namespace {

Scenario unbalancedExit() {
  return Scenario{
      "apc-disable/unbalanced-exit",
      "A system call enters a critical region and an error path returns without leaving it. "
      "On the return to user mode Windows finds KernelApcDisable non-zero and stops with "
      "APC_INDEX_MISMATCH (0x1, parameter 4 = 0: system call).",
      Expectation::violation(ViolationKind::BugCheck, "APC_INDEX_MISMATCH"),
      Bounds{},
      [](Setup& s) {
        auto& resource = s.make<ERESOURCE>("Resource");
        ExInitializeResourceLite(&resource);
        s.userThread("caller", [&resource] {
          KeEnterCriticalRegion();
          if (!ExAcquireResourceExclusiveLite(&resource, FALSE)) return;  // bug: skips the leave
          ExReleaseResourceLite(&resource);
          KeLeaveCriticalRegion();
        });
        s.systemThread("holder", [&resource] {
          KeEnterCriticalRegion();
          ExAcquireResourceSharedLite(&resource, TRUE);
          ExReleaseResourceLite(&resource);
          KeLeaveCriticalRegion();
        });
      }};
}

Scenario unbalancedThreadExit() {
  return Scenario{
      "apc-disable/unbalanced-thread-exit",
      "A system thread enters a critical region and terminates without leaving it. Windows "
      "stops with KERNEL_APC_PENDING_DURING_EXIT (0x20).",
      Expectation::violation(ViolationKind::BugCheck, "KERNEL_APC_PENDING_DURING_EXIT"),
      Bounds{},
      [](Setup& s) {
        auto& resource = s.make<ERESOURCE>("Resource");
        ExInitializeResourceLite(&resource);
        s.systemThread("worker", [&resource] {
          KeEnterCriticalRegion();
          ExAcquireResourceExclusiveLite(&resource, TRUE);
          ExReleaseResourceLite(&resource);
        });
      }};
}

Scenario areApcsDisabled() {
  return Scenario{
      "apc-disable/are-apcs-disabled",
      "KeAreApcsDisabled is TRUE inside a critical region alone, TRUE inside a guarded region "
      "alone, and FALSE outside both (§2.3: it tests CombinedApcDisable, either counter), "
      "whatever the interleaving with another thread that does the same.",
      Expectation::pass(),
      Bounds{},
      [](Setup& s) {
        auto& resource = s.make<ERESOURCE>("Resource");
        ExInitializeResourceLite(&resource);
        for (const char* name : {"first", "second"}) {
          s.systemThread(name, [&resource] {
            check(!KeAreApcsDisabled(), "APCs enabled outside a region");
            KeEnterCriticalRegion();
            check(KeAreApcsDisabled(), "APCs disabled inside a critical region");
            ExAcquireResourceSharedLite(&resource, TRUE);
            ExReleaseResourceLite(&resource);
            KeLeaveCriticalRegion();
            check(!KeAreApcsDisabled(), "APCs enabled after leaving");
            KeEnterGuardedRegion();
            check(KeAreApcsDisabled(), "APCs disabled inside a guarded region");
            ExAcquireResourceSharedLite(&resource, TRUE);
            ExReleaseResourceLite(&resource);
            KeLeaveGuardedRegion();
            check(!KeAreApcsDisabled(), "APCs enabled after leaving the guarded region");
          });
        }
      }};
}

}  // namespace

std::vector<Scenario> apcDisableScenarios() {
  return {unbalancedExit(), unbalancedThreadExit(), areApcsDisabled()};
}

}  // namespace interlock::scenarios
