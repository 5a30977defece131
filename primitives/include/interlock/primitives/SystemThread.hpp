#pragma once
// System threads (kernel-rules §17): PsCreateSystemThread starts one, it ends by returning from
// its start routine or by PsTerminateSystemThread, and its thread object is signalled then:
// the way to wait for a thread's end is ObReferenceObjectByHandle on its handle, ZwClose,
// KeWaitForSingleObject on the object, ObDereferenceObject.
#include "interlock/primitives/Dispatcher.hpp"
#include "interlock/primitives/FileIo.hpp"
#include "interlock/primitives/ObjectReference.hpp"

namespace interlock::wdm {

// The thread object: a dispatcher object signalled when the thread ends, counted by the
// object manager (the running thread holds a reference of its own until it ends).
class ETHREAD final : public DispatcherObject, public ObjectHeader {
 public:
  [[nodiscard]] const char* typeName() const noexcept override { return "ETHREAD"; }
  [[nodiscard]] bool isLock() const noexcept override { return false; }
  void satisfyWait(interlock::Thread& waiter) noexcept override { (void)waiter; }  // stays signalled

  ThreadId thread = kNoThread;  // model state: the thread it stands for
  bool created = false;         // started by PsCreateSystemThread (its end signals it)
};
using PETHREAD = ETHREAD*;
using PKTHREAD = ETHREAD*;

struct CLIENT_ID {
  HANDLE UniqueProcess = nullptr;
  HANDLE UniqueThread = nullptr;
};
using PCLIENT_ID = CLIENT_ID*;
using PKSTART_ROUTINE = void (*)(PVOID StartContext);

inline constexpr ULONG THREAD_ALL_ACCESS = 0x001FFFFF;
inline constexpr ULONG OBJ_KERNEL_HANDLE = 0x00000200;
inline constexpr NTSTATUS STATUS_INVALID_PARAMETER = static_cast<NTSTATUS>(0xC000000Du);

// PASSIVE_LEVEL. A new system thread runs startRoutine(startContext) at PASSIVE_LEVEL (outside
// any critical region: the model's choice where sources differ); *threadHandle is a kernel
// handle to its thread object, which the caller must close.
NTSTATUS PsCreateSystemThread(PHANDLE threadHandle, ULONG desiredAccess,
                              POBJECT_ATTRIBUTES objectAttributes, HANDLE processHandle,
                              PCLIENT_ID clientId, PKSTART_ROUTINE startRoutine, PVOID startContext);
// PASSIVE_LEVEL. Ends the calling system thread and does not return; from a thread inside a
// system call it returns STATUS_INVALID_PARAMETER. Only a thread PsCreateSystemThread started
// can end this way in the model (a thread a scenario declares ends by returning).
NTSTATUS PsTerminateSystemThread(NTSTATUS exitStatus);
// The calling thread's object.
[[nodiscard]] PETHREAD PsGetCurrentThread();
[[nodiscard]] PKTHREAD KeGetCurrentThread();

namespace detail {
// A thread's client ID (CLIENT_ID::UniqueThread): a multiple of 4 as in Windows, NULL for none.
[[nodiscard]] HANDLE clientIdOf(ThreadId thread) noexcept;
}  // namespace detail

}  // namespace interlock::wdm
