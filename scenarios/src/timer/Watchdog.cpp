// A watchdog timer on a pended read (docs/kernel-rules.md §12.1; bug pattern §18.9): the
// transfer's completion and the watchdog's expiry race to complete the same IRP.
#include "../IoDriver.hpp"
#include "TimerScenarios.hpp"

namespace interlock::scenarios {

using namespace interlock::wdm;
using namespace interlock::scenarios::io;

namespace {

inline constexpr NTSTATUS STATUS_IO_TIMEOUT = static_cast<NTSTATUS>(0xC00000B5u);

struct WatchdogExtension {
  PEX_TIMER Watchdog = nullptr;
  PIRP Pending = nullptr;  // the read in progress; one at a time in this device
};

WatchdogExtension& extensionOf(PDEVICE_OBJECT device) {
  return *static_cast<WatchdogExtension*>(device->DeviceExtension);
}

// The watchdog fired: the device did not answer in time, fail the read.
void WatchdogExpired(PEX_TIMER, PVOID Context) {
  completeIrp(extensionOf(static_cast<PDEVICE_OBJECT>(Context)).Pending, STATUS_IO_TIMEOUT);
}

// The device finished the transfer (a work item stands for its completion path).
void TransferDoneCancelThenComplete(PDEVICE_OBJECT DeviceObject, PVOID) {
  WatchdogExtension& extension = extensionOf(DeviceObject);
  (void)ExCancelTimer(extension.Watchdog, nullptr);  // bug: the watchdog may have fired already
  completeIrp(extension.Pending, STATUS_SUCCESS);
}

void TransferDoneIfCancelled(PDEVICE_OBJECT DeviceObject, PVOID) {
  WatchdogExtension& extension = extensionOf(DeviceObject);
  // FALSE: the watchdog expired, and its callback completes (or completed) the read.
  if (ExCancelTimer(extension.Watchdog, nullptr)) completeIrp(extension.Pending, STATUS_SUCCESS);
}

template <PIO_WORKITEM_ROUTINE TransferDone>
NTSTATUS ReadWithWatchdog(PDEVICE_OBJECT DeviceObject, PIRP Irp) {
  WatchdogExtension& extension = extensionOf(DeviceObject);
  IoMarkIrpPending(Irp);
  extension.Pending = Irp;
  (void)ExSetTimer(extension.Watchdog, -10'000'000, 0, nullptr);  // one second, relative
  IoQueueWorkItem(IoAllocateWorkItem(DeviceObject), TransferDone, DelayedWorkQueue, nullptr);
  return STATUS_PENDING;
}

Scenario watchdogScenario(const char* name, const char* description, Expectation expected,
                          PDRIVER_DISPATCH read) {
  return Scenario{name, description, std::move(expected), Bounds{}, [read](Setup& s) {
                    auto& driver = s.make<DRIVER_OBJECT>("Driver");
                    driver.MajorFunction[IRP_MJ_READ] = read;
                    DEVICE_OBJECT& device = IoCreateDevice<WatchdogExtension>(s, driver, "Device");
                    extensionOf(&device).Watchdog = ExAllocateTimer(&WatchdogExpired, &device, 0);
                    const HANDLE handle = openDevice(s, device, false);
                    s.systemThread("app", [handle] { (void)readDevice(handle); });
                  }};
}

Scenario watchdogCompletesToo() {
  return watchdogScenario(
      "timer/watchdog-completes-too",
      "A read dispatch routine pends the IRP and arms a one-second EX_TIMER watchdog whose "
      "callback fails the read with STATUS_IO_TIMEOUT. When the transfer finishes, the "
      "completion path cancels the watchdog and completes the read, ignoring what "
      "ExCancelTimer returned. If the watchdog expired first, its callback has completed the "
      "IRP (or is about to), and the IRP is completed twice: MULTIPLE_IRP_COMPLETE_REQUESTS "
      "(0x44).",
      Expectation::violation(ViolationKind::BugCheck, "MULTIPLE_IRP_COMPLETE_REQUESTS"),
      &ReadWithWatchdog<&TransferDoneCancelThenComplete>);
}

Scenario watchdogCancelDecides() {
  return watchdogScenario(
      "timer/watchdog-cancel-decides",
      "The fix of timer/watchdog-completes-too: the completion path completes the read only "
      "when ExCancelTimer returns TRUE, that is when it stopped the watchdog before it "
      "expired; FALSE means the watchdog's callback owns the IRP. Exactly one of them "
      "completes it.",
      Expectation::pass(), &ReadWithWatchdog<&TransferDoneIfCancelled>);
}

}  // namespace

std::vector<Scenario> timerWatchdogScenarios() { return {watchdogCompletesToo(), watchdogCancelDecides()}; }

}  // namespace interlock::scenarios
