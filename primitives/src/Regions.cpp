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

}  // namespace detail

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

BOOLEAN KeAreApcsDisabled() {
  const Thread& thread = detail::localCall();
  // §2.3: one compare of CombinedApcDisable; IRQL is ignored.
  const BOOLEAN disabled = thread.combinedApcDisable() != 0 ? TRUE : FALSE;
  detail::recordCall("KeAreApcsDisabled", nullptr, nullptr, detail::boolText(disabled));
  return disabled;
}

KIRQL KeGetCurrentIrql() { return detail::localCall().irql; }

}  // namespace interlock::wdm
