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
  KSEMAPHORE* Work = nullptr;  // counts the queued reads for a worker thread (§18.17)
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
      Expectation::violation(ViolationKind::Deadlock, "NoThreadCanMove"), &ReadInsertExIgnoringFailure, true);
}

Scenario insertExFailureCompleted() {
  return csqScenario(
      "csq/insert-ex-failure-completed",
      "The fix of csq/insert-ex-failure-pending: when IoCsqInsertIrpEx fails the dispatch routine "
      "completes the IRP with that status and returns it.",
      Expectation::pass(), &ReadInsertEx, true);
}

// §18.17: the dispatch routine queues the read and releases the semaphore a worker waits on.
// Suspended between the two, the reader's IRP sits in the queue with no unit counting it.
template <bool CriticalRegion>
NTSTATUS ReadQueueForWorker(PDEVICE_OBJECT DeviceObject, PIRP Irp) {
  CsqExtension& extension = extensionOf(DeviceObject);
  if (CriticalRegion) KeEnterCriticalRegion();
  IoCsqInsertIrp(extension.Csq, Irp, nullptr);
  (void)KeReleaseSemaphore(extension.Work, IO_NO_INCREMENT, 1, FALSE);
  if (CriticalRegion) KeLeaveCriticalRegion();
  return STATUS_PENDING;
}

// The worker completes the oldest queued read for each unit, for ever.
void ServeReads(CsqExtension& extension) {
  for (;;) {
    (void)KeWaitForSingleObject(extension.Work, Executive, KernelMode, FALSE, nullptr);
    if (PIRP irp = IoCsqRemoveNextIrp(extension.Csq, nullptr)) completeIrp(irp, STATUS_SUCCESS);
  }
}

// Process A's reader (the adversary may suspend it) reads first, then process B's (never
// suspended), each through its own handle.
Scenario workerScenario(const char* name, const char* description, Expectation expected,
                        PDRIVER_DISPATCH read) {
  return Scenario{name, description, std::move(expected), Bounds{}, [read](Setup& s) {
                    auto& driver = s.make<DRIVER_OBJECT>("Driver");
                    driver.MajorFunction[IRP_MJ_READ] = read;
                    auto& lock = s.make<KSPIN_LOCK>("QueueLock");
                    KeInitializeSpinLock(&lock);
                    auto& csq = s.make<IO_CSQ>("Csq");
                    auto& work = s.make<KSEMAPHORE>("Work");
                    KeInitializeSemaphore(&work, 0, 2);
                    DEVICE_OBJECT& device = IoCreateDevice<CsqExtension>(s, driver, "Device");
                    CsqExtension& extension = extensionOf(&device);
                    extension.Lock = &lock;
                    extension.Csq = &csq;
                    extension.Work = &work;
                    csq.Owner = &extension;
                    (void)IoCsqInitialize(&csq, &CsqInsertIrp, &CsqRemoveIrp, &CsqPeekNextIrp,
                                          &CsqAcquireLock, &CsqReleaseLock, &CsqCompleteCanceledIrp);
                    auto& fileA = s.make<FILE_OBJECT>("HandleA");
                    auto& fileB = s.make<FILE_OBJECT>("HandleB");
                    for (FILE_OBJECT* file : {&fileA, &fileB}) {
                      file->open = true;
                      file->DeviceObject = &device;
                    }
                    s.userThread("reader-a", [&fileA] { (void)readDevice(&fileA); }, "process A");
                    s.thread(ThreadSpec{.name = "reader-b",
                                        .requester = "process B",
                                        .kind = ThreadKind::SystemCall,
                                        .suspendable = false,
                                        .body = [&fileB] { (void)readDevice(&fileB); }});
                    s.serviceThread("worker", [&extension] { ServeReads(extension); });
                  }};
}

Scenario suspendedQueuer() {
  return workerScenario(
      "csq/suspended-queuer",
      "A read dispatch routine queues the IRP on a cancel-safe queue and then releases the "
      "semaphore a system worker waits on; the worker completes the oldest queued read for each "
      "unit. Process A's read queues its IRP and is suspended (NtSuspendThread) before the "
      "release; process B's read queues behind it and releases once, so the worker completes A's "
      "IRP and waits again, and B's read never completes while A stays suspended. Resumed, A "
      "releases the semaphore and B's IRP completes: one process's suspension denies service to "
      "another.",
      Expectation::violation(ViolationKind::SuspendedOwnerDoS, "SuspendedSignaller"),
      &ReadQueueForWorker<false>);
}

Scenario queueInCriticalRegion() {
  return workerScenario(
      "csq/queue-in-critical-region",
      "The fix of csq/suspended-queuer: the dispatch routine queues the IRP and releases the "
      "semaphore inside one critical region, so a suspension takes effect before both or after "
      "both, and the worker has a unit for every IRP queued.",
      Expectation::pass(), &ReadQueueForWorker<true>);
}

}  // namespace

std::vector<Scenario> csqScenarios() {
  return {markAfterInsert(),          insertMarksPending(), insertExFailurePending(),
          insertExFailureCompleted(), suspendedQueuer(),    queueInCriticalRegion()};
}

}  // namespace interlock::scenarios
