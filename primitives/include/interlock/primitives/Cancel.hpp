#pragma once
// IRP cancellation (docs/kernel-rules.md §9.1, §9.2). IoSetCancelRoutine is an interlocked
// exchange on the IRP; IoCancelIrp takes the system-wide cancel spin lock, sets Irp->Cancel and
// calls the routine it took, still holding the lock: the routine must release it with
// IoReleaseCancelSpinLock(Irp->CancelIrql). The cancel spin lock is an ordinary spin lock to
// the model (lock order, deadlock, release checks), made on first use and named
// IoCancelSpinLock. Cancellation by a requester (CancelIoEx, its thread ending) is declared on
// the handle: FILE_OBJECT::requesterCancels.
#include "interlock/primitives/Irp.hpp"
#include "interlock/primitives/WdkTypes.hpp"

namespace interlock::wdm {

// <= DISPATCH_LEVEL. Returns the previous routine: NULL if none, or if IoCancelIrp took it.
PDRIVER_CANCEL IoSetCancelRoutine(PIRP Irp, PDRIVER_CANCEL CancelRoutine);
// <= DISPATCH_LEVEL. TRUE when it called a cancel routine.
BOOLEAN IoCancelIrp(PIRP Irp);
void IoAcquireCancelSpinLock(PKIRQL Irql);
void IoReleaseCancelSpinLock(KIRQL Irql);

}  // namespace interlock::wdm
