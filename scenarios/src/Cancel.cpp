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

}  // namespace

std::vector<Scenario> cancelScenarios() {
  return {testThenSet(), setThenTest(), dequeueWithoutClearing(), dequeueClearsRoutine()};
}

}  // namespace interlock::scenarios
