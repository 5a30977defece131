// Cancel-safe queues (docs/kernel-rules.md §9.3; the flows of Microsoft's "Cancel-Safe IRP
// Queues" and ReactOS sdk/lib/drivers/csq/csq.c). CsqCompleteCanceledIrp runs with no lock
// held on both paths (§19: the diagrams, not ReactOS's insert path).
#include "interlock/primitives/Csq.hpp"

#include "IrpModel.hpp"
#include "interlock/primitives/Call.hpp"
#include "interlock/primitives/Cancel.hpp"
#include "interlock/primitives/Irql.hpp"

#include <string>

namespace interlock::wdm {

namespace {

constexpr ULONG kIoTypeCsqIrpContext = 1;

IO_CSQ& checkedCsq(PIO_CSQ csq, const char* api) {
  if (csq == nullptr) throw ScenarioError(std::string(api) + " with no IO_CSQ");
  if (!csq->initialized)
    throw ScenarioError(std::string(api) + " on IO_CSQ " + csq->name() +
                        " before IoCsqInitialize or IoCsqInitializeEx");
  return *csq;
}

void checkIrql(const char* api, const IO_CSQ& csq) {
  const Thread& thread = detail::localCall();
  if (thread.irql > DISPATCH_LEVEL)
    detail::contractViolation("IrqlIoDispatchLte", 0,
                              std::string(api) + " at " + detail::irqlName(thread.irql) +
                                  ", above DISPATCH_LEVEL",
                              &csq);
}

// Takes the IRP out of the queue and off its context: the caller holds the queue lock.
void unlink(IO_CSQ& csq, IRP& irp) {
  csq.remove(&csq, &irp);
  auto* context = static_cast<PIO_CSQ_IRP_CONTEXT>(irp.Tail.Overlay.DriverContext[3]);
  if (context != nullptr && static_cast<PVOID>(context) != static_cast<PVOID>(&csq)) context->Irp = nullptr;
  irp.Tail.Overlay.DriverContext[3] = nullptr;
  irp.csq = nullptr;
}

// The library's cancel routine: it runs holding the cancel spin lock, which it drops first.
void csqCancelRoutine(PDEVICE_OBJECT, PIRP Irp) {
  IoReleaseCancelSpinLock(Irp->CancelIrql);
  IO_CSQ& csq = *static_cast<IO_CSQ*>(Irp->csq);
  KIRQL irql = PASSIVE_LEVEL;
  csq.acquireLock(&csq, &irql);
  unlink(csq, *Irp);
  csq.releaseLock(&csq, irql);
  csq.completeCanceled(&csq, Irp);
}

NTSTATUS insert(PIO_CSQ queue, PIRP Irp, PIO_CSQ_IRP_CONTEXT Context, PVOID InsertContext, const char* api) {
  IO_CSQ& csq = checkedCsq(queue, api);
  if (Irp == nullptr) throw ScenarioError(std::string(api) + " with no Irp");
  checkIrql(api, csq);
  KIRQL irql = PASSIVE_LEVEL;
  csq.acquireLock(&csq, &irql);
  NTSTATUS status = STATUS_SUCCESS;
  if (csq.insertEx != nullptr) status = csq.insertEx(&csq, Irp, InsertContext);
  else csq.insert(&csq, Irp);
  if (!NT_SUCCESS(status)) {  // §19: not queued, not marked pending; the caller completes it
    csq.releaseLock(&csq, irql);
    return status;
  }
  IoMarkIrpPending(Irp);
  if (Context != nullptr) {
    Context->Type = kIoTypeCsqIrpContext;
    Context->Irp = Irp;
    Context->Csq = &csq;
    Irp->Tail.Overlay.DriverContext[3] = Context;
  } else {
    Irp->Tail.Overlay.DriverContext[3] = &csq;
  }
  Irp->csq = &csq;
  (void)IoSetCancelRoutine(Irp, &csqCancelRoutine);
  // Cancelled before the routine was set: IoCancelIrp found none, so the library completes it.
  if (Irp->Cancel && IoSetCancelRoutine(Irp, nullptr) != nullptr) {
    unlink(csq, *Irp);
    csq.releaseLock(&csq, irql);
    csq.completeCanceled(&csq, Irp);
    return status;
  }
  csq.releaseLock(&csq, irql);
  return status;
}

NTSTATUS initialize(PIO_CSQ queue, const char* api) {
  if (queue == nullptr) throw ScenarioError(std::string(api) + " with no IO_CSQ");
  if (Execution* execution = Execution::currentOrNull(); execution != nullptr && execution->currentThreadOrNull() != nullptr)
    (void)detail::visibleCall(api, queue, Access::Write);
  queue->initialized = true;
  detail::recordCall(api, queue, nullptr, "STATUS_SUCCESS");
  return STATUS_SUCCESS;
}

template <typename Routine>
void requireCallback(Routine routine, const char* api, const char* name) {
  if (routine == nullptr) throw ScenarioError(std::string(api) + " with no " + name + " callback");
}

// The callbacks both initializers take; the caller checked its own insert form.
struct Callbacks {
  PIO_CSQ_INSERT_IRP insert;
  PIO_CSQ_INSERT_IRP_EX insertEx;
  PIO_CSQ_REMOVE_IRP remove;
  PIO_CSQ_PEEK_NEXT_IRP peekNext;
  PIO_CSQ_ACQUIRE_LOCK acquireLock;
  PIO_CSQ_RELEASE_LOCK releaseLock;
  PIO_CSQ_COMPLETE_CANCELED_IRP completeCanceled;
};

NTSTATUS initializeWith(PIO_CSQ Csq, const Callbacks& with, const char* api) {
  requireCallback(with.remove, api, "CsqRemoveIrp");
  requireCallback(with.peekNext, api, "CsqPeekNextIrp");
  requireCallback(with.acquireLock, api, "CsqAcquireLock");
  requireCallback(with.releaseLock, api, "CsqReleaseLock");
  requireCallback(with.completeCanceled, api, "CsqCompleteCanceledIrp");
  if (Csq == nullptr) throw ScenarioError(std::string(api) + " with no IO_CSQ");
  Csq->insert = with.insert;
  Csq->insertEx = with.insertEx;
  Csq->remove = with.remove;
  Csq->peekNext = with.peekNext;
  Csq->acquireLock = with.acquireLock;
  Csq->releaseLock = with.releaseLock;
  Csq->completeCanceled = with.completeCanceled;
  return initialize(Csq, api);
}

}  // namespace

NTSTATUS IoCsqInitialize(PIO_CSQ Csq, PIO_CSQ_INSERT_IRP CsqInsertIrp, PIO_CSQ_REMOVE_IRP CsqRemoveIrp,
                         PIO_CSQ_PEEK_NEXT_IRP CsqPeekNextIrp, PIO_CSQ_ACQUIRE_LOCK CsqAcquireLock,
                         PIO_CSQ_RELEASE_LOCK CsqReleaseLock,
                         PIO_CSQ_COMPLETE_CANCELED_IRP CsqCompleteCanceledIrp) {
  requireCallback(CsqInsertIrp, "IoCsqInitialize", "CsqInsertIrp");
  return initializeWith(Csq,
                        {CsqInsertIrp, nullptr, CsqRemoveIrp, CsqPeekNextIrp, CsqAcquireLock, CsqReleaseLock,
                         CsqCompleteCanceledIrp},
                        "IoCsqInitialize");
}

NTSTATUS IoCsqInitializeEx(PIO_CSQ Csq, PIO_CSQ_INSERT_IRP_EX CsqInsertIrpEx, PIO_CSQ_REMOVE_IRP CsqRemoveIrp,
                           PIO_CSQ_PEEK_NEXT_IRP CsqPeekNextIrp, PIO_CSQ_ACQUIRE_LOCK CsqAcquireLock,
                           PIO_CSQ_RELEASE_LOCK CsqReleaseLock,
                           PIO_CSQ_COMPLETE_CANCELED_IRP CsqCompleteCanceledIrp) {
  requireCallback(CsqInsertIrpEx, "IoCsqInitializeEx", "CsqInsertIrpEx");
  return initializeWith(Csq,
                        {nullptr, CsqInsertIrpEx, CsqRemoveIrp, CsqPeekNextIrp, CsqAcquireLock, CsqReleaseLock,
                         CsqCompleteCanceledIrp},
                        "IoCsqInitializeEx");
}

void IoCsqInsertIrp(PIO_CSQ Csq, PIRP Irp, PIO_CSQ_IRP_CONTEXT Context) {
  (void)insert(Csq, Irp, Context, nullptr, "IoCsqInsertIrp");
}

NTSTATUS IoCsqInsertIrpEx(PIO_CSQ Csq, PIRP Irp, PIO_CSQ_IRP_CONTEXT Context, PVOID InsertContext) {
  return insert(Csq, Irp, Context, InsertContext, "IoCsqInsertIrpEx");
}

PIRP IoCsqRemoveIrp(PIO_CSQ Csq, PIO_CSQ_IRP_CONTEXT Context) {
  constexpr const char* api = "IoCsqRemoveIrp";
  IO_CSQ& csq = checkedCsq(Csq, api);
  if (Context == nullptr) throw ScenarioError(std::string(api) + " with no IO_CSQ_IRP_CONTEXT");
  checkIrql(api, csq);
  KIRQL irql = PASSIVE_LEVEL;
  csq.acquireLock(&csq, &irql);
  PIRP irp = Context->Irp;
  // NULL from IoSetCancelRoutine: the cancel routine owns it and waits for the queue lock.
  if (irp != nullptr && IoSetCancelRoutine(irp, nullptr) == nullptr) irp = nullptr;
  if (irp != nullptr) unlink(csq, *irp);
  csq.releaseLock(&csq, irql);
  return irp;
}

PIRP IoCsqRemoveNextIrp(PIO_CSQ Csq, PVOID PeekContext) {
  constexpr const char* api = "IoCsqRemoveNextIrp";
  IO_CSQ& csq = checkedCsq(Csq, api);
  checkIrql(api, csq);
  KIRQL irql = PASSIVE_LEVEL;
  csq.acquireLock(&csq, &irql);
  PIRP irp = csq.peekNext(&csq, nullptr, PeekContext);
  while (irp != nullptr && IoSetCancelRoutine(irp, nullptr) == nullptr)
    irp = csq.peekNext(&csq, irp, PeekContext);  // being cancelled: its routine removes it
  if (irp != nullptr) unlink(csq, *irp);
  csq.releaseLock(&csq, irql);
  return irp;
}

}  // namespace interlock::wdm
