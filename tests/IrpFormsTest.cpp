// The I/O manager's helper forms of IRP sending: IoBuildAsynchronousFsdRequest,
// IoSetCompletionRoutineEx, IoForwardIrpSynchronously (docs/kernel-rules.md §8.1, §8.2).
#include "LockTestSupport.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>

using namespace interlock;
using namespace interlock::wdm;
using namespace interlock::test;

namespace {

NTSTATUS FreeOnCompletion(PDEVICE_OBJECT, PIRP Irp, PVOID) {
  IoFreeIrp(Irp);
  return STATUS_MORE_PROCESSING_REQUIRED;
}

PIRP buildAsynchronous(DEVICE_OBJECT& lower) {
  return IoBuildAsynchronousFsdRequest(IRP_MJ_WRITE, &lower, nullptr, 0, nullptr, nullptr);
}

// What the upper driver's dispatch routine saw after IoForwardIrpSynchronously.
BOOLEAN forwarded = FALSE;
bool ownedAfter = false;

NTSTATUS ForwardThenComplete(PDEVICE_OBJECT DeviceObject, PIRP Irp) {
  auto* lower = *static_cast<PDEVICE_OBJECT*>(DeviceObject->DeviceExtension);
  forwarded = IoForwardIrpSynchronously(lower, Irp);
  ownedAfter = Irp->state == IRP::State::Stopped;  // the walk stopped: the IRP is the filter's again
  const NTSTATUS status = Irp->IoStatus.Status;
  IoCompleteRequest(Irp, IO_NO_INCREMENT);
  return status;
}

Exploration exploreForward(bool attached) {
  return exploreInline([attached](Setup& s) {
    auto& driver = s.make<DRIVER_OBJECT>("Filter");
    driver.MajorFunction[IRP_MJ_READ] = &ForwardThenComplete;
    DEVICE_OBJECT& upper = IoCreateDevice<PDEVICE_OBJECT>(s, driver, "Upper");
    auto& lower = s.make<DEVICE_OBJECT>("Lower");
    if (attached) *static_cast<PDEVICE_OBJECT*>(upper.DeviceExtension) = IoAttachDeviceToDeviceStack(&upper, &lower);
    else *static_cast<PDEVICE_OBJECT*>(upper.DeviceExtension) = &lower;
    auto& file = s.make<FILE_OBJECT>("Handle");
    file.open = true;
    file.DeviceObject = &upper;
    s.systemThread("app", [&file] {
      IO_STATUS_BLOCK status;
      CHECK(ZwReadFile(&file, nullptr, nullptr, nullptr, &status, nullptr, 0, nullptr, nullptr) == STATUS_SUCCESS);
    });
  });
}

}  // namespace

TEST_CASE("an IoBuildAsynchronousFsdRequest IRP comes back to its builder's completion routine, which frees it (§8.1)") {
  const auto e = exploreInline([](Setup& s) {
    auto& lower = s.make<DEVICE_OBJECT>("Lower");
    s.systemThread("driver", [&lower] {
      PIRP irp = buildAsynchronous(lower);
      CHECK(irp->thread == kNoThread);  // no thread: nobody's IopCompleteRequest
      IoSetCompletionRoutine(irp, &FreeOnCompletion, nullptr, TRUE, TRUE, TRUE);
      (void)IoCallDriver(&lower, irp);
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(e.stats.executions == 2);  // the lower driver completes it inline, or pends it
}

TEST_CASE("an IoBuildAsynchronousFsdRequest IRP whose walk reaches the top is IoAllocateComplete (§8.1)") {
  const auto e = exploreInline([](Setup& s) {
    auto& lower = s.make<DEVICE_OBJECT>("Lower");
    s.systemThread("driver", [&lower] { (void)IoCallDriver(&lower, buildAsynchronous(lower)); });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.violation->rule == "IoAllocateComplete");
}

TEST_CASE("IoBuildAsynchronousFsdRequest with a major function it does not build is a scenario error naming it") {
  const Scenario scenario = inlineScenario([](Setup& s) {
    auto& lower = s.make<DEVICE_OBJECT>("Lower");
    s.systemThread("driver", [&lower] {
      (void)IoBuildAsynchronousFsdRequest(IRP_MJ_DEVICE_CONTROL, &lower, nullptr, 0, nullptr, nullptr);
    });
  });
  CHECK_THROWS_WITH_AS((void)explore(scenario, Settings{scenario.bounds, "naive"}),
                       "thread 'driver' threw: IoBuildAsynchronousFsdRequest with MajorFunction 14: "
                       "expected IRP_MJ_READ, "
                       "IRP_MJ_WRITE, IRP_MJ_FLUSH_BUFFERS, IRP_MJ_SHUTDOWN, IRP_MJ_PNP or IRP_MJ_POWER",
                       ScenarioError);
}

TEST_CASE("IoSetCompletionRoutineEx fails with STATUS_INSUFFICIENT_RESOURCES in one branch and sets no routine (§8.2)") {
  int failed = 0, executions = 0;
  const auto e = exploreInline([&](Setup& s) {
    auto& lower = s.make<DEVICE_OBJECT>("Lower");
    ++executions;
    s.systemThread("driver", [&lower, &failed] {
      PIRP irp = buildAsynchronous(lower);
      if (IoSetCompletionRoutineEx(&lower, irp, &FreeOnCompletion, nullptr, TRUE, TRUE, TRUE) != STATUS_SUCCESS) {
        ++failed;
        CHECK((IoGetNextIrpStackLocation(irp)->CompletionRoutine == nullptr));
        IoFreeIrp(irp);  // never sent: still the builder's
        return;
      }
      (void)IoCallDriver(&lower, irp);
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(failed == 1);
  CHECK(executions == 3);  // the failure; success completed inline or pended
}

TEST_CASE("a driver ignoring IoSetCompletionRoutineEx's failure sends the IRP with no routine: IoAllocateComplete (§8.2)") {
  const auto e = exploreInline([](Setup& s) {
    auto& lower = s.make<DEVICE_OBJECT>("Lower");
    s.systemThread("driver", [&lower] {
      PIRP irp = buildAsynchronous(lower);
      (void)IoSetCompletionRoutineEx(&lower, irp, &FreeOnCompletion, nullptr, TRUE, TRUE, TRUE);
      (void)IoCallDriver(&lower, irp);
    });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.violation->rule == "IoAllocateComplete");
}

TEST_CASE("IoForwardIrpSynchronously gives the IRP back to its caller, completed inline below or pended (§8.2)") {
  forwarded = FALSE;
  ownedAfter = false;
  const auto e = exploreForward(true);
  CHECK(e.verdict.result == Result::Pass);
  CHECK(e.stats.executions == 5);  // completed inline; or pended, in four orders with the wait
  CHECK(forwarded == TRUE);
  CHECK(ownedAfter);
}

TEST_CASE("IoForwardIrpSynchronously with no stack location below returns FALSE and sends nothing (§8.1)") {
  forwarded = TRUE;
  const auto e = exploreForward(false);
  CHECK(e.verdict.result == Result::Pass);
  CHECK(e.stats.executions == 1);
  CHECK(forwarded == FALSE);
}

namespace {

PIRP held = nullptr;

void CancelHeld(PDEVICE_OBJECT, PIRP Irp) {
  IoReleaseCancelSpinLock(Irp->CancelIrql);
  held = nullptr;
  Irp->IoStatus.Status = STATUS_CANCELLED;
  IoCompleteRequest(Irp, IO_NO_INCREMENT);
}

template <bool Cancellable>
NTSTATUS HoldIoctl(PDEVICE_OBJECT, PIRP Irp) {
  IoMarkIrpPending(Irp);
  held = Irp;
  if (Cancellable) (void)IoSetCancelRoutine(Irp, &CancelHeld);
  return STATUS_PENDING;
}

template <bool Cancellable>
Exploration exploreSendAndEnd() {
  return exploreInline([](Setup& s) {
    auto& driver = s.make<DRIVER_OBJECT>("Driver");
    driver.MajorFunction[IRP_MJ_DEVICE_CONTROL] = &HoldIoctl<Cancellable>;
    DEVICE_OBJECT& device = IoCreateDevice<int>(s, driver, "Device");
    auto& done = s.make<KEVENT>("Done");
    KeInitializeEvent(&done, NotificationEvent, FALSE);
    s.systemThread("sender", [&device, &done] {
      static IO_STATUS_BLOCK status;
      PIRP irp = IoBuildDeviceIoControlRequest(0x22E008, &device, nullptr, 0, nullptr, 0, FALSE, &done, &status);
      (void)IoCallDriver(&device, irp);  // ends without waiting for it
    });
  });
}

}  // namespace

TEST_CASE("a thread ending with its IOCTL pending: the I/O manager cancels it, then waits until it completes (§19)") {
  held = nullptr;
  const auto e = exploreSendAndEnd<true>();
  CHECK(e.verdict.result == Result::Pass);
  CHECK(e.stats.executions == 1);
  CHECK(held == nullptr);  // the cancel routine ran
}

TEST_CASE("a thread ending with an IOCTL nothing can cancel or complete waits for it forever: Deadlock (§19)") {
  const auto e = exploreSendAndEnd<false>();
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.kind() == ViolationKind::Deadlock);
  CHECK(e.verdict.violation->message.find("sender waits for IRP IRP1") != std::string::npos);
}

namespace {

// Runs `call` on a thread at `irql`: whether the execution reports `rule` (first or later).
template <typename Call>
bool reportsAt(KIRQL irql, const std::string& rule, Call call) {
  const auto e = exploreInline([irql, call](Setup& s) {
    auto& lower = s.make<DEVICE_OBJECT>("Lower");
    s.systemThread("driver", [irql, call, &lower] {
      KIRQL old = PASSIVE_LEVEL;
      KeRaiseIrql(irql, &old);
      call(lower);
      KeLowerIrql(old);
    });
  });
  if (e.verdict.violation && e.verdict.violation->rule == rule) return true;
  return std::any_of(e.verdict.causes.begin(), e.verdict.causes.end(),
                     [&](const Violation& cause) { return cause.rule == rule; });
}

}  // namespace

TEST_CASE("IoBuildAsynchronousFsdRequest above DISPATCH_LEVEL is IrqlIoBuildAsynchronousFsdRequest") {
  const auto build = [](DEVICE_OBJECT& lower) { (void)buildAsynchronous(lower); };
  CHECK(reportsAt(HIGH_LEVEL, "IrqlIoBuildAsynchronousFsdRequest", build));
  CHECK_FALSE(reportsAt(DISPATCH_LEVEL, "IrqlIoBuildAsynchronousFsdRequest", build));
}

TEST_CASE("IoSetCompletionRoutineEx above DISPATCH_LEVEL is IrqlIoSetCompletionRoutineEx") {
  CHECK(reportsAt(HIGH_LEVEL, "IrqlIoSetCompletionRoutineEx", [](DEVICE_OBJECT& lower) {
    PIRP irp = buildAsynchronous(lower);
    (void)IoSetCompletionRoutineEx(&lower, irp, &FreeOnCompletion, nullptr, TRUE, TRUE, TRUE);
  }));
}

TEST_CASE("IoForwardIrpSynchronously above PASSIVE_LEVEL is IrqlIoForwardIrpSynchronously") {
  CHECK(reportsAt(APC_LEVEL, "IrqlIoForwardIrpSynchronously", [](DEVICE_OBJECT& lower) {
    (void)IoForwardIrpSynchronously(&lower, buildAsynchronous(lower));
  }));
}
