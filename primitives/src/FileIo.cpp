#include "interlock/primitives/FileIo.hpp"
#include "Numbering.hpp"

#include "IrpModel.hpp"
#include "interlock/primitives/Call.hpp"
#include "interlock/primitives/ObjectReference.hpp"
#include "interlock/primitives/Cancel.hpp"

#include <memory>
#include <string>
#include <string_view>

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

// §9.1: the requester cancels (CancelIoEx, or its thread ending) at a point the exploration
// chooses: a canceller thread, beyond user suspension, made when the IRP is sent.
void offerCancellation(IRP& irp) {
  Execution& execution = Execution::current();
  IRP* sent = &irp;
  (void)execution.spawnThread(ThreadSpec{detail::nextThreadName(execution, "CancelIo"),
                                         execution.currentThread().spec().requester,
                                         ThreadKind::System, false,
                                         [sent] { (void)detail::cancelIrp(*sent, true); }});
}

// §8: the I/O manager builds the IRP for `major`, sends it to the device's driver and, when the
// dispatch routine returns STATUS_PENDING, waits until IopCompleteRequest finishes it. The
// driver's stack location carries the call's parameters (the buffer lengths, the IOCTL code).
NTSTATUS sendToDevice(Thread& thread, const char* api, FILE_OBJECT& file, UCHAR major,
                      PIO_STATUS_BLOCK status, const detail::RequestParameters& parameters) {
  DEVICE_OBJECT& device = *file.DeviceObject;
  IRP& irp = detail::newIrp(IRP::Origin::ZwCall);
  // The status block is copied when the call returns: the caller's frame is gone after it.
  irp.StackCount = detail::stackSizeFor(device, api);
  irp.CurrentLocation = static_cast<CCHAR>(irp.StackCount + 1);
  irp.requesterCancels = file.requesterCancels;
  if (irp.StackCount >= 1) {
    IO_STACK_LOCATION& location = detail::stackLocation(irp, irp.StackCount, api);
    location.MajorFunction = major;
    location.MinorFunction = parameters.minorFunction;
    location.Parameters.Read.Length = major == IRP_MJ_READ ? parameters.length : 0;
    location.Parameters.Write.Length = major == IRP_MJ_WRITE ? parameters.length : 0;
    if (major == IRP_MJ_DEVICE_CONTROL) {
      location.Parameters.DeviceIoControl.IoControlCode = parameters.ioControlCode;
      location.Parameters.DeviceIoControl.InputBufferLength = parameters.inputLength;
      location.Parameters.DeviceIoControl.OutputBufferLength = parameters.length;
    }
  }
  detail::recordCall(api, &irp, detail::majorName(major), "the I/O manager sends an IRP");
  if (file.requesterCancels) offerCancellation(irp);
  const NTSTATUS result = detail::callDriver(thread, device, irp, api, false);
  if (result != STATUS_PENDING) {
    if (irp.state == IRP::State::Completed) {
      detail::finishSynchronously(irp);
      if (status != nullptr) *status = irp.IoStatus;
    } else if (!detail::irpReleased(irp)) {
      detail::contractViolation("IrpProcessingComplete", detail::ioVerifierCode(0x226),
                                std::string("the dispatch routine of ") + device.name() + " returned " +
                                    detail::statusName(result) + " for " + irp.name() +
                                    " without completing it, passing it down or pending it",
                                &irp);
    }
    return result;
  }
  if (irp.state != IRP::State::Finished) {
    detail::waitFor(thread, irp, 0, api, nullptr);
    detail::recordWoken(api, irp, nullptr, "completed by IopCompleteRequest");
  }
  if (status != nullptr) *status = irp.IoStatus;
  return irp.IoStatus.Status;
}

// A synchronous request on `handle`: completed inline, or pended and completed by a
// special kernel APC that the issuing thread must be able to take (§3.12).
NTSTATUS synchronousIo(const char* api, UCHAR major, HANDLE handle, PIO_STATUS_BLOCK status,
                       const detail::RequestParameters& parameters = {}, bool opening = false) {
  FILE_OBJECT* file = fileOf(handle);
  Thread& thread = detail::visibleCall(api, file, Access::Write);
  if (file != nullptr && opening) file->open = true;
  if (file == nullptr || !file->open) {
    detail::recordCall(api, file, nullptr, "STATUS_INVALID_HANDLE");
    return STATUS_INVALID_HANDLE;
  }
  checkZwPreconditions(thread, api, *file);
  if (file->DeviceObject != nullptr && file->DeviceObject->DriverObject != nullptr)
    return sendToDevice(thread, api, *file, major, status, parameters);
  // §6: the file system completes it inline; the I/O manager then finishes the request
  // itself at PASSIVE_LEVEL (IRP_DEFER_IO_COMPLETION): no APC is needed.
  if (Execution::current().branch(2) == 0) {
    if (status != nullptr) *status = IO_STATUS_BLOCK{STATUS_SUCCESS, 0};
    detail::recordCall(api, file, nullptr, "STATUS_SUCCESS (completed inline)");
    return STATUS_SUCCESS;
  }
  IRP& irp = detail::newIrp(IRP::Origin::ZwCall);
  irp.UserIosb = status;
  irp.IoStatus = IO_STATUS_BLOCK{STATUS_SUCCESS, 0};
  irp.PendingReturned = TRUE;
  irp.state = IRP::State::Completed;
  detail::completeThroughApc(irp, false);
  detail::recordCall(api, file, nullptr, "pended by the file system");
  if (irp.state != IRP::State::Finished) {
    detail::waitFor(thread, irp, 0, api, nullptr);
    detail::recordWoken(api, irp, nullptr, "STATUS_SUCCESS (completed by IopCompleteRequest)");
  }
  return STATUS_SUCCESS;
}

}  // namespace

NTSTATUS detail::sendFileRequest(const char* api, UCHAR major, HANDLE handle, PIO_STATUS_BLOCK status,
                                 const RequestParameters& parameters) {
  return synchronousIo(api, major, handle, status, parameters);
}

NTSTATUS ZwCreateFile(PHANDLE FileHandle, ACCESS_MASK, POBJECT_ATTRIBUTES ObjectAttributes,
                      PIO_STATUS_BLOCK IoStatusBlock, PLARGE_INTEGER, ULONG, ULONG, ULONG, ULONG,
                      PVOID, ULONG) {
  FILE_OBJECT* file = ObjectAttributes != nullptr ? ObjectAttributes->File : nullptr;
  if (FileHandle != nullptr) *FileHandle = file;
  return synchronousIo("ZwCreateFile", IRP_MJ_CREATE, file, IoStatusBlock, {}, true);  // opening may pend too
}

NTSTATUS ZwReadFile(HANDLE FileHandle, HANDLE, PIO_APC_ROUTINE, PVOID, PIO_STATUS_BLOCK IoStatusBlock,
                    PVOID, ULONG Length, PLARGE_INTEGER, PULONG) {
  return synchronousIo("ZwReadFile", IRP_MJ_READ, FileHandle, IoStatusBlock, {.length = Length});
}

NTSTATUS ZwWriteFile(HANDLE FileHandle, HANDLE, PIO_APC_ROUTINE, PVOID, PIO_STATUS_BLOCK IoStatusBlock,
                     PVOID, ULONG Length, PLARGE_INTEGER, PULONG) {
  return synchronousIo("ZwWriteFile", IRP_MJ_WRITE, FileHandle, IoStatusBlock, {.length = Length});
}

NTSTATUS ZwDeviceIoControlFile(HANDLE FileHandle, HANDLE, PIO_APC_ROUTINE, PVOID,
                               PIO_STATUS_BLOCK IoStatusBlock, ULONG IoControlCode, PVOID,
                               ULONG InputBufferLength, PVOID, ULONG OutputBufferLength) {
  return synchronousIo("ZwDeviceIoControlFile", IRP_MJ_DEVICE_CONTROL, FileHandle, IoStatusBlock,
                       {.length = OutputBufferLength, .inputLength = InputBufferLength, .ioControlCode = IoControlCode});
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
