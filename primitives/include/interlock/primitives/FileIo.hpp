#pragma once
// Synchronous file I/O through Zw calls (kernel-rules.md §3.12). The file system may
// complete a request inline or pend it (§6: a branch); a pended request completes through
// IopCompleteRequest, a special kernel APC to the issuing thread, which the environment
// queues at a moment the exploration chooses. With special kernel APCs disabled that APC
// never runs and the caller waits forever.
// Partial: no asynchronous handles, no user APCs, no paths (the model names the file).
// Threaded IRPs a driver builds and sends with IoCallDriver: primitives/Irp.hpp.
#include "interlock/core/KernelObject.hpp"
#include "interlock/primitives/Irp.hpp"
#include "interlock/primitives/WdkTypes.hpp"

namespace interlock::wdm {

// A file opened for synchronous I/O (FILE_SYNCHRONOUS_IO_NONALERT) on some file system.
class FILE_OBJECT final : public interlock::KernelObject {
 public:
  [[nodiscard]] const char* typeName() const noexcept override { return "FILE_OBJECT"; }
  bool open = false;
  // Opened on a device the model runs (docs/kernel-rules.md §8): a Zw call on the handle sends
  // an IRP to its driver's dispatch routine. Null: a file system the model does not run.
  PDEVICE_OBJECT DeviceObject = nullptr;
  // The requester may cancel its I/O on this handle (CancelIoEx, or its thread ending) at any
  // point after the IRP is sent: each IRP sent through it gets a canceller (§9.1).
  bool requesterCancels = false;
};

using PIO_APC_ROUTINE = void (*)(PVOID ApcContext, PIO_STATUS_BLOCK IoStatusBlock, ULONG Reserved);
using ACCESS_MASK = ULONG;

// The model names the file directly where Windows would name it by path.
struct OBJECT_ATTRIBUTES {
  FILE_OBJECT* File = nullptr;
};
using POBJECT_ATTRIBUTES = OBJECT_ATTRIBUTES*;

inline constexpr NTSTATUS STATUS_INVALID_HANDLE = static_cast<NTSTATUS>(0xC0000008);

NTSTATUS ZwCreateFile(PHANDLE FileHandle, ACCESS_MASK DesiredAccess,
                      POBJECT_ATTRIBUTES ObjectAttributes, PIO_STATUS_BLOCK IoStatusBlock,
                      PLARGE_INTEGER AllocationSize, ULONG FileAttributes, ULONG ShareAccess,
                      ULONG CreateDisposition, ULONG CreateOptions, PVOID EaBuffer, ULONG EaLength);
NTSTATUS ZwReadFile(HANDLE FileHandle, HANDLE Event, PIO_APC_ROUTINE ApcRoutine, PVOID ApcContext,
                    PIO_STATUS_BLOCK IoStatusBlock, PVOID Buffer, ULONG Length,
                    PLARGE_INTEGER ByteOffset, PULONG Key);
NTSTATUS ZwWriteFile(HANDLE FileHandle, HANDLE Event, PIO_APC_ROUTINE ApcRoutine, PVOID ApcContext,
                     PIO_STATUS_BLOCK IoStatusBlock, PVOID Buffer, ULONG Length,
                     PLARGE_INTEGER ByteOffset, PULONG Key);
NTSTATUS ZwDeviceIoControlFile(HANDLE FileHandle, HANDLE Event, PIO_APC_ROUTINE ApcRoutine,
                               PVOID ApcContext, PIO_STATUS_BLOCK IoStatusBlock,
                               ULONG IoControlCode, PVOID InputBuffer, ULONG InputBufferLength,
                               PVOID OutputBuffer, ULONG OutputBufferLength);
NTSTATUS ZwClose(HANDLE Handle);

}  // namespace interlock::wdm
