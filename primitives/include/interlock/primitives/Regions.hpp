#pragma once
// Critical and guarded regions, IRQL queries and the APC-disable queries
// (kernel-rules.md §2.3, §3.1).
#include "interlock/primitives/WdkTypes.hpp"

namespace interlock {
class Thread;
}

namespace interlock::wdm {

void KeEnterCriticalRegion();
void KeLeaveCriticalRegion();
void KeEnterGuardedRegion();
void KeLeaveGuardedRegion();
[[nodiscard]] BOOLEAN KeAreApcsDisabled();
[[nodiscard]] BOOLEAN KeAreAllApcsDisabled();
[[nodiscard]] KIRQL KeGetCurrentIrql();

namespace detail {
// Region changes made inside another API (ExEnterCriticalRegionAndAcquire..., FltAcquire...).
void enterCriticalRegion(interlock::Thread& thread, const char* api);
void leaveCriticalRegion(interlock::Thread& thread, const char* api);
// Guarded region changes made inside another API (KeAcquireGuardedMutex ...): the counter and
// the balance check only; the API checks its own IRQL. The caller delivers APCs after leaving.
void enterGuardedRegion(interlock::Thread& thread);
void leaveGuardedRegion(interlock::Thread& thread, const char* api);
}  // namespace detail

}  // namespace interlock::wdm
