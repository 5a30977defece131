#pragma once
// IRPs (docs/kernel-rules.md §8, §3.12). One IRP type for every origin: the I/O manager's own
// (a Zw call on a handle), a driver's IoBuild* request (threaded: queued to the thread that
// built it) and IoAllocateIrp's (no thread). IoCallDriver moves the IRP one stack location
// down and runs the target driver's dispatch routine in the caller's context; a device with no
// driver stands for a lower driver the model does not run, which completes inline or pends
// (a branch, §6). IoCompleteRequest walks the stack locations upward running completion
// routines in the completer's context (§8.2); a walk that finishes hands the IRP to the I/O
// manager, whose IopCompleteRequest is a special kernel APC to the IRP's thread. A thread that
// cannot take special kernel APCs (above PASSIVE_LEVEL, in a guarded region) never sees a
// pended request complete.
// IoBuildAsynchronousFsdRequest's IRP has no thread either: its completion routine frees it.
// Not modelled: IoReuseIrp, buffers and MDLs (parameters are carried, never read), priority
// boosts.
#include "interlock/core/Ids.hpp"
#include "interlock/core/KernelObject.hpp"
#include "interlock/primitives/DeviceObject.hpp"
#include "interlock/primitives/Event.hpp"
#include "interlock/primitives/WdkTypes.hpp"

#include <array>
#include <cstdint>

namespace interlock::wdm {

struct IO_STATUS_BLOCK {
  NTSTATUS Status = 0;
  ULONG_PTR Information = 0;
};
using PIO_STATUS_BLOCK = IO_STATUS_BLOCK*;

inline constexpr NTSTATUS STATUS_PENDING = 0x103;
inline constexpr NTSTATUS STATUS_UNSUCCESSFUL = static_cast<NTSTATUS>(0xC0000001u);
inline constexpr NTSTATUS STATUS_INVALID_DEVICE_REQUEST = static_cast<NTSTATUS>(0xC0000010u);
inline constexpr NTSTATUS STATUS_MORE_PROCESSING_REQUIRED = static_cast<NTSTATUS>(0xC0000016u);
inline constexpr NTSTATUS STATUS_INSUFFICIENT_RESOURCES = static_cast<NTSTATUS>(0xC000009Au);
inline constexpr NTSTATUS STATUS_DEVICE_NOT_READY = static_cast<NTSTATUS>(0xC00000A3u);

inline constexpr UCHAR IRP_MJ_CREATE = 0x00;
inline constexpr UCHAR IRP_MJ_CLOSE = 0x02;
inline constexpr UCHAR IRP_MJ_READ = 0x03;
inline constexpr UCHAR IRP_MJ_WRITE = 0x04;
inline constexpr UCHAR IRP_MJ_FLUSH_BUFFERS = 0x09;
inline constexpr UCHAR IRP_MJ_DEVICE_CONTROL = 0x0E;
inline constexpr UCHAR IRP_MJ_INTERNAL_DEVICE_CONTROL = 0x0F;
inline constexpr UCHAR IRP_MJ_SHUTDOWN = 0x10;
inline constexpr UCHAR IRP_MJ_CLEANUP = 0x12;
inline constexpr UCHAR IRP_MJ_POWER = 0x16;
inline constexpr UCHAR IRP_MJ_PNP = 0x1B;
inline constexpr UCHAR IRP_MN_REMOVE_DEVICE = 0x02;

// IO_STACK_LOCATION.Control.
inline constexpr UCHAR SL_PENDING_RETURNED = 0x01;
inline constexpr UCHAR SL_INVOKE_ON_CANCEL = 0x20;
inline constexpr UCHAR SL_INVOKE_ON_SUCCESS = 0x40;
inline constexpr UCHAR SL_INVOKE_ON_ERROR = 0x80;

using PIO_COMPLETION_ROUTINE = NTSTATUS (*)(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context);
using PDRIVER_CANCEL = void (*)(PDEVICE_OBJECT DeviceObject, PIRP Irp);

// One driver's view of the request. Parameters is a union in the WDK; here its members are
// side by side (the model never reads them).
struct IO_STACK_LOCATION {
  UCHAR MajorFunction = 0;
  UCHAR MinorFunction = 0;
  UCHAR Flags = 0;
  UCHAR Control = 0;
  struct {
    struct {
      ULONG Length = 0;
      ULONG Key = 0;
      LONGLONG ByteOffset = 0;
    } Read, Write;
    struct {
      ULONG OutputBufferLength = 0;
      ULONG InputBufferLength = 0;
      ULONG IoControlCode = 0;
    } DeviceIoControl;
  } Parameters;
  PDEVICE_OBJECT DeviceObject = nullptr;
  PIO_COMPLETION_ROUTINE CompletionRoutine = nullptr;
  PVOID Context = nullptr;
};
using PIO_STACK_LOCATION = IO_STACK_LOCATION*;

// Irp->Cancel. Reading it is a visible operation on the IRP (a scheduling point), so the
// window between a test of Cancel and IoSetCancelRoutine is explored (§9.2).
class IrpCancelFlag {
 public:
  explicit IrpCancelFlag(IRP& irp) noexcept : irp_(irp) {}
  IrpCancelFlag(const IrpCancelFlag&) = delete;
  IrpCancelFlag& operator=(const IrpCancelFlag&) = delete;
  operator BOOLEAN() const;  // NOLINT: reads like the WDK field
  BOOLEAN value = FALSE;     // the model's own view, no scheduling point

 private:
  IRP& irp_;
};

// One I/O request.
class IRP final : public interlock::KernelObject {
 public:
  static constexpr std::size_t kMaxStack = 8;

  enum class Origin : std::uint8_t {
    ZwCall,                 // the I/O manager's own, for a Zw call on a synchronous handle
    DeviceIoControlRequest, // IoBuildDeviceIoControlRequest
    SynchronousFsdRequest,  // IoBuildSynchronousFsdRequest
    Allocated,              // IoAllocateIrp: no thread; its allocator frees it
    AsynchronousFsdRequest, // IoBuildAsynchronousFsdRequest: no thread; its completion routine frees it
  };
  // Who may touch it (§8.2: completed or passed down, it is no longer yours).
  enum class State : std::uint8_t {
    Built,       // not sent yet (or an allocated IRP back with its allocator)
    InFlight,    // sent: owned by the driver whose dispatch or queue holds it
    Stopped,     // a completion routine returned STATUS_MORE_PROCESSING_REQUIRED: its driver's
    Completed,   // the walk finished: the I/O manager's, until IopCompleteRequest runs
    Finished,    // IopCompleteRequest ran: off the thread's list and freed
    Freed,       // IoFreeIrp
  };

  IRP() = default;
  [[nodiscard]] const char* typeName() const noexcept override { return "IRP"; }
  [[nodiscard]] const char* waitModeName(std::uint8_t) const noexcept override { return "completion"; }

  // The WDK's fields.
  IO_STATUS_BLOCK IoStatus;
  BOOLEAN PendingReturned = FALSE;
  IrpCancelFlag Cancel{*this};
  KIRQL CancelIrql = PASSIVE_LEVEL;
  PDRIVER_CANCEL CancelRoutine = nullptr;  // set it with IoSetCancelRoutine
  CCHAR StackCount = 0;
  CCHAR CurrentLocation = 1;               // StackCount + 1: no current location yet
  struct {
    struct {
      PVOID DriverContext[4] = {};
      KDEVICE_QUEUE_ENTRY DeviceQueueEntry;  // a union with DriverContext in the WDK
    } Overlay;
  } Tail;
  PKEVENT UserEvent = nullptr;             // set by IopCompleteRequest (built IRPs)
  PIO_STATUS_BLOCK UserIosb = nullptr;

  // Model state; scenarios use the Io* API.
  Origin origin = Origin::ZwCall;
  State state = State::Built;
  ThreadId thread = kNoThread;             // Tail.Overlay.Thread: where IopCompleteRequest runs
  bool walking = false;                    // IoCompleteRequest's walk is running
  bool dispatched = false;                 // reached a driver the model runs
  bool requesterCancels = false;           // the requester may cancel it (FILE_OBJECT)
  // Bit L: location L was marked pending / passed the IRP down (what the dispatch routine of
  // that location did, kept after the walk clears Control).
  std::uint16_t pendingMarks = 0;
  std::uint16_t forwardMarks = 0;
  PVOID csq = nullptr;                     // the IO_CSQ it is queued in (IoCsqInsertIrp)
  std::uint8_t activeLocation = 0;         // location of the innermost dispatch routine running
  std::array<IO_STACK_LOCATION, kMaxStack + 1> stack{};  // the last one: scratch for misuse
};

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
// <= DISPATCH_LEVEL. MajorFunction: IRP_MJ_READ, _WRITE, _FLUSH_BUFFERS, _SHUTDOWN, _PNP,
// _POWER. An IRP with no thread (§8.1): its completion routine frees it with IoFreeIrp and
// returns STATUS_MORE_PROCESSING_REQUIRED. IoStatusBlock may be NULL.
[[nodiscard]] PIRP IoBuildAsynchronousFsdRequest(ULONG MajorFunction, PDEVICE_OBJECT DeviceObject,
                                                 PVOID Buffer, ULONG Length,
                                                 PLARGE_INTEGER StartingOffset,
                                                 PIO_STATUS_BLOCK IoStatusBlock);
// §8.1: one stack location down, then the device's dispatch routine in the caller's context;
// returns its status. To a device with no driver: STATUS_SUCCESS when the lower driver
// completed the request inline, STATUS_PENDING when it pended it (a branch).
NTSTATUS IoCallDriver(PDEVICE_OBJECT DeviceObject, PIRP Irp);

// §8.1: no thread association; NULL never (the model has pool). Its allocator frees it.
[[nodiscard]] PIRP IoAllocateIrp(CCHAR StackSize, BOOLEAN ChargeQuota);
void IoFreeIrp(PIRP Irp);

// Stack locations (§8.1). These are the WDK's inline functions: no scheduling point.
[[nodiscard]] PIO_STACK_LOCATION IoGetCurrentIrpStackLocation(PIRP Irp);
[[nodiscard]] PIO_STACK_LOCATION IoGetNextIrpStackLocation(PIRP Irp);
void IoCopyCurrentIrpStackLocationToNext(PIRP Irp);
void IoSkipCurrentIrpStackLocation(PIRP Irp);
void IoSetCompletionRoutine(PIRP Irp, PIO_COMPLETION_ROUTINE CompletionRoutine, PVOID Context,
                            BOOLEAN InvokeOnSuccess, BOOLEAN InvokeOnError, BOOLEAN InvokeOnCancel);
// <= DISPATCH_LEVEL. IoSetCompletionRoutine with a context the I/O manager allocates (it holds
// a reference on DeviceObject until the routine has run): STATUS_SUCCESS, or
// STATUS_INSUFFICIENT_RESOURCES with no routine set (a branch: the caller must not send the IRP
// expecting its routine).
[[nodiscard]] NTSTATUS IoSetCompletionRoutineEx(PDEVICE_OBJECT DeviceObject, PIRP Irp,
                                                PIO_COMPLETION_ROUTINE CompletionRoutine,
                                                PVOID Context, BOOLEAN InvokeOnSuccess,
                                                BOOLEAN InvokeOnError, BOOLEAN InvokeOnCancel);
// PASSIVE_LEVEL. Copies the current location to the next, sends the IRP to DeviceObject with a
// completion routine that sets an event and returns STATUS_MORE_PROCESSING_REQUIRED, and waits
// for the event if the call returned STATUS_PENDING: the IRP is the caller's again, with the
// lower driver's IoStatus. FALSE (nothing sent) when the IRP has no next location.
BOOLEAN IoForwardIrpSynchronously(PDEVICE_OBJECT DeviceObject, PIRP Irp);
// Sets SL_PENDING_RETURNED in the current location: a write to the IRP (visible).
void IoMarkIrpPending(PIRP Irp);
// §8.2: the completion walk, in the caller's context and IRQL.
void IoCompleteRequest(PIRP Irp, CCHAR PriorityBoost);

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
