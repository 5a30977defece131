// Cancel-safe queues (docs/kernel-rules.md §9.3; bug pattern §18.2). The application may cancel
// its read at any point after sending it.
#include "IoDriver.hpp"
#include "interlock/scenarios/Builtin.hpp"

namespace interlock::scenarios {

using namespace interlock::wdm;
using namespace interlock::scenarios::io;

namespace {

struct CsqExtension {
  KSPIN_LOCK* Lock = nullptr;  // the queue lock the CSQ callbacks take
  IrpQueue Queue;
  IO_CSQ* Csq = nullptr;
  bool Stopping = false;       // the device is being stopped: the queue takes no more reads
};

CsqExtension& extensionOf(PIO_CSQ csq) { return *static_cast<CsqExtension*>(csq->Owner); }
CsqExtension& extensionOf(PDEVICE_OBJECT device) { return *static_cast<CsqExtension*>(device->DeviceExtension); }

// The six callbacks, as a driver writes them.
void CsqInsertIrp(PIO_CSQ Csq, PIRP Irp) { extensionOf(Csq).Queue.push(Irp); }
NTSTATUS CsqInsertIrpEx(PIO_CSQ Csq, PIRP Irp, PVOID) {
  CsqExtension& extension = extensionOf(Csq);
  if (extension.Stopping) return STATUS_DEVICE_NOT_READY;
  extension.Queue.push(Irp);
  return STATUS_SUCCESS;
}
void CsqRemoveIrp(PIO_CSQ Csq, PIRP Irp) { extensionOf(Csq).Queue.remove(Irp); }
PIRP CsqPeekNextIrp(PIO_CSQ Csq, PIRP Irp, PVOID) { return extensionOf(Csq).Queue.after(Irp); }
void CsqAcquireLock(PIO_CSQ Csq, PKIRQL Irql) { KeAcquireSpinLock(extensionOf(Csq).Lock, Irql); }
void CsqReleaseLock(PIO_CSQ Csq, KIRQL Irql) { KeReleaseSpinLock(extensionOf(Csq).Lock, Irql); }
void CsqCompleteCanceledIrp(PIO_CSQ, PIRP Irp) { completeIrp(Irp, STATUS_CANCELLED); }

// The data arrives on a system worker thread, which completes the oldest queued read.
void DeliverData(PDEVICE_OBJECT DeviceObject, PVOID) {
  if (PIRP irp = IoCsqRemoveNextIrp(extensionOf(DeviceObject).Csq, nullptr)) completeIrp(irp, STATUS_SUCCESS);
}

NTSTATUS ReadMarkAfterInsert(PDEVICE_OBJECT DeviceObject, PIRP Irp) {
  IoCsqInsertIrp(extensionOf(DeviceObject).Csq, Irp, nullptr);
  IoQueueWorkItem(IoAllocateWorkItem(DeviceObject), &DeliverData, DelayedWorkQueue, nullptr);
  IoMarkIrpPending(Irp);  // bug: the IRP may be completed and freed already
  return STATUS_PENDING;
}

NTSTATUS ReadInsert(PDEVICE_OBJECT DeviceObject, PIRP Irp) {
  IoCsqInsertIrp(extensionOf(DeviceObject).Csq, Irp, nullptr);  // marks it pending
  IoQueueWorkItem(IoAllocateWorkItem(DeviceObject), &DeliverData, DelayedWorkQueue, nullptr);
  return STATUS_PENDING;
}

NTSTATUS ReadInsertExIgnoringFailure(PDEVICE_OBJECT DeviceObject, PIRP Irp) {
  (void)IoCsqInsertIrpEx(extensionOf(DeviceObject).Csq, Irp, nullptr, nullptr);
  return STATUS_PENDING;  // bug: a failed insert did not queue the IRP
}

NTSTATUS ReadInsertEx(PDEVICE_OBJECT DeviceObject, PIRP Irp) {
  const NTSTATUS status = IoCsqInsertIrpEx(extensionOf(DeviceObject).Csq, Irp, nullptr, nullptr);
  if (!NT_SUCCESS(status)) {  // not queued, not pending: the driver completes it
    completeIrp(Irp, status);
    return status;
  }
  return STATUS_PENDING;
}

Scenario csqScenario(const char* name, const char* description, Expectation expected,
                     PDRIVER_DISPATCH read, bool ex) {
  return Scenario{name, description, std::move(expected), Bounds{}, [read, ex](Setup& s) {
                    auto& driver = s.make<DRIVER_OBJECT>("Driver");
                    driver.MajorFunction[IRP_MJ_READ] = read;
                    auto& lock = s.make<KSPIN_LOCK>("QueueLock");
                    KeInitializeSpinLock(&lock);
                    auto& csq = s.make<IO_CSQ>("Csq");
                    DEVICE_OBJECT& device = IoCreateDevice<CsqExtension>(s, driver, "Device");
                    CsqExtension& extension = extensionOf(&device);
                    extension.Lock = &lock;
                    extension.Csq = &csq;
                    extension.Stopping = ex;
                    csq.Owner = &extension;
                    if (ex)
                      (void)IoCsqInitializeEx(&csq, &CsqInsertIrpEx, &CsqRemoveIrp, &CsqPeekNextIrp,
                                              &CsqAcquireLock, &CsqReleaseLock, &CsqCompleteCanceledIrp);
                    else
                      (void)IoCsqInitialize(&csq, &CsqInsertIrp, &CsqRemoveIrp, &CsqPeekNextIrp,
                                            &CsqAcquireLock, &CsqReleaseLock, &CsqCompleteCanceledIrp);
                    const HANDLE handle = openDevice(s, device, true);
                    s.systemThread("app", [handle] { (void)readDevice(handle); });
                  }};
}

Scenario markAfterInsert() {
  return csqScenario(
      "csq/mark-after-insert",
      "A read dispatch routine queues the IRP with IoCsqInsertIrp, queues the work item that "
      "delivers data, and only then calls IoMarkIrpPending. Once inserted the IRP belongs to the "
      "queue: the work item (or a cancel) may complete it, and the I/O manager free it, before "
      "the mark touches it.",
      Expectation::violation(ViolationKind::ContractViolation, "IrpNotOwned"), &ReadMarkAfterInsert, false);
}

Scenario insertMarksPending() {
  return csqScenario(
      "csq/insert-marks-pending",
      "The fix of csq/mark-after-insert: IoCsqInsertIrp marks the IRP pending itself, under the "
      "queue lock; after it the dispatch routine returns STATUS_PENDING without touching the IRP.",
      Expectation::pass(), &ReadInsert, false);
}

Scenario insertExFailurePending() {
  return csqScenario(
      "csq/insert-ex-failure-pending",
      "The device is stopping, so the driver's CsqInsertIrpEx refuses the read. The dispatch "
      "routine ignores IoCsqInsertIrpEx's status and returns STATUS_PENDING: the IRP was neither "
      "queued nor marked pending, nothing will complete it, and the application waits forever.",
      Expectation::violation(ViolationKind::Deadlock, "NoThreadCanMove")
          .withVerifier(Expectation::violation(ViolationKind::BugCheck, "MarkIrpPending2")), &ReadInsertExIgnoringFailure, true);
}

Scenario insertExFailureCompleted() {
  return csqScenario(
      "csq/insert-ex-failure-completed",
      "The fix of csq/insert-ex-failure-pending: when IoCsqInsertIrpEx fails the dispatch routine "
      "completes the IRP with that status and returns it.",
      Expectation::pass(), &ReadInsertEx, true);
}

}  // namespace

std::vector<Scenario> csqScenarios() {
  return {markAfterInsert(), insertMarksPending(), insertExFailurePending(), insertExFailureCompleted()};
}

}  // namespace interlock::scenarios
