// Scenarios where a kernel APC re-enters code on the thread it interrupts (§3.10, §4.4).
#include "interlock/primitives/wdm.hpp"
#include "interlock/scenarios/Builtin.hpp"

namespace interlock::scenarios {

using namespace interlock::wdm;

namespace {

// A completion-style normal kernel APC that updates the same table under the same lock.
void tableApc(Setup& s, ERESOURCE& resource) {
  s.apc("CompletionApc", "reader", ApcKind::Normal, [&resource] {
    KeEnterCriticalRegion();
    ExAcquireResourceExclusiveLite(&resource, TRUE);
    ExReleaseResourceLite(&resource);
    KeLeaveCriticalRegion();
  });
}

Scenario apcReentry() {
  return Scenario{
      "eresource/apc-reentry",
      "A system thread reads a table under an ERESOURCE held shared, without a critical "
      "region. A normal kernel APC queued to the same thread (say, a completion routine of "
      "the driver) updates the table and takes the resource exclusively. Outside a region the "
      "APC runs as soon as it is queued, on the reader's own stack, while the reader still "
      "holds the resource shared: the exclusive request waits for the reader, which cannot "
      "run until the APC returns.",
      Expectation::violation(ViolationKind::Deadlock, "SelfDeadlock")
          .withVerifier(Expectation::violation(ViolationKind::BugCheck, "WithinCriticalRegion")),
      Bounds{},
      [](Setup& s) {
        auto& resource = s.make<ERESOURCE>("TableLock");
        auto& table = s.make<Shared<LONG>>("Table");
        ExInitializeResourceLite(&resource);
        s.systemThread("reader", [&resource, &table] {
          ExAcquireResourceSharedLite(&resource, TRUE);  // bug: no critical region
          (void)table.load();
          ExReleaseResourceLite(&resource);
        });
        tableApc(s, resource);
      }};
}

Scenario apcReentryFixed() {
  return Scenario{
      "eresource/apc-reentry-fixed",
      "The fix of eresource/apc-reentry: the reader holds the resource inside a critical "
      "region, which holds normal kernel APCs off until KeLeaveCriticalRegion, after the "
      "release; the APC then takes the resource without contention.",
      Expectation::pass(),
      Bounds{},
      [](Setup& s) {
        auto& resource = s.make<ERESOURCE>("TableLock");
        auto& table = s.make<Shared<LONG>>("Table");
        ExInitializeResourceLite(&resource);
        s.systemThread("reader", [&resource, &table] {
          KeEnterCriticalRegion();
          ExAcquireResourceSharedLite(&resource, TRUE);
          (void)table.load();
          ExReleaseResourceLite(&resource);
          KeLeaveCriticalRegion();
        });
        tableApc(s, resource);
      }};
}

}  // namespace

std::vector<Scenario> apcScenarios() { return {apcReentry(), apcReentryFixed()}; }

}  // namespace interlock::scenarios
