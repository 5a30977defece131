#pragma once
// Critical regions, IRQL queries and the APC-disable queries (kernel-semantics.md §2.3, §3.1).
#include "interlock/primitives/WdkTypes.hpp"

namespace interlock {
class Thread;
}

namespace interlock::wdm {

void KeEnterCriticalRegion();
void KeLeaveCriticalRegion();
[[nodiscard]] BOOLEAN KeAreApcsDisabled();
[[nodiscard]] KIRQL KeGetCurrentIrql();

namespace detail {
// Region changes made inside another API (ExEnterCriticalRegionAndAcquire..., FltAcquire...).
void enterCriticalRegion(interlock::Thread& thread, const char* api);
void leaveCriticalRegion(interlock::Thread& thread, const char* api);
}  // namespace detail

}  // namespace interlock::wdm
