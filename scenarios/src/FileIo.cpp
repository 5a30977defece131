// File I/O issued with special kernel APCs disabled (kernel-rules.md §3.12, §4.3).
#include "interlock/primitives/wdm.hpp"
#include "interlock/scenarios/Builtin.hpp"

namespace interlock::scenarios {

using namespace interlock::wdm;

namespace {

// The filter's log: a file opened earlier for synchronous I/O; its handle names it.
HANDLE openLog(Setup& s) {
  auto& file = s.make<FILE_OBJECT>("LogFile");
  file.open = true;
  return &file;
}

void writeLog(HANDLE handle) {
  IO_STATUS_BLOCK status;
  char line[] = "config changed";
  (void)ZwWriteFile(handle, nullptr, nullptr, nullptr, &status, line, sizeof line, nullptr, nullptr);
}

// A work item that writes the log at PASSIVE_LEVEL on a system worker thread.
void writeLogWorker(PDEVICE_OBJECT, PVOID context) { writeLog(static_cast<HANDLE>(context)); }

Scenario fastMutexZwIo() {
  return Scenario{
      "fast-mutex/zw-io",
      "A filter updates its configuration under a FAST_MUTEX and, still holding it, writes a "
      "line to its log file with ZwWriteFile on a synchronous handle. ExAcquireFastMutex raised "
      "the thread to APC_LEVEL. When the file system pends the write, the I/O manager completes "
      "it with a special kernel APC to the thread, which cannot run at APC_LEVEL: the thread "
      "waits forever for its own write, holding the mutex.",
      Expectation::violation(ViolationKind::Deadlock)
          .withVerifier(Expectation::violation(ViolationKind::BugCheck, "IrqlZwPassive")),
      Bounds{},
      [](Setup& s) {
        auto& config = s.make<FAST_MUTEX>("ConfigLock");
        ExInitializeFastMutex(&config);
        const HANDLE log = openLog(s);
        s.systemThread("filter", [&config, log] {
          ExAcquireFastMutex(&config);
          writeLog(log);  // bug: Zw I/O at APC_LEVEL
          ExReleaseFastMutex(&config);
        });
      }};
}

Scenario fastMutexWorkerIo() {
  return Scenario{
      "fast-mutex/worker-io",
      "The fix of fast-mutex/zw-io: under the FAST_MUTEX the filter only queues a work item; "
      "the work item writes the log at PASSIVE_LEVEL on a system worker thread, where the "
      "completion APC of a pended write runs.",
      Expectation::pass(),
      Bounds{},
      [](Setup& s) {
        auto& config = s.make<FAST_MUTEX>("ConfigLock");
        auto& device = s.make<DEVICE_OBJECT>("FilterDevice");
        ExInitializeFastMutex(&config);
        const HANDLE log = openLog(s);
        s.systemThread("filter", [&config, &device, log] {
          ExAcquireFastMutex(&config);
          PIO_WORKITEM item = IoAllocateWorkItem(&device);
          IoQueueWorkItem(item, &writeLogWorker, DelayedWorkQueue, log);
          ExReleaseFastMutex(&config);
        });
      }};
}

Scenario guardedMutexZwIo() {
  return Scenario{
      "guarded-mutex/zw-io",
      "The same log write made under a guarded mutex. KeAcquireGuardedMutex leaves the thread at "
      "PASSIVE_LEVEL but enters a guarded region, which disables special kernel APCs: a pended "
      "write's completion APC never runs and the thread waits forever.",
      Expectation::violation(ViolationKind::Deadlock)
          .withVerifier(Expectation::violation(ViolationKind::BugCheck, "ZwSpecialApcsDisabled")),
      Bounds{},
      [](Setup& s) {
        auto& config = s.make<KGUARDED_MUTEX>("ConfigLock");
        KeInitializeGuardedMutex(&config);
        const HANDLE log = openLog(s);
        s.systemThread("filter", [&config, log] {
          KeAcquireGuardedMutex(&config);
          writeLog(log);  // bug: Zw I/O with special kernel APCs disabled
          KeReleaseGuardedMutex(&config);
        });
      }};
}

Scenario guardedMutexIrqlCheck() {
  return Scenario{
      "guarded-mutex/irql-check",
      "The filter guards its log write with `if (KeGetCurrentIrql() == PASSIVE_LEVEL)` and "
      "otherwise posts the write to a work item. Under a guarded mutex the IRQL is PASSIVE_LEVEL, "
      "so the check passes and the write is issued inside the guarded region: it still hangs "
      "once the file system pends it. IRQL is the wrong question; APC state is the right one.",
      Expectation::violation(ViolationKind::Deadlock)
          .withVerifier(Expectation::violation(ViolationKind::BugCheck, "ZwSpecialApcsDisabled")),
      Bounds{},
      [](Setup& s) {
        auto& config = s.make<KGUARDED_MUTEX>("ConfigLock");
        auto& device = s.make<DEVICE_OBJECT>("FilterDevice");
        KeInitializeGuardedMutex(&config);
        const HANDLE log = openLog(s);
        s.systemThread("filter", [&config, &device, log] {
          KeAcquireGuardedMutex(&config);
          if (KeGetCurrentIrql() == PASSIVE_LEVEL) {
            writeLog(log);  // bug: PASSIVE_LEVEL does not mean special kernel APCs are enabled
          } else {
            IoQueueWorkItem(IoAllocateWorkItem(&device), &writeLogWorker, DelayedWorkQueue, log);
          }
          KeReleaseGuardedMutex(&config);
        });
      }};
}

Scenario guardedMutexApcsCheck() {
  return Scenario{
      "guarded-mutex/apcs-check",
      "The fix of guarded-mutex/irql-check: the filter asks KeAreAllApcsDisabled, which is TRUE "
      "in a guarded region (and at APC_LEVEL), and posts the write to a work item when it is.",
      Expectation::pass(),
      Bounds{},
      [](Setup& s) {
        auto& config = s.make<KGUARDED_MUTEX>("ConfigLock");
        auto& device = s.make<DEVICE_OBJECT>("FilterDevice");
        KeInitializeGuardedMutex(&config);
        const HANDLE log = openLog(s);
        s.systemThread("filter", [&config, &device, log] {
          KeAcquireGuardedMutex(&config);
          if (KeAreAllApcsDisabled()) {
            IoQueueWorkItem(IoAllocateWorkItem(&device), &writeLogWorker, DelayedWorkQueue, log);
          } else {
            writeLog(log);
          }
          KeReleaseGuardedMutex(&config);
        });
      }};
}

constexpr ULONG kIoctlGetConfig = 0x22E004;  // CTL_CODE(FILE_DEVICE_UNKNOWN, 0x801, ...)

// The classic synchronous IOCTL to the next-lower device: build a threaded IRP, send it, wait
// on its event if the lower driver pended it (kernel-rules.md §3.12). The event and the
// status block belong to the caller's body: IopCompleteRequest writes them whenever it runs,
// and with APCs disabled that can be after this function returned (a dangling stack write in
// Windows; the model cannot see C++ lifetimes, so the scenario keeps them alive).
NTSTATUS queryLowerDevice(DEVICE_OBJECT& lower, KEVENT& done, IO_STATUS_BLOCK& status) {
  KeInitializeEvent(&done, NotificationEvent, FALSE);
  PIRP irp = IoBuildDeviceIoControlRequest(kIoctlGetConfig, &lower, nullptr, 0, nullptr, 0, FALSE,
                                           &done, &status);
  NTSTATUS result = IoCallDriver(&lower, irp);
  if (result == STATUS_PENDING) {
    (void)KeWaitForSingleObject(&done, Executive, KernelMode, FALSE, nullptr);
    result = status.Status;
  }
  return result;
}

// A flush of the volume below, as a file system filter sends it with IoBuildSynchronousFsdRequest.
void flushLowerVolume(DEVICE_OBJECT& lower, KEVENT& done, IO_STATUS_BLOCK& status) {
  KeInitializeEvent(&done, NotificationEvent, FALSE);
  PIRP irp = IoBuildSynchronousFsdRequest(IRP_MJ_FLUSH_BUFFERS, &lower, nullptr, 0, nullptr, &done,
                                          &status);
  if (IoCallDriver(&lower, irp) == STATUS_PENDING)
    (void)KeWaitForSingleObject(&done, Executive, KernelMode, FALSE, nullptr);
}

Scenario fastMutexIoCallDriver() {
  return Scenario{
      "fast-mutex/io-call-driver",
      "A class driver holds its FAST_MUTEX while it asks the device below for its configuration: "
      "IoBuildDeviceIoControlRequest, IoCallDriver, and a wait on the IRP's event when the call "
      "returns STATUS_PENDING. The IRP is threaded: the I/O manager completes it with "
      "IopCompleteRequest, a special kernel APC to the issuing thread, which cannot run at the "
      "APC_LEVEL the FAST_MUTEX raised it to. When the lower driver pends the request the "
      "thread waits forever for its own event, holding the mutex.",
      Expectation::violation(ViolationKind::Deadlock),
      Bounds{},
      [](Setup& s) {
        auto& config = s.make<FAST_MUTEX>("ConfigLock");
        auto& lower = s.make<DEVICE_OBJECT>("LowerDevice");
        auto& done = s.make<KEVENT>("IoctlDone");
        ExInitializeFastMutex(&config);
        s.systemThread("classDriver", [&config, &lower, &done] {
          IO_STATUS_BLOCK status;
          ExAcquireFastMutex(&config);
          (void)queryLowerDevice(lower, done, status);  // bug: a threaded IRP sent at APC_LEVEL
          ExReleaseFastMutex(&config);
        });
      }};
}

Scenario fastMutexUnsafeIoCallDriver() {
  return Scenario{
      "fast-mutex/io-call-driver-critical-region",
      "The fix of fast-mutex/io-call-driver: the class driver enters a critical region and takes "
      "the FAST_MUTEX with ExAcquireFastMutexUnsafe, which leaves it at PASSIVE_LEVEL. Normal "
      "kernel APCs (a suspension) stay off while it holds the mutex, but the special kernel APC "
      "that completes the IRP runs in the wait.",
      Expectation::pass(),
      Bounds{},
      [](Setup& s) {
        auto& config = s.make<FAST_MUTEX>("ConfigLock");
        auto& lower = s.make<DEVICE_OBJECT>("LowerDevice");
        auto& done = s.make<KEVENT>("IoctlDone");
        ExInitializeFastMutex(&config);
        s.systemThread("classDriver", [&config, &lower, &done] {
          IO_STATUS_BLOCK status;
          KeEnterCriticalRegion();
          ExAcquireFastMutexUnsafe(&config);
          (void)queryLowerDevice(lower, done, status);
          ExReleaseFastMutexUnsafe(&config);
          KeLeaveCriticalRegion();
        });
      }};
}

Scenario guardedMutexIoCallDriver() {
  return Scenario{
      "guarded-mutex/io-call-driver",
      "A file system filter holds a guarded mutex while it flushes the volume below with "
      "IoBuildSynchronousFsdRequest and IoCallDriver. The thread stays at PASSIVE_LEVEL, but "
      "the guarded region disables special kernel APCs: when the volume pends the flush, the "
      "IopCompleteRequest APC that would set the event never runs.",
      Expectation::violation(ViolationKind::Deadlock),
      Bounds{},
      [](Setup& s) {
        auto& state = s.make<KGUARDED_MUTEX>("StateLock");
        auto& lower = s.make<DEVICE_OBJECT>("LowerVolume");
        auto& done = s.make<KEVENT>("FlushDone");
        KeInitializeGuardedMutex(&state);
        s.systemThread("filter", [&state, &lower, &done] {
          IO_STATUS_BLOCK status;
          KeAcquireGuardedMutex(&state);
          flushLowerVolume(lower, done, status);  // bug: a threaded IRP sent in a guarded region
          KeReleaseGuardedMutex(&state);
        });
      }};
}

Scenario kmutexIoCallDriver() {
  return Scenario{
      "kmutex/io-call-driver",
      "The fix of guarded-mutex/io-call-driver: the filter serializes with a KMUTEX instead. "
      "Owning it puts the thread in a critical region, which keeps normal kernel APCs off but "
      "lets the special kernel APC that completes the flush run in the wait.",
      Expectation::pass(),
      Bounds{},
      [](Setup& s) {
        auto& state = s.make<KMUTEX>("StateLock");
        auto& lower = s.make<DEVICE_OBJECT>("LowerVolume");
        auto& done = s.make<KEVENT>("FlushDone");
        KeInitializeMutex(&state, 0);
        s.systemThread("filter", [&state, &lower, &done] {
          IO_STATUS_BLOCK status;
          (void)KeWaitForSingleObject(&state, Executive, KernelMode, FALSE, nullptr);
          flushLowerVolume(lower, done, status);
          (void)KeReleaseMutex(&state, FALSE);
        });
      }};
}

}  // namespace

std::vector<Scenario> fileIoScenarios() {
  return {fastMutexZwIo(),          fastMutexWorkerIo(),           guardedMutexZwIo(),
          guardedMutexIrqlCheck(),  guardedMutexApcsCheck(),       fastMutexIoCallDriver(),
          fastMutexUnsafeIoCallDriver(), guardedMutexIoCallDriver(), kmutexIoCallDriver()};
}

}  // namespace interlock::scenarios
