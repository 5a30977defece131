// IRPs, IoCallDriver and IopCompleteRequest (docs/kernel-rules.md §8, §3.12, §6; ReactOS
// io/iomgr/irp.c: IofCallDriver, IofCompleteRequest queues IopCompleteRequest to
// Irp->Tail.Overlay.Thread unless the IRP defers its completion, which only the I/O
// manager's own synchronous Zw path does).
#include "interlock/primitives/Irp.hpp"
#include "Numbering.hpp"

#include "IrpModel.hpp"
#include "interlock/primitives/Call.hpp"
#include "interlock/primitives/Dispatcher.hpp"
#include "interlock/primitives/Irql.hpp"

#include <array>
#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace interlock::wdm {

namespace detail {

IRP& newIrp(IRP::Origin origin) {
  Execution& execution = Execution::current();
  std::string name = nextObjectName(execution, "IRP", "IRP");
  auto irp = std::make_unique<IRP>();
  IRP& ref = *irp;
  ref.origin = origin;
  if (origin != IRP::Origin::Allocated && origin != IRP::Origin::AsynchronousFsdRequest) ref.thread = execution.currentThread().id();
  execution.addObject(std::move(irp), std::move(name));
  return ref;
}

namespace {

// IopCompleteRequest, on the IRP's thread: fills the status block, then sets the event of a
// built IRP, or wakes the Zw caller waiting for its own request. §8.2: an error completion
// that never returned pending writes and signals nothing for a built IRP.
void iopCompleteRequest(IRP& irp) {
  irp.state = IRP::State::Finished;
  if (irp.origin != IRP::Origin::ZwCall && NT_ERROR(irp.IoStatus.Status) && !irp.PendingReturned) {
    recordCall("IopCompleteRequest", &irp, nullptr,
               "an error completion that was never pending: no status block written, no event set");
    if (WaitBlock* waiter = irp.waiters().front()) Execution::current().satisfy(*waiter);
    return;
  }
  if (irp.UserIosb != nullptr) *irp.UserIosb = irp.IoStatus;
  if (irp.UserEvent != nullptr) {
    irp.UserEvent->signalState = 1;
    waitTest(*irp.UserEvent);
    recordCall("IopCompleteRequest", irp.UserEvent, nullptr,
               "fills the I/O status block, sets the event");
    // Its thread may be ending, waiting for the IRP itself (cancelThreadIo).
    if (WaitBlock* waiter = irp.waiters().front()) Execution::current().satisfy(*waiter);
    return;
  }
  recordCall("IopCompleteRequest", &irp, nullptr, "fills the I/O status block, wakes the caller");
  if (WaitBlock* waiter = irp.waiters().front()) Execution::current().satisfy(*waiter);
}

}  // namespace

void completeThroughApc(IRP& irp, bool inlineCompletion) {
  Execution& execution = Execution::current();
  Thread& caller = execution.currentThread();
  // KeInsertQueueApc to the running thread delivers at once when §2.2 allows it.
  if (inlineCompletion && irp.thread == caller.id() && caller.canTakeSpecialKernelApc()) {
    iopCompleteRequest(irp);
    return;
  }
  const std::uint16_t apc = execution.addEnvironmentApc("IopCompleteRequest", irp.thread, ApcKind::Special,
                                                        [&irp] { iopCompleteRequest(irp); });
  // Completed inline: the APC is queued now and delivered when the thread can take it (§2.2).
  if (inlineCompletion) execution.queueEnvironmentApcNow(apc);
}

void cancelThreadIo(Thread& thread) {
  constexpr const char* api = "IoCancelThreadIo";
  Execution& execution = Execution::current();
  const auto pending = [&](KernelObject* object) -> IRP* {
    auto* irp = dynamic_cast<IRP*>(object);
    if (irp == nullptr || irp->thread != thread.id()) return nullptr;
    const bool sent = irp->state == IRP::State::InFlight || irp->state == IRP::State::Stopped ||
                      irp->state == IRP::State::Completed;
    return sent ? irp : nullptr;
  };
  // The I/O manager cancels every request still queued to the ending thread, then waits for
  // each to complete (§19: Windows gives up after about five minutes; the model waits).
  for (KernelObject* object : execution.objects())
    if (IRP* irp = pending(object)) {
      recordCall(api, irp, nullptr, "the thread ends with the IRP pending: the I/O manager cancels it");
      (void)cancelIrp(*irp, true);
    }
  for (KernelObject* object : execution.objects())
    if (IRP* irp = pending(object)) {
      (void)visibleCall(api, irp, Access::Read);
      if (irp->state == IRP::State::Finished) continue;
      waitFor(thread, *irp, 0, api, nullptr, "the thread ends: waits for its pending IRP");
      recordWoken(api, *irp, nullptr, "completed");
    }
}

void finishSynchronously(IRP& irp) {
  irp.state = IRP::State::Finished;
  if (irp.UserIosb != nullptr) *irp.UserIosb = irp.IoStatus;
}

}  // namespace detail

namespace {

PIRP build(IRP::Origin origin, const char* api, UCHAR majorFunction, PDEVICE_OBJECT device,
           PKEVENT event, PIO_STATUS_BLOCK status) {
  if (device == nullptr) throw ScenarioError(std::string(api) + " with no DeviceObject");
  if (status == nullptr) throw ScenarioError(std::string(api) + " with no IoStatusBlock");
  // Only the calling thread's own state changes: the IRP is queued to its IRP list.
  Thread& thread = detail::localCall();
  if (origin == IRP::Origin::DeviceIoControlRequest && thread.irql > APC_LEVEL)
    detail::contractViolation("IrqlIoPassive1", 0x2000A,
                              std::string(api) + " at " + detail::irqlName(thread.irql) +
                                  ", above APC_LEVEL",
                              device);
  if (origin == IRP::Origin::SynchronousFsdRequest && thread.irql != PASSIVE_LEVEL)
    detail::contractViolation("IrqlIoBuildSynchronousFsdRequest", 0,
                              std::string(api) + " at " + detail::irqlName(thread.irql) +
                                  ": the routine page requires PASSIVE_LEVEL",
                              device);
  IRP& irp = detail::newIrp(origin);
  thread.rundown = &detail::cancelThreadIo;  // the IRP is on the thread's list until it finishes
  irp.UserEvent = event;
  irp.UserIosb = status;
  // Sized for the target's stack; the first location the target's driver will use is set up.
  irp.StackCount = detail::stackSizeFor(*device, api);
  irp.CurrentLocation = static_cast<CCHAR>(irp.StackCount + 1);
  if (irp.StackCount >= 1) detail::stackLocation(irp, irp.StackCount, api).MajorFunction = majorFunction;
  detail::recordCall(api, device, nullptr, "a threaded IRP, queued to the calling thread");
  return &irp;
}

// §3.12: the completion of a threaded IRP is a special kernel APC to its thread.
void checkCompletionCanRun(const IRP& irp) {
  const Thread& owner = Execution::current().thread(irp.thread);
  if (owner.irql != PASSIVE_LEVEL)
    detail::contractViolation(
        "IrqlThreadedIrpPassive", 0,
        "IoCallDriver sends threaded " + irp.name() + " while " + owner.name() + " is at " +
            detail::irqlName(owner.irql) + " (under a FAST_MUTEX or spin lock?): its completion, "
            "IopCompleteRequest, is a special kernel APC to " + owner.name() +
            ", which runs only at PASSIVE_LEVEL",
        &irp);
  else if (owner.specialApcDisable != 0)
    detail::contractViolation(
        "ThreadedIrpSpecialApcsDisabled", 0,
        "IoCallDriver sends threaded " + irp.name() + " while " + owner.name() +
            " has special kernel APCs disabled (a guarded region or guarded mutex): its "
            "completion, IopCompleteRequest, is a special kernel APC that cannot run there",
        &irp);
}

// A built IRP sent straight to a lower driver the model does not run: it completes the request
// inline or pends it (§6), and only IopCompleteRequest is left to model.
NTSTATUS sendToUnmodelledDriver(IRP& irp, const char* api) {
  if (irp.state != IRP::State::Built)
    throw ScenarioError(std::string(api) + ": " + irp.name() +
                        " was already sent (the model sends an IRP once)");
  irp.state = IRP::State::InFlight;
  checkCompletionCanRun(irp);
  irp.IoStatus = IO_STATUS_BLOCK{STATUS_SUCCESS, 0};
  if (Execution::current().branch(2) == 0) {
    detail::recordCall(api, &irp, nullptr, "STATUS_SUCCESS (completed inline)");
    irp.state = IRP::State::Completed;
    detail::completeThroughApc(irp, true);
    return STATUS_SUCCESS;
  }
  detail::recordCall(api, &irp, nullptr, "STATUS_PENDING (pended by the lower driver)");
  irp.PendingReturned = TRUE;
  irp.state = IRP::State::Completed;
  detail::completeThroughApc(irp, false);
  return STATUS_PENDING;
}

}  // namespace

PIRP IoBuildDeviceIoControlRequest(ULONG, PDEVICE_OBJECT DeviceObject, PVOID, ULONG, PVOID, ULONG,
                                   BOOLEAN InternalDeviceIoControl, PKEVENT Event,
                                   PIO_STATUS_BLOCK IoStatusBlock) {
  return build(IRP::Origin::DeviceIoControlRequest, "IoBuildDeviceIoControlRequest",
               InternalDeviceIoControl ? IRP_MJ_INTERNAL_DEVICE_CONTROL : IRP_MJ_DEVICE_CONTROL,
               DeviceObject, Event, IoStatusBlock);
}

PIRP IoBuildSynchronousFsdRequest(ULONG MajorFunction, PDEVICE_OBJECT DeviceObject, PVOID, ULONG,
                                  PLARGE_INTEGER, PKEVENT Event, PIO_STATUS_BLOCK IoStatusBlock) {
  constexpr const char* api = "IoBuildSynchronousFsdRequest";
  switch (MajorFunction) {
    case IRP_MJ_READ: case IRP_MJ_WRITE: case IRP_MJ_FLUSH_BUFFERS: case IRP_MJ_SHUTDOWN:
    case IRP_MJ_PNP: break;
    default:
      throw ScenarioError(std::string(api) + " with MajorFunction " + std::to_string(MajorFunction) +
                          ": expected IRP_MJ_READ, IRP_MJ_WRITE, IRP_MJ_FLUSH_BUFFERS, "
                          "IRP_MJ_SHUTDOWN or IRP_MJ_PNP");
  }
  if (Event == nullptr) throw ScenarioError(std::string(api) + " with no Event (it is required)");
  return build(IRP::Origin::SynchronousFsdRequest, api, static_cast<UCHAR>(MajorFunction),
               DeviceObject, Event, IoStatusBlock);
}

NTSTATUS IoCallDriver(PDEVICE_OBJECT DeviceObject, PIRP Irp) {
  constexpr const char* api = "IoCallDriver";
  if (DeviceObject == nullptr || Irp == nullptr)
    throw ScenarioError(std::string(api) + " with no DeviceObject or no Irp");
  const bool built = Irp->origin == IRP::Origin::DeviceIoControlRequest ||
                     Irp->origin == IRP::Origin::SynchronousFsdRequest;
  if (built && !Irp->dispatched && DeviceObject->DriverObject == nullptr) {
    (void)detail::visibleCall(api, Irp, Access::Write);
    return sendToUnmodelledDriver(*Irp, api);
  }
  // The call reads whether the target, and the device whose dispatch routine forwards, were
  // deleted: IoDeleteDevice is dependent with it.
  std::array<ObjectId, 2> devices{DeviceObject->id(), kNoObject};
  std::size_t count = 1;
  if (Irp->activeLocation != 0 && Irp->activeLocation <= Irp->StackCount)
    if (const DEVICE_OBJECT* from = Irp->stack[static_cast<std::size_t>(Irp->activeLocation - 1)].DeviceObject)
      devices[count++] = from->id();
  Execution& execution = Execution::current();
  execution.visible(Op{api, Irp->id(), Access::Write, std::span<const ObjectId>(devices.data(), count)});
  return detail::callDriver(execution.currentThread(), *DeviceObject, *Irp, api, true);
}

PIRP IoBuildAsynchronousFsdRequest(ULONG MajorFunction, PDEVICE_OBJECT DeviceObject, PVOID, ULONG,
                                   PLARGE_INTEGER, PIO_STATUS_BLOCK IoStatusBlock) {
  constexpr const char* api = "IoBuildAsynchronousFsdRequest";
  switch (MajorFunction) {
    case IRP_MJ_READ: case IRP_MJ_WRITE: case IRP_MJ_FLUSH_BUFFERS: case IRP_MJ_SHUTDOWN:
    case IRP_MJ_PNP: case IRP_MJ_POWER: break;
    default:
      throw ScenarioError(std::string(api) + " with MajorFunction " + std::to_string(MajorFunction) +
                          ": expected IRP_MJ_READ, IRP_MJ_WRITE, IRP_MJ_FLUSH_BUFFERS, "
                          "IRP_MJ_SHUTDOWN, IRP_MJ_PNP or IRP_MJ_POWER");
  }
  if (DeviceObject == nullptr) throw ScenarioError(std::string(api) + " with no DeviceObject");
  Thread& thread = detail::localCall();
  if (thread.irql > DISPATCH_LEVEL)
    detail::contractViolation("IrqlIoBuildAsynchronousFsdRequest", 0,
                              std::string(api) + " at " + detail::irqlName(thread.irql) +
                                  ", above DISPATCH_LEVEL",
                              DeviceObject);
  IRP& irp = detail::newIrp(IRP::Origin::AsynchronousFsdRequest);
  irp.UserIosb = IoStatusBlock;
  irp.StackCount = detail::stackSizeFor(*DeviceObject, api);
  irp.CurrentLocation = static_cast<CCHAR>(irp.StackCount + 1);
  detail::stackLocation(irp, irp.StackCount, api).MajorFunction = static_cast<UCHAR>(MajorFunction);
  detail::recordCall(api, DeviceObject, detail::majorName(static_cast<UCHAR>(MajorFunction)),
                     "an IRP with no thread: its completion routine frees it");
  return &irp;
}

PIRP IoAllocateIrp(CCHAR StackSize, BOOLEAN) {
  constexpr const char* api = "IoAllocateIrp";
  if (StackSize < 1 || static_cast<std::size_t>(StackSize) > IRP::kMaxStack)
    throw ScenarioError(std::string(api) + "(" + std::to_string(StackSize) +
                        "): the model carries 1 to 8 stack locations");
  Thread& thread = detail::localCall();
  if (thread.irql > DISPATCH_LEVEL)
    detail::contractViolation("IrqlIoAllocateIrp", 0,
                              std::string(api) + " at " + detail::irqlName(thread.irql) +
                                  ", above DISPATCH_LEVEL");
  IRP& irp = detail::newIrp(IRP::Origin::Allocated);
  irp.StackCount = StackSize;
  irp.CurrentLocation = static_cast<CCHAR>(StackSize + 1);
  detail::recordCall(api, &irp, nullptr, "an IRP with no thread: its allocator frees it");
  return &irp;
}

void IoFreeIrp(PIRP Irp) {
  constexpr const char* api = "IoFreeIrp";
  if (Irp == nullptr) throw ScenarioError(std::string(api) + " with no Irp");
  (void)detail::visibleCall(api, Irp, Access::Write);
  using State = IRP::State;
  if (Irp->state == State::Freed || Irp->state == State::Finished) {
    detail::contractViolation("IrpNotOwned", detail::ioVerifierCode(0x20B),
                              std::string(api) + ": " + Irp->name() + " was already freed", Irp);
    return;
  }
  if (Irp->origin != IRP::Origin::Allocated && Irp->origin != IRP::Origin::AsynchronousFsdRequest)
    detail::contractViolation("IoBuildSynchronousFsdRequestNoFree", detail::ioVerifierCode(0x02),
                              std::string(api) + " on " + Irp->name() +
                                  ", a threaded IRP: the I/O manager frees it after completion",
                              Irp);
  else if (Irp->state == State::InFlight && !Irp->walking)  // its completion routine may free it
    detail::contractViolation("IoAllocateFree", detail::ioVerifierCode(0x20A),
                              std::string(api) + " on " + Irp->name() +
                                  " while a driver below still owns it",
                              Irp);
  Irp->state = State::Freed;
  detail::recordCall(api, Irp, nullptr, nullptr);
}

}  // namespace interlock::wdm
