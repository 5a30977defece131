// Synchronous Zw file I/O, threaded IRPs sent with IoCallDriver, and their completion through
// IopCompleteRequest, a special kernel APC (kernel-rules.md §3.12, §5.5, §6).
#include "LockTestSupport.hpp"
#include "interlock/cli/Cli.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace interlock;
using namespace interlock::wdm;
using namespace interlock::test;

namespace {

HANDLE openFile(Setup& s) {
  auto& file = s.make<FILE_OBJECT>("Log");
  file.open = true;
  return &file;
}

NTSTATUS writeFile(HANDLE handle, IO_STATUS_BLOCK& status) {
  char line[] = "x";
  return ZwWriteFile(handle, nullptr, nullptr, nullptr, &status, line, sizeof line, nullptr, nullptr);
}

// The caller of a synchronous IOCTL: build, send, wait on the event when pended.
NTSTATUS ioctl(DEVICE_OBJECT& lower, KEVENT& done, IO_STATUS_BLOCK& status) {
  KeInitializeEvent(&done, NotificationEvent, FALSE);
  PIRP irp = IoBuildDeviceIoControlRequest(0x22E004, &lower, nullptr, 0, nullptr, 0, FALSE, &done,
                                           &status);
  const NTSTATUS sent = IoCallDriver(&lower, irp);
  if (sent == STATUS_PENDING) (void)KeWaitForSingleObject(&done, Executive, KernelMode, FALSE, nullptr);
  return sent;
}

// The I/O manager's completion APC for the first request: the environment's APC index 0.
Choice completion(ThreadId target) { return Choice{ChoiceKind::Apc, target, 0}; }

}  // namespace

TEST_CASE("ZwWriteFile completed inline by the file system returns STATUS_SUCCESS with no APC (§3.12, §6)") {
  NTSTATUS result = -1;
  IO_STATUS_BLOCK status{-1, 0};
  const auto r = replayInline(
      [&](Setup& s) {
        const HANDLE file = openFile(s);
        s.systemThread("driver", [&, file] { result = writeFile(file, status); });
      },
      {run(0), branch(0, 2)});
  REQUIRE_FALSE(r.divergence);
  CHECK(r.verdict.result == Result::Pass);
  CHECK(result == STATUS_SUCCESS);
  CHECK(status.Status == STATUS_SUCCESS);
  CHECK(eventsOf(r.execution, EventKind::ApcDelivered).empty());
}

TEST_CASE("a pended ZwWriteFile waits until IopCompleteRequest, a special kernel APC, runs in its wait (§3.12)") {
  IO_STATUS_BLOCK status{-1, 0};
  const auto r = replayInline(
      [&](Setup& s) {
        const HANDLE file = openFile(s);
        s.systemThread("driver", [&, file] { (void)writeFile(file, status); });
      },
      {run(0), branch(1, 2), completion(0), run(0)});
  REQUIRE_FALSE(r.divergence);
  CHECK(r.verdict.result == Result::Pass);
  CHECK(status.Status == STATUS_SUCCESS);
  const auto blocked = eventsOf(r.execution, EventKind::Blocked, "ZwWriteFile");
  const auto woken = eventsOf(r.execution, EventKind::Woken, "ZwWriteFile");
  REQUIRE(blocked.size() == 1);
  REQUIRE(woken.size() == 1);
  CHECK(std::string(woken[0].result) == "STATUS_SUCCESS (completed by IopCompleteRequest)");
  const auto delivered = eventsOf(r.execution, EventKind::ApcDelivered);
  REQUIRE(delivered.size() == 1);
  CHECK(delivered[0].irql == APC_LEVEL);  // a special kernel APC runs at APC_LEVEL
}

TEST_CASE("ZwWriteFile at PASSIVE_LEVEL: 2 executions, inline and pended, both pass (§6)") {
  const auto e = exploreInline([](Setup& s) {
    const HANDLE file = openFile(s);
    s.systemThread("driver", [file] {
      IO_STATUS_BLOCK status;
      (void)writeFile(file, status);
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(e.stats.executions == 2);
}

TEST_CASE("ZwWriteFile under a FAST_MUTEX is IrqlZwPassive, DV 0xE6; pended, it never completes: Deadlock naming the undeliverable APC") {
  const auto e = exploreInline([](Setup& s) {
    auto& m = s.make<FAST_MUTEX>("M");
    ExInitializeFastMutex(&m);
    const HANDLE file = openFile(s);
    s.systemThread("driver", [&m, file] {
      IO_STATUS_BLOCK status;
      ExAcquireFastMutex(&m);
      (void)writeFile(file, status);  // bug
      ExReleaseFastMutex(&m);
    });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.kind() == ViolationKind::Deadlock);
  CHECK(e.verdict.violation->rule == "NoThreadCanMove");
  const std::string& message = e.verdict.violation->message;
  CHECK(message.find("waits for IRP IRP1") != std::string::npos);
  CHECK(message.find("the I/O completion APC IopCompleteRequest1 queued to it can never be delivered: "
                     "it runs at APC_LEVEL") != std::string::npos);
  REQUIRE(e.verdict.causes.size() == 1);
  CHECK(e.verdict.causes[0].rule == "IrqlZwPassive");
  CHECK(e.verdict.causes[0].code == 0xE6);
}

TEST_CASE("ZwWriteFile in a guarded region is ZwSpecialApcsDisabled, DV 0xE6; pended, it never completes") {
  const auto e = exploreInline([](Setup& s) {
    const HANDLE file = openFile(s);
    s.systemThread("driver", [file] {
      IO_STATUS_BLOCK status;
      KeEnterGuardedRegion();
      (void)writeFile(file, status);  // bug
      KeLeaveGuardedRegion();
    });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.kind() == ViolationKind::Deadlock);
  CHECK(e.verdict.violation->message.find("special kernel APCs disabled (SpecialApcDisable -1") !=
        std::string::npos);
  REQUIRE(e.verdict.causes.size() == 1);
  CHECK(e.verdict.causes[0].rule == "ZwSpecialApcsDisabled");
  CHECK(e.verdict.causes[0].code == 0xE6);
}

TEST_CASE("ZwWriteFile in a critical region completes: a critical region holds off only normal kernel APCs (§5.5)") {
  const auto e = exploreInline([](Setup& s) {
    const HANDLE file = openFile(s);
    s.systemThread("driver", [file] {
      IO_STATUS_BLOCK status;
      KeEnterCriticalRegion();
      (void)writeFile(file, status);
      KeLeaveCriticalRegion();
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(e.stats.executions == 2);
}

TEST_CASE("ZwCreateFile opens, ZwClose closes; a Zw call on a closed handle returns STATUS_INVALID_HANDLE") {
  NTSTATUS created = -1, closed = -1, late = -1, closedAgain = -1;
  const auto r = replayInline(
      [&](Setup& s) {
        auto& file = s.make<FILE_OBJECT>("Data");
        s.systemThread("driver", [&] {
          HANDLE handle = nullptr;
          IO_STATUS_BLOCK status;
          OBJECT_ATTRIBUTES attributes{&file};
          created = ZwCreateFile(&handle, 0, &attributes, &status, nullptr, 0, 0, 0, 0, nullptr, 0);
          closed = ZwClose(handle);
          late = writeFile(handle, status);
          closedAgain = ZwClose(handle);
        });
      },
      {run(0), branch(0, 2), run(0), run(0), run(0)});
  REQUIRE_FALSE(r.divergence);
  CHECK(created == STATUS_SUCCESS);
  CHECK(closed == STATUS_SUCCESS);
  CHECK(late == STATUS_INVALID_HANDLE);
  CHECK(closedAgain == STATUS_INVALID_HANDLE);
}

TEST_CASE("IoCallDriver completed inline returns STATUS_SUCCESS; IopCompleteRequest has set the event and status block before it returns (§3.12)") {
  NTSTATUS sent = -1;
  LONG signalled = -1;
  IO_STATUS_BLOCK status{-1, 0};
  const auto r = replayInline(
      [&](Setup& s) {
        auto& lower = s.make<DEVICE_OBJECT>("Lower");
        auto& done = s.make<KEVENT>("Done");
        s.systemThread("driver", [&] {
          sent = ioctl(lower, done, status);
          signalled = done.signalState;
        });
      },
      {run(0), run(0), branch(0, 2)});
  REQUIRE_FALSE(r.divergence);
  CHECK(r.verdict.result == Result::Pass);
  CHECK(sent == STATUS_SUCCESS);
  CHECK(signalled == 1);
  CHECK(status.Status == STATUS_SUCCESS);
  CHECK(eventsOf(r.execution, EventKind::Call, "IopCompleteRequest").size() == 1);
}

TEST_CASE("IoCallDriver pended returns STATUS_PENDING; IopCompleteRequest runs in the issuing thread's wait and sets the event (§3.12, §2.2)") {
  NTSTATUS sent = -1;
  IO_STATUS_BLOCK status{-1, 0};
  const auto r = replayInline(
      [&](Setup& s) {
        auto& lower = s.make<DEVICE_OBJECT>("Lower");
        auto& done = s.make<KEVENT>("Done");
        s.systemThread("driver", [&] { sent = ioctl(lower, done, status); });
      },
      {run(0), run(0), branch(1, 2), run(0), completion(0), run(0)});
  REQUIRE_FALSE(r.divergence);
  CHECK(r.verdict.result == Result::Pass);
  CHECK(sent == STATUS_PENDING);
  CHECK(status.Status == STATUS_SUCCESS);
  const std::size_t blocked = indexOf(r.execution, EventKind::Blocked, "KeWaitForSingleObject");
  const std::size_t completed = indexOf(r.execution, EventKind::Call, "IopCompleteRequest");
  const std::size_t woken = indexOf(r.execution, EventKind::Woken, "KeWaitForSingleObject");
  CHECK(blocked < completed);
  CHECK(completed < woken);
  CHECK(woken < r.execution.events.size());
}

TEST_CASE("a synchronous IOCTL at PASSIVE_LEVEL: 3 executions (inline; pended with the APC before or in the wait), all pass (§6)") {
  const auto e = exploreInline([](Setup& s) {
    auto& lower = s.make<DEVICE_OBJECT>("Lower");
    auto& done = s.make<KEVENT>("Done");
    s.systemThread("driver", [&] {
      IO_STATUS_BLOCK status;
      (void)ioctl(lower, done, status);
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(e.stats.executions == 3);
}

TEST_CASE("IoCallDriver of a threaded IRP under a FAST_MUTEX is IrqlThreadedIrpPassive; pended, the waiter never wakes") {
  const auto e = exploreInline([](Setup& s) {
    auto& m = s.make<FAST_MUTEX>("M");
    auto& lower = s.make<DEVICE_OBJECT>("Lower");
    auto& done = s.make<KEVENT>("Done");
    ExInitializeFastMutex(&m);
    s.systemThread("driver", [&] {
      IO_STATUS_BLOCK status;
      ExAcquireFastMutex(&m);
      (void)ioctl(lower, done, status);  // bug
      ExReleaseFastMutex(&m);
    });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.kind() == ViolationKind::Deadlock);
  CHECK(e.verdict.violation->rule == "NoThreadCanMove");
  CHECK(e.verdict.violation->message.find("waits for KEVENT Done") != std::string::npos);
  CHECK(e.verdict.violation->message.find("IopCompleteRequest1 queued to it can never be delivered") !=
        std::string::npos);
  REQUIRE(e.verdict.causes.size() == 1);
  CHECK(e.verdict.causes[0].rule == "IrqlThreadedIrpPassive");
}

TEST_CASE("IoCallDriver of a threaded IRP in a guarded region is ThreadedIrpSpecialApcsDisabled; pended, the waiter never wakes") {
  const auto e = exploreInline([](Setup& s) {
    auto& g = s.make<KGUARDED_MUTEX>("G");
    auto& lower = s.make<DEVICE_OBJECT>("Lower");
    auto& done = s.make<KEVENT>("Done");
    KeInitializeGuardedMutex(&g);
    s.systemThread("driver", [&] {
      IO_STATUS_BLOCK status;
      KeAcquireGuardedMutex(&g);
      (void)ioctl(lower, done, status);  // bug
      KeReleaseGuardedMutex(&g);
    });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.kind() == ViolationKind::Deadlock);
  REQUIRE(e.verdict.causes.size() == 1);
  CHECK(e.verdict.causes[0].rule == "ThreadedIrpSpecialApcsDisabled");
}

TEST_CASE("a threaded IRP completed inline in a guarded region: its completion APC waits for the region's end (§2.2)") {
  LONG inRegion = -1, after = -1;
  const auto r = replayInline(
      [&](Setup& s) {
        auto& lower = s.make<DEVICE_OBJECT>("Lower");
        auto& done = s.make<KEVENT>("Done");
        auto& x = s.make<Shared<LONG>>("x");
        s.systemThread("driver", [&] {
          IO_STATUS_BLOCK status;
          KeEnterGuardedRegion();
          (void)ioctl(lower, done, status);
          x.store(1);
          inRegion = done.signalState;
          KeLeaveGuardedRegion();
          after = done.signalState;
        });
      },
      // Completed inline, the APC is queued at once, in the region: held off until it ends.
      {run(0), run(0), branch(0, 2), run(0)});
  REQUIRE_FALSE(r.divergence);
  CHECK(inRegion == 0);
  CHECK(after == 1);
  REQUIRE(r.verdict.result == Result::Violation);
  CHECK(r.verdict.kind() == ViolationKind::ContractViolation);
  CHECK(r.verdict.violation->rule == "ThreadedIrpSpecialApcsDisabled");
}

TEST_CASE("IoBuildDeviceIoControlRequest above APC_LEVEL is IrqlIoPassive1 (SDV 0x2000A)") {
  const auto e = exploreInline([](Setup& s) {
    auto& lower = s.make<DEVICE_OBJECT>("Lower");
    auto& done = s.make<KEVENT>("Done");
    s.systemThread("driver", [&] {
      IO_STATUS_BLOCK status;
      KIRQL old = PASSIVE_LEVEL;
      KeRaiseIrql(DISPATCH_LEVEL, &old);
      (void)IoBuildDeviceIoControlRequest(1, &lower, nullptr, 0, nullptr, 0, FALSE, &done, &status);
      KeLowerIrql(old);
    });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.violation->rule == "IrqlIoPassive1");
  CHECK(e.verdict.violation->code == 0x2000A);
}

TEST_CASE("IoBuildDeviceIoControlRequest at APC_LEVEL is legal; IoBuildSynchronousFsdRequest there is IrqlIoBuildSynchronousFsdRequest") {
  const auto e = exploreInline([](Setup& s) {
    auto& lower = s.make<DEVICE_OBJECT>("Lower");
    auto& done = s.make<KEVENT>("Done");
    s.systemThread("driver", [&] {
      IO_STATUS_BLOCK status;
      KIRQL old = PASSIVE_LEVEL;
      KeRaiseIrql(APC_LEVEL, &old);
      (void)IoBuildDeviceIoControlRequest(1, &lower, nullptr, 0, nullptr, 0, FALSE, &done, &status);
      (void)IoBuildSynchronousFsdRequest(IRP_MJ_FLUSH_BUFFERS, &lower, nullptr, 0, nullptr, &done,
                                         &status);
      KeLowerIrql(old);
    });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.violation->rule == "IrqlIoBuildSynchronousFsdRequest");
  CHECK(e.verdict.causes.size() == 1);
}

TEST_CASE("the catalogue's IoCallDriver scenarios: the FAST_MUTEX and guarded mutex bugs deadlock with their IoCallDriver cause; the fixes pass") {
  const Catalogue catalogue = cli::builtinCatalogue();
  struct Expect {
    const char* name;
    const char* verdict;
    const char* cause;
  };
  for (const Expect& expect :
       {Expect{"fast-mutex/io-call-driver", "Deadlock (NoThreadCanMove)", "IrqlThreadedIrpPassive"},
        Expect{"guarded-mutex/io-call-driver", "Deadlock (NoThreadCanMove)", "ThreadedIrpSpecialApcsDisabled"},
        Expect{"fast-mutex/io-call-driver-critical-region", "pass", nullptr},
        Expect{"kmutex/io-call-driver", "pass", nullptr}}) {
    CAPTURE(expect.name);
    const Scenario* scenario = catalogue.find(expect.name);
    REQUIRE(scenario != nullptr);
    const Exploration e = explore(*scenario, defaultSettings(*scenario));
    CHECK(e.verdict.summary() == expect.verdict);
    if (expect.cause == nullptr) continue;
    bool listed = false;
    for (const Violation& cause : e.verdict.causes) listed = listed || cause.rule == expect.cause;
    CHECK(listed);
  }
}

TEST_CASE("IoQueueWorkItem runs the routine at PASSIVE_LEVEL on a system worker thread, dequeued first (§3.11)") {
  struct Seen {
    KIRQL irql = 0xFF;
    bool queued = true;
    std::string thread;
  };
  static Seen seen;
  seen = Seen{};
  const auto e = exploreInline([](Setup& s) {
    auto& device = s.make<DEVICE_OBJECT>("Device");
    s.systemThread("driver", [&device] {
      KIRQL old = PASSIVE_LEVEL;
      PIO_WORKITEM item = IoAllocateWorkItem(&device);
      KeRaiseIrql(DISPATCH_LEVEL, &old);  // queueing at DISPATCH_LEVEL is legal
      IoQueueWorkItem(item, [](PDEVICE_OBJECT, PVOID context) {
        auto* workItem = static_cast<PIO_WORKITEM>(context);
        seen.irql = KeGetCurrentIrql();
        seen.queued = workItem->queued;
        seen.thread = Execution::current().currentThread().name();
      }, DelayedWorkQueue, item);
      KeLowerIrql(old);
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(seen.irql == PASSIVE_LEVEL);
  CHECK_FALSE(seen.queued);
  CHECK(seen.thread == "worker1");
}

TEST_CASE("IoQueueWorkItem of an item still queued is BugCheck WORKER_INVALID 0xE4") {
  const auto e = exploreInline([](Setup& s) {
    auto& device = s.make<DEVICE_OBJECT>("Device");
    s.systemThread("driver", [&device] {
      PIO_WORKITEM item = IoAllocateWorkItem(&device);
      const auto routine = [](PDEVICE_OBJECT, PVOID) {};
      IoQueueWorkItem(item, routine, DelayedWorkQueue, nullptr);
      IoQueueWorkItem(item, routine, DelayedWorkQueue, nullptr);  // bug, unless the worker ran
    });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.kind() == ViolationKind::BugCheck);
  CHECK(e.verdict.violation->rule == "WORKER_INVALID");
  CHECK(e.verdict.violation->code == 0xE4);
}

TEST_CASE("IoQueueWorkItem above DISPATCH_LEVEL is IrqlExDispatchLte; IoFreeWorkItem while queued is WorkItemFreedWhileQueued") {
  const auto high = exploreInline([](Setup& s) {
    auto& device = s.make<DEVICE_OBJECT>("Device");
    s.systemThread("driver", [&device] {
      KIRQL old = PASSIVE_LEVEL;
      PIO_WORKITEM item = IoAllocateWorkItem(&device);
      KeRaiseIrql(HIGH_LEVEL, &old);
      IoQueueWorkItem(item, [](PDEVICE_OBJECT, PVOID) {}, DelayedWorkQueue, nullptr);  // bug
      KeLowerIrql(old);
    });
  });
  REQUIRE(high.verdict.result == Result::Violation);
  CHECK(high.verdict.violation->rule == "IrqlExDispatchLte");
  const auto freed = exploreInline([](Setup& s) {
    auto& device = s.make<DEVICE_OBJECT>("Device");
    s.systemThread("driver", [&device] {
      PIO_WORKITEM item = IoAllocateWorkItem(&device);
      IoQueueWorkItem(item, [](PDEVICE_OBJECT, PVOID) {}, DelayedWorkQueue, nullptr);
      IoFreeWorkItem(item);  // bug, unless the worker already dequeued it
    });
  });
  REQUIRE(freed.verdict.result == Result::Violation);
  CHECK(freed.verdict.violation->rule == "WorkItemFreedWhileQueued");
}

TEST_CASE("ExQueueWorkItem runs the routine with its parameter on a system worker thread (§3.11)") {
  static PVOID received = nullptr;
  static LONG marker = 7;
  received = nullptr;
  const auto e = exploreInline([](Setup& s) {
    auto& item = s.make<WORK_QUEUE_ITEM>("Item");
    s.systemThread("driver", [&item] {
      ExInitializeWorkItem(&item, [](PVOID parameter) { received = parameter; }, &marker);
      ExQueueWorkItem(&item, DelayedWorkQueue);
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(received == &marker);
}

TEST_CASE("a work item routine returning in a guarded region is BugCheck APC_INDEX_MISMATCH 0x1 (§3.11)") {
  const auto e = exploreInline([](Setup& s) {
    auto& item = s.make<WORK_QUEUE_ITEM>("Item");
    s.systemThread("driver", [&item] {
      ExInitializeWorkItem(&item, [](PVOID) { KeEnterGuardedRegion(); }, nullptr);  // bug
      ExQueueWorkItem(&item, DelayedWorkQueue);
    });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.kind() == ViolationKind::BugCheck);
  CHECK(e.verdict.violation->rule == "APC_INDEX_MISMATCH");
  CHECK(e.verdict.violation->code == 0x1);
}

TEST_CASE("a hang behind a scenario's special kernel APC held off by a guarded region names that APC in the NoThreadCanMove message") {
  const auto r = replayInline(
      [](Setup& s) {
        auto& never = s.make<KEVENT>("Never");
        KeInitializeEvent(&never, NotificationEvent, FALSE);
        s.systemThread("waiter", [&never] {
          KeEnterGuardedRegion();
          (void)KeWaitForSingleObject(&never, Executive, KernelMode, FALSE, nullptr);  // never set
          KeLeaveGuardedRegion();
        });
        s.apc("Probe", "waiter", ApcKind::Special, [] {});
      },
      {Choice{ChoiceKind::Apc, 0, 0}, run(0)});
  REQUIRE_FALSE(r.divergence);
  REQUIRE(r.verdict.result == Result::Violation);
  CHECK(r.verdict.violation->rule == "NoThreadCanMove");
  CHECK(r.verdict.violation->message ==
        "no thread can move: waiter waits for KEVENT Never, and no thread will release or signal "
        "it; the special kernel APC Probe queued to it can never be delivered: it has special "
        "kernel APCs disabled (SpecialApcDisable -1: a guarded region or a guarded mutex)");
}
