// IoStartPacket, IoStartNextPacket and the device queue (docs/kernel-rules.md §8.1, §9.1).
#include "LockTestSupport.hpp"

#include <doctest/doctest.h>

#include <vector>

using namespace interlock;
using namespace interlock::wdm;
using namespace interlock::test;

namespace {

std::vector<PIRP> started;
std::vector<KIRQL> startIrqls;
std::vector<PIRP> cancelled;

void RecordStartIo(PDEVICE_OBJECT, PIRP Irp) {
  started.push_back(Irp);
  startIrqls.push_back(KeGetCurrentIrql());
}

void CancelQueued(PDEVICE_OBJECT DeviceObject, PIRP Irp) {
  (void)KeRemoveEntryDeviceQueue(&DeviceObject->DeviceQueue, &Irp->Tail.Overlay.DeviceQueueEntry);
  IoReleaseCancelSpinLock(Irp->CancelIrql);
  cancelled.push_back(Irp);
}

void reset() {
  started.clear();
  startIrqls.clear();
  cancelled.clear();
}

DEVICE_OBJECT& startIoDevice(Setup& s) {
  auto& driver = s.make<DRIVER_OBJECT>("Driver");
  driver.DriverStartIo = &RecordStartIo;
  return IoCreateDevice<int>(s, driver, "Device");
}

}  // namespace

TEST_CASE("IoStartPacket starts an idle device's IRP at DISPATCH_LEVEL; the next waits for IoStartNextPacket (§8.1)") {
  reset();
  std::vector<PIRP> irps;
  PIRP currentAfterFirst = nullptr;
  std::size_t startedBeforeNext = 0;
  const auto e = exploreInline([&](Setup& s) {
    DEVICE_OBJECT& device = startIoDevice(s);
    s.systemThread("driver", [&device, &irps, &currentAfterFirst, &startedBeforeNext] {
      irps = {IoAllocateIrp(1, FALSE), IoAllocateIrp(1, FALSE), IoAllocateIrp(1, FALSE)};
      IoStartPacket(&device, irps[0], nullptr, nullptr);
      currentAfterFirst = device.CurrentIrp;
      IoStartPacket(&device, irps[1], nullptr, nullptr);
      IoStartPacket(&device, irps[2], nullptr, nullptr);
      startedBeforeNext = started.size();
      KIRQL old = PASSIVE_LEVEL;
      KeRaiseIrql(DISPATCH_LEVEL, &old);
      IoStartNextPacket(&device, FALSE);
      IoStartNextPacket(&device, FALSE);
      IoStartNextPacket(&device, FALSE);  // empty: the device goes idle
      KeLowerIrql(old);
      CHECK(device.DeviceQueue.Busy == FALSE);
      CHECK(device.CurrentIrp == nullptr);
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(e.stats.executions == 1);
  CHECK(startedBeforeNext == 1);
  CHECK(currentAfterFirst == irps[0]);
  REQUIRE(started.size() == 3);
  CHECK(started == irps);  // FIFO
  CHECK(startIrqls == std::vector<KIRQL>{DISPATCH_LEVEL, DISPATCH_LEVEL, DISPATCH_LEVEL});
}

TEST_CASE("IoStartPacket with a key queues IRPs in key order (§8.1)") {
  reset();
  std::vector<PIRP> irps;
  const auto e = exploreInline([&](Setup& s) {
    DEVICE_OBJECT& device = startIoDevice(s);
    s.systemThread("driver", [&device, &irps] {
      irps = {IoAllocateIrp(1, FALSE), IoAllocateIrp(1, FALSE), IoAllocateIrp(1, FALSE)};
      ULONG keys[] = {0, 9, 4};
      for (std::size_t i = 0; i < irps.size(); ++i) IoStartPacket(&device, irps[i], &keys[i], nullptr);
      KIRQL old = PASSIVE_LEVEL;
      KeRaiseIrql(DISPATCH_LEVEL, &old);
      IoStartNextPacket(&device, FALSE);
      IoStartNextPacket(&device, FALSE);
      KeLowerIrql(old);
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(started == std::vector<PIRP>{irps[0], irps[2], irps[1]});
}

TEST_CASE("IoStartPacket calls the cancel routine at once for a queued IRP that was cancelled before (§9.1)") {
  reset();
  PIRP second = nullptr;
  const auto e = exploreInline([&](Setup& s) {
    DEVICE_OBJECT& device = startIoDevice(s);
    s.systemThread("driver", [&device, &second] {
      PIRP first = IoAllocateIrp(1, FALSE);
      second = IoAllocateIrp(1, FALSE);
      CHECK(IoCancelIrp(second) == FALSE);  // no cancel routine yet: only Irp->Cancel is set
      IoStartPacket(&device, first, nullptr, &CancelQueued);
      (void)IoSetCancelRoutine(first, nullptr);  // what DriverStartIo does first
      IoStartPacket(&device, second, nullptr, &CancelQueued);
      CHECK(device.DeviceQueue.entries.empty());
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(cancelled == std::vector<PIRP>{second});
  CHECK(started.size() == 1);
}

namespace {

// A read dispatch routine of a StartIo driver: the IRP is the device queue's from here on.
NTSTATUS StartRead(PDEVICE_OBJECT DeviceObject, PIRP Irp) {
  IoMarkIrpPending(Irp);
  IoStartPacket(DeviceObject, Irp, nullptr, &CancelQueued);
  return STATUS_PENDING;
}

PIRP sendRead(DEVICE_OBJECT& device) {
  PIRP irp = IoAllocateIrp(device.StackSize, FALSE);
  IoGetNextIrpStackLocation(irp)->MajorFunction = IRP_MJ_READ;
  (void)IoCallDriver(&device, irp);
  return irp;
}

}  // namespace

TEST_CASE("a queued IRP's cancel routine from IoStartPacket runs on IoCancelIrp, and the IRP is never started (§9.1)") {
  reset();
  PIRP second = nullptr;
  const auto e = exploreInline([&](Setup& s) {
    DEVICE_OBJECT& device = startIoDevice(s);
    device.DriverObject->MajorFunction[IRP_MJ_READ] = &StartRead;
    s.systemThread("driver", [&device, &second] {
      PIRP first = sendRead(device);
      (void)IoSetCancelRoutine(first, nullptr);  // what DriverStartIo does first
      second = sendRead(device);
      CHECK(IoCancelIrp(second) == TRUE);
      CHECK(device.DeviceQueue.entries.empty());
      KIRQL old = PASSIVE_LEVEL;
      KeRaiseIrql(DISPATCH_LEVEL, &old);
      IoStartNextPacket(&device, TRUE);  // nothing left: the device goes idle
      KeLowerIrql(old);
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(cancelled == std::vector<PIRP>{second});
  CHECK(started.size() == 1);
}

TEST_CASE("IoStartNextPacket below DISPATCH_LEVEL is IrqlIoStartNextPacket") {
  reset();
  const auto e = exploreInline([](Setup& s) {
    DEVICE_OBJECT& device = startIoDevice(s);
    s.systemThread("driver", [&device] {
      IoStartPacket(&device, IoAllocateIrp(1, FALSE), nullptr, nullptr);
      IoStartNextPacket(&device, FALSE);
    });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.violation->rule == "IrqlIoStartNextPacket");
}

TEST_CASE("IoStartPacket above DISPATCH_LEVEL is IrqlIoStartPacket") {
  reset();
  const auto e = exploreInline([](Setup& s) {
    DEVICE_OBJECT& device = startIoDevice(s);
    s.systemThread("driver", [&device] {
      PIRP irp = IoAllocateIrp(1, FALSE);
      KIRQL old = PASSIVE_LEVEL;
      KeRaiseIrql(HIGH_LEVEL, &old);
      IoStartPacket(&device, irp, nullptr, nullptr);
      KeLowerIrql(old);
    });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.violation->rule == "IrqlIoStartPacket");
}
