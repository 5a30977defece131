#pragma once
// KeWaitForSingleObject, KeWaitForMultipleObjects, KeWaitForMutexObject (kernel-rules.md
// §3.5, §3.6, §6) on KEVENT, KSEMAPHORE and KMUTEX.
//
// Timeout: NULL waits until satisfied; *Timeout == 0 polls (STATUS_TIMEOUT without waiting
// when not signalled); any other value is an exploration branch taken when the wait would
// block: satisfied before the timeout (waits as if infinite; never counted as a hang) or
// times out at once (STATUS_TIMEOUT, dequeued). Alertable and UserMode waits behave as
// KernelMode ones: the model has no user APCs and no thread termination.
#include "interlock/primitives/WdkTypes.hpp"

namespace interlock::wdm {

// The caller's wait-block array for more than THREAD_WAIT_OBJECTS objects; opaque here (the
// model keeps its own blocks), but required as in Windows.
struct KWAIT_BLOCK {
  PVOID Object = nullptr;
};
using PKWAIT_BLOCK = KWAIT_BLOCK*;

inline constexpr ULONG THREAD_WAIT_OBJECTS = 3;
inline constexpr ULONG MAXIMUM_WAIT_OBJECTS = 64;

NTSTATUS KeWaitForSingleObject(PVOID object, KWAIT_REASON reason, KPROCESSOR_MODE mode,
                               BOOLEAN alertable, PLARGE_INTEGER timeout);
// WaitAny returns STATUS_WAIT_0 + the index of the object that satisfied it; WaitAll,
// STATUS_SUCCESS once every object could be taken at once. The model waits on at most 8.
NTSTATUS KeWaitForMultipleObjects(ULONG count, PVOID objects[], WAIT_TYPE type,
                                  KWAIT_REASON reason, KPROCESSOR_MODE mode, BOOLEAN alertable,
                                  PLARGE_INTEGER timeout, PKWAIT_BLOCK waitBlockArray);
// The WDK's macro for KeWaitForSingleObject on a mutex; checked under its own SDV rule.
NTSTATUS KeWaitForMutexObject(PVOID mutex, KWAIT_REASON reason, KPROCESSOR_MODE mode,
                              BOOLEAN alertable, PLARGE_INTEGER timeout);

}  // namespace interlock::wdm
