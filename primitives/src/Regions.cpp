#include "interlock/primitives/Regions.hpp"

#include "interlock/primitives/Call.hpp"

namespace interlock::wdm {

namespace detail {

void enterCriticalRegion(Thread& thread, const char* api) {
  if (thread.irql > APC_LEVEL)
    contractViolation("IrqlKeApcLte2", 0x11A, std::string(api) + " called above APC_LEVEL");
  --thread.kernelApcDisable;
}

void leaveCriticalRegion(Thread& thread, const char* api) {
  if (thread.irql > APC_LEVEL)
    contractViolation("IrqlKeApcLte2", 0x11B, std::string(api) + " called above APC_LEVEL");
  // §5.10: an extra leave makes the count positive, which also blocks delivery.
  if (thread.kernelApcDisable >= 0)
    contractViolation("CriticalRegions", 0x3E,
                      std::string(api) + " without a matching KeEnterCriticalRegion");
  ++thread.kernelApcDisable;
}

void enterGuardedRegion(Thread& thread) { --thread.specialApcDisable; }

void leaveGuardedRegion(Thread& thread, const char* api) {
  // §3.1: like the critical region, an extra leave leaves a positive count that blocks delivery.
  if (thread.specialApcDisable >= 0)
    contractViolation("GuardedRegions", 0x4000E,
                      std::string(api) + " without a matching KeEnterGuardedRegion");
  ++thread.specialApcDisable;
}

}  // namespace detail

namespace {

void checkGuardedIrql(const Thread& thread, const char* api) {
  if (thread.irql > APC_LEVEL)
    detail::contractViolation("IrqlKeApcLte2", 0x20010,
                              std::string(api) + " called above APC_LEVEL");
}

}  // namespace

// Region changes touch only the calling thread: recorded, but not scheduling points.
void KeEnterCriticalRegion() {
  Thread& thread = detail::localCall();
  detail::enterCriticalRegion(thread, "KeEnterCriticalRegion");
  detail::recordCall("KeEnterCriticalRegion", nullptr, nullptr, nullptr);
}

void KeLeaveCriticalRegion() {
  Thread& thread = detail::localCall();
  detail::leaveCriticalRegion(thread, "KeLeaveCriticalRegion");
  detail::recordCall("KeLeaveCriticalRegion", nullptr, nullptr, nullptr);
  Execution::current().apcStateChanged();  // §2.2: pending APCs run before the next statement
}

void KeEnterGuardedRegion() {
  constexpr const char* api = "KeEnterGuardedRegion";
  Thread& thread = detail::localCall();
  checkGuardedIrql(thread, api);
  detail::enterGuardedRegion(thread);
  detail::recordCall(api, nullptr, nullptr, nullptr);
}

void KeLeaveGuardedRegion() {
  constexpr const char* api = "KeLeaveGuardedRegion";
  Thread& thread = detail::localCall();
  checkGuardedIrql(thread, api);
  detail::leaveGuardedRegion(thread, api);
  detail::recordCall(api, nullptr, nullptr, nullptr);
  Execution::current().apcStateChanged();  // §2.2: special and normal kernel APCs may now run
}

BOOLEAN KeAreApcsDisabled() {
  const Thread& thread = detail::localCall();
  // §2.3: one compare of CombinedApcDisable; IRQL is ignored.
  const BOOLEAN disabled = thread.combinedApcDisable() != 0 ? TRUE : FALSE;
  detail::recordCall("KeAreApcsDisabled", nullptr, nullptr, detail::boolText(disabled));
  return disabled;
}

BOOLEAN KeAreAllApcsDisabled() {
  const Thread& thread = detail::localCall();
  // §2.3: a guarded region (any non-zero SpecialApcDisable) or IRQL >= APC_LEVEL; a critical
  // region alone leaves special kernel APCs enabled.
  const BOOLEAN disabled =
      thread.specialApcDisable != 0 || thread.irql >= APC_LEVEL ? TRUE : FALSE;
  detail::recordCall("KeAreAllApcsDisabled", nullptr, nullptr, detail::boolText(disabled));
  return disabled;
}

KIRQL KeGetCurrentIrql() { return detail::localCall().irql; }

}  // namespace interlock::wdm
