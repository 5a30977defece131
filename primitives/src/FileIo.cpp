#include "interlock/primitives/FileIo.hpp"

#include "interlock/primitives/Call.hpp"
#include "interlock/primitives/ObjectReference.hpp"

#include <memory>
#include <string>

namespace interlock::wdm {

namespace {

// §3.12: Zw file routines need PASSIVE_LEVEL and special kernel APCs enabled (DV 0xE6).
void checkZwPreconditions(const Thread& thread, const char* api, const FILE_OBJECT& file) {
  if (thread.irql != PASSIVE_LEVEL)
    detail::contractViolation("IrqlZwPassive", 0xE6,
                              std::string(api) + " at IRQL " + std::to_string(thread.irql) +
                                  " (under a FAST_MUTEX or spin lock?): Zw routines need PASSIVE_LEVEL, "
                                  "and a pended request's completion APC cannot run above it",
                              &file);
  else if (thread.specialApcDisable != 0)
    detail::contractViolation("ZwSpecialApcsDisabled", 0xE6,
                              std::string(api) + " with special kernel APCs disabled (a guarded "
                                  "region or guarded mutex): a pended request's completion APC "
                                  "cannot run",
                              &file);
}

FILE_OBJECT* fileOf(HANDLE handle) { return static_cast<FILE_OBJECT*>(handle); }

// A synchronous request on `handle`: completed inline, or pended and completed by a
// special kernel APC that the issuing thread must be able to take (§3.12).
NTSTATUS synchronousIo(const char* api, HANDLE handle, PIO_STATUS_BLOCK status, bool opening = false) {
  FILE_OBJECT* file = fileOf(handle);
  Thread& thread = detail::visibleCall(api, file, Access::Write);
  if (file != nullptr && opening) file->open = true;
  if (file == nullptr || !file->open) {
    detail::recordCall(api, file, nullptr, "STATUS_INVALID_HANDLE");
    return STATUS_INVALID_HANDLE;
  }
  checkZwPreconditions(thread, api, *file);
  // §6: the file system completes it inline; the I/O manager then finishes the request
  // itself at PASSIVE_LEVEL (IRP_DEFER_IO_COMPLETION): no APC is needed.
  if (Execution::current().branch(2) == 0) {
    if (status != nullptr) *status = IO_STATUS_BLOCK{STATUS_SUCCESS, 0};
    detail::recordCall(api, file, nullptr, "STATUS_SUCCESS (completed inline)");
    return STATUS_SUCCESS;
  }
  IRP& irp = detail::newIrp(IRP::Origin::ZwCall);
  irp.userIosb = status;
  detail::completeThroughApc(irp, false);
  detail::recordCall(api, file, nullptr, "pended by the file system");
  if (!irp.completed) {
    detail::waitFor(thread, irp, 0, api, nullptr);
    detail::recordWoken(api, irp, nullptr, "STATUS_SUCCESS (completed by IopCompleteRequest)");
  }
  return STATUS_SUCCESS;
}

}  // namespace

NTSTATUS ZwCreateFile(PHANDLE FileHandle, ACCESS_MASK, POBJECT_ATTRIBUTES ObjectAttributes,
                      PIO_STATUS_BLOCK IoStatusBlock, PLARGE_INTEGER, ULONG, ULONG, ULONG, ULONG,
                      PVOID, ULONG) {
  FILE_OBJECT* file = ObjectAttributes != nullptr ? ObjectAttributes->File : nullptr;
  if (FileHandle != nullptr) *FileHandle = file;
  return synchronousIo("ZwCreateFile", file, IoStatusBlock, true);  // opening may pend too
}

NTSTATUS ZwReadFile(HANDLE FileHandle, HANDLE, PIO_APC_ROUTINE, PVOID, PIO_STATUS_BLOCK IoStatusBlock,
                    PVOID, ULONG, PLARGE_INTEGER, PULONG) {
  return synchronousIo("ZwReadFile", FileHandle, IoStatusBlock);
}

NTSTATUS ZwWriteFile(HANDLE FileHandle, HANDLE, PIO_APC_ROUTINE, PVOID, PIO_STATUS_BLOCK IoStatusBlock,
                     PVOID, ULONG, PLARGE_INTEGER, PULONG) {
  return synchronousIo("ZwWriteFile", FileHandle, IoStatusBlock);
}

NTSTATUS ZwDeviceIoControlFile(HANDLE FileHandle, HANDLE, PIO_APC_ROUTINE, PVOID,
                               PIO_STATUS_BLOCK IoStatusBlock, ULONG, PVOID, ULONG, PVOID, ULONG) {
  return synchronousIo("ZwDeviceIoControlFile", FileHandle, IoStatusBlock);
}

NTSTATUS ZwClose(HANDLE Handle) {
  if (detail::isObjectHandle(Handle)) return detail::closeObjectHandle(Handle);  // not a file
  FILE_OBJECT* file = fileOf(Handle);
  detail::visibleCall("ZwClose", file, Access::Write);
  if (file == nullptr || !file->open) {
    detail::recordCall("ZwClose", file, nullptr, "STATUS_INVALID_HANDLE");
    return STATUS_INVALID_HANDLE;
  }
  file->open = false;
  detail::recordCall("ZwClose", file, nullptr, "STATUS_SUCCESS");
  return STATUS_SUCCESS;
}

}  // namespace interlock::wdm
