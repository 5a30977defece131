// Cancellation, the cancel spin lock and cancel-safe queues (docs/kernel-rules.md §9).
#include "LockTestSupport.hpp"
#include "interlock/cli/Cli.hpp"

#include <doctest/doctest.h>

#include <deque>
#include <string>

using namespace interlock;
using namespace interlock::wdm;
using namespace interlock::test;

namespace {

struct CancelSeen {
  KIRQL irql = PASSIVE_LEVEL;
  bool cancelFlag = false;
  bool lockHeld = false;
  int routines = 0;
  PDRIVER_CANCEL afterCancel = nullptr;
  BOOLEAN cancelled = FALSE;
};
CancelSeen cancelSeen;

void RecordingCancel(PDEVICE_OBJECT, PIRP Irp) {
  ++cancelSeen.routines;
  cancelSeen.irql = KeGetCurrentIrql();
  cancelSeen.cancelFlag = Irp->Cancel.value != FALSE;
  IoReleaseCancelSpinLock(Irp->CancelIrql);
}

void CancelKeepingLock(PDEVICE_OBJECT, PIRP) { ++cancelSeen.routines; }

// An IRP from IoAllocateIrp, pended in a driver's hands: only the driver's calls touch it.
PIRP pendedIrp() {
  PIRP irp = IoAllocateIrp(1, FALSE);
  irp->state = IRP::State::InFlight;
  irp->CurrentLocation = 1;
  return irp;
}

}  // namespace

TEST_CASE("IoCancelIrp calls the cancel routine at DISPATCH_LEVEL with Irp->Cancel set, and returns TRUE (§9.1)") {
  cancelSeen = {};
  const auto e = exploreInline([](Setup& s) {
    s.systemThread("driver", [] {
      PIRP irp = pendedIrp();
      (void)IoSetCancelRoutine(irp, &RecordingCancel);
      cancelSeen.cancelled = IoCancelIrp(irp);
      cancelSeen.afterCancel = IoSetCancelRoutine(irp, nullptr);
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(cancelSeen.routines == 1);
  CHECK(cancelSeen.irql == DISPATCH_LEVEL);
  CHECK(cancelSeen.cancelFlag);
  CHECK(cancelSeen.cancelled == TRUE);
  CHECK((cancelSeen.afterCancel == nullptr));  // the routine was taken: IoSetCancelRoutine returns NULL
}

TEST_CASE("IoSetCancelRoutine above DISPATCH_LEVEL is IrqlIoDispatchLte (§9.1)") {
  const auto e = exploreInline([](Setup& s) {
    s.systemThread("driver", [] {
      PIRP irp = pendedIrp();
      KIRQL old = PASSIVE_LEVEL;
      KeRaiseIrql(HIGH_LEVEL, &old);
      (void)IoSetCancelRoutine(irp, &RecordingCancel);
      (void)IoSetCancelRoutine(irp, nullptr);
      KeLowerIrql(old);
    });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.violation->rule == "IrqlIoDispatchLte");
}

TEST_CASE("IoCancelIrp with no cancel routine sets Irp->Cancel and returns FALSE (§9.1)") {
  cancelSeen = {};
  const auto e = exploreInline([](Setup& s) {
    s.systemThread("driver", [] {
      PIRP irp = pendedIrp();
      cancelSeen.cancelled = IoCancelIrp(irp);
      cancelSeen.cancelFlag = irp->Cancel;
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(cancelSeen.cancelled == FALSE);
  CHECK(cancelSeen.cancelFlag);
  CHECK(cancelSeen.routines == 0);
}

TEST_CASE("a cancel routine that returns holding the cancel spin lock is CancelSpinLock (§9.1)") {
  cancelSeen = {};
  const auto e = exploreInline([](Setup& s) {
    s.systemThread("driver", [] {
      PIRP irp = pendedIrp();
      (void)IoSetCancelRoutine(irp, &CancelKeepingLock);
      (void)IoCancelIrp(irp);
    });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  REQUIRE_FALSE(e.verdict.causes.empty());
  CHECK(e.verdict.causes[0].rule == "CancelSpinLock");
}

TEST_CASE("a cancel routine taking the cancel spin lock again spins on itself: it is an ordinary spin lock to the model (§9.1)") {
  const auto e = exploreInline([](Setup& s) {
    s.systemThread("driver", [] {
      KIRQL irql = PASSIVE_LEVEL;
      IoAcquireCancelSpinLock(&irql);
      IoAcquireCancelSpinLock(&irql);
    });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.kind() == ViolationKind::Deadlock);
  CHECK(e.verdict.violation->rule == "SelfDeadlock");
}

namespace {

void NeverRuns(PDEVICE_OBJECT, PIRP) {}

}  // namespace

TEST_CASE("cancelling an IRP completed with its cancel routine set, before the I/O manager frees it, is bug check 0x48 CANCEL_STATE_IN_COMPLETED_IRP (§9.2)") {
  const auto e = exploreInline([](Setup& s) {
    auto& lower = s.make<DEVICE_OBJECT>("Lower");
    auto& done = s.make<KEVENT>("Done");
    auto& sent = s.make<KEVENT>("Sent");
    KeInitializeEvent(&sent, NotificationEvent, FALSE);
    static PIRP irp = nullptr;
    s.systemThread("owner", [&lower, &done, &sent] {
      IO_STATUS_BLOCK status;
      KeInitializeEvent(&done, NotificationEvent, FALSE);
      KeEnterGuardedRegion();  // holds off the completion APC
      irp = IoBuildDeviceIoControlRequest(0x22E004, &lower, nullptr, 0, nullptr, 0, FALSE, &done, &status);
      (void)IoSetCancelRoutine(irp, &NeverRuns);
      irp->state = IRP::State::InFlight;
      irp->IoStatus.Status = STATUS_SUCCESS;
      IoCompleteRequest(irp, IO_NO_INCREMENT);  // with the routine set
      (void)KeSetEvent(&sent, IO_NO_INCREMENT, FALSE);
      (void)KeWaitForSingleObject(&done, Executive, KernelMode, FALSE, nullptr);
      KeLeaveGuardedRegion();
    });
    s.systemThread("canceller", [&sent] {
      (void)KeWaitForSingleObject(&sent, Executive, KernelMode, FALSE, nullptr);
      (void)IoCancelIrp(irp);
    });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.kind() == ViolationKind::BugCheck);
  CHECK(e.verdict.violation->rule == "CANCEL_STATE_IN_COMPLETED_IRP");
  CHECK(e.verdict.violation->code == 0x48);
}

TEST_CASE("reading Irp->Cancel is a scheduling point: a cancel between the test and IoSetCancelRoutine is explored") {
  const Catalogue catalogue = cli::builtinCatalogue();
  const Scenario& scenario = *catalogue.find("cancel/test-then-set");
  const auto e = explore(scenario, Settings{scenario.bounds, "naive"});
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.kind() == ViolationKind::Deadlock);
  CHECK(e.verdict.violation->message == "no thread can move: app waits for IRP IRP1, and no thread will release or signal it");
}

namespace {

// A CSQ over a deque, its lock a spin lock; the test reads what the callbacks saw.
struct Queue {
  KSPIN_LOCK* lock = nullptr;
  std::deque<PIRP> irps;
  int completedCanceled = 0;
  bool lockHeldAtCompleteCanceled = false;
  int callbacks = 0;          // CsqInsertIrp, CsqRemoveIrp and CsqPeekNextIrp calls
  int callbacksUnlocked = 0;  // ... of them made without the driver's lock held
};
Queue queue;

void underLock() {
  ++queue.callbacks;
  queue.callbacksUnlocked += queue.lock->owner == kNoThread;
}
void Insert(PIO_CSQ, PIRP Irp) {
  underLock();
  queue.irps.push_back(Irp);
}
void Remove(PIO_CSQ, PIRP Irp) {
  underLock();
  std::erase(queue.irps, Irp);
}
PIRP Peek(PIO_CSQ, PIRP Irp, PVOID) {
  underLock();
  if (Irp == nullptr) return queue.irps.empty() ? nullptr : queue.irps.front();
  for (std::size_t i = 0; i + 1 < queue.irps.size(); ++i)
    if (queue.irps[i] == Irp) return queue.irps[i + 1];
  return nullptr;
}
void Acquire(PIO_CSQ, PKIRQL Irql) { KeAcquireSpinLock(queue.lock, Irql); }
void Release(PIO_CSQ, KIRQL Irql) { KeReleaseSpinLock(queue.lock, Irql); }
void CompleteCanceled(PIO_CSQ, PIRP Irp) {
  ++queue.completedCanceled;
  queue.lockHeldAtCompleteCanceled = queue.lock->owner != kNoThread;
  Irp->IoStatus.Status = STATUS_CANCELLED;
  IoCompleteRequest(Irp, IO_NO_INCREMENT);
}

}  // namespace

TEST_CASE("IoCsqInsertIrp on an IO_CSQ never initialized is a scenario error naming it") {
  const Scenario scenario = inlineScenario([](Setup& s) {
    auto& csq = s.make<IO_CSQ>("Csq");
    s.systemThread("driver", [&csq] { IoCsqInsertIrp(&csq, pendedIrp(), nullptr); });
  });
  CHECK_THROWS_WITH((void)explore(scenario, Settings{scenario.bounds, "naive"}),
                    "thread 'driver' threw: IoCsqInsertIrp on IO_CSQ Csq before IoCsqInitialize or "
                    "IoCsqInitializeEx");
}

TEST_CASE("a queued CSQ IRP that is cancelled reaches CsqCompleteCanceledIrp once, with no lock held; RemoveNext then finds none (§9.3)") {
  queue = {};
  PIRP removed = reinterpret_cast<PIRP>(1);
  const auto e = exploreInline([&removed](Setup& s) {
    auto& lock = s.make<KSPIN_LOCK>("QueueLock");
    auto& csq = s.make<IO_CSQ>("Csq");
    queue = {};  // what the last execution's callbacks saw
    queue.lock = &lock;
    (void)IoCsqInitialize(&csq, &Insert, &Remove, &Peek, &Acquire, &Release, &CompleteCanceled);
    s.systemThread("driver", [&csq, &removed] {
      PIRP irp = pendedIrp();
      IoCsqInsertIrp(&csq, irp, nullptr);
      (void)IoCancelIrp(irp);
      removed = IoCsqRemoveNextIrp(&csq, nullptr);
    });
  });
  CHECK(queue.completedCanceled == 1);
  CHECK_FALSE(queue.lockHeldAtCompleteCanceled);
  CHECK(removed == nullptr);
  CHECK(queue.irps.empty());
  // An allocated IRP completed to the top has no thread to complete on: the only finding.
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.violation->rule == "IoAllocateComplete");
}

TEST_CASE("IoCsqRemoveIrp by context returns the IRP and clears its cancel routine; a second remove returns NULL (§9.3)") {
  queue = {};
  PIRP first = nullptr;
  PIRP second = reinterpret_cast<PIRP>(1);
  bool routineCleared = false;
  const auto e = exploreInline([&](Setup& s) {
    auto& lock = s.make<KSPIN_LOCK>("QueueLock");
    auto& csq = s.make<IO_CSQ>("Csq");
    queue = {};  // what the last execution's callbacks saw
    queue.lock = &lock;
    (void)IoCsqInitialize(&csq, &Insert, &Remove, &Peek, &Acquire, &Release, &CompleteCanceled);
    s.systemThread("driver", [&] {
      IO_CSQ_IRP_CONTEXT context;
      PIRP irp = pendedIrp();
      IoCsqInsertIrp(&csq, irp, &context);
      first = IoCsqRemoveIrp(&csq, &context);
      routineCleared = irp->CancelRoutine == nullptr;
      second = IoCsqRemoveIrp(&csq, &context);
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(first != nullptr);
  CHECK(routineCleared);
  CHECK(second == nullptr);
}

TEST_CASE("the CSQ calls CsqInsertIrp, CsqRemoveIrp and CsqPeekNextIrp holding the driver's lock, through its callbacks (§9.3)") {
  const auto e = exploreInline([](Setup& s) {
    auto& lock = s.make<KSPIN_LOCK>("QueueLock");
    auto& csq = s.make<IO_CSQ>("Csq");
    queue = {};
    queue.lock = &lock;
    (void)IoCsqInitialize(&csq, &Insert, &Remove, &Peek, &Acquire, &Release, &CompleteCanceled);
    s.systemThread("driver", [&csq] {
      IoCsqInsertIrp(&csq, pendedIrp(), nullptr);
      IoCsqInsertIrp(&csq, pendedIrp(), nullptr);
      (void)IoCsqRemoveNextIrp(&csq, nullptr);
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(queue.callbacks == 4);  // two inserts, one peek, one remove
  CHECK(queue.callbacksUnlocked == 0);
}

namespace {

NTSTATUS Refuse(PIO_CSQ, PIRP, PVOID) { return STATUS_DEVICE_NOT_READY; }

}  // namespace

TEST_CASE("a failing CsqInsertIrpEx leaves the IRP unqueued, unmarked and without a cancel routine; its status returns (§19)") {
  queue = {};
  NTSTATUS status = STATUS_SUCCESS;
  bool untouched = false;
  const auto e = exploreInline([&](Setup& s) {
    auto& lock = s.make<KSPIN_LOCK>("QueueLock");
    auto& csq = s.make<IO_CSQ>("Csq");
    queue = {};  // what the last execution's callbacks saw
    queue.lock = &lock;
    (void)IoCsqInitializeEx(&csq, &Refuse, &Remove, &Peek, &Acquire, &Release, &CompleteCanceled);
    s.systemThread("driver", [&] {
      PIRP irp = pendedIrp();
      status = IoCsqInsertIrpEx(&csq, irp, nullptr, nullptr);
      untouched = irp->CancelRoutine == nullptr && (irp->stack[0].Control & SL_PENDING_RETURNED) == 0;
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(status == STATUS_DEVICE_NOT_READY);
  CHECK(untouched);
}
