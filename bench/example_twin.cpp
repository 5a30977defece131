// interlock_example_twin: examples/driver-c/driver.c and its harness written as C++ scenarios
// (bench/example-driver-requests, bench/example-driver-read-cancel), the `interlock` command
// over them. The same dispatch routines, poll thread, read timer and DPC, unload and harness,
// over the same models: bench/driver.sh runs both and compares executions per second, the
// price of checking a driver's own C source (instrumented accesses, image restore, the C IRP
// kept beside the model's) against the hand-written scenario (docs/performance.md). What the C
// code does without a kernel call (list links, flags, the pool) is plain C++ here, as it is no
// scheduling point in either.
#include "interlock/cli/Cli.hpp"
#include "interlock/primitives/wdm.hpp"

#include <algorithm>
#include <deque>

namespace {

using namespace interlock;
using namespace interlock::wdm;

constexpr ULONG ioctl(ULONG function) { return (0x22u << 16) | (function << 2); }  // CTL_CODE, METHOD_BUFFERED
constexpr ULONG kIoctlQueueWork = ioctl(0x800);
constexpr ULONG kIoctlSetConfig = ioctl(0x801);
constexpr ULONG kIoctlQueryStats = ioctl(0x802);
constexpr LONGLONG kReadDelay = -10 * 1000 * 2;  // 2 ms, relative
constexpr NTSTATUS kStatusNoSuchDevice = static_cast<NTSTATUS>(0xC000000Eu);

// The kernel objects driver.c keeps in its device extension and globals; made in setup, each
// initialized by DriverEntry as in the C driver.
// The pending reads, in order (ReadIrps, a LIST_ENTRY through Tail.Overlay.ListEntry in C).
struct IrpQueue {
  std::deque<PIRP> irps;
  void push(PIRP irp) { irps.push_back(irp); }
  void remove(PIRP irp) { irps.erase(std::remove(irps.begin(), irps.end(), irp), irps.end()); }
  [[nodiscard]] PIRP after(PIRP irp) const {
    if (irp == nullptr) return irps.empty() ? nullptr : irps.front();
    const auto at = std::find(irps.begin(), irps.end(), irp);
    return at == irps.end() || at + 1 == irps.end() ? nullptr : *(at + 1);
  }
};

void completeIrp(PIRP irp, NTSTATUS status) {
  irp->IoStatus.Status = status;
  irp->IoStatus.Information = 0;
  IoCompleteRequest(irp, IO_NO_INCREMENT);
}

struct Extension {
  KSPIN_LOCK* QueueLock = nullptr;
  std::deque<ULONG> Queue;  // the work entries (pool blocks in C), under QueueLock
  IO_CSQ* ReadQueue = nullptr;
  IrpQueue ReadIrps;        // under QueueLock
  KTIMER* ReadTimer = nullptr;
  KDPC* ReadDpc = nullptr;
  IO_REMOVE_LOCK* RemoveLock = nullptr;
  ERESOURCE* ConfigLock = nullptr;
  ULONG ConfigValue = 0;
  KEVENT* WorkEvent = nullptr;
  bool Stopping = false;    // volatile in C: ordered, and no scheduling point
  PVOID PollThread = nullptr;
  EX_RUNDOWN_REF* Rundown = nullptr;
  FAST_MUTEX* StatsLock = nullptr;
  ULONG Processed = 0;
  LONG RequestCount = 0;    // InterlockedIncrement in C: atomic, no scheduling point
  DRIVER_OBJECT* Driver = nullptr;
  DEVICE_OBJECT* Device = nullptr;
};

Extension& extensionOf(PIO_CSQ csq) { return *static_cast<Extension*>(csq->Owner); }
Extension& extensionOf(PDEVICE_OBJECT device) { return *static_cast<Extension*>(device->DeviceExtension); }

void CsqInsert(PIO_CSQ Csq, PIRP Irp) { extensionOf(Csq).ReadIrps.push(Irp); }
void CsqRemove(PIO_CSQ Csq, PIRP Irp) { extensionOf(Csq).ReadIrps.remove(Irp); }
PIRP CsqPeekNext(PIO_CSQ Csq, PIRP Irp, PVOID) { return extensionOf(Csq).ReadIrps.after(Irp); }
void CsqAcquireLock(PIO_CSQ Csq, PKIRQL Irql) { KeAcquireSpinLock(extensionOf(Csq).QueueLock, Irql); }
void CsqReleaseLock(PIO_CSQ Csq, KIRQL Irql) { KeReleaseSpinLock(extensionOf(Csq).QueueLock, Irql); }

void CompleteRead(Extension& ext, PIRP Irp, NTSTATUS Status) {
  completeIrp(Irp, Status);
  IoReleaseRemoveLock(ext.RemoveLock, Irp);
}

void CsqCompleteCanceled(PIO_CSQ Csq, PIRP Irp) { CompleteRead(extensionOf(Csq), Irp, STATUS_CANCELLED); }

void ReadDpc(KDPC*, PVOID Context, PVOID, PVOID) {
  Extension& ext = *static_cast<Extension*>(Context);
  while (PIRP irp = IoCsqRemoveNextIrp(ext.ReadQueue, nullptr)) CompleteRead(ext, irp, STATUS_SUCCESS);
}

void PollThread(PVOID Context) {
  Extension& ext = *static_cast<Extension*>(Context);
  for (;;) {
    KeWaitForSingleObject(ext.WorkEvent, Executive, KernelMode, FALSE, nullptr);
    for (;;) {
      KIRQL oldIrql = PASSIVE_LEVEL;
      bool have = false;
      ULONG value = 0;
      KeAcquireSpinLock(ext.QueueLock, &oldIrql);
      if (!ext.Queue.empty()) {
        value = ext.Queue.front();
        ext.Queue.pop_front();
        have = true;
      }
      KeReleaseSpinLock(ext.QueueLock, oldIrql);
      if (!have) break;
      KeEnterCriticalRegion();
      ExAcquireResourceExclusiveLite(ext.ConfigLock, TRUE);
      ext.ConfigValue += value;
      ExAcquireFastMutex(ext.StatsLock);
      ++ext.Processed;
      ExReleaseFastMutex(ext.StatsLock);
      ExReleaseResourceLite(ext.ConfigLock);
      KeLeaveCriticalRegion();
    }
    if (ext.Stopping) break;
  }
  PsTerminateSystemThread(STATUS_SUCCESS);
}

NTSTATUS QueueWork(Extension& ext, ULONG Value) {
  KeEnterCriticalRegion();
  if (!ExAcquireRundownProtection(ext.Rundown)) {
    KeLeaveCriticalRegion();
    return STATUS_DELETE_PENDING;
  }
  KIRQL oldIrql = PASSIVE_LEVEL;
  KeAcquireSpinLock(ext.QueueLock, &oldIrql);
  ext.Queue.push_back(Value);
  KeReleaseSpinLock(ext.QueueLock, oldIrql);
  KeSetEvent(ext.WorkEvent, IO_NO_INCREMENT, FALSE);
  ++ext.RequestCount;
  ExReleaseRundownProtection(ext.Rundown);
  KeLeaveCriticalRegion();
  return STATUS_SUCCESS;
}

NTSTATUS SetConfig(Extension& ext, ULONG Value) {
  KeEnterCriticalRegion();
  if (!ExAcquireRundownProtection(ext.Rundown)) {
    KeLeaveCriticalRegion();
    return STATUS_DELETE_PENDING;
  }
  ExAcquireResourceExclusiveLite(ext.ConfigLock, TRUE);
  ext.ConfigValue = Value;
  ExReleaseResourceLite(ext.ConfigLock);
  ++ext.RequestCount;
  ExReleaseRundownProtection(ext.Rundown);
  KeLeaveCriticalRegion();
  return STATUS_SUCCESS;
}

NTSTATUS QueryStats(Extension& ext, ULONG& Processed) {
  KeEnterCriticalRegion();
  if (!ExAcquireRundownProtection(ext.Rundown)) {
    KeLeaveCriticalRegion();
    return STATUS_DELETE_PENDING;
  }
  ExAcquireFastMutex(ext.StatsLock);
  Processed = ext.Processed;
  ExReleaseFastMutex(ext.StatsLock);
  ExReleaseRundownProtection(ext.Rundown);
  KeLeaveCriticalRegion();
  return STATUS_SUCCESS;
}

// The queued read's remove-lock hold and the routine's own, as in driver.c.
NTSTATUS Read(PDEVICE_OBJECT DeviceObject, PIRP Irp) {
  Extension& ext = extensionOf(DeviceObject);
  NTSTATUS status = IoAcquireRemoveLock(ext.RemoveLock, Irp);
  if (NT_SUCCESS(status)) {
    status = IoAcquireRemoveLock(ext.RemoveLock, Irp);
    if (!NT_SUCCESS(status)) IoReleaseRemoveLock(ext.RemoveLock, Irp);
  }
  if (!NT_SUCCESS(status)) {
    completeIrp(Irp, status);
    return status;
  }
  IoCsqInsertIrp(ext.ReadQueue, Irp, nullptr);
  LARGE_INTEGER due{};
  due.QuadPart = kReadDelay;
  (void)KeSetTimer(ext.ReadTimer, due, ext.ReadDpc);
  IoReleaseRemoveLock(ext.RemoveLock, Irp);
  return STATUS_PENDING;
}

NTSTATUS DeviceControl(PDEVICE_OBJECT DeviceObject, PIRP Irp) {
  Extension& ext = extensionOf(DeviceObject);
  ULONG processed = 0;
  NTSTATUS status = IoAcquireRemoveLock(ext.RemoveLock, Irp);
  if (NT_SUCCESS(status)) {
    switch (IoGetCurrentIrpStackLocation(Irp)->Parameters.DeviceIoControl.IoControlCode) {
      case kIoctlQueueWork: status = QueueWork(ext, 2); break;
      case kIoctlSetConfig: status = SetConfig(ext, 5); break;
      case kIoctlQueryStats: status = QueryStats(ext, processed); break;
      default: status = STATUS_INVALID_DEVICE_REQUEST; break;
    }
    IoReleaseRemoveLock(ext.RemoveLock, Irp);
  }
  completeIrp(Irp, status);
  return status;
}

void Unload(Extension& ext) {
  ExWaitForRundownProtectionRelease(ext.Rundown);
  (void)KeCancelTimer(ext.ReadTimer);
  KeFlushQueuedDpcs();
  ext.Stopping = true;
  KeSetEvent(ext.WorkEvent, IO_NO_INCREMENT, FALSE);
  KeWaitForSingleObject(ext.PollThread, Executive, KernelMode, FALSE, nullptr);
  ObDereferenceObject(ext.PollThread);
  ExDeleteResourceLite(ext.ConfigLock);
  IoDeleteDevice(ext.Device);
}

NTSTATUS DriverEntry(Extension& ext) {
  ExInitializeRundownProtection(ext.Rundown);
  ExInitializeFastMutex(ext.StatsLock);
  KeInitializeSpinLock(ext.QueueLock);
  ExInitializeResourceLite(ext.ConfigLock);
  KeInitializeEvent(ext.WorkEvent, SynchronizationEvent, FALSE);
  KeInitializeTimer(ext.ReadTimer);
  KeInitializeDpc(ext.ReadDpc, ReadDpc, &ext);
  (void)IoCsqInitialize(ext.ReadQueue, CsqInsert, CsqRemove, CsqPeekNext, CsqAcquireLock, CsqReleaseLock,
                        CsqCompleteCanceled);
  IoInitializeRemoveLock(ext.RemoveLock, 0x6C707845, 0, 0);
  HANDLE thread = nullptr;
  const NTSTATUS status =
      PsCreateSystemThread(&thread, THREAD_ALL_ACCESS, nullptr, nullptr, nullptr, PollThread, &ext);
  if (!NT_SUCCESS(status)) {
    ExDeleteResourceLite(ext.ConfigLock);
    IoDeleteDevice(ext.Device);
    return status;
  }
  (void)ObReferenceObjectByHandle(thread, THREAD_ALL_ACCESS, *PsThreadType, KernelMode, &ext.PollThread, nullptr);
  ZwClose(thread);
  ext.Driver->MajorFunction[IRP_MJ_READ] = Read;
  ext.Driver->MajorFunction[IRP_MJ_DEVICE_CONTROL] = DeviceControl;
  return STATUS_SUCCESS;
}

// The harness's side: the events the I/O manager sets when DriverEntry returned and when the
// unload begins (a request finds no device from then on), and the requester's handle.
struct Harness {
  KEVENT* Loaded = nullptr;
  KEVENT* Unloading = nullptr;
  KEVENT* Returned = nullptr;  // set by the requester each time a request returned
  HANDLE Handle = nullptr;
};

NTSTATUS deviceControl(Harness& harness, ULONG code) {
  if (KeReadStateEvent(harness.Unloading)) return kStatusNoSuchDevice;
  IO_STATUS_BLOCK status;
  const NTSTATUS result =
      ZwDeviceIoControlFile(harness.Handle, nullptr, nullptr, nullptr, &status, code, nullptr, 0, nullptr, 0);
  KeSetEvent(harness.Returned, IO_NO_INCREMENT, FALSE);
  return result;
}

// Setup shared by both twins: the objects, DriverEntry on the I/O manager's thread.
struct Twin {
  Extension* ext = nullptr;
  Harness harness;
};

Twin makeTwin(Setup& s, bool requesterCancels) {
  auto& driver = s.make<DRIVER_OBJECT>("Driver");
  DEVICE_OBJECT& device = IoCreateDevice<Extension>(s, driver, "Device");
  Extension& ext = extensionOf(&device);
  ext.Driver = &driver;
  ext.Device = &device;
  ext.QueueLock = &s.make<KSPIN_LOCK>("QueueLock");
  ext.ReadQueue = &s.make<IO_CSQ>("ReadQueue");
  ext.ReadQueue->Owner = &ext;
  ext.ReadTimer = &s.make<KTIMER>("ReadTimer");
  ext.ReadDpc = &s.make<KDPC>("ReadDpc");
  ext.RemoveLock = &s.make<IO_REMOVE_LOCK>("RemoveLock");
  ext.ConfigLock = &s.make<ERESOURCE>("ConfigLock");
  ext.WorkEvent = &s.make<KEVENT>("WorkEvent");
  ext.Rundown = &s.make<EX_RUNDOWN_REF>("g_Rundown");
  ext.StatsLock = &s.make<FAST_MUTEX>("g_StatsLock");
  Twin twin{&ext, {}};
  twin.harness.Loaded = &s.make<KEVENT>("Loaded");
  KeInitializeEvent(twin.harness.Loaded, NotificationEvent, FALSE);
  twin.harness.Unloading = &s.make<KEVENT>("Unloading");
  KeInitializeEvent(twin.harness.Unloading, NotificationEvent, FALSE);
  twin.harness.Returned = &s.make<KEVENT>("Returned");
  KeInitializeEvent(twin.harness.Returned, NotificationEvent, FALSE);
  auto& handle = s.make<FILE_OBJECT>("Handle");
  handle.open = true;
  handle.DeviceObject = &device;
  handle.requesterCancels = requesterCancels;
  twin.harness.Handle = &handle;
  return twin;
}

// The I/O manager's thread: DriverEntry, then the unload (after the request returned, with
// `waitForRequest`).
void ioManager(Extension& ext, Harness& harness, bool waitForRequest) {
  if (!NT_SUCCESS(DriverEntry(ext))) return;
  KeSetEvent(harness.Loaded, IO_NO_INCREMENT, FALSE);
  if (waitForRequest) KeWaitForSingleObject(harness.Returned, Executive, KernelMode, FALSE, nullptr);
  KeSetEvent(harness.Unloading, IO_NO_INCREMENT, FALSE);
  Unload(ext);
  driverUnloadReturns();
}

Scenario requestsTwin() {
  return Scenario{
      "bench/example-driver-requests",
      "examples/driver-c's example/requests-during-unload written as a C++ scenario: example.sys "
      "is loaded and unloaded by the I/O manager's thread while an unprivileged application "
      "sends its three IOCTLs; the driver's polling thread applies the work. Expected: pass. "
      "bench/driver.sh compares its executions per second with the driver's C source.",
      Expectation::pass(),
      Bounds{.maxSteps = 600},
      [](Setup& s) {
        Twin twin = makeTwin(s, false);
        s.systemThread("IoManager", [twin]() mutable { ioManager(*twin.ext, twin.harness, false); });
        s.userThread("App", [twin]() mutable {
          KeWaitForSingleObject(twin.harness.Loaded, Executive, KernelMode, FALSE, nullptr);
          (void)deviceControl(twin.harness, kIoctlQueueWork);
          (void)deviceControl(twin.harness, kIoctlSetConfig);
          (void)deviceControl(twin.harness, kIoctlQueryStats);
        });
      }};
}

Scenario readCancelTwin() {
  return Scenario{
      "bench/example-driver-read-cancel",
      "examples/driver-c's example/read-cancel written as a C++ scenario: an application reads "
      "from example.sys and may cancel its read at any point; the read waits in the cancel-safe "
      "queue until the read timer's DPC or the cancel completes it. Expected: pass. "
      "bench/driver.sh compares its executions per second with the driver's C source.",
      Expectation::pass(),
      Bounds{.maxSteps = 600},
      [](Setup& s) {
        Twin twin = makeTwin(s, true);
        s.systemThread("IoManager", [twin]() mutable { ioManager(*twin.ext, twin.harness, true); });
        s.systemThread("Reader", [twin] {
          KeWaitForSingleObject(twin.harness.Loaded, Executive, KernelMode, FALSE, nullptr);
          if (!KeReadStateEvent(twin.harness.Unloading)) {
            IO_STATUS_BLOCK status;
            char buffer[16];
            (void)ZwReadFile(twin.harness.Handle, nullptr, nullptr, nullptr, &status, buffer, sizeof buffer, nullptr,
                             nullptr);
          }
          KeSetEvent(twin.harness.Returned, IO_NO_INCREMENT, FALSE);
        });
      }};
}

}  // namespace

int main(int argc, char** argv) {
  interlock::Catalogue catalogue;
  catalogue.add(requestsTwin());
  catalogue.add(readCancelTwin());
  return interlock::cli::main(argc, argv, catalogue);
}
