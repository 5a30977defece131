#pragma once
// The remaining KSPIN_LOCK forms (kernel-rules §3.2, §15): in-stack queued at DISPATCH_LEVEL,
// the ForDpc forms, KeTestSpinLock, SYNCH_LEVEL and the Ex* names wdm.h maps to the Ke*
// routines.
#include "interlock/primitives/SpinLock.hpp"

namespace interlock::wdm {

// The x64 SYNCH_LEVEL: what the clock and IPI code synchronize at.
inline constexpr KIRQL SYNCH_LEVEL = 12;

// >= DISPATCH_LEVEL, no IRQL change: queued at the tail, granted in request order.
void KeAcquireInStackQueuedSpinLockAtDpcLevel(PKSPIN_LOCK lock, PKLOCK_QUEUE_HANDLE handle);
void KeReleaseInStackQueuedSpinLockFromDpcLevel(PKLOCK_QUEUE_HANDLE handle);
// For a DPC routine: no IRQL change (§19). Called outside a DPC: SpinLockForDpcOutsideDpc.
void KeAcquireInStackQueuedSpinLockForDpc(PKSPIN_LOCK lock, PKLOCK_QUEUE_HANDLE handle);
void KeReleaseInStackQueuedSpinLockForDpc(PKLOCK_QUEUE_HANDLE handle);
[[nodiscard]] KIRQL KeAcquireSpinLockForDpc(PKSPIN_LOCK lock);
void KeReleaseSpinLockForDpc(PKSPIN_LOCK lock, KIRQL oldIrql);
// Any IRQL; never acquires: FALSE while anyone holds the lock, else TRUE.
[[nodiscard]] BOOLEAN KeTestSpinLock(PKSPIN_LOCK lock);
// KeRaiseIrql(SYNCH_LEVEL, &old), returning old.
[[nodiscard]] KIRQL KeRaiseIrqlToSynchLevel();

// wdm.h defines these as the Ke* routines.
inline void ExAcquireSpinLock(PKSPIN_LOCK lock, PKIRQL oldIrql) { KeAcquireSpinLock(lock, oldIrql); }
inline void ExReleaseSpinLock(PKSPIN_LOCK lock, KIRQL newIrql) { KeReleaseSpinLock(lock, newIrql); }
inline void ExAcquireSpinLockAtDpcLevel(PKSPIN_LOCK lock) { KeAcquireSpinLockAtDpcLevel(lock); }
inline void ExReleaseSpinLockFromDpcLevel(PKSPIN_LOCK lock) { KeReleaseSpinLockFromDpcLevel(lock); }

}  // namespace interlock::wdm
