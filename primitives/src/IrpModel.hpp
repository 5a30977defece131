#pragma once
// What the IRP, cancel, CSQ and I/O manager sources share (docs/kernel-rules.md §8, §9).
#include "interlock/core/Thread.hpp"
#include "interlock/primitives/Irp.hpp"
#include "interlock/primitives/SpinLock.hpp"

#include <cstdint>
#include <string>

namespace interlock::wdm::detail {

// Driver Verifier's I/O verification codes are parameter 1 of bug check 0xC9
// (DRIVER_VERIFIER_IOMANAGER_VIOLATION); a Violation carries them as 0xC9'0000 + parameter.
[[nodiscard]] constexpr std::uint32_t ioVerifierCode(std::uint32_t parameter) noexcept {
  return 0xC90000u | parameter;
}

// Whether the IRP is no longer the caller's to touch: completed, handed back or freed (§8.2).
[[nodiscard]] bool irpReleased(const IRP& irp) noexcept;
// ContractViolation IrpNotOwned when the IRP is released; true if it was.
bool reportIfNotOwned(const IRP& irp, const char* api);
// "STATUS_SUCCESS", ...: static strings for the trace.
[[nodiscard]] const char* statusName(NTSTATUS status) noexcept;
// "IRP_MJ_READ", ...: static strings for the trace.
[[nodiscard]] const char* majorName(UCHAR major) noexcept;
// Bit `location` of the IRP's pending marks (SL_PENDING_RETURNED as the model remembers it:
// the walk clears the Control field, not what the dispatch routine did).
[[nodiscard]] constexpr std::uint16_t locationBit(int location) noexcept {
  return static_cast<std::uint16_t>(1u << static_cast<unsigned>(location & 15));
}
// The stack size an IRP sent to `device` gets: a scenario error past the model's 8 locations.
[[nodiscard]] CCHAR stackSizeFor(const DEVICE_OBJECT& device, const char* api);
// The stack location `location` (1-based), or the scratch one when it is out of range.
[[nodiscard]] IO_STACK_LOCATION& stackLocation(IRP& irp, int location, const char* api);
// Sets SL_PENDING_RETURNED in the current location (IoMarkIrpPending's body).
void markPending(IRP& irp);

// §8.1 IoCallDriver after its scheduling point: checks, one location down, the dispatch
// routine (or the lower driver the model does not run); returns the status it returns.
// `byDriver`: a driver's IoCallDriver (the I/O manager's own send reaches even a deleted
// device: its dispatch routine must refuse it, §10).
NTSTATUS callDriver(Thread& thread, DEVICE_OBJECT& device, IRP& irp, const char* api, bool byDriver);
// §8.2 the completion walk from the current location, in the calling thread's context.
void completionWalk(IRP& irp);
// IoCancelThreadIo: a thread ends with threaded IRPs it sent still pending; cancel each, then
// wait until it completes (§19). Thread::rundown of a thread that built an IRP.
void cancelThreadIo(Thread& thread);
// The I/O manager finishing a request whose caller saw a status other than STATUS_PENDING.
void finishSynchronously(IRP& irp);

// The system-wide cancel spin lock, made on first use.
[[nodiscard]] KSPIN_LOCK& cancelSpinLock();
// §9.1 IoCancelIrp's body; `requester`: CancelIoEx from the I/O manager, which finds only
// IRPs still on the thread's list (a finished one is no error).
BOOLEAN cancelIrp(IRP& irp, bool requester);
// What the I/O manager writes into the driver's stack location besides the major function:
// `length` is Read/Write.Length or DeviceIoControl.OutputBufferLength.
struct RequestParameters {
  UCHAR minorFunction = 0;
  ULONG length = 0;
  ULONG inputLength = 0;
  ULONG ioControlCode = 0;
};
// A synchronous request with any major function on `handle` (a FILE_OBJECT open on a device the
// model runs), as ZwReadFile sends IRP_MJ_READ: the C driver bridge's requests (FileIo.cpp).
NTSTATUS sendFileRequest(const char* api, UCHAR major, HANDLE handle, PIO_STATUS_BLOCK status,
                         const RequestParameters& parameters);

}  // namespace interlock::wdm::detail
