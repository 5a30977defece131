// The WDK's lock routines as wdm.h declares them (C linkage, C types), over Interlock's models:
// spin locks (§3.2), ERESOURCE (§3.3), fast and guarded mutexes (§3.4), push locks (§3.7),
// rundown protection (§3.8).
#include "Layout.hpp"
#include "ObjectAt.hpp"

#include "interlock/primitives/Eresource.hpp"
#include "interlock/primitives/FastMutex.hpp"
#include "interlock/primitives/GuardedMutex.hpp"
#include "interlock/primitives/PushLock.hpp"
#include "interlock/primitives/Rundown.hpp"
#include "interlock/primitives/SpinLock.hpp"

#include <cstdint>

namespace {

namespace w = interlock::wdm;
using interlock::driver::detail::initializedAt;
using interlock::driver::detail::KlockQueueHandle;
using interlock::driver::detail::lockAt;
using interlock::driver::detail::zeroInitializedAt;

using CBoolean = std::uint8_t;
using CKirql = std::uint8_t;

w::KSPIN_LOCK& spinLock(std::uintptr_t* lock, const char* api) {
  return lockAt<w::KSPIN_LOCK>(lock, "KSPIN_LOCK", api, [](w::KSPIN_LOCK& m) { w::KeInitializeSpinLock(&m); });
}
w::FAST_MUTEX& fastMutex(void* mutex, const char* api) {
  return lockAt<w::FAST_MUTEX>(mutex, "FAST_MUTEX", api, [](w::FAST_MUTEX& m) { w::ExInitializeFastMutex(&m); });
}
w::KGUARDED_MUTEX& guardedMutex(void* mutex, const char* api) {
  return lockAt<w::KGUARDED_MUTEX>(mutex, "KGUARDED_MUTEX", api,
                                   [](w::KGUARDED_MUTEX& m) { w::KeInitializeGuardedMutex(&m); });
}
// ERESOURCE keeps its own check of use before ExInitializeResourceLite (§3.3): a fresh model
// is uninitialized, and the model reports it on first use.
w::ERESOURCE& resource(void* address) {
  return initializedAt<w::ERESOURCE>(address, "ERESOURCE");
}
w::EX_PUSH_LOCK& pushLock(void* lock) {
  return zeroInitializedAt<w::EX_PUSH_LOCK>(lock, "EX_PUSH_LOCK", [](w::EX_PUSH_LOCK& m) { w::ExInitializePushLock(&m); });
}
w::EX_RUNDOWN_REF& rundown(void* ref) {
  return zeroInitializedAt<w::EX_RUNDOWN_REF>(ref, "EX_RUNDOWN_REF",
                                              [](w::EX_RUNDOWN_REF& m) { w::ExInitializeRundownProtection(&m); });
}

}  // namespace

extern "C" {

// --- KSPIN_LOCK ---
void KeInitializeSpinLock(std::uintptr_t* SpinLock) {
  *SpinLock = 0;
  w::KeInitializeSpinLock(&initializedAt<w::KSPIN_LOCK>(SpinLock, "KSPIN_LOCK"));
}
void KeAcquireSpinLock(std::uintptr_t* SpinLock, CKirql* OldIrql) {
  w::KeAcquireSpinLock(&spinLock(SpinLock, "KeAcquireSpinLock"), OldIrql);
}
CKirql KeAcquireSpinLockRaiseToDpc(std::uintptr_t* SpinLock) {
  return w::KeAcquireSpinLockRaiseToDpc(&spinLock(SpinLock, "KeAcquireSpinLockRaiseToDpc"));
}
void KeReleaseSpinLock(std::uintptr_t* SpinLock, CKirql NewIrql) {
  w::KeReleaseSpinLock(&spinLock(SpinLock, "KeReleaseSpinLock"), NewIrql);
}
void KeAcquireSpinLockAtDpcLevel(std::uintptr_t* SpinLock) {
  w::KeAcquireSpinLockAtDpcLevel(&spinLock(SpinLock, "KeAcquireSpinLockAtDpcLevel"));
}
void KeReleaseSpinLockFromDpcLevel(std::uintptr_t* SpinLock) {
  w::KeReleaseSpinLockFromDpcLevel(&spinLock(SpinLock, "KeReleaseSpinLockFromDpcLevel"));
}
CBoolean KeTryToAcquireSpinLockAtDpcLevel(std::uintptr_t* SpinLock) {
  return w::KeTryToAcquireSpinLockAtDpcLevel(&spinLock(SpinLock, "KeTryToAcquireSpinLockAtDpcLevel"));
}
void KeAcquireInStackQueuedSpinLock(std::uintptr_t* SpinLock, KlockQueueHandle* LockHandle) {
  w::KLOCK_QUEUE_HANDLE handle;
  w::KeAcquireInStackQueuedSpinLock(&spinLock(SpinLock, "KeAcquireInStackQueuedSpinLock"), &handle);
  LockHandle->Next = nullptr;
  LockHandle->Lock = SpinLock;  // as the kernel does: the release finds the lock through it
  LockHandle->OldIrql = handle.OldIrql;
}
void KeReleaseInStackQueuedSpinLock(KlockQueueHandle* LockHandle) {
  w::KLOCK_QUEUE_HANDLE handle;
  handle.LockQueue.Lock = &spinLock(LockHandle->Lock, "KeReleaseInStackQueuedSpinLock");
  handle.OldIrql = LockHandle->OldIrql;
  w::KeReleaseInStackQueuedSpinLock(&handle);
}

// --- ERESOURCE ---
std::int32_t ExInitializeResourceLite(void* Resource) {
  return w::ExInitializeResourceLite(&resource(Resource));
}
std::int32_t ExDeleteResourceLite(void* Resource) { return w::ExDeleteResourceLite(&resource(Resource)); }
CBoolean ExAcquireResourceExclusiveLite(void* Resource, CBoolean Wait) {
  return w::ExAcquireResourceExclusiveLite(&resource(Resource), Wait);
}
CBoolean ExAcquireResourceSharedLite(void* Resource, CBoolean Wait) {
  return w::ExAcquireResourceSharedLite(&resource(Resource), Wait);
}
CBoolean ExAcquireSharedStarveExclusive(void* Resource, CBoolean Wait) {
  return w::ExAcquireSharedStarveExclusive(&resource(Resource), Wait);
}
CBoolean ExAcquireSharedWaitForExclusive(void* Resource, CBoolean Wait) {
  return w::ExAcquireSharedWaitForExclusive(&resource(Resource), Wait);
}
CBoolean ExTryToAcquireResourceExclusiveLite(void* Resource) {
  return w::ExTryToAcquireResourceExclusiveLite(&resource(Resource));
}
void* ExEnterCriticalRegionAndAcquireResourceExclusive(void* Resource) {
  (void)w::ExEnterCriticalRegionAndAcquireResourceExclusive(&resource(Resource));
  return nullptr;  // the kernel returns the resource's owner-table pointer, which drivers ignore
}
void* ExEnterCriticalRegionAndAcquireResourceShared(void* Resource) {
  (void)w::ExEnterCriticalRegionAndAcquireResourceShared(&resource(Resource));
  return nullptr;
}
void ExReleaseResourceLite(void* Resource) { w::ExReleaseResourceLite(&resource(Resource)); }
void ExReleaseResourceForThreadLite(void* Resource, std::uintptr_t ResourceThreadId) {
  w::ExReleaseResourceForThreadLite(&resource(Resource), ResourceThreadId);
}
void ExReleaseResourceAndLeaveCriticalRegion(void* Resource) {
  w::ExReleaseResourceAndLeaveCriticalRegion(&resource(Resource));
}
void ExConvertExclusiveToSharedLite(void* Resource) { w::ExConvertExclusiveToSharedLite(&resource(Resource)); }
std::uintptr_t ExGetCurrentResourceThread() { return w::ExGetCurrentResourceThread(); }
CBoolean ExIsResourceAcquiredExclusiveLite(void* Resource) {
  return w::ExIsResourceAcquiredExclusiveLite(&resource(Resource));
}
std::uint32_t ExIsResourceAcquiredSharedLite(void* Resource) {
  return w::ExIsResourceAcquiredSharedLite(&resource(Resource));
}
std::uint32_t ExGetExclusiveWaiterCount(void* Resource) { return w::ExGetExclusiveWaiterCount(&resource(Resource)); }
std::uint32_t ExGetSharedWaiterCount(void* Resource) { return w::ExGetSharedWaiterCount(&resource(Resource)); }

// --- FAST_MUTEX ---
void ExInitializeFastMutex(void* FastMutex) {
  w::ExInitializeFastMutex(&initializedAt<w::FAST_MUTEX>(FastMutex, "FAST_MUTEX"));
}
void ExAcquireFastMutex(void* FastMutex) { w::ExAcquireFastMutex(&fastMutex(FastMutex, "ExAcquireFastMutex")); }
void ExReleaseFastMutex(void* FastMutex) { w::ExReleaseFastMutex(&fastMutex(FastMutex, "ExReleaseFastMutex")); }
CBoolean ExTryToAcquireFastMutex(void* FastMutex) {
  return w::ExTryToAcquireFastMutex(&fastMutex(FastMutex, "ExTryToAcquireFastMutex"));
}
void ExAcquireFastMutexUnsafe(void* FastMutex) {
  w::ExAcquireFastMutexUnsafe(&fastMutex(FastMutex, "ExAcquireFastMutexUnsafe"));
}
void ExReleaseFastMutexUnsafe(void* FastMutex) {
  w::ExReleaseFastMutexUnsafe(&fastMutex(FastMutex, "ExReleaseFastMutexUnsafe"));
}

// --- KGUARDED_MUTEX ---
void KeInitializeGuardedMutex(void* Mutex) {
  w::KeInitializeGuardedMutex(&initializedAt<w::KGUARDED_MUTEX>(Mutex, "KGUARDED_MUTEX"));
}
void KeAcquireGuardedMutex(void* Mutex) { w::KeAcquireGuardedMutex(&guardedMutex(Mutex, "KeAcquireGuardedMutex")); }
void KeReleaseGuardedMutex(void* Mutex) { w::KeReleaseGuardedMutex(&guardedMutex(Mutex, "KeReleaseGuardedMutex")); }
CBoolean KeTryToAcquireGuardedMutex(void* Mutex) {
  return w::KeTryToAcquireGuardedMutex(&guardedMutex(Mutex, "KeTryToAcquireGuardedMutex"));
}
void KeAcquireGuardedMutexUnsafe(void* Mutex) {
  w::KeAcquireGuardedMutexUnsafe(&guardedMutex(Mutex, "KeAcquireGuardedMutexUnsafe"));
}
void KeReleaseGuardedMutexUnsafe(void* Mutex) {
  w::KeReleaseGuardedMutexUnsafe(&guardedMutex(Mutex, "KeReleaseGuardedMutexUnsafe"));
}

// --- EX_PUSH_LOCK (and the filter manager's wrappers) ---
void ExInitializePushLock(void* PushLock) {
  w::ExInitializePushLock(&initializedAt<w::EX_PUSH_LOCK>(PushLock, "EX_PUSH_LOCK"));
}
void ExAcquirePushLockExclusive(void* PushLock) { w::ExAcquirePushLockExclusive(&pushLock(PushLock)); }
void ExAcquirePushLockShared(void* PushLock) { w::ExAcquirePushLockShared(&pushLock(PushLock)); }
void ExReleasePushLockExclusive(void* PushLock) { w::ExReleasePushLockExclusive(&pushLock(PushLock)); }
void ExReleasePushLockShared(void* PushLock) { w::ExReleasePushLockShared(&pushLock(PushLock)); }
void FltInitializePushLock(void* PushLock) {
  w::FltInitializePushLock(&initializedAt<w::EX_PUSH_LOCK>(PushLock, "EX_PUSH_LOCK"));
}
void FltAcquirePushLockExclusive(void* PushLock) { w::FltAcquirePushLockExclusive(&pushLock(PushLock)); }
void FltAcquirePushLockShared(void* PushLock) { w::FltAcquirePushLockShared(&pushLock(PushLock)); }
void FltReleasePushLock(void* PushLock) { w::FltReleasePushLock(&pushLock(PushLock)); }
void FltDeletePushLock(void* PushLock) { w::FltDeletePushLock(&pushLock(PushLock)); }

// --- EX_RUNDOWN_REF ---
void ExInitializeRundownProtection(void* RunRef) {
  w::ExInitializeRundownProtection(&initializedAt<w::EX_RUNDOWN_REF>(RunRef, "EX_RUNDOWN_REF"));
}
CBoolean ExAcquireRundownProtection(void* RunRef) { return w::ExAcquireRundownProtection(&rundown(RunRef)); }
CBoolean ExAcquireRundownProtectionEx(void* RunRef, std::uint32_t Count) {
  return w::ExAcquireRundownProtectionEx(&rundown(RunRef), Count);
}
void ExReleaseRundownProtection(void* RunRef) { w::ExReleaseRundownProtection(&rundown(RunRef)); }
void ExReleaseRundownProtectionEx(void* RunRef, std::uint32_t Count) {
  w::ExReleaseRundownProtectionEx(&rundown(RunRef), Count);
}
void ExWaitForRundownProtectionRelease(void* RunRef) { w::ExWaitForRundownProtectionRelease(&rundown(RunRef)); }
void ExRundownCompleted(void* RunRef) { w::ExRundownCompleted(&rundown(RunRef)); }
void ExReInitializeRundownProtection(void* RunRef) { w::ExReInitializeRundownProtection(&rundown(RunRef)); }

}  // extern "C"
