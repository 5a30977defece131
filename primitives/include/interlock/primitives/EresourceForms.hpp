#pragma once
// The remaining ERESOURCE entry points (kernel-rules §3.3, §17): the filter manager's forms
// that enter and leave a critical region themselves, the critical-region form of
// ExAcquireSharedWaitForExclusive, re-initialization, the pre-Ex owner pointer and the boost
// switch.
#include "interlock/primitives/Eresource.hpp"

namespace interlock::wdm {

// <= APC_LEVEL: KeEnterCriticalRegion, then the acquire with Wait = TRUE.
void FltAcquireResourceExclusive(PERESOURCE resource);
void FltAcquireResourceShared(PERESOURCE resource);
// <= DISPATCH_LEVEL: ExReleaseResourceLite, then KeLeaveCriticalRegion.
void FltReleaseResource(PERESOURCE resource);
PVOID ExEnterCriticalRegionAndAcquireSharedWaitForExclusive(PERESOURCE resource);
// Resets a resource nobody holds or waits for; STATUS_SUCCESS.
NTSTATUS ExReinitializeResourceLite(PERESOURCE resource);
// ExSetResourceOwnerPointerEx with Flags = 0.
void ExSetResourceOwnerPointer(PERESOURCE resource, PVOID ownerPointer);
// Priority boosting is not modelled: recorded only.
void ExDisableResourceBoostLite(PERESOURCE resource);

}  // namespace interlock::wdm
