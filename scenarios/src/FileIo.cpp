// File I/O issued with special kernel APCs disabled (kernel-semantics.md §3.12, §4 pattern 3).
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
      Expectation::violation(ViolationKind::Deadlock),
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
      Expectation::violation(ViolationKind::Deadlock),
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
      Expectation::violation(ViolationKind::Deadlock),
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

}  // namespace

std::vector<Scenario> fileIoScenarios() {
  return {fastMutexZwIo(), fastMutexWorkerIo(), guardedMutexZwIo(), guardedMutexIrqlCheck(),
          guardedMutexApcsCheck()};
}

}  // namespace interlock::scenarios
