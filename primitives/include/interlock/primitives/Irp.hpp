#pragma once
// IRPs and their completion (kernel-rules.md §3.12). A driver builds a threaded IRP for a
// synchronous request (IoBuildDeviceIoControlRequest, IoBuildSynchronousFsdRequest), sends it
// with IoCallDriver and, when that returns STATUS_PENDING, waits on its event. The lower
// driver (a file system or device stack the model does not run) completes the request inline
// or pends it: an exploration branch (§6). Either way IofCompleteRequest queues
// IopCompleteRequest, a special kernel APC, to the thread that built the IRP; it fills the
// status block and sets the event there. A thread that cannot take special kernel APCs (above
// PASSIVE_LEVEL, in a guarded region) never sees a pended request complete.
// Partial: no IoAllocateIrp / IoBuildAsynchronousFsdRequest, completion routines, cancellation,
// IoFreeIrp, or dispatch routines of the scenario's own.
#include "interlock/core/Ids.hpp"
#include "interlock/core/KernelObject.hpp"
#include "interlock/primitives/DeviceObject.hpp"
#include "interlock/primitives/Event.hpp"
#include "interlock/primitives/WdkTypes.hpp"

#include <cstdint>

namespace interlock::wdm {

struct IO_STATUS_BLOCK {
  NTSTATUS Status = 0;
  ULONG_PTR Information = 0;
};
using PIO_STATUS_BLOCK = IO_STATUS_BLOCK*;

inline constexpr NTSTATUS STATUS_PENDING = 0x103;

inline constexpr UCHAR IRP_MJ_CREATE = 0x00;
inline constexpr UCHAR IRP_MJ_READ = 0x03;
inline constexpr UCHAR IRP_MJ_WRITE = 0x04;
inline constexpr UCHAR IRP_MJ_FLUSH_BUFFERS = 0x09;
inline constexpr UCHAR IRP_MJ_DEVICE_CONTROL = 0x0E;
inline constexpr UCHAR IRP_MJ_INTERNAL_DEVICE_CONTROL = 0x0F;
inline constexpr UCHAR IRP_MJ_SHUTDOWN = 0x10;
inline constexpr UCHAR IRP_MJ_PNP = 0x1B;

// One I/O request. Threaded: queued to the thread that built it (Tail.Overlay.Thread), which
// runs its completion APC.
class IRP final : public interlock::KernelObject {
 public:
  enum class Origin : std::uint8_t {
    ZwCall,                 // the I/O manager's own, for a Zw call on a synchronous handle
    DeviceIoControlRequest, // IoBuildDeviceIoControlRequest
    SynchronousFsdRequest,  // IoBuildSynchronousFsdRequest
  };

  [[nodiscard]] const char* typeName() const noexcept override { return "IRP"; }
  [[nodiscard]] const char* waitModeName(std::uint8_t) const noexcept override { return "completion"; }

  // Model state; scenarios use the Io* API.
  Origin origin = Origin::ZwCall;
  ThreadId thread = kNoThread;        // Tail.Overlay.Thread: where IopCompleteRequest runs
  UCHAR majorFunction = IRP_MJ_READ;
  PKEVENT userEvent = nullptr;        // set by IopCompleteRequest (threaded IRPs)
  PIO_STATUS_BLOCK userIosb = nullptr;
  bool sent = false;                  // IoCallDriver was called
  bool completed = false;             // IopCompleteRequest ran
};
using PIRP = IRP*;

// IRQL <= APC_LEVEL (SDV IrqlIoPassive1). The IRP is queued to the calling thread.
[[nodiscard]] PIRP IoBuildDeviceIoControlRequest(ULONG IoControlCode, PDEVICE_OBJECT DeviceObject,
                                                 PVOID InputBuffer, ULONG InputBufferLength,
                                                 PVOID OutputBuffer, ULONG OutputBufferLength,
                                                 BOOLEAN InternalDeviceIoControl, PKEVENT Event,
                                                 PIO_STATUS_BLOCK IoStatusBlock);
// IRQL PASSIVE_LEVEL [doc]. MajorFunction: IRP_MJ_READ, _WRITE, _FLUSH_BUFFERS, _SHUTDOWN, _PNP.
[[nodiscard]] PIRP IoBuildSynchronousFsdRequest(ULONG MajorFunction, PDEVICE_OBJECT DeviceObject,
                                                PVOID Buffer, ULONG Length,
                                                PLARGE_INTEGER StartingOffset, PKEVENT Event,
                                                PIO_STATUS_BLOCK IoStatusBlock);
// STATUS_SUCCESS when the lower driver completed the request inline, STATUS_PENDING when it
// pended it (a branch). A threaded IRP needs its thread at PASSIVE_LEVEL with special kernel
// APCs enabled for the completion to run.
NTSTATUS IoCallDriver(PDEVICE_OBJECT DeviceObject, PIRP Irp);

namespace detail {
// A new IRP in the current execution, named IRP1, IRP2, ... in creation order.
[[nodiscard]] IRP& newIrp(IRP::Origin origin);
// Has the I/O manager complete `irp` on its thread: IopCompleteRequest, a special kernel APC
// the environment queues at a moment the exploration chooses (or runs at once when `inline`
// and the calling thread, the IRP's own, can take it now, as KeInsertQueueApc then delivers
// it before IoCallDriver returns).
void completeThroughApc(IRP& irp, bool inlineCompletion);
}  // namespace detail

}  // namespace interlock::wdm
