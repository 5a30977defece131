// ERESOURCE scenarios (kernel-rules.md §3.3, §4.1, §4.2, §4.7, §4.12, §5.9).
#include "interlock/primitives/wdm.hpp"
#include "interlock/scenarios/Builtin.hpp"

namespace interlock::scenarios {

using namespace interlock::wdm;

namespace {

// The system thread that needs the resource: a well-behaved system service.
void systemUser(Setup& s, ERESOURCE& resource, Shared<LONG>& table, const char* name = "system") {
  s.systemThread(name, [&resource, &table] {
    KeEnterCriticalRegion();
    ExAcquireResourceExclusiveLite(&resource, TRUE);
    table.store(table.load() + 1);
    ExReleaseResourceLite(&resource);
    KeLeaveCriticalRegion();
  });
}

Scenario suspendedOwner() {
  return Scenario{
      "eresource/suspended-owner",
      "An IOCTL handler, running in the thread of an unprivileged process, takes a global "
      "ERESOURCE exclusively without entering a critical region. The process suspends its own "
      "thread (NtSuspendThread) while the handler holds the resource; a system thread that needs "
      "the same resource then waits forever: one unprivileged caller denies service to the "
      "whole system. With Driver Verifier enabled the acquire itself stops the machine (0xC4).",
      Expectation::violation(ViolationKind::SuspendedOwnerDoS, "SuspendedOwner")
          .withVerifier(Expectation::violation(ViolationKind::BugCheck, "WithinCriticalRegion")),
      Bounds{},
      [](Setup& s) {
        auto& resource = s.make<ERESOURCE>("Resource");
        auto& table = s.make<Shared<LONG>>("Table");
        ExInitializeResourceLite(&resource);
        s.userThread("user", [&resource, &table] {
          ExAcquireResourceExclusiveLite(&resource, TRUE);  // bug: no KeEnterCriticalRegion
          table.store(table.load() + 1);
          ExReleaseResourceLite(&resource);
        });
        systemUser(s, resource, table);
      }};
}

Scenario criticalRegion() {
  return Scenario{
      "eresource/critical-region",
      "The fix of eresource/suspended-owner: the handler calls KeEnterCriticalRegion before "
      "acquiring and KeLeaveCriticalRegion after releasing. A suspension requested while it "
      "holds the resource stays pending (the suspend APC is a normal kernel APC) and takes effect "
      "only after the release, so the system thread always gets the resource.",
      Expectation::pass(),
      Bounds{},
      [](Setup& s) {
        auto& resource = s.make<ERESOURCE>("Resource");
        auto& table = s.make<Shared<LONG>>("Table");
        ExInitializeResourceLite(&resource);
        s.userThread("user", [&resource, &table] {
          KeEnterCriticalRegion();
          ExAcquireResourceExclusiveLite(&resource, TRUE);
          table.store(table.load() + 1);
          ExReleaseResourceLite(&resource);
          KeLeaveCriticalRegion();
        });
        systemUser(s, resource, table);
      }};
}

Scenario criticalRegionCombined() {
  return Scenario{
      "eresource/critical-region-combined",
      "The same fix written with ExEnterCriticalRegionAndAcquireResourceExclusive and "
      "ExReleaseResourceAndLeaveCriticalRegion, which enter and leave the critical region "
      "inside the call.",
      Expectation::pass(),
      Bounds{},
      [](Setup& s) {
        auto& resource = s.make<ERESOURCE>("Resource");
        auto& table = s.make<Shared<LONG>>("Table");
        ExInitializeResourceLite(&resource);
        s.userThread("user", [&resource, &table] {
          (void)ExEnterCriticalRegionAndAcquireResourceExclusive(&resource);
          table.store(table.load() + 1);
          ExReleaseResourceAndLeaveCriticalRegion(&resource);
        });
        systemUser(s, resource, table);
      }};
}

Scenario suspendedWaiter() {
  return Scenario{
      "eresource/suspended-waiter",
      "The handler enters its critical region only after ExAcquireResourceExclusiveLite "
      "returns, believing that is soon enough. While it waits for the resource (held by a "
      "system thread) it is at PASSIVE_LEVEL outside any region, so the suspend APC is "
      "delivered inside the wait, or as it leaves the wait once the system thread's release has "
      "handed it ownership (the hand-off happens before the waiter runs). Either way the "
      "resource now belongs to a suspended thread, and the system thread's next acquire waits "
      "forever.",
      Expectation::violation(ViolationKind::SuspendedOwnerDoS, "SuspendedOwner")
          .withVerifier(Expectation::violation(ViolationKind::BugCheck, "WithinCriticalRegion")),
      Bounds{},
      [](Setup& s) {
        auto& resource = s.make<ERESOURCE>("Resource");
        ExInitializeResourceLite(&resource);
        s.userThread("user", [&resource] {
          ExAcquireResourceExclusiveLite(&resource, TRUE);  // bug: the region starts too late
          KeEnterCriticalRegion();
          ExReleaseResourceLite(&resource);
          KeLeaveCriticalRegion();
        });
        s.systemThread("system", [&resource] {
          KeEnterCriticalRegion();
          ExAcquireResourceExclusiveLite(&resource, TRUE);
          ExReleaseResourceLite(&resource);
          ExAcquireResourceExclusiveLite(&resource, TRUE);
          ExReleaseResourceLite(&resource);
          KeLeaveCriticalRegion();
        });
      }};
}

Scenario sharedToExclusive() {
  return Scenario{
      "eresource/shared-to-exclusive",
      "A lookup routine holds a resource shared and, on a cache miss, asks for it exclusively "
      "to insert the entry, without releasing first. ERESOURCE cannot upgrade: the exclusive "
      "request waits for all shared owners, itself included, so the thread deadlocks alone.",
      Expectation::violation(ViolationKind::Deadlock, "SelfDeadlock"),
      Bounds{},
      [](Setup& s) {
        auto& resource = s.make<ERESOURCE>("Resource");
        ExInitializeResourceLite(&resource);
        s.systemThread("lookup", [&resource] {
          KeEnterCriticalRegion();
          ExAcquireResourceSharedLite(&resource, TRUE);
          ExAcquireResourceExclusiveLite(&resource, TRUE);  // bug: upgrade
          ExReleaseResourceLite(&resource);
          ExReleaseResourceLite(&resource);
          KeLeaveCriticalRegion();
        });
      }};
}

Scenario recursiveExclusive() {
  return Scenario{
      "eresource/recursive-exclusive",
      "A routine that owns a resource exclusively calls a helper that acquires it again, "
      "exclusively and then shared. ERESOURCE ownership is recursive for the exclusive owner; "
      "each acquire is matched by a release and another thread gets the resource afterwards.",
      Expectation::pass(),
      Bounds{},
      [](Setup& s) {
        auto& resource = s.make<ERESOURCE>("Resource");
        auto& table = s.make<Shared<LONG>>("Table");
        ExInitializeResourceLite(&resource);
        s.systemThread("owner", [&resource, &table] {
          KeEnterCriticalRegion();
          ExAcquireResourceExclusiveLite(&resource, TRUE);
          ExAcquireResourceExclusiveLite(&resource, TRUE);
          ExAcquireResourceSharedLite(&resource, TRUE);
          check(ExIsResourceAcquiredSharedLite(&resource) == 3, "recursion count is 3");
          ExReleaseResourceLite(&resource);
          ExReleaseResourceLite(&resource);
          ExReleaseResourceLite(&resource);
          KeLeaveCriticalRegion();
        });
        systemUser(s, resource, table, "other");
      }};
}

Scenario releaseNotOwned() {
  return Scenario{
      "eresource/release-not-owned",
      "An error path releases a resource twice. The second ExReleaseResourceLite finds the "
      "caller owns nothing and Windows stops with RESOURCE_NOT_OWNED (0xE3).",
      Expectation::violation(ViolationKind::BugCheck, "RESOURCE_NOT_OWNED"),
      Bounds{},
      [](Setup& s) {
        auto& resource = s.make<ERESOURCE>("Resource");
        ExInitializeResourceLite(&resource);
        s.systemThread("worker", [&resource] {
          KeEnterCriticalRegion();
          ExAcquireResourceSharedLite(&resource, TRUE);
          ExReleaseResourceLite(&resource);
          ExReleaseResourceLite(&resource);  // bug: released twice
          KeLeaveCriticalRegion();
        });
      }};
}

Scenario recursiveSharedUnderWriter(bool starve) {
  return Scenario{
      starve ? "eresource/starve-exclusive" : "eresource/wait-for-exclusive-recursion",
      starve
          ? "The fix of eresource/wait-for-exclusive-recursion: the lookup and its helper use "
            "ExAcquireSharedStarveExclusive, which grants a shared request whenever the "
            "resource is not held exclusively, even with a writer waiting. The lookup gets its "
            "second hold, releases both, and the writer is handed the resource."
          : "A lookup holds a resource through ExAcquireSharedWaitForExclusive and calls a "
            "helper that acquires it the same way. If a writer has queued for exclusive access "
            "in between, the documented grant rule makes the helper's request wait behind the "
            "writer, who waits for the lookup's first hold: a deadlock that only another thread "
            "releasing on the lookup's behalf could break (kernel-rules.md §3.3, §5.9).",
      starve ? Expectation::pass() : Expectation::violation(ViolationKind::Deadlock),
      Bounds{},
      [starve](Setup& s) {
        auto& resource = s.make<ERESOURCE>("Resource");
        auto& table = s.make<Shared<LONG>>("Table");
        ExInitializeResourceLite(&resource);
        const auto acquire = starve ? ExAcquireSharedStarveExclusive : ExAcquireSharedWaitForExclusive;
        s.systemThread("lookup", [&resource, &table, acquire] {
          KeEnterCriticalRegion();
          acquire(&resource, TRUE);
          (void)table.load();
          acquire(&resource, TRUE);  // the helper's recursive shared acquire
          ExReleaseResourceLite(&resource);
          ExReleaseResourceLite(&resource);
          KeLeaveCriticalRegion();
        });
        systemUser(s, resource, table, "writer");
      }};
}

}  // namespace

std::vector<Scenario> eresourceScenarios() {
  return {suspendedOwner(),    criticalRegion(),     criticalRegionCombined(), suspendedWaiter(),
          sharedToExclusive(), recursiveExclusive(), releaseNotOwned(),
          recursiveSharedUnderWriter(false), recursiveSharedUnderWriter(true)};
}

}  // namespace interlock::scenarios
