#pragma once
// The filter manager's cancellable waits (kernel-rules §3.6): KeWaitForSingleObject /
// KeWaitForMultipleObjects in KernelMode, not alertable, that Windows also ends with
// STATUS_CANCELLED when the I/O operation CallbackData describes is cancelled or the thread is
// terminating. The model cancels no I/O and terminates no waiting thread, so those endings
// never come; the wait's other results are KeWaitFor*'s.
#include "interlock/primitives/Wait.hpp"

namespace interlock::wdm {

struct FLT_CALLBACK_DATA;  // a minifilter's I/O operation: opaque here
using PFLT_CALLBACK_DATA = FLT_CALLBACK_DATA*;


// <= APC_LEVEL.
NTSTATUS FltCancellableWaitForSingleObject(PVOID object, PLARGE_INTEGER timeout,
                                           PFLT_CALLBACK_DATA callbackData);
NTSTATUS FltCancellableWaitForMultipleObjects(ULONG count, PVOID objectArray[], WAIT_TYPE waitType,
                                              PLARGE_INTEGER timeout, PKWAIT_BLOCK waitBlockArray,
                                              PFLT_CALLBACK_DATA callbackData);

}  // namespace interlock::wdm
