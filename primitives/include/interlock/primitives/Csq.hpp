#pragma once
// Cancel-safe IRP queues (docs/kernel-rules.md §9.3). The library owns the IRP's cancel routine
// and DriverContext[3]; the driver supplies the queue and its lock through six callbacks. The
// library calls CsqInsertIrp(Ex), CsqRemoveIrp and CsqPeekNextIrp holding the queue lock, and
// CsqCompleteCanceledIrp holding nothing, on both the insert and the cancel path.
// The model cannot embed the IO_CSQ in a device extension (it is a modelled object made in the
// scenario's setup), so where a driver would use CONTAINING_RECORD it reads Csq->Owner, set by
// the scenario.
#include "interlock/core/KernelObject.hpp"
#include "interlock/primitives/Irp.hpp"
#include "interlock/primitives/WdkTypes.hpp"

namespace interlock::wdm {

class IO_CSQ;
using PIO_CSQ = IO_CSQ*;

using PIO_CSQ_INSERT_IRP = void (*)(PIO_CSQ Csq, PIRP Irp);
using PIO_CSQ_INSERT_IRP_EX = NTSTATUS (*)(PIO_CSQ Csq, PIRP Irp, PVOID InsertContext);
using PIO_CSQ_REMOVE_IRP = void (*)(PIO_CSQ Csq, PIRP Irp);
using PIO_CSQ_PEEK_NEXT_IRP = PIRP (*)(PIO_CSQ Csq, PIRP Irp, PVOID PeekContext);
using PIO_CSQ_ACQUIRE_LOCK = void (*)(PIO_CSQ Csq, PKIRQL Irql);
using PIO_CSQ_RELEASE_LOCK = void (*)(PIO_CSQ Csq, KIRQL Irql);
using PIO_CSQ_COMPLETE_CANCELED_IRP = void (*)(PIO_CSQ Csq, PIRP Irp);

class IO_CSQ final : public interlock::KernelObject {
 public:
  [[nodiscard]] const char* typeName() const noexcept override { return "IO_CSQ"; }
  [[nodiscard]] bool isLock() const noexcept override { return false; }

  PVOID Owner = nullptr;  // the model's CONTAINING_RECORD: the driver's context for the callbacks
  // Model state: scenarios use IoCsqInitialize(Ex).
  bool initialized = false;
  PIO_CSQ_INSERT_IRP insert = nullptr;
  PIO_CSQ_INSERT_IRP_EX insertEx = nullptr;
  PIO_CSQ_REMOVE_IRP remove = nullptr;
  PIO_CSQ_PEEK_NEXT_IRP peekNext = nullptr;
  PIO_CSQ_ACQUIRE_LOCK acquireLock = nullptr;
  PIO_CSQ_RELEASE_LOCK releaseLock = nullptr;
  PIO_CSQ_COMPLETE_CANCELED_IRP completeCanceled = nullptr;
};

// Ties a queued IRP to the driver that may later remove it by this context.
struct IO_CSQ_IRP_CONTEXT {
  ULONG Type = 0;
  PIRP Irp = nullptr;
  PIO_CSQ Csq = nullptr;
};
using PIO_CSQ_IRP_CONTEXT = IO_CSQ_IRP_CONTEXT*;

// Any IRQL; STATUS_SUCCESS.
NTSTATUS IoCsqInitialize(PIO_CSQ Csq, PIO_CSQ_INSERT_IRP CsqInsertIrp, PIO_CSQ_REMOVE_IRP CsqRemoveIrp,
                         PIO_CSQ_PEEK_NEXT_IRP CsqPeekNextIrp, PIO_CSQ_ACQUIRE_LOCK CsqAcquireLock,
                         PIO_CSQ_RELEASE_LOCK CsqReleaseLock,
                         PIO_CSQ_COMPLETE_CANCELED_IRP CsqCompleteCanceledIrp);
NTSTATUS IoCsqInitializeEx(PIO_CSQ Csq, PIO_CSQ_INSERT_IRP_EX CsqInsertIrpEx, PIO_CSQ_REMOVE_IRP CsqRemoveIrp,
                           PIO_CSQ_PEEK_NEXT_IRP CsqPeekNextIrp, PIO_CSQ_ACQUIRE_LOCK CsqAcquireLock,
                           PIO_CSQ_RELEASE_LOCK CsqReleaseLock,
                           PIO_CSQ_COMPLETE_CANCELED_IRP CsqCompleteCanceledIrp);
// <= DISPATCH_LEVEL. Marks the IRP pending: once inserted it may already be completed.
void IoCsqInsertIrp(PIO_CSQ Csq, PIRP Irp, PIO_CSQ_IRP_CONTEXT Context);
// A failing CsqInsertIrpEx leaves the IRP unqueued and not marked pending; its status returns.
NTSTATUS IoCsqInsertIrpEx(PIO_CSQ Csq, PIRP Irp, PIO_CSQ_IRP_CONTEXT Context, PVOID InsertContext);
// NULL when the IRP is gone or being cancelled (its cancel routine completes it).
PIRP IoCsqRemoveIrp(PIO_CSQ Csq, PIO_CSQ_IRP_CONTEXT Context);
// The first IRP CsqPeekNextIrp offers that is not being cancelled, removed; NULL if none.
PIRP IoCsqRemoveNextIrp(PIO_CSQ Csq, PVOID PeekContext);

}  // namespace interlock::wdm
