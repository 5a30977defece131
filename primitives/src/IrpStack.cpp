// IRP stack locations, pending marks and Irp->Cancel (docs/kernel-rules.md §8.1, §9.1).
// The WDK's inline routines touch only the IRP its caller owns: no scheduling point, except
// IoMarkIrpPending and reading Irp->Cancel, which race with other owners (§18 patterns 2, 6).
#include "IrpModel.hpp"
#include "interlock/primitives/Call.hpp"
#include "interlock/primitives/Irql.hpp"

#include <string>

namespace interlock::wdm {

namespace detail {

bool irpReleased(const IRP& irp) noexcept {
  using State = IRP::State;
  return irp.state == State::Completed || irp.state == State::Finished || irp.state == State::Freed;
}

bool reportIfNotOwned(const IRP& irp, const char* api) {
  if (!irpReleased(irp) || irp.walking) return false;
  const char* whose = irp.state == IRP::State::Freed     ? "was freed"
                      : irp.state == IRP::State::Finished ? "was completed and freed by the I/O manager"
                                                          : "was completed: it is the I/O manager's now";
  contractViolation("IrpNotOwned", 0, std::string(api) + " on " + irp.name() + ", which " + whose, &irp);
  return true;
}

const char* majorName(UCHAR major) noexcept {
  switch (major) {
    case IRP_MJ_CREATE: return "IRP_MJ_CREATE";
    case IRP_MJ_CLOSE: return "IRP_MJ_CLOSE";
    case IRP_MJ_READ: return "IRP_MJ_READ";
    case IRP_MJ_WRITE: return "IRP_MJ_WRITE";
    case IRP_MJ_FLUSH_BUFFERS: return "IRP_MJ_FLUSH_BUFFERS";
    case IRP_MJ_DEVICE_CONTROL: return "IRP_MJ_DEVICE_CONTROL";
    case IRP_MJ_INTERNAL_DEVICE_CONTROL: return "IRP_MJ_INTERNAL_DEVICE_CONTROL";
    case IRP_MJ_SHUTDOWN: return "IRP_MJ_SHUTDOWN";
    case IRP_MJ_CLEANUP: return "IRP_MJ_CLEANUP";
    case IRP_MJ_POWER: return "IRP_MJ_POWER";
    case IRP_MJ_PNP: return "IRP_MJ_PNP";
    default: return "IRP_MJ_*";
  }
}

CCHAR stackSizeFor(const DEVICE_OBJECT& device, const char* api) {
  if (device.StackSize < 1 || static_cast<std::size_t>(device.StackSize) > IRP::kMaxStack)
    throw ScenarioError(std::string(api) + ": " + device.name() + " has StackSize " +
                        std::to_string(device.StackSize) + "; the model carries 1 to 8 stack locations");
  return device.StackSize;
}

IO_STACK_LOCATION& stackLocation(IRP& irp, int location, const char* api) {
  if (location >= 1 && location <= irp.StackCount) return irp.stack[static_cast<std::size_t>(location - 1)];
  // Past the array: Windows hands out a pointer into pool it does not own.
  contractViolation("IrpStackLocationOutOfRange", 0,
                    std::string(api) + " on " + irp.name() + ": stack location " +
                        std::to_string(location) + " of " + std::to_string(irp.StackCount) +
                        " does not exist (an IRP from IoAllocateIrp has no current location "
                        "until it is sent)",
                    &irp);
  irp.stack.back() = IO_STACK_LOCATION{};
  return irp.stack.back();
}

void markPending(IRP& irp) {
  if (irp.CurrentLocation < 1 || irp.CurrentLocation > irp.StackCount) return;
  stackLocation(irp, irp.CurrentLocation, "IoMarkIrpPending").Control |= SL_PENDING_RETURNED;
  irp.pendingMarks |= locationBit(irp.CurrentLocation);
}

}  // namespace detail

IrpCancelFlag::operator BOOLEAN() const {
  Execution* execution = Execution::currentOrNull();
  if (execution == nullptr || execution->currentThreadOrNull() == nullptr) return value;
  constexpr const char* api = "Irp->Cancel";
  (void)detail::visibleCall(api, &irp_, Access::Read);
  (void)detail::reportIfNotOwned(irp_, api);
  detail::recordCall(api, &irp_, nullptr, detail::boolText(value));
  return value;
}

PIO_STACK_LOCATION IoGetCurrentIrpStackLocation(PIRP Irp) {
  return &detail::stackLocation(*Irp, Irp->CurrentLocation, "IoGetCurrentIrpStackLocation");
}

PIO_STACK_LOCATION IoGetNextIrpStackLocation(PIRP Irp) {
  return &detail::stackLocation(*Irp, Irp->CurrentLocation - 1, "IoGetNextIrpStackLocation");
}

void IoCopyCurrentIrpStackLocationToNext(PIRP Irp) {
  constexpr const char* api = "IoCopyCurrentIrpStackLocationToNext";
  const IO_STACK_LOCATION current = detail::stackLocation(*Irp, Irp->CurrentLocation, api);
  IO_STACK_LOCATION& next = detail::stackLocation(*Irp, Irp->CurrentLocation - 1, api);
  next = current;
  // The WDK copies up to the completion routine and clears Control: not the caller's own.
  next.CompletionRoutine = nullptr;
  next.Context = nullptr;
  next.Control = 0;
}

void IoSkipCurrentIrpStackLocation(PIRP Irp) {
  if (Irp->CurrentLocation > Irp->StackCount)
    detail::contractViolation("IrpStackLocationOutOfRange", 0,
                              "IoSkipCurrentIrpStackLocation on " + Irp->name() +
                                  ", which has no current stack location",
                              Irp);
  ++Irp->CurrentLocation;
}

void IoSetCompletionRoutine(PIRP Irp, PIO_COMPLETION_ROUTINE CompletionRoutine, PVOID Context,
                            BOOLEAN InvokeOnSuccess, BOOLEAN InvokeOnError, BOOLEAN InvokeOnCancel) {
  constexpr const char* api = "IoSetCompletionRoutine";
  IO_STACK_LOCATION& next = detail::stackLocation(*Irp, Irp->CurrentLocation - 1, api);
  next.CompletionRoutine = CompletionRoutine;
  next.Context = Context;
  next.Control = 0;
  if (InvokeOnSuccess) next.Control |= SL_INVOKE_ON_SUCCESS;
  if (InvokeOnError) next.Control |= SL_INVOKE_ON_ERROR;
  if (InvokeOnCancel) next.Control |= SL_INVOKE_ON_CANCEL;
}

NTSTATUS IoSetCompletionRoutineEx(PDEVICE_OBJECT DeviceObject, PIRP Irp,
                                  PIO_COMPLETION_ROUTINE CompletionRoutine, PVOID Context,
                                  BOOLEAN InvokeOnSuccess, BOOLEAN InvokeOnError,
                                  BOOLEAN InvokeOnCancel) {
  constexpr const char* api = "IoSetCompletionRoutineEx";
  if (DeviceObject == nullptr || Irp == nullptr)
    throw ScenarioError(std::string(api) + " with no DeviceObject or no Irp");
  // The context comes from nonpaged pool: its allocation may fail, which the caller must handle.
  const Thread& thread = detail::localCall();
  if (thread.irql > DISPATCH_LEVEL)
    detail::contractViolation("IrqlIoSetCompletionRoutineEx", 0,
                              std::string(api) + " at " + detail::irqlName(thread.irql) +
                                  ", above DISPATCH_LEVEL",
                              Irp);
  if (Execution::current().branch(2) == 1) {
    detail::recordCall(api, Irp, nullptr, "STATUS_INSUFFICIENT_RESOURCES (no routine set)");
    return STATUS_INSUFFICIENT_RESOURCES;
  }
  IoSetCompletionRoutine(Irp, CompletionRoutine, Context, InvokeOnSuccess, InvokeOnError, InvokeOnCancel);
  detail::recordCall(api, Irp, nullptr, "STATUS_SUCCESS");
  return STATUS_SUCCESS;
}

void IoMarkIrpPending(PIRP Irp) {
  constexpr const char* api = "IoMarkIrpPending";
  (void)detail::visibleCall(api, Irp, Access::Write);
  if (detail::reportIfNotOwned(*Irp, api)) return;
  detail::markPending(*Irp);
  detail::recordCall(api, Irp, nullptr, nullptr);
}

}  // namespace interlock::wdm
