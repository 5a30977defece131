// IoCallDriver into a driver the model runs, and IoCompleteRequest's walk (docs/kernel-rules.md
// §8.1-§8.3; ReactOS io/iomgr/irp.c IofCallDriver, IofCompleteRequest).
#include "IrpModel.hpp"
#include "interlock/primitives/Call.hpp"
#include "interlock/primitives/Irql.hpp"

#include <string>
#include <string_view>

namespace interlock::wdm {

namespace detail {

const char* statusName(NTSTATUS status) noexcept {
  switch (status) {
    case STATUS_SUCCESS: return "STATUS_SUCCESS";
    case STATUS_PENDING: return "STATUS_PENDING";
    case STATUS_CANCELLED: return "STATUS_CANCELLED";
    case STATUS_UNSUCCESSFUL: return "STATUS_UNSUCCESSFUL";
    case STATUS_INVALID_DEVICE_REQUEST: return "STATUS_INVALID_DEVICE_REQUEST";
    case STATUS_MORE_PROCESSING_REQUIRED: return "STATUS_MORE_PROCESSING_REQUIRED";
    case STATUS_INSUFFICIENT_RESOURCES: return "STATUS_INSUFFICIENT_RESOURCES";
    case STATUS_DEVICE_NOT_READY: return "STATUS_DEVICE_NOT_READY";
    default: return NT_SUCCESS(status) ? "a success status" : "an error status";
  }
}

namespace {

// A dispatched IRP reaching a device with no driver the model runs: that driver completes it
// inline or pends it and completes it later from its own context (a DPC: DISPATCH_LEVEL).
NTSTATUS sendToLowerDriver(IRP& irp, const char* api) {
  Execution& execution = Execution::current();
  if (execution.branch(2) == 0) {
    recordCall(api, &irp, nullptr, "STATUS_SUCCESS (the lower driver completed it inline)");
    irp.IoStatus = IO_STATUS_BLOCK{STATUS_SUCCESS, 0};
    completionWalk(irp);
    return STATUS_SUCCESS;
  }
  markPending(irp);
  recordCall(api, &irp, nullptr, "STATUS_PENDING (pended by the lower driver)");
  std::size_t lower = 1;
  for (const auto& other : execution.threads())
    lower += std::string_view(other->name()).starts_with("lowerDriver");
  IRP* pended = &irp;
  (void)execution.spawnThread(ThreadSpec{"lowerDriver" + std::to_string(lower), "system", ThreadKind::System,
                                         false, [pended] {
                                           KIRQL old = PASSIVE_LEVEL;
                                           KeRaiseIrql(DISPATCH_LEVEL, &old);
                                           pended->IoStatus = IO_STATUS_BLOCK{STATUS_SUCCESS, 0};
                                           IoCompleteRequest(pended, IO_NO_INCREMENT);
                                           KeLowerIrql(old);
                                         }});
  return STATUS_PENDING;
}

// §8.2's dispatch contract, checked when the dispatch routine of `location` returns `status`.
void checkDispatchReturn(const IRP& irp, const DEVICE_OBJECT& device, int location, NTSTATUS status) {
  const bool marked = (irp.pendingMarks & locationBit(location)) != 0;
  const bool forwarded = (irp.forwardMarks & locationBit(location)) != 0;
  const std::string routine = std::string("the ") + majorName(irp.stack[static_cast<std::size_t>(location - 1)].MajorFunction) +
                              " dispatch routine of " + device.name();
  if (status == STATUS_PENDING && !marked && !forwarded)
    contractViolation("MarkIrpPending2", ioVerifierCode(0x23D),
                      routine + " returned STATUS_PENDING for " + irp.name() +
                          " without calling IoMarkIrpPending: when the IRP completes without "
                          "PendingReturned, nobody tells the waiting requester",
                      &irp);
  else if (status != STATUS_PENDING && marked)
    contractViolation("MarkIrpPending", ioVerifierCode(0x23E),
                      routine + " called IoMarkIrpPending on " + irp.name() + " but returned " +
                          statusName(status) + ", not STATUS_PENDING",
                      &irp);
}

}  // namespace

NTSTATUS callDriver(Thread& thread, DEVICE_OBJECT& device, IRP& irp, const char* api, bool byDriver) {
  if (reportIfNotOwned(irp, api)) return STATUS_UNSUCCESSFUL;
  if (thread.irql > DISPATCH_LEVEL)
    contractViolation("IrqlIoCallDriver", ioVerifierCode(0x10),
                      std::string(api) + " at " + irqlName(thread.irql) + ", above DISPATCH_LEVEL", &irp);
  if (irp.CancelRoutine != nullptr)
    contractViolation("ForwardWithCancelRoutine", ioVerifierCode(0x203),
                      std::string(api) + " passes " + irp.name() +
                          " down with a cancel routine still set: the lower driver owns it now",
                      &irp);
  if (irp.activeLocation != 0) {
    irp.forwardMarks |= locationBit(irp.activeLocation);
    const DEVICE_OBJECT* from = irp.stack[static_cast<std::size_t>(irp.activeLocation - 1)].DeviceObject;
    if (from != nullptr && from->deleted)
      contractViolation("DeviceDeleted", 0,
                        std::string(api) + " passes " + irp.name() + " down from the dispatch routine of " +
                            from->name() + ", which IoDeleteDevice deleted: the device extension "
                            "the routine reads is freed memory",
                        &irp);
  }
  if (byDriver && device.deleted)
    contractViolation("DeviceDeleted", 0,
                      std::string(api) + " sends " + irp.name() + " to " + device.name() +
                          ", which IoDeleteDevice deleted",
                      &irp);
  irp.state = IRP::State::InFlight;
  --irp.CurrentLocation;
  if (irp.CurrentLocation <= 0) {
    bugCheck("NO_MORE_IRP_STACK_LOCATIONS", 0x35,
             std::string(api) + " sends " + irp.name() + " to " + device.name() + " with no stack location left (" +
                 std::to_string(irp.StackCount) + " in all): the device stack is deeper than the IRP",
             &irp);
    return STATUS_UNSUCCESSFUL;
  }
  const int location = irp.CurrentLocation;
  IO_STACK_LOCATION& current = irp.stack[static_cast<std::size_t>(location - 1)];
  current.DeviceObject = &device;
  if (device.DriverObject == nullptr) return sendToLowerDriver(irp, api);
  irp.dispatched = true;
  const PDRIVER_DISPATCH routine = device.DriverObject->MajorFunction[current.MajorFunction];
  if (routine == nullptr) {
    // The I/O manager fills unset entries with IopInvalidDeviceRequest.
    recordCall(api, &device, majorName(current.MajorFunction),
               "no dispatch routine: STATUS_INVALID_DEVICE_REQUEST (IopInvalidDeviceRequest)");
    irp.IoStatus = IO_STATUS_BLOCK{STATUS_INVALID_DEVICE_REQUEST, 0};
    completionWalk(irp);
    return STATUS_INVALID_DEVICE_REQUEST;
  }
  irp.pendingMarks &= static_cast<std::uint16_t>(~locationBit(location));
  irp.forwardMarks &= static_cast<std::uint16_t>(~locationBit(location));
  const std::uint8_t outer = irp.activeLocation;
  irp.activeLocation = static_cast<std::uint8_t>(location);
  const KIRQL irql = thread.irql;
  recordCall(api, &device, majorName(current.MajorFunction), "calls the dispatch routine");
  const NTSTATUS status = routine(&device, &irp);
  irp.activeLocation = outer;
  if (thread.irql != irql)
    contractViolation("DispatchIrql", ioVerifierCode(0x05),
                      std::string("the ") + majorName(current.MajorFunction) + " dispatch routine of " +
                          device.name() + " returned at " + irqlName(thread.irql) + ", entered at " +
                          irqlName(irql),
                      &irp);
  checkDispatchReturn(irp, device, location, status);
  return status;
}

void completionWalk(IRP& irp) {
  irp.walking = true;
  irp.state = IRP::State::InFlight;
  while (irp.CurrentLocation <= irp.StackCount) {
    IO_STACK_LOCATION& done = irp.stack[static_cast<std::size_t>(irp.CurrentLocation - 1)];
    irp.PendingReturned = (done.Control & SL_PENDING_RETURNED) != 0 ? TRUE : FALSE;
    const PIO_COMPLETION_ROUTINE routine = done.CompletionRoutine;
    PVOID const context = done.Context;
    const UCHAR control = done.Control;
    done.CompletionRoutine = nullptr;
    done.Context = nullptr;
    done.Control = 0;
    ++irp.CurrentLocation;
    const bool upper = irp.CurrentLocation <= irp.StackCount;
    const NTSTATUS status = irp.IoStatus.Status;
    const bool invoke = routine != nullptr &&
                        ((NT_SUCCESS(status) && (control & SL_INVOKE_ON_SUCCESS) != 0) ||
                         (!NT_SUCCESS(status) && (control & SL_INVOKE_ON_ERROR) != 0) ||
                         (irp.Cancel.value != FALSE && (control & SL_INVOKE_ON_CANCEL) != 0));
    if (!invoke) {
      // No routine: the I/O manager passes pending up itself.
      if (irp.PendingReturned != FALSE && upper) markPending(irp);
      continue;
    }
    // The routine gets the device of the location it was set from (NULL above the top).
    DEVICE_OBJECT* device = upper ? irp.stack[static_cast<std::size_t>(irp.CurrentLocation - 1)].DeviceObject : nullptr;
    recordCall("IoCompleteRequest", &irp, nullptr, "runs a completion routine");
    const NTSTATUS result = routine(device, &irp, context);
    if (result == STATUS_MORE_PROCESSING_REQUIRED) {
      irp.walking = false;
      if (irp.state != IRP::State::Freed) irp.state = IRP::State::Stopped;
      recordCall("IoCompleteRequest", &irp, nullptr,
                 "STATUS_MORE_PROCESSING_REQUIRED: the walk stops; the IRP is the routine's driver's");
      return;
    }
    if (irp.PendingReturned != FALSE && upper && (irp.pendingMarks & locationBit(irp.CurrentLocation)) == 0)
      contractViolation("PendingReturnedNotPropagated", ioVerifierCode(0x228),
                        "a completion routine of " + irp.name() +
                            " returned without IoMarkIrpPending although Irp->PendingReturned is "
                            "TRUE: the driver above returned STATUS_PENDING and is never told",
                        &irp);
  }
  irp.walking = false;
  irp.state = IRP::State::Completed;
  switch (irp.origin) {
    case IRP::Origin::Allocated:
    case IRP::Origin::AsynchronousFsdRequest:
      contractViolation("IoAllocateComplete", 0,
                        "the completion walk of " + irp.name() + " reached the top of an " +
                            (irp.origin == IRP::Origin::Allocated ? "IoAllocateIrp"
                                                                  : "IoBuildAsynchronousFsdRequest") +
                            " IRP: there is no thread to queue IopCompleteRequest to (Windows "
                            "crashes); its builder's completion routine must free it and return "
                            "STATUS_MORE_PROCESSING_REQUIRED",
                        &irp);
      return;
    case IRP::Origin::ZwCall:
      // IRP_DEFER_IO_COMPLETION: unless pending was returned, the I/O manager's caller finishes
      // it when the dispatch routine returns; nobody else will.
      if (irp.PendingReturned != FALSE) completeThroughApc(irp, true);
      return;
    case IRP::Origin::DeviceIoControlRequest:
    case IRP::Origin::SynchronousFsdRequest:
      completeThroughApc(irp, true);
      return;
  }
}

}  // namespace detail

void IoCompleteRequest(PIRP Irp, CCHAR) {
  constexpr const char* api = "IoCompleteRequest";
  if (Irp == nullptr) throw ScenarioError(std::string(api) + " with no Irp");
  Thread& thread = detail::visibleCall(api, Irp, Access::Write);
  if (detail::irpReleased(*Irp) || Irp->walking) {
    // §8.3: Windows checks CurrentLocation > StackCount + 1; the model knows who owns it.
    detail::bugCheck("MULTIPLE_IRP_COMPLETE_REQUESTS", 0x44,
                     std::string(api) + " on " + Irp->name() +
                         ", which was already completed (Driver Verifier I/O code 0x209)",
                     Irp);
    return;
  }
  if (thread.irql > DISPATCH_LEVEL)
    detail::contractViolation("IrqlIoCompleteRequest", detail::ioVerifierCode(0x0E),
                              std::string(api) + " at " + detail::irqlName(thread.irql) +
                                  ", above DISPATCH_LEVEL",
                              Irp);
  if (Irp->IoStatus.Status == STATUS_PENDING)
    detail::contractViolation("CompleteRequestStatusCheck", detail::ioVerifierCode(0x06),
                              std::string(api) + " on " + Irp->name() + " with IoStatus.Status STATUS_PENDING",
                              Irp);
  if (Irp->CancelRoutine != nullptr)
    detail::contractViolation("CompleteWithCancelRoutine", detail::ioVerifierCode(0x07),
                              std::string(api) + " on " + Irp->name() +
                                  " with its cancel routine still set: a cancel before the I/O "
                                  "manager frees it calls the routine on a completed IRP",
                              Irp);
  detail::recordCall(api, Irp, detail::statusName(Irp->IoStatus.Status), nullptr);
  detail::completionWalk(*Irp);
}

}  // namespace interlock::wdm
