// Cancelling queued IRPs by hand (docs/kernel-rules.md §9.1, §9.2; bug patterns §18.5-§18.7).
// The application may cancel its read at any point after sending it (FILE_OBJECT's
// requesterCancels): a CancelIo thread calls IoCancelIrp where the exploration chooses.
#include "IoDriver.hpp"
#include "interlock/scenarios/Builtin.hpp"

namespace interlock::scenarios {

using namespace interlock::wdm;
using namespace interlock::scenarios::io;

namespace {

struct QueueExtension {
  KSPIN_LOCK* Lock = nullptr;  // guards Queue
  IrpQueue Queue;
  KEVENT* ReadQueued = nullptr;  // set when a read waits in the queue (the flush scenarios)
};

QueueExtension& extensionOf(PDEVICE_OBJECT device) { return *static_cast<QueueExtension*>(device->DeviceExtension); }

// The driver's cancel routine: drop the cancel spin lock first, then unlink under the queue
// lock (harmless when a dequeue unlinked it already) and complete.
void CancelQueuedRead(PDEVICE_OBJECT DeviceObject, PIRP Irp) {
  IoReleaseCancelSpinLock(Irp->CancelIrql);
  QueueExtension& extension = extensionOf(DeviceObject);
  KIRQL irql = PASSIVE_LEVEL;
  KeAcquireSpinLock(extension.Lock, &irql);
  extension.Queue.remove(Irp);
  KeReleaseSpinLock(extension.Lock, irql);
  completeIrp(Irp, STATUS_CANCELLED);
}

// The read waits in the queue for data the device has not produced yet.
NTSTATUS ReadTestThenSet(PDEVICE_OBJECT DeviceObject, PIRP Irp) {
  QueueExtension& extension = extensionOf(DeviceObject);
  if (Irp->Cancel) {  // bug: a cancel after this test and before the routine is set is lost
    completeIrp(Irp, STATUS_CANCELLED);
    return STATUS_CANCELLED;
  }
  KIRQL irql = PASSIVE_LEVEL;
  KeAcquireSpinLock(extension.Lock, &irql);
  IoMarkIrpPending(Irp);
  extension.Queue.push(Irp);
  (void)IoSetCancelRoutine(Irp, &CancelQueuedRead);
  KeReleaseSpinLock(extension.Lock, irql);
  return STATUS_PENDING;
}

// Set the routine, then test Cancel; the party whose IoSetCancelRoutine(NULL) returns the
// routine owns the IRP.
NTSTATUS queueCancelSafely(QueueExtension& extension, PIRP Irp) {
  KIRQL irql = PASSIVE_LEVEL;
  KeAcquireSpinLock(extension.Lock, &irql);
  IoMarkIrpPending(Irp);
  extension.Queue.push(Irp);
  (void)IoSetCancelRoutine(Irp, &CancelQueuedRead);
  if (Irp->Cancel && IoSetCancelRoutine(Irp, nullptr) != nullptr) {
    extension.Queue.remove(Irp);
    KeReleaseSpinLock(extension.Lock, irql);
    completeIrp(Irp, STATUS_CANCELLED);
    return STATUS_PENDING;
  }
  KeReleaseSpinLock(extension.Lock, irql);  // cancelled meanwhile: the cancel routine completes it
  return STATUS_PENDING;
}

NTSTATUS ReadSetThenTest(PDEVICE_OBJECT DeviceObject, PIRP Irp) {
  return queueCancelSafely(extensionOf(DeviceObject), Irp);
}

// The data arrives on a system worker thread: it dequeues the oldest read and completes it.
void DeliverDataNoClear(PDEVICE_OBJECT DeviceObject, PVOID) {
  QueueExtension& extension = extensionOf(DeviceObject);
  KIRQL irql = PASSIVE_LEVEL;
  KeAcquireSpinLock(extension.Lock, &irql);
  PIRP irp = extension.Queue.pop();  // bug: the cancel routine is still set
  KeReleaseSpinLock(extension.Lock, irql);
  if (irp != nullptr) completeIrp(irp, STATUS_SUCCESS);
}

void DeliverData(PDEVICE_OBJECT DeviceObject, PVOID) {
  QueueExtension& extension = extensionOf(DeviceObject);
  KIRQL irql = PASSIVE_LEVEL;
  KeAcquireSpinLock(extension.Lock, &irql);
  PIRP irp = extension.Queue.pop();
  // NULL: IoCancelIrp took the routine, which waits for this lock and will complete the IRP.
  if (irp != nullptr && IoSetCancelRoutine(irp, nullptr) == nullptr) irp = nullptr;
  KeReleaseSpinLock(extension.Lock, irql);
  if (irp != nullptr) completeIrp(irp, STATUS_SUCCESS);
}

template <PIO_WORKITEM_ROUTINE Deliver>
NTSTATUS ReadThenDeliver(PDEVICE_OBJECT DeviceObject, PIRP Irp) {
  const NTSTATUS status = queueCancelSafely(extensionOf(DeviceObject), Irp);
  IoQueueWorkItem(IoAllocateWorkItem(DeviceObject), Deliver, DelayedWorkQueue, nullptr);
  return status;
}

Scenario queueScenario(const char* name, const char* description, Expectation expected,
                       PDRIVER_DISPATCH read) {
  return Scenario{name, description, std::move(expected), Bounds{}, [read](Setup& s) {
                    auto& driver = s.make<DRIVER_OBJECT>("Driver");
                    driver.MajorFunction[IRP_MJ_READ] = read;
                    auto& lock = s.make<KSPIN_LOCK>("QueueLock");
                    KeInitializeSpinLock(&lock);
                    DEVICE_OBJECT& device = IoCreateDevice<QueueExtension>(s, driver, "Device");
                    extensionOf(&device).Lock = &lock;
                    const HANDLE handle = openDevice(s, device, true);
                    s.systemThread("app", [handle] { (void)readDevice(handle); });
                  }};
}

Scenario testThenSet() {
  return queueScenario(
      "cancel/test-then-set",
      "A read dispatch routine tests Irp->Cancel, then queues the IRP and sets its cancel "
      "routine. When the application cancels between the test and IoSetCancelRoutine, "
      "IoCancelIrp finds no routine to call and only sets Irp->Cancel: the read stays queued, "
      "nothing will ever complete it, and the application waits for it forever.",
      Expectation::violation(ViolationKind::Deadlock, "NoThreadCanMove"), &ReadTestThenSet);
}

Scenario setThenTest() {
  return queueScenario(
      "cancel/set-then-test",
      "The fix of cancel/test-then-set: under the queue lock the driver queues the IRP and sets "
      "the cancel routine, then tests Irp->Cancel; if set and IoSetCancelRoutine(NULL) returns "
      "the routine, the driver completes the IRP itself, else the running cancel routine does.",
      Expectation::pass(), &ReadSetThenTest);
}

Scenario dequeueWithoutClearing() {
  return queueScenario(
      "cancel/dequeue-without-clearing",
      "A work item delivering data dequeues the oldest read under the queue lock and completes "
      "it without IoSetCancelRoutine(Irp, NULL). A cancel racing with it either finds the "
      "routine on the completed IRP (CANCEL_STATE_IN_COMPLETED_IRP, 0x48) or runs the cancel "
      "routine, which waits for the queue lock and completes the IRP a second time "
      "(MULTIPLE_IRP_COMPLETE_REQUESTS, 0x44).",
      Expectation::violation(ViolationKind::BugCheck), &ReadThenDeliver<&DeliverDataNoClear>);
}

Scenario dequeueClearsRoutine() {
  return queueScenario(
      "cancel/dequeue-clears-routine",
      "The fix of cancel/dequeue-without-clearing: after dequeuing, the work item calls "
      "IoSetCancelRoutine(Irp, NULL); NULL means the cancel routine owns the IRP, so the work "
      "item leaves it to the routine.",
      Expectation::pass(), &ReadThenDeliver<&DeliverData>);
}

// A cancel routine that takes the queue lock while it still holds the cancel spin lock.
void CancelHoldingCancelLock(PDEVICE_OBJECT DeviceObject, PIRP Irp) {
  QueueExtension& extension = extensionOf(DeviceObject);
  KeAcquireSpinLockAtDpcLevel(extension.Lock);  // bug: the cancel spin lock is still held
  extension.Queue.remove(Irp);
  KeReleaseSpinLockFromDpcLevel(extension.Lock);
  IoReleaseCancelSpinLock(Irp->CancelIrql);
  completeIrp(Irp, STATUS_CANCELLED);
}

NTSTATUS ReadQueuedForFlush(PDEVICE_OBJECT DeviceObject, PIRP Irp) {
  QueueExtension& extension = extensionOf(DeviceObject);
  KIRQL irql = PASSIVE_LEVEL;
  KeAcquireSpinLock(extension.Lock, &irql);
  IoMarkIrpPending(Irp);
  extension.Queue.push(Irp);
  (void)IoSetCancelRoutine(Irp, &CancelHoldingCancelLock);
  if (Irp->Cancel && IoSetCancelRoutine(Irp, nullptr) != nullptr) {
    extension.Queue.remove(Irp);
    KeReleaseSpinLock(extension.Lock, irql);
    completeIrp(Irp, STATUS_CANCELLED);
    return STATUS_PENDING;
  }
  KeReleaseSpinLock(extension.Lock, irql);
  (void)KeSetEvent(extension.ReadQueued, IO_NO_INCREMENT, FALSE);
  return STATUS_PENDING;
}

NTSTATUS ReadQueuedSafely(PDEVICE_OBJECT DeviceObject, PIRP Irp) {
  QueueExtension& extension = extensionOf(DeviceObject);
  const NTSTATUS status = queueCancelSafely(extension, Irp);
  (void)KeSetEvent(extension.ReadQueued, IO_NO_INCREMENT, FALSE);
  return status;
}

// The flush IOCTL cancels every queued read while it holds the queue lock.
NTSTATUS FlushCancellingUnderLock(PDEVICE_OBJECT DeviceObject, PIRP Irp) {
  QueueExtension& extension = extensionOf(DeviceObject);
  KIRQL irql = PASSIVE_LEVEL;
  KeAcquireSpinLock(extension.Lock, &irql);
  for (PIRP queued = extension.Queue.after(nullptr); queued != nullptr; queued = extension.Queue.after(queued))
    (void)IoCancelIrp(queued);  // bug: queue lock, then the cancel spin lock
  KeReleaseSpinLock(extension.Lock, irql);
  completeIrp(Irp, STATUS_SUCCESS);
  return STATUS_SUCCESS;
}

// The fix: the flush takes the reads off the queue, clearing each cancel routine, and
// completes them after releasing the lock; the cancel routine drops the cancel lock first.
NTSTATUS FlushDequeuing(PDEVICE_OBJECT DeviceObject, PIRP Irp) {
  QueueExtension& extension = extensionOf(DeviceObject);
  IrpQueue flushed;
  KIRQL irql = PASSIVE_LEVEL;
  KeAcquireSpinLock(extension.Lock, &irql);
  while (PIRP queued = extension.Queue.pop())
    if (IoSetCancelRoutine(queued, nullptr) != nullptr) flushed.push(queued);  // else its routine completes it
  KeReleaseSpinLock(extension.Lock, irql);
  while (PIRP queued = flushed.pop()) completeIrp(queued, STATUS_CANCELLED);
  completeIrp(Irp, STATUS_SUCCESS);
  return STATUS_SUCCESS;
}

// An application thread reads; once the read waits in the queue, another thread flushes the
// queue with an IOCTL.
Scenario flushScenario(const char* name, const char* description, Expectation expected,
                       PDRIVER_DISPATCH read, PDRIVER_DISPATCH flush) {
  return Scenario{name, description, std::move(expected), Bounds{}, [read, flush](Setup& s) {
                    auto& driver = s.make<DRIVER_OBJECT>("Driver");
                    driver.MajorFunction[IRP_MJ_READ] = read;
                    driver.MajorFunction[IRP_MJ_DEVICE_CONTROL] = flush;
                    auto& lock = s.make<KSPIN_LOCK>("QueueLock");
                    KeInitializeSpinLock(&lock);
                    auto& queued = s.make<KEVENT>("ReadQueued");
                    KeInitializeEvent(&queued, NotificationEvent, FALSE);
                    DEVICE_OBJECT& device = IoCreateDevice<QueueExtension>(s, driver, "Device");
                    extensionOf(&device).Lock = &lock;
                    extensionOf(&device).ReadQueued = &queued;
                    const HANDLE handle = openDevice(s, device, false);
                    s.systemThread("app", [handle] { (void)readDevice(handle); });
                    s.systemThread("flusher", [handle, &queued] {
                      (void)KeWaitForSingleObject(&queued, Executive, KernelMode, FALSE, nullptr);
                      IO_STATUS_BLOCK status;
                      (void)ZwDeviceIoControlFile(handle, nullptr, nullptr, nullptr, &status, 0x22E008,
                                                  nullptr, 0, nullptr, 0);
                    });
                  }};
}

Scenario cancelLockOrder() {
  return flushScenario(
      "cancel/cancel-lock-order",
      "The cancel routine takes the queue lock before it releases the cancel spin lock, and a "
      "flush IOCTL calls IoCancelIrp on every queued read while it holds the queue lock: cancel "
      "lock then queue lock on one path, queue lock then cancel lock on the other. IoCancelIrp "
      "runs the routine in the flushing thread, which then spins on the queue lock it holds "
      "itself (against a cancel from another thread, the two paths deadlock each other).",
      Expectation::violation(ViolationKind::Deadlock, "SelfDeadlock"), &ReadQueuedForFlush, &FlushCancellingUnderLock);
}

Scenario cancelLockReleasedFirst() {
  return flushScenario(
      "cancel/flush-dequeues",
      "The fix of cancel/cancel-lock-order: the cancel routine releases the cancel spin lock "
      "first, and the flush takes the reads off the queue under its lock, clearing their cancel "
      "routines, and completes them after releasing it: no path holds both locks.",
      Expectation::pass(), &ReadQueuedSafely, &FlushDequeuing);
}

}  // namespace

std::vector<Scenario> cancelScenarios() {
  return {testThenSet(), setThenTest(), dequeueWithoutClearing(), dequeueClearsRoutine(),
          cancelLockOrder(), cancelLockReleasedFirst()};
}

}  // namespace interlock::scenarios
