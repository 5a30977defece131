// IRPs as a driver receives them: dispatch tables, stack locations, pending marks and the
// completion walk (docs/kernel-rules.md §8.1-§8.3).
#include "LockTestSupport.hpp"
#include "interlock/cli/Cli.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace interlock;
using namespace interlock::wdm;
using namespace interlock::test;

namespace {

// What the dispatch and completion routines below saw: plain functions, as a driver's are.
struct Seen {
  std::string device;  // its name: the objects are gone once the exploration returns
  CCHAR location = 0;
  CCHAR stackCount = 0;
  UCHAR major = 0;
  std::vector<std::string> order;
  NTSTATUS result = 0;
};
Seen seen;

HANDLE openOn(Setup& s, DEVICE_OBJECT& device) {
  auto& file = s.make<FILE_OBJECT>("Handle");
  file.open = true;
  file.DeviceObject = &device;
  return &file;
}

NTSTATUS read(HANDLE handle) {
  IO_STATUS_BLOCK status;
  return ZwReadFile(handle, nullptr, nullptr, nullptr, &status, nullptr, 0, nullptr, nullptr);
}

void complete(PIRP irp, NTSTATUS status) {
  irp->IoStatus.Status = status;
  IoCompleteRequest(irp, IO_NO_INCREMENT);
}

NTSTATUS RecordAndComplete(PDEVICE_OBJECT DeviceObject, PIRP Irp) {
  seen.device = DeviceObject->name();
  seen.location = Irp->CurrentLocation;
  seen.stackCount = Irp->StackCount;
  seen.major = IoGetCurrentIrpStackLocation(Irp)->MajorFunction;
  complete(Irp, STATUS_SUCCESS);
  return STATUS_SUCCESS;
}

// One driver with `read` as its IRP_MJ_READ routine, read once by thread "app".
Exploration exploreRead(PDRIVER_DISPATCH readRoutine) {
  return exploreInline([readRoutine](Setup& s) {
    auto& driver = s.make<DRIVER_OBJECT>("Driver");
    driver.MajorFunction[IRP_MJ_READ] = readRoutine;
    DEVICE_OBJECT& device = IoCreateDevice<int>(s, driver, "Device");
    const HANDLE handle = openOn(s, device);
    s.systemThread("app", [handle] { seen.result = read(handle); });
  });
}

}  // namespace

TEST_CASE("IoCallDriver runs the driver's dispatch routine for the major function, one stack location down (§8.1)") {
  seen = {};
  const auto e = exploreRead(&RecordAndComplete);
  CHECK(e.verdict.result == Result::Pass);
  CHECK(e.stats.executions == 1);
  CHECK(seen.device == "Device");
  CHECK(seen.stackCount == 1);
  CHECK(seen.location == 1);
  CHECK(seen.major == IRP_MJ_READ);
  CHECK(seen.result == STATUS_SUCCESS);
}

namespace {

struct SeenParameters {
  ULONG readLength = 0;
  ULONG ioctlCode = 0;
  ULONG inputLength = 0;
  ULONG outputLength = 0;
};
SeenParameters seenParameters;

NTSTATUS RecordParameters(PDEVICE_OBJECT, PIRP Irp) {
  const PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(Irp);
  seenParameters.readLength = stack->Parameters.Read.Length;
  seenParameters.ioctlCode = stack->Parameters.DeviceIoControl.IoControlCode;
  seenParameters.inputLength = stack->Parameters.DeviceIoControl.InputBufferLength;
  seenParameters.outputLength = stack->Parameters.DeviceIoControl.OutputBufferLength;
  complete(Irp, STATUS_SUCCESS);
  return STATUS_SUCCESS;
}

// A driver recording the parameters of `major`'s IRPs; thread "app" runs `request` on a handle to it.
template <typename Request>
Exploration exploreRequest(UCHAR major, Request request) {
  seenParameters = {};
  return exploreInline([major, request](Setup& s) {
    auto& driver = s.make<DRIVER_OBJECT>("Driver");
    driver.MajorFunction[major] = &RecordParameters;
    DEVICE_OBJECT& device = IoCreateDevice<int>(s, driver, "Device");
    const HANDLE handle = openOn(s, device);
    s.systemThread("app", [handle, request] { request(handle); });
  });
}

}  // namespace

TEST_CASE("ZwDeviceIoControlFile gives the dispatch routine its IOCTL code and buffer lengths (§8.1)") {
  const auto e = exploreRequest(IRP_MJ_DEVICE_CONTROL, [](HANDLE handle) {
    IO_STATUS_BLOCK status;
    char in[3];
    char out[5];
    (void)ZwDeviceIoControlFile(handle, nullptr, nullptr, nullptr, &status, 0x222004, in, sizeof in, out, sizeof out);
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(seenParameters.ioctlCode == 0x222004);
  CHECK(seenParameters.inputLength == 3);
  CHECK(seenParameters.outputLength == 5);
}

TEST_CASE("ZwReadFile gives the dispatch routine its length in Parameters.Read.Length (§8.1)") {
  const auto e = exploreRequest(IRP_MJ_READ, [](HANDLE handle) {
    IO_STATUS_BLOCK status;
    char buffer[16];
    (void)ZwReadFile(handle, nullptr, nullptr, nullptr, &status, buffer, sizeof buffer, nullptr, nullptr);
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(seenParameters.readLength == 16);
  CHECK(seenParameters.ioctlCode == 0);
}

TEST_CASE("an IRP for a major function the driver has no routine for completes with STATUS_INVALID_DEVICE_REQUEST (§8.1)") {
  seen = {};
  const auto e = exploreInline([](Setup& s) {
    auto& driver = s.make<DRIVER_OBJECT>("Driver");  // no IRP_MJ_READ routine
    DEVICE_OBJECT& device = IoCreateDevice<int>(s, driver, "Device");
    const HANDLE handle = openOn(s, device);
    s.systemThread("app", [handle] { seen.result = read(handle); });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(seen.result == STATUS_INVALID_DEVICE_REQUEST);
}

TEST_CASE("DriverObject->MajorFunction past IRP_MJ_MAXIMUM_FUNCTION is a scenario error naming the index") {
  const Scenario scenario = inlineScenario([](Setup& s) {
    auto& driver = s.make<DRIVER_OBJECT>("Driver");
    driver.MajorFunction[40] = &RecordAndComplete;
  });
  CHECK_THROWS_WITH_AS(
      (void)explore(scenario, Settings{scenario.bounds, "naive"}),
      "DriverObject->MajorFunction[40]: the index is out of range, expected 0 to IRP_MJ_MAXIMUM_FUNCTION (27)",
      ScenarioError);
}

namespace {

NTSTATUS Upper(PDEVICE_OBJECT, PIRP, PVOID) {
  seen.order.emplace_back("upper");
  return STATUS_SUCCESS;
}
NTSTATUS Middle(PDEVICE_OBJECT, PIRP, PVOID) {
  seen.order.emplace_back("middle");
  return STATUS_SUCCESS;
}

PDEVICE_OBJECT below(PDEVICE_OBJECT device) { return *static_cast<PDEVICE_OBJECT*>(device->DeviceExtension); }

template <PIO_COMPLETION_ROUTINE Routine>
NTSTATUS PassDown(PDEVICE_OBJECT DeviceObject, PIRP Irp) {
  IoCopyCurrentIrpStackLocationToNext(Irp);
  IoSetCompletionRoutine(Irp, Routine, nullptr, TRUE, TRUE, TRUE);
  return IoCallDriver(below(DeviceObject), Irp);
}

NTSTATUS CompleteAtBottom(PDEVICE_OBJECT, PIRP Irp) {
  seen.order.emplace_back("bottom");
  complete(Irp, STATUS_SUCCESS);
  return STATUS_SUCCESS;
}

}  // namespace

TEST_CASE("IoCompleteRequest runs the completion routines in reverse order of the calls, in the completer's thread (§8.2)") {
  seen = {};
  const auto e = exploreInline([](Setup& s) {
    auto& top = s.make<DRIVER_OBJECT>("TopDriver");
    auto& middle = s.make<DRIVER_OBJECT>("MiddleDriver");
    auto& bottom = s.make<DRIVER_OBJECT>("BottomDriver");
    top.MajorFunction[IRP_MJ_READ] = &PassDown<&Upper>;
    middle.MajorFunction[IRP_MJ_READ] = &PassDown<&Middle>;
    bottom.MajorFunction[IRP_MJ_READ] = &CompleteAtBottom;
    DEVICE_OBJECT& low = IoCreateDevice<PDEVICE_OBJECT>(s, bottom, "Low");
    DEVICE_OBJECT& mid = IoCreateDevice<PDEVICE_OBJECT>(s, middle, "Mid");
    DEVICE_OBJECT& high = IoCreateDevice<PDEVICE_OBJECT>(s, top, "High");
    *static_cast<PDEVICE_OBJECT*>(mid.DeviceExtension) = IoAttachDeviceToDeviceStack(&mid, &low);
    *static_cast<PDEVICE_OBJECT*>(high.DeviceExtension) = IoAttachDeviceToDeviceStack(&high, &mid);
    const HANDLE handle = openOn(s, high);
    s.systemThread("app", [handle] { seen.result = read(handle); });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(e.stats.executions == 1);
  CHECK(seen.order == std::vector<std::string>{"bottom", "middle", "upper"});
  CHECK(seen.result == STATUS_SUCCESS);
}

namespace {

KEVENT* forwardDone = nullptr;

NTSTATUS SignalAndKeep(PDEVICE_OBJECT, PIRP, PVOID Context) {
  (void)KeSetEvent(static_cast<PKEVENT>(Context), IO_NO_INCREMENT, FALSE);
  return STATUS_MORE_PROCESSING_REQUIRED;
}

// Forward and wait: pass the IRP down, get it back in the completion routine, finish it here.
NTSTATUS ForwardAndWait(PDEVICE_OBJECT DeviceObject, PIRP Irp) {
  KeInitializeEvent(forwardDone, NotificationEvent, FALSE);
  IoCopyCurrentIrpStackLocationToNext(Irp);
  IoSetCompletionRoutine(Irp, &SignalAndKeep, forwardDone, TRUE, TRUE, TRUE);
  if (IoCallDriver(below(DeviceObject), Irp) == STATUS_PENDING)
    (void)KeWaitForSingleObject(forwardDone, Executive, KernelMode, FALSE, nullptr);
  seen.order.emplace_back("back");
  complete(Irp, STATUS_SUCCESS);
  return STATUS_SUCCESS;
}

}  // namespace

TEST_CASE("STATUS_MORE_PROCESSING_REQUIRED stops the walk; the driver's own IoCompleteRequest finishes it, inline or pended below (§8.2)") {
  seen = {};
  const auto e = exploreInline([](Setup& s) {
    auto& driver = s.make<DRIVER_OBJECT>("Driver");
    driver.MajorFunction[IRP_MJ_READ] = &ForwardAndWait;
    auto& lower = s.make<DEVICE_OBJECT>("Lower");  // a driver the model does not run
    forwardDone = &s.make<KEVENT>("ForwardDone");
    DEVICE_OBJECT& device = IoCreateDevice<PDEVICE_OBJECT>(s, driver, "Device");
    *static_cast<PDEVICE_OBJECT*>(device.DeviceExtension) = IoAttachDeviceToDeviceStack(&device, &lower);
    const HANDLE handle = openOn(s, device);
    s.systemThread("app", [handle] { seen.result = read(handle); });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(seen.result == STATUS_SUCCESS);
}

namespace {

NTSTATUS CompleteTwice(PDEVICE_OBJECT, PIRP Irp) {
  complete(Irp, STATUS_SUCCESS);
  complete(Irp, STATUS_SUCCESS);
  return STATUS_SUCCESS;
}

// Sends its own location's IRP down without a location for the device below.
NTSTATUS PassDownUnattached(PDEVICE_OBJECT DeviceObject, PIRP Irp) { return IoCallDriver(below(DeviceObject), Irp); }

NTSTATUS MarkAndSucceed(PDEVICE_OBJECT, PIRP Irp) {
  IoMarkIrpPending(Irp);
  complete(Irp, STATUS_SUCCESS);
  return STATUS_SUCCESS;
}

void NeverCalled(PDEVICE_OBJECT, PIRP) {}

NTSTATUS CompleteWithRoutineSet(PDEVICE_OBJECT, PIRP Irp) {
  (void)IoSetCancelRoutine(Irp, &NeverCalled);
  complete(Irp, STATUS_SUCCESS);
  return STATUS_SUCCESS;
}

}  // namespace

TEST_CASE("a second IoCompleteRequest of one IRP is bug check 0x44 MULTIPLE_IRP_COMPLETE_REQUESTS naming it (§8.3)") {
  const auto e = exploreRead(&CompleteTwice);
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.kind() == ViolationKind::BugCheck);
  CHECK(e.verdict.violation->rule == "MULTIPLE_IRP_COMPLETE_REQUESTS");
  CHECK(e.verdict.violation->code == 0x44);
  CHECK(e.verdict.violation->message == "IoCompleteRequest on IRP1, which was already completed (Driver Verifier I/O code 0x209)");
}

TEST_CASE("IoCallDriver with no stack location left is bug check 0x35 NO_MORE_IRP_STACK_LOCATIONS (§8.1)") {
  const auto e = exploreInline([](Setup& s) {
    auto& driver = s.make<DRIVER_OBJECT>("Driver");
    driver.MajorFunction[IRP_MJ_READ] = &PassDownUnattached;
    auto& lower = s.make<DEVICE_OBJECT>("Lower");
    DEVICE_OBJECT& device = IoCreateDevice<PDEVICE_OBJECT>(s, driver, "Device");
    *static_cast<PDEVICE_OBJECT*>(device.DeviceExtension) = &lower;  // not attached: StackSize stays 1
    const HANDLE handle = openOn(s, device);
    s.systemThread("app", [handle] { (void)read(handle); });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.kind() == ViolationKind::BugCheck);
  CHECK(e.verdict.violation->rule == "NO_MORE_IRP_STACK_LOCATIONS");
  CHECK(e.verdict.violation->code == 0x35);
}

TEST_CASE("marking an IRP pending and returning STATUS_SUCCESS is MarkIrpPending, DV 0xC9/0x23E (§8.3)") {
  const auto e = exploreRead(&MarkAndSucceed);
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.kind() == ViolationKind::ContractViolation);
  CHECK(e.verdict.violation->rule == "MarkIrpPending");
  CHECK(e.verdict.violation->code == 0xC9023E);
}

TEST_CASE("completing an IRP with its cancel routine set is CompleteWithCancelRoutine, DV 0xC9/0x07 (§8.3)") {
  const auto e = exploreRead(&CompleteWithRoutineSet);
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.violation->rule == "CompleteWithCancelRoutine");
  CHECK(e.verdict.violation->code == 0xC90007);
}

TEST_CASE("returning STATUS_PENDING unmarked: MarkIrpPending2 (0xC9/0x23D), and the requester waits for the IRP forever (§8.2)") {
  const Catalogue catalogue = cli::builtinCatalogue();
  const Scenario& scenario = *catalogue.find("irp/pending-not-marked");
  const auto e = explore(scenario, Settings{scenario.bounds, "naive"});
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.kind() == ViolationKind::Deadlock);
  CHECK(e.verdict.violation->message == "no thread can move: app waits for IRP IRP1, and no thread will release or signal it");
  REQUIRE(e.verdict.causes.size() == 1);
  CHECK(e.verdict.causes[0].rule == "MarkIrpPending2");
  CHECK(e.verdict.causes[0].code == 0xC9023D);
}

namespace {

NTSTATUS FreeOnCompletion(PDEVICE_OBJECT, PIRP Irp, PVOID) {
  IoFreeIrp(Irp);
  return STATUS_MORE_PROCESSING_REQUIRED;
}
NTSTATUS KeepNothing(PDEVICE_OBJECT, PIRP, PVOID) { return STATUS_SUCCESS; }

template <PIO_COMPLETION_ROUTINE Routine>
void sendAllocated(DEVICE_OBJECT& lower) {
  PIRP irp = IoAllocateIrp(lower.StackSize, FALSE);
  IoGetNextIrpStackLocation(irp)->MajorFunction = IRP_MJ_READ;
  IoSetCompletionRoutine(irp, Routine, nullptr, TRUE, TRUE, TRUE);
  (void)IoCallDriver(&lower, irp);
}

}  // namespace

TEST_CASE("an IoAllocateIrp IRP comes back to its allocator's completion routine, which frees it: 2 executions, both pass (§8.4)") {
  const auto e = exploreInline([](Setup& s) {
    auto& lower = s.make<DEVICE_OBJECT>("Lower");
    s.systemThread("driver", [&lower] { sendAllocated<&FreeOnCompletion>(lower); });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(e.stats.executions == 2);  // the lower driver completes it inline, or pends it
}

TEST_CASE("an IoAllocateIrp IRP whose walk reaches the top has no thread to complete on: IoAllocateComplete") {
  const auto e = exploreInline([](Setup& s) {
    auto& lower = s.make<DEVICE_OBJECT>("Lower");
    s.systemThread("driver", [&lower] { sendAllocated<&KeepNothing>(lower); });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.violation->rule == "IoAllocateComplete");
}

TEST_CASE("IoFreeIrp on a threaded IRP the I/O manager frees is IoBuildSynchronousFsdRequestNoFree, DV 0xC9/0x02") {
  const auto e = exploreInline([](Setup& s) {
    auto& lower = s.make<DEVICE_OBJECT>("Lower");
    auto& done = s.make<KEVENT>("Done");
    s.systemThread("driver", [&lower, &done] {
      IO_STATUS_BLOCK status;
      KeInitializeEvent(&done, NotificationEvent, FALSE);
      PIRP irp = IoBuildSynchronousFsdRequest(IRP_MJ_FLUSH_BUFFERS, &lower, nullptr, 0, nullptr, &done, &status);
      IoFreeIrp(irp);
    });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.violation->rule == "IoBuildSynchronousFsdRequestNoFree");
  CHECK(e.verdict.violation->code == 0xC90002);
}

TEST_CASE("a built IRP sent to a driver the model runs completes through IopCompleteRequest, which sets its event (§8.4)") {
  seen = {};
  NTSTATUS iosb = -1;
  const auto e = exploreInline([&iosb](Setup& s) {
    auto& driver = s.make<DRIVER_OBJECT>("Driver");
    driver.MajorFunction[IRP_MJ_DEVICE_CONTROL] = &RecordAndComplete;
    DEVICE_OBJECT& device = IoCreateDevice<int>(s, driver, "Device");
    auto& done = s.make<KEVENT>("Done");
    s.systemThread("caller", [&device, &done, &iosb] {
      IO_STATUS_BLOCK status{-1, 0};
      KeInitializeEvent(&done, NotificationEvent, FALSE);
      PIRP irp = IoBuildDeviceIoControlRequest(0x22E004, &device, nullptr, 0, nullptr, 0, FALSE, &done, &status);
      (void)IoCallDriver(&device, irp);
      check(KeReadStateEvent(&done) == 1, "the event is set once IoCallDriver returns");
      iosb = status.Status;
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(seen.major == IRP_MJ_DEVICE_CONTROL);
  CHECK(iosb == STATUS_SUCCESS);
}

namespace {

bool causedBy(const Exploration& e, const char* rule) {
  for (const Violation& cause : e.verdict.causes)
    if (cause.rule == rule) return true;
  return e.verdict.violation && e.verdict.violation->rule == rule;
}

NTSTATUS SucceedWithoutCompleting(PDEVICE_OBJECT, PIRP) { return STATUS_SUCCESS; }

NTSTATUS CompletePending(PDEVICE_OBJECT, PIRP Irp) {
  complete(Irp, STATUS_PENDING);
  return STATUS_PENDING;
}

NTSTATUS CompleteAtHighLevel(PDEVICE_OBJECT, PIRP Irp) {
  KIRQL old = PASSIVE_LEVEL;
  KeRaiseIrql(HIGH_LEVEL, &old);
  complete(Irp, STATUS_SUCCESS);
  KeLowerIrql(old);
  return STATUS_SUCCESS;
}

NTSTATUS ReturnRaised(PDEVICE_OBJECT, PIRP Irp) {
  KIRQL old = PASSIVE_LEVEL;
  KeRaiseIrql(APC_LEVEL, &old);
  complete(Irp, STATUS_SUCCESS);
  return STATUS_SUCCESS;
}

void Unused(PDEVICE_OBJECT, PIRP) {}

NTSTATUS ForwardWithRoutine(PDEVICE_OBJECT DeviceObject, PIRP Irp) {
  (void)IoSetCancelRoutine(Irp, &Unused);
  IoSkipCurrentIrpStackLocation(Irp);
  return IoCallDriver(below(DeviceObject), Irp);
}

NTSTATUS ForwardAfterDelete(PDEVICE_OBJECT DeviceObject, PIRP Irp) {
  IoSkipCurrentIrpStackLocation(Irp);
  return IoCallDriver(below(DeviceObject), Irp);
}

// A filter over a device the model does not run, read once; `first` runs before the read.
Exploration exploreFilter(PDRIVER_DISPATCH readRoutine, bool deleteFirst) {
  return exploreInline([readRoutine, deleteFirst](Setup& s) {
    auto& driver = s.make<DRIVER_OBJECT>("Driver");
    driver.MajorFunction[IRP_MJ_READ] = readRoutine;
    auto& lower = s.make<DEVICE_OBJECT>("Lower");
    DEVICE_OBJECT& device = IoCreateDevice<PDEVICE_OBJECT>(s, driver, "Device");
    *static_cast<PDEVICE_OBJECT*>(device.DeviceExtension) = IoAttachDeviceToDeviceStack(&device, &lower);
    const HANDLE handle = openOn(s, device);
    s.systemThread("app", [handle, &device, deleteFirst] {
      if (deleteFirst) IoDeleteDevice(&device);
      (void)read(handle);
    });
  });
}

}  // namespace

TEST_CASE("a dispatch routine returning STATUS_SUCCESS without completing the IRP is IrpProcessingComplete, DV 0xC9/0x226") {
  const auto e = exploreRead(&SucceedWithoutCompleting);
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.violation->rule == "IrpProcessingComplete");
  CHECK(e.verdict.violation->code == 0xC90226);
}

TEST_CASE("completing an IRP with IoStatus.Status STATUS_PENDING is CompleteRequestStatusCheck, DV 0xC9/0x06") {
  const auto e = exploreRead(&CompletePending);
  CHECK(causedBy(e, "CompleteRequestStatusCheck"));
}

TEST_CASE("IoCompleteRequest above DISPATCH_LEVEL is IrqlIoCompleteRequest, DV 0xC9/0x0E") {
  const auto e = exploreRead(&CompleteAtHighLevel);
  CHECK(causedBy(e, "IrqlIoCompleteRequest"));
}

TEST_CASE("a dispatch routine returning at another IRQL than it was entered at is DispatchIrql, DV 0xC9/0x05") {
  const auto e = exploreRead(&ReturnRaised);
  CHECK(causedBy(e, "DispatchIrql"));
}

TEST_CASE("passing an IRP down with a cancel routine set is ForwardWithCancelRoutine, DV 0xC9/0x203") {
  const auto e = exploreFilter(&ForwardWithRoutine, false);
  CHECK(causedBy(e, "ForwardWithCancelRoutine"));
}

TEST_CASE("a dispatch routine passing an IRP down after IoDeleteDevice deleted its device is DeviceDeleted") {
  const auto e = exploreFilter(&ForwardAfterDelete, true);
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.violation->rule == "DeviceDeleted");
}

TEST_CASE("a completion routine dropping Irp->PendingReturned is PendingReturnedNotPropagated, DV 0xC9/0x228, and the requester hangs") {
  const Catalogue catalogue = cli::builtinCatalogue();
  const Scenario& scenario = *catalogue.find("irp/completion-routine-drops-pending");
  const auto e = explore(scenario, Settings{scenario.bounds, "naive"});
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.kind() == ViolationKind::Deadlock);
  CHECK(causedBy(e, "PendingReturnedNotPropagated"));
}

TEST_CASE("IoMarkIrpPending on an IRP another thread completed is IrpNotOwned") {
  const Catalogue catalogue = cli::builtinCatalogue();
  const Scenario& scenario = *catalogue.find("csq/mark-after-insert");
  const auto e = explore(scenario, Settings{scenario.bounds, "naive"});
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.violation->rule == "IrpNotOwned");
}

TEST_CASE("IoGetCurrentIrpStackLocation of an IoAllocateIrp IRP not sent yet is IrpStackLocationOutOfRange") {
  const auto e = exploreInline([](Setup& s) {
    s.systemThread("driver", [] {
      PIRP irp = IoAllocateIrp(1, FALSE);
      IoGetCurrentIrpStackLocation(irp)->MajorFunction = IRP_MJ_READ;  // bug: the next one is the first
      IoFreeIrp(irp);
    });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.violation->rule == "IrpStackLocationOutOfRange");
}

namespace {

NTSTATUS KeepIt(PDEVICE_OBJECT, PIRP, PVOID) { return STATUS_MORE_PROCESSING_REQUIRED; }

}  // namespace

TEST_CASE("IoFreeIrp while the driver below still holds the IRP is IoAllocateFree, DV 0xC9/0x20A; its completion then hits a freed IRP") {
  const auto e = exploreInline([](Setup& s) {
    auto& lower = s.make<DEVICE_OBJECT>("Lower");
    s.systemThread("driver", [&lower] {
      PIRP irp = IoAllocateIrp(1, FALSE);
      IoGetNextIrpStackLocation(irp)->MajorFunction = IRP_MJ_READ;
      IoSetCompletionRoutine(irp, &KeepIt, nullptr, TRUE, TRUE, TRUE);
      (void)IoCallDriver(&lower, irp);
      IoFreeIrp(irp);  // bug when the lower driver pended it
    });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.violation->rule == "MULTIPLE_IRP_COMPLETE_REQUESTS");
  CHECK(causedBy(e, "IoAllocateFree"));
}

TEST_CASE("an IRP for a device stack deeper than the model's 8 locations is a scenario error naming the device") {
  const Scenario scenario = inlineScenario([](Setup& s) {
    auto& driver = s.make<DRIVER_OBJECT>("Driver");
    driver.MajorFunction[IRP_MJ_READ] = &RecordAndComplete;
    DEVICE_OBJECT& device = IoCreateDevice<int>(s, driver, "Device");
    device.StackSize = 9;
    const HANDLE handle = openOn(s, device);
    s.systemThread("app", [handle] { (void)read(handle); });
  });
  CHECK_THROWS_WITH((void)explore(scenario, Settings{scenario.bounds, "naive"}),
                    "thread 'app' threw: ZwReadFile: Device has StackSize 9; the model carries 1 to 8 stack locations");
}

namespace {

std::vector<KIRQL> completionIrqls;

NTSTATUS RecordIrql(PDEVICE_OBJECT, PIRP Irp, PVOID) {
  completionIrqls.push_back(KeGetCurrentIrql());
  if (Irp->PendingReturned) IoMarkIrpPending(Irp);
  return STATUS_SUCCESS;
}

}  // namespace

TEST_CASE("a completion routine runs at the completer's IRQL: PASSIVE_LEVEL inline in the sender, DISPATCH_LEVEL from the lower driver's DPC (§8.2)") {
  completionIrqls.clear();
  const auto e = exploreFilter(&PassDown<&RecordIrql>, false);
  CHECK(e.verdict.result == Result::Pass);
  CHECK(e.stats.executions == 2);
  CHECK(completionIrqls == std::vector<KIRQL>{PASSIVE_LEVEL, DISPATCH_LEVEL});
}
