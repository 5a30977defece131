// Cancellation (docs/kernel-rules.md §9.1; ReactOS io/iomgr/irp.c IoCancelIrp).
#include "interlock/primitives/Cancel.hpp"

#include "ExclusiveLock.hpp"
#include "IrpModel.hpp"
#include "interlock/primitives/Call.hpp"
#include "interlock/primitives/Irql.hpp"

#include <memory>
#include <string>
#include <string_view>

namespace interlock::wdm {

namespace detail {

KSPIN_LOCK& cancelSpinLock() {
  constexpr std::string_view name = "IoCancelSpinLock";
  Execution& execution = Execution::current();
  for (KernelObject* object : execution.objects())
    if (object->name() == name) return static_cast<KSPIN_LOCK&>(*object);
  auto lock = std::make_unique<KSPIN_LOCK>();
  KSPIN_LOCK& ref = *lock;
  ref.use = KSPIN_LOCK::Use::Ordinary;
  execution.addObject(std::move(lock), name);
  return ref;
}

namespace {

KIRQL acquireCancelLock(const char* api) {
  KSPIN_LOCK& lock = cancelSpinLock();
  Thread& thread = visibleCall(api, &lock, Access::Acquire);
  if (thread.irql > DISPATCH_LEVEL)
    contractViolation("IrqlIoDispatchLte", 0,
                      std::string(api) + " at " + irqlName(thread.irql) + ", above DISPATCH_LEVEL", &lock);
  const KIRQL old = raiseTo(thread, DISPATCH_LEVEL);
  acquireOrWait(thread, lock, lock.owner, KSPIN_LOCK::kSpinner, api);
  return old;
}

void releaseCancelLock(KIRQL irql, const char* api) {
  KSPIN_LOCK& lock = cancelSpinLock();
  Thread& thread = visibleCall(api, &lock, Access::Release);
  if (lock.owner != thread.id())
    contractViolation("CancelSpinLock", notOwnedCode(lock.owner),
                      std::string(api) + " on " + notOwnedText(lock, lock.owner), &lock);
  if (lock.owner != kNoThread) releaseOwnership(lock, lock.owner, Grant::HandOffOrBarge);
  checkLower(thread, irql, api);
  thread.irql = irql;
  recordCall(api, &lock, irqlName(irql), nullptr);
  irqlLowered(thread);
}

DEVICE_OBJECT* currentDevice(const IRP& irp) {
  if (irp.CurrentLocation < 1 || irp.CurrentLocation > irp.StackCount) return nullptr;
  return irp.stack[static_cast<std::size_t>(irp.CurrentLocation - 1)].DeviceObject;
}

}  // namespace

BOOLEAN cancelIrp(IRP& irp, bool requester) {
  constexpr const char* api = "IoCancelIrp";
  const KIRQL old = acquireCancelLock(api);
  Thread& thread = visibleCall(api, &irp, Access::Write);
  // CancelIoEx finds only the IRPs still on the thread's list.
  if (requester && (irp.state == IRP::State::Finished || irp.state == IRP::State::Freed)) {
    recordCall(api, &irp, nullptr, "FALSE (the request already finished: nothing to cancel)");
    releaseCancelLock(old, "IoReleaseCancelSpinLock");
    return FALSE;
  }
  if (!requester && (irp.state == IRP::State::Finished || irp.state == IRP::State::Freed))
    (void)reportIfNotOwned(irp, api);
  irp.Cancel.value = TRUE;
  const PDRIVER_CANCEL routine = irp.CancelRoutine;
  irp.CancelRoutine = nullptr;
  if (routine == nullptr) {
    recordCall(api, &irp, nullptr, "FALSE (no cancel routine: Irp->Cancel set)");
    releaseCancelLock(old, "IoReleaseCancelSpinLock");
    return FALSE;
  }
  if (irp.state == IRP::State::Completed) {
    bugCheck("CANCEL_STATE_IN_COMPLETED_IRP", 0x48,
             std::string(api) + " finds a cancel routine on " + irp.name() +
                 ", which was completed with it still set",
             &irp);
    return FALSE;
  }
  irp.CancelIrql = old;
  recordCall(api, &irp, nullptr, "calls the cancel routine, holding the cancel spin lock");
  routine(currentDevice(irp), &irp);
  const KSPIN_LOCK& lock = cancelSpinLock();
  if (lock.owner == thread.id())
    contractViolation("CancelSpinLock", 0,
                      "the cancel routine of " + irp.name() +
                          " returned holding the cancel spin lock: it must call "
                          "IoReleaseCancelSpinLock(Irp->CancelIrql)",
                      &lock);
  return TRUE;
}

}  // namespace detail

PDRIVER_CANCEL IoSetCancelRoutine(PIRP Irp, PDRIVER_CANCEL CancelRoutine) {
  constexpr const char* api = "IoSetCancelRoutine";
  if (Irp == nullptr) throw ScenarioError(std::string(api) + " with no Irp");
  Thread& thread = detail::visibleCall(api, Irp, Access::Write);
  if (thread.irql > DISPATCH_LEVEL)
    detail::contractViolation("IrqlIoDispatchLte", 0,
                              std::string(api) + " at " + detail::irqlName(thread.irql) + ", above DISPATCH_LEVEL", Irp);
  (void)detail::reportIfNotOwned(*Irp, api);
  const PDRIVER_CANCEL old = Irp->CancelRoutine;
  Irp->CancelRoutine = CancelRoutine;
  detail::recordCall(api, Irp, CancelRoutine != nullptr ? "a routine" : "NULL",
                     old != nullptr ? "the previous routine" : "NULL");
  return old;
}

BOOLEAN IoCancelIrp(PIRP Irp) {
  if (Irp == nullptr) throw ScenarioError("IoCancelIrp with no Irp");
  return detail::cancelIrp(*Irp, false);
}

void IoAcquireCancelSpinLock(PKIRQL Irql) {
  if (Irql == nullptr) throw ScenarioError("IoAcquireCancelSpinLock with no Irql");
  *Irql = detail::acquireCancelLock("IoAcquireCancelSpinLock");
}

void IoReleaseCancelSpinLock(KIRQL Irql) { detail::releaseCancelLock(Irql, "IoReleaseCancelSpinLock"); }

}  // namespace interlock::wdm
