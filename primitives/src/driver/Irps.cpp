// IRPs, completion, stack locations and cancellation as wdm.h declares them, over the I/O
// model the C++ scenarios use (§8, §9.1). Each routine brings the driver's writes into the
// model IRP, runs the model's routine, and brings the model's state back (IoBridge.hpp).
#include "IoBridge.hpp"
#include "Kernel.hpp"

#include "../IrpModel.hpp"
#include "interlock/primitives/Cancel.hpp"
#include "interlock/primitives/Irp.hpp"

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace {

namespace w = interlock::wdm;
using interlock::driver::detail::CIrp;
using interlock::driver::detail::CStackLocation;
using interlock::driver::detail::IoBridge;
using interlock::driver::detail::Kernel;

using CancelRoutine = void (*)(void* device, void* irp);
using CompletionRoutine = std::int32_t (*)(void* device, void* irp, void* context);

// A cancel routine the model may call: the driver's, kept in the C IRP's CancelRoutine.
void cancelThroughDriver(w::PDEVICE_OBJECT device, w::PIRP irp) {
  IoBridge& io = Kernel::current().io();
  CIrp& c = io.cIrp(*irp);
  const auto routine = reinterpret_cast<CancelRoutine>(c.CancelRoutine);
  c.CancelRoutine = nullptr;  // IoCancelIrp took it
  io.toDriver(*irp);
  routine(io.cDevice(device), &c);
  io.fromDriver(*irp);
}

// A completion routine the model's walk calls: the driver's, kept in the C stack location it
// was set in (the walk has moved past that location already).
w::NTSTATUS completeThroughDriver(w::PDEVICE_OBJECT device, w::PIRP irp, w::PVOID context) {
  IoBridge& io = Kernel::current().io();
  CIrp& c = io.cIrp(*irp);
  CStackLocation& done = *io.location(c, irp->CurrentLocation - 1);
  const auto routine = reinterpret_cast<CompletionRoutine>(done.CompletionRoutine);
  done.CompletionRoutine = nullptr;
  done.Context = nullptr;
  io.toDriver(*irp);
  const std::int32_t status = routine(io.cDevice(device), &c, context);
  io.fromDriver(*irp);
  return status;
}

// Runs `body` on the model IRP of `irp` between the two crossings.
template <typename Body>
auto onIrp(void* irp, const char* api, Body body) {
  IoBridge& io = Kernel::current().io();
  w::IRP& model = io.model(irp, api);
  io.fromDriver(model);
  if constexpr (std::is_void_v<decltype(body(model))>) {
    body(model);
    io.toDriver(model);
  } else {
    auto result = body(model);
    io.toDriver(model);
    return result;
  }
}

}  // namespace

extern "C" {

void IofCompleteRequest(void* Irp, char PriorityBoost) {
  onIrp(Irp, "IoCompleteRequest", [&](w::IRP& irp) { w::IoCompleteRequest(&irp, PriorityBoost); });
}

std::int32_t IofCallDriver(void* DeviceObject, void* Irp) {
  return onIrp(Irp, "IoCallDriver", [&](w::IRP& irp) {
    w::DEVICE_OBJECT& device = Kernel::current().io().modelDevice(DeviceObject, "IoCallDriver");
    return w::IoCallDriver(&device, &irp);
  });
}

void IoMarkIrpPending(void* Irp) {
  onIrp(Irp, "IoMarkIrpPending", [](w::IRP& irp) { w::IoMarkIrpPending(&irp); });
}

void* IoGetNextIrpStackLocation(void* Irp) {
  return onIrp(Irp, "IoGetNextIrpStackLocation", [&](w::IRP& irp) {
    (void)w::IoGetNextIrpStackLocation(&irp);  // the model's range check
    return static_cast<void*>(Kernel::current().io().location(*static_cast<CIrp*>(Irp), irp.CurrentLocation - 1));
  });
}

void IoCopyCurrentIrpStackLocationToNext(void* Irp) {
  onIrp(Irp, "IoCopyCurrentIrpStackLocationToNext", [&](w::IRP& irp) {
    w::IoCopyCurrentIrpStackLocationToNext(&irp);
    IoBridge& io = Kernel::current().io();
    auto& c = *static_cast<CIrp*>(Irp);
    if (irp.CurrentLocation < 2 || irp.CurrentLocation > irp.StackCount) return;
    // The WDK copies up to the completion routine and clears Control.
    CStackLocation& next = *io.location(c, irp.CurrentLocation - 1);
    std::memcpy(&next, io.location(c, irp.CurrentLocation), offsetof(CStackLocation, CompletionRoutine));
    next.Control = 0;
  });
}

void IoSkipCurrentIrpStackLocation(void* Irp) {
  onIrp(Irp, "IoSkipCurrentIrpStackLocation", [](w::IRP& irp) { w::IoSkipCurrentIrpStackLocation(&irp); });
}

void IoSetCompletionRoutine(void* Irp, CompletionRoutine Routine, void* Context, std::uint8_t InvokeOnSuccess,
                            std::uint8_t InvokeOnError, std::uint8_t InvokeOnCancel) {
  onIrp(Irp, "IoSetCompletionRoutine", [&](w::IRP& irp) {
    w::IoSetCompletionRoutine(&irp, Routine != nullptr ? &completeThroughDriver : nullptr, Context, InvokeOnSuccess,
                              InvokeOnError, InvokeOnCancel);
    if (irp.CurrentLocation < 2 || irp.CurrentLocation > irp.StackCount + 1) return;
    CStackLocation& next = *Kernel::current().io().location(*static_cast<CIrp*>(Irp), irp.CurrentLocation - 1);
    next.CompletionRoutine = reinterpret_cast<void*>(Routine);
    next.Context = Context;
  });
}

void* IoSetCancelRoutine(void* Irp, CancelRoutine Routine) {
  return onIrp(Irp, "IoSetCancelRoutine", [&](w::IRP& irp) {
    auto& c = *static_cast<CIrp*>(Irp);
    void* const previous = c.CancelRoutine;
    const w::PDRIVER_CANCEL was = w::IoSetCancelRoutine(&irp, Routine != nullptr ? &cancelThroughDriver : nullptr);
    c.CancelRoutine = reinterpret_cast<void*>(Routine);
    if (was == nullptr) return static_cast<void*>(nullptr);  // none, or IoCancelIrp took it
    return previous;  // the driver's, or what Irp->CancelRoutine read for the kernel's own
  });
}

std::uint8_t IoCancelIrp(void* Irp) {
  return onIrp(Irp, "IoCancelIrp", [](w::IRP& irp) { return w::IoCancelIrp(&irp); });
}

void IoAcquireCancelSpinLock(std::uint8_t* Irql) { w::IoAcquireCancelSpinLock(Irql); }
void IoReleaseCancelSpinLock(std::uint8_t Irql) { w::IoReleaseCancelSpinLock(Irql); }

}  // extern "C"
