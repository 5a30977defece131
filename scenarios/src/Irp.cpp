// IRPs as a driver receives them (docs/kernel-rules.md §8; bug patterns §18.1, §18.3, §18.4).
#include "IoDriver.hpp"
#include "interlock/scenarios/Builtin.hpp"

#include <array>

namespace interlock::scenarios {

using namespace interlock::wdm;
using namespace interlock::scenarios::io;

namespace {

struct ReadExtension {
  bool Ready = false;  // the device reported ready at start: this one never does
};

// The transfer finishes later on a system worker thread, which completes the read.
void completeTransfer(PDEVICE_OBJECT, PVOID context) { completeIrp(static_cast<PIRP>(context), STATUS_SUCCESS); }

void startTransfer(PDEVICE_OBJECT device, PIRP irp) {
  IoQueueWorkItem(IoAllocateWorkItem(device), &completeTransfer, DelayedWorkQueue, irp);
}

NTSTATUS ReadPendingNotMarked(PDEVICE_OBJECT DeviceObject, PIRP Irp) {
  startTransfer(DeviceObject, Irp);
  return STATUS_PENDING;  // bug: never marked pending
}

NTSTATUS ReadPendingMarked(PDEVICE_OBJECT DeviceObject, PIRP Irp) {
  IoMarkIrpPending(Irp);  // before any other context can reach it
  startTransfer(DeviceObject, Irp);
  return STATUS_PENDING;
}

// One driver over the device, read by one application thread.
Scenario readScenario(const char* name, const char* description, Expectation expected,
                      PDRIVER_DISPATCH read) {
  return Scenario{name, description, std::move(expected), Bounds{}, [read](Setup& s) {
                    auto& driver = s.make<DRIVER_OBJECT>("Driver");
                    driver.MajorFunction[IRP_MJ_READ] = read;
                    DEVICE_OBJECT& device = IoCreateDevice<ReadExtension>(s, driver, "Device");
                    const HANDLE handle = openDevice(s, device, false);
                    s.systemThread("app", [handle] { (void)readDevice(handle); });
                  }};
}

Scenario pendingNotMarked() {
  return readScenario(
      "irp/pending-not-marked",
      "A read dispatch routine starts the transfer (a work item completes the IRP later) and "
      "returns STATUS_PENDING without calling IoMarkIrpPending. The IRP completes without "
      "PendingReturned, so the I/O manager leaves finishing it to the dispatch routine's caller, "
      "which saw STATUS_PENDING and waits for the IRP forever.",
      Expectation::violation(ViolationKind::Deadlock, "NoThreadCanMove")
          .withVerifier(Expectation::violation(ViolationKind::BugCheck, "MarkIrpPending2")), &ReadPendingNotMarked);
}

Scenario pendingMarked() {
  return readScenario(
      "irp/pending-marked",
      "The fix of irp/pending-not-marked: IoMarkIrpPending before the work item can reach the "
      "IRP. The completion sees PendingReturned and queues IopCompleteRequest to the "
      "application's thread, which wakes it.",
      Expectation::pass(), &ReadPendingMarked);
}

NTSTATUS ReadCompletesTwice(PDEVICE_OBJECT DeviceObject, PIRP Irp) {
  auto* extension = static_cast<ReadExtension*>(DeviceObject->DeviceExtension);
  IoMarkIrpPending(Irp);
  startTransfer(DeviceObject, Irp);
  if (!extension->Ready) {
    completeIrp(Irp, STATUS_DEVICE_NOT_READY);  // bug: the transfer owns the IRP now
    return STATUS_PENDING;
  }
  return STATUS_PENDING;
}

NTSTATUS ReadCompletesOnce(PDEVICE_OBJECT DeviceObject, PIRP Irp) {
  auto* extension = static_cast<ReadExtension*>(DeviceObject->DeviceExtension);
  if (!extension->Ready) {  // checked before the IRP is handed to anyone
    completeIrp(Irp, STATUS_DEVICE_NOT_READY);
    return STATUS_DEVICE_NOT_READY;
  }
  IoMarkIrpPending(Irp);
  startTransfer(DeviceObject, Irp);
  return STATUS_PENDING;
}

Scenario doubleCompletion() {
  return readScenario(
      "irp/double-completion",
      "A read dispatch routine marks the IRP pending and starts the transfer, whose work item "
      "completes the IRP; then it finds the device not ready and completes the IRP itself with "
      "STATUS_DEVICE_NOT_READY. Whichever completion comes second, Windows stops with "
      "MULTIPLE_IRP_COMPLETE_REQUESTS (0x44).",
      Expectation::violation(ViolationKind::BugCheck, "MULTIPLE_IRP_COMPLETE_REQUESTS"),
      &ReadCompletesTwice);
}

Scenario singleCompletion() {
  return readScenario(
      "irp/single-completion",
      "The fix of irp/double-completion: the dispatch routine checks the device before it hands "
      "the IRP to the transfer, and fails it there; once handed over, only the transfer "
      "completes it.",
      Expectation::pass(), &ReadCompletesOnce);
}

struct FilterExtension {
  PDEVICE_OBJECT Lower = nullptr;
  LONG Completed = 0;
};

NTSTATUS CountCompletionDropsPending(PDEVICE_OBJECT DeviceObject, PIRP, PVOID) {
  ++static_cast<FilterExtension*>(DeviceObject->DeviceExtension)->Completed;
  return STATUS_SUCCESS;  // bug: Irp->PendingReturned is not passed up
}

NTSTATUS CountCompletion(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID) {
  if (Irp->PendingReturned) IoMarkIrpPending(Irp);
  ++static_cast<FilterExtension*>(DeviceObject->DeviceExtension)->Completed;
  return STATUS_SUCCESS;
}

template <PIO_COMPLETION_ROUTINE Completion>
NTSTATUS FilterRead(PDEVICE_OBJECT DeviceObject, PIRP Irp) {
  auto* extension = static_cast<FilterExtension*>(DeviceObject->DeviceExtension);
  IoCopyCurrentIrpStackLocationToNext(Irp);
  IoSetCompletionRoutine(Irp, Completion, nullptr, TRUE, TRUE, TRUE);
  return IoCallDriver(extension->Lower, Irp);
}

Scenario filterScenario(const char* name, const char* description, Expectation expected,
                        PDRIVER_DISPATCH read) {
  return Scenario{name, description, std::move(expected), Bounds{}, [read](Setup& s) {
                    auto& driver = s.make<DRIVER_OBJECT>("FilterDriver");
                    driver.MajorFunction[IRP_MJ_READ] = read;
                    auto& lower = s.make<DEVICE_OBJECT>("LowerDevice");  // a driver the model does not run
                    DEVICE_OBJECT& filter = IoCreateDevice<FilterExtension>(s, driver, "FilterDevice");
                    static_cast<FilterExtension*>(filter.DeviceExtension)->Lower =
                        IoAttachDeviceToDeviceStack(&filter, &lower);
                    const HANDLE handle = openDevice(s, filter, false);
                    s.systemThread("app", [handle] { (void)readDevice(handle); });
                  }};
}

Scenario completionDropsPending() {
  return filterScenario(
      "irp/completion-routine-drops-pending",
      "A filter counts completed reads: it copies its stack location to the next, sets a "
      "completion routine and passes the read down, returning the lower driver's status. When "
      "the lower driver pends the read and completes it later, the completion routine returns "
      "without `if (Irp->PendingReturned) IoMarkIrpPending(Irp)`: the filter's location is "
      "never marked, the top of the stack sees no PendingReturned, and the application, told "
      "STATUS_PENDING, waits forever.",
      Expectation::violation(ViolationKind::Deadlock, "NoThreadCanMove")
          .withVerifier(Expectation::violation(ViolationKind::BugCheck, "PendingReturnedNotPropagated")),
      &FilterRead<&CountCompletionDropsPending>);
}

Scenario completionPropagatesPending() {
  return filterScenario(
      "irp/completion-routine-propagates-pending",
      "The fix of irp/completion-routine-drops-pending: the completion routine marks the IRP "
      "pending when Irp->PendingReturned is set.",
      Expectation::pass(), &FilterRead<&CountCompletion>);
}

// A thread that ends with an IOCTL it sent still pending (§19): the I/O manager cancels the IRP
// and waits for it to complete before the thread is gone.
struct HoldingExtension {
  KSPIN_LOCK* Lock = nullptr;  // guards Held
  IrpQueue Held;               // IOCTLs waiting for an event the device never reports
};

HoldingExtension& holdingOf(PDEVICE_OBJECT device) { return *static_cast<HoldingExtension*>(device->DeviceExtension); }

void CancelHeldIoctl(PDEVICE_OBJECT DeviceObject, PIRP Irp) {
  IoReleaseCancelSpinLock(Irp->CancelIrql);
  HoldingExtension& extension = holdingOf(DeviceObject);
  KIRQL irql = PASSIVE_LEVEL;
  KeAcquireSpinLock(extension.Lock, &irql);
  extension.Held.remove(Irp);
  KeReleaseSpinLock(extension.Lock, irql);
  completeIrp(Irp, STATUS_CANCELLED);
}

template <bool Cancellable>
NTSTATUS HoldIoctl(PDEVICE_OBJECT DeviceObject, PIRP Irp) {
  HoldingExtension& extension = holdingOf(DeviceObject);
  KIRQL irql = PASSIVE_LEVEL;
  KeAcquireSpinLock(extension.Lock, &irql);
  IoMarkIrpPending(Irp);
  extension.Held.push(Irp);
  if (Cancellable) (void)IoSetCancelRoutine(Irp, &CancelHeldIoctl);  // nobody cancels it yet
  KeReleaseSpinLock(extension.Lock, irql);
  return STATUS_PENDING;
}

Scenario ioctlAtThreadExit(const char* name, const char* description, Expectation expected,
                           PDRIVER_DISPATCH ioctl) {
  return Scenario{name, description, std::move(expected), Bounds{}, [ioctl](Setup& s) {
                    auto& driver = s.make<DRIVER_OBJECT>("Driver");
                    driver.MajorFunction[IRP_MJ_DEVICE_CONTROL] = ioctl;
                    DEVICE_OBJECT& device = IoCreateDevice<HoldingExtension>(s, driver, "Device");
                    auto& lock = s.make<KSPIN_LOCK>("HeldLock");
                    KeInitializeSpinLock(&lock);
                    holdingOf(&device).Lock = &lock;
                    auto& done = s.make<KEVENT>("Done");
                    KeInitializeEvent(&done, NotificationEvent, FALSE);
                    s.systemThread("sender", [&device, &done] {
                      static IO_STATUS_BLOCK status;
                      PIRP irp = IoBuildDeviceIoControlRequest(0x22E008, &device, nullptr, 0, nullptr, 0,
                                                               FALSE, &done, &status);
                      (void)IoCallDriver(&device, irp);  // returns without waiting for it
                    });
                  }};
}

Scenario threadExitUncancellable() {
  return ioctlAtThreadExit(
      "irp/thread-exit-uncancellable",
      "A system thread sends an IOCTL, built with IoBuildDeviceIoControlRequest, and ends "
      "without waiting for it. The driver holds the IRP until the device reports an event, and "
      "sets no cancel routine. At the thread's exit the I/O manager cancels the IRPs still queued "
      "to it and waits for them: nothing cancels this one, and the thread never ends.",
      Expectation::violation(ViolationKind::Deadlock, "NoThreadCanMove"), &HoldIoctl<false>);
}

Scenario threadExitCancellable() {
  return ioctlAtThreadExit(
      "irp/thread-exit-cancellable",
      "The fix of irp/thread-exit-uncancellable: the driver sets a cancel routine on every IRP it "
      "holds, so the I/O manager's cancel at the sender's exit completes the IOCTL and the thread "
      "ends.",
      Expectation::pass(), &HoldIoctl<true>);
}

// §18.17: reads queued for a system worker. The dispatch routine queues the IRP (a ticket in
// arrival order, the IRP in the ticket's slot) and releases the semaphore the worker waits on;
// suspended between the two, its IRP sits in the queue with no unit counting it.
struct WorkerExtension {
  Shared<LONG>* Tickets = nullptr;
  std::array<PIRP, 2> Slots{};  // written by the queuer before its release, read by the worker after
  KSEMAPHORE* Work = nullptr;
};

WorkerExtension& workerOf(PDEVICE_OBJECT device) { return *static_cast<WorkerExtension*>(device->DeviceExtension); }

template <bool CriticalRegion>
NTSTATUS ReadQueueForWorker(PDEVICE_OBJECT DeviceObject, PIRP Irp) {
  WorkerExtension& extension = workerOf(DeviceObject);
  IoMarkIrpPending(Irp);
  if (CriticalRegion) KeEnterCriticalRegion();
  const LONG ticket = InterlockedIncrement(extension.Tickets);
  extension.Slots[static_cast<std::size_t>(ticket - 1)] = Irp;
  (void)KeReleaseSemaphore(extension.Work, IO_NO_INCREMENT, 1, FALSE);
  if (CriticalRegion) KeLeaveCriticalRegion();
  return STATUS_PENDING;
}

// The worker completes the queued reads in ticket order, one for each unit, for ever.
void ServeReads(WorkerExtension& extension) {
  for (std::size_t head = 0;; ++head) {
    (void)KeWaitForSingleObject(extension.Work, Executive, KernelMode, FALSE, nullptr);
    completeIrp(extension.Slots[head], STATUS_SUCCESS);
  }
}

// Process A's reader (the adversary may suspend it) and process B's (never suspended), each
// through its own handle.
Scenario workerScenario(const char* name, const char* description, Expectation expected,
                        PDRIVER_DISPATCH read) {
  return Scenario{name, description, std::move(expected), Bounds{}, [read](Setup& s) {
                    auto& driver = s.make<DRIVER_OBJECT>("Driver");
                    driver.MajorFunction[IRP_MJ_READ] = read;
                    DEVICE_OBJECT& device = IoCreateDevice<WorkerExtension>(s, driver, "Device");
                    WorkerExtension& extension = workerOf(&device);
                    extension.Tickets = &s.make<Shared<LONG>>("Queue");
                    extension.Work = &s.make<KSEMAPHORE>("Work");
                    KeInitializeSemaphore(extension.Work, 0, 2);
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
      "irp/suspended-queuer",
      "A read dispatch routine marks the IRP pending, queues it for a system worker and then "
      "releases the semaphore the worker waits on; the worker completes the queued IRPs in "
      "order, one for each unit. Process A's read queues its IRP and is suspended "
      "(NtSuspendThread) before the release; process B's read queues behind it and releases "
      "once, so the worker completes A's IRP and waits again, and B's read never completes while "
      "A stays suspended. Resumed, A releases the semaphore and B's IRP completes: one process's "
      "suspension denies service to another, through an IRP nobody owns.",
      Expectation::violation(ViolationKind::SuspendedOwnerDoS, "SuspendedSignaller"),
      &ReadQueueForWorker<false>);
}

Scenario queueInCriticalRegion() {
  return workerScenario(
      "irp/queue-in-critical-region",
      "The fix of irp/suspended-queuer: the dispatch routine queues the IRP and releases the "
      "semaphore inside one critical region, so a suspension takes effect before both or after "
      "both, and the worker has a unit for every IRP queued.",
      Expectation::pass(), &ReadQueueForWorker<true>);
}

}  // namespace

std::vector<Scenario> irpScenarios() {
  return {pendingNotMarked(),  pendingMarked(),          doubleCompletion(),
          singleCompletion(),  completionDropsPending(), completionPropagatesPending(),
          threadExitUncancellable(), threadExitCancellable(), suspendedQueuer(),
          queueInCriticalRegion()};
}

}  // namespace interlock::scenarios
