// IO_REMOVE_LOCK against the PnP remove (docs/kernel-rules.md §10; bug patterns §18.10,
// §18.11). The PnP manager sends IRP_MN_REMOVE_DEVICE from its own thread while the
// application's read runs.
#include "IoDriver.hpp"
#include "interlock/scenarios/Builtin.hpp"

namespace interlock::scenarios {

using namespace interlock::wdm;
using namespace interlock::scenarios::io;

namespace {

struct RemoveExtension {
  IO_REMOVE_LOCK* RemoveLock = nullptr;
  PDEVICE_OBJECT Lower = nullptr;
  bool Started = false;  // IRP_MN_START_DEVICE never came: reads fail
};

RemoveExtension& extensionOf(PDEVICE_OBJECT device) { return *static_cast<RemoveExtension*>(device->DeviceExtension); }

// The remove handler: wait for the I/O in progress, then detach and delete the device.
NTSTATUS DispatchPnp(PDEVICE_OBJECT DeviceObject, PIRP Irp) {
  RemoveExtension& extension = extensionOf(DeviceObject);
  const NTSTATUS status = IoAcquireRemoveLock(extension.RemoveLock, Irp);
  if (!NT_SUCCESS(status)) {
    completeIrp(Irp, status);
    return status;
  }
  if (IoGetCurrentIrpStackLocation(Irp)->MinorFunction == IRP_MN_REMOVE_DEVICE) {
    IoReleaseRemoveLockAndWait(extension.RemoveLock, Irp);
    IoDetachDevice(extension.Lower);
    IoDeleteDevice(DeviceObject);
    completeIrp(Irp, STATUS_SUCCESS);
    return STATUS_SUCCESS;
  }
  IoReleaseRemoveLock(extension.RemoveLock, Irp);
  completeIrp(Irp, STATUS_SUCCESS);
  return STATUS_SUCCESS;
}

NTSTATUS ReadLeakingLock(PDEVICE_OBJECT DeviceObject, PIRP Irp) {
  RemoveExtension& extension = extensionOf(DeviceObject);
  const NTSTATUS status = IoAcquireRemoveLock(extension.RemoveLock, Irp);
  if (!NT_SUCCESS(status)) {
    completeIrp(Irp, status);
    return status;
  }
  if (!extension.Started) {
    completeIrp(Irp, STATUS_DEVICE_NOT_READY);
    return STATUS_DEVICE_NOT_READY;  // bug: the remove lock is never released
  }
  IoReleaseRemoveLock(extension.RemoveLock, Irp);
  completeIrp(Irp, STATUS_SUCCESS);
  return STATUS_SUCCESS;
}

NTSTATUS ReadReleasingLock(PDEVICE_OBJECT DeviceObject, PIRP Irp) {
  RemoveExtension& extension = extensionOf(DeviceObject);
  const NTSTATUS status = IoAcquireRemoveLock(extension.RemoveLock, Irp);
  if (!NT_SUCCESS(status)) {
    completeIrp(Irp, status);
    return status;
  }
  const NTSTATUS result = extension.Started ? STATUS_SUCCESS : STATUS_DEVICE_NOT_READY;
  IoReleaseRemoveLock(extension.RemoveLock, Irp);
  completeIrp(Irp, result);
  return result;
}

// A filter-style read: pass it down to the lower device under the remove lock.
NTSTATUS ReadIgnoringDeletePending(PDEVICE_OBJECT DeviceObject, PIRP Irp) {
  RemoveExtension& extension = extensionOf(DeviceObject);
  (void)IoAcquireRemoveLock(extension.RemoveLock, Irp);  // bug: STATUS_DELETE_PENDING ignored
  IoSkipCurrentIrpStackLocation(Irp);
  const NTSTATUS status = IoCallDriver(extension.Lower, Irp);
  IoReleaseRemoveLock(extension.RemoveLock, Irp);
  return status;
}

NTSTATUS ReadHonouringDeletePending(PDEVICE_OBJECT DeviceObject, PIRP Irp) {
  RemoveExtension& extension = extensionOf(DeviceObject);
  const NTSTATUS acquired = IoAcquireRemoveLock(extension.RemoveLock, Irp);
  if (!NT_SUCCESS(acquired)) {
    completeIrp(Irp, acquired);
    return acquired;
  }
  IoSkipCurrentIrpStackLocation(Irp);
  const NTSTATUS status = IoCallDriver(extension.Lower, Irp);
  IoReleaseRemoveLock(extension.RemoveLock, Irp);
  return status;
}

// The PnP manager's IRP_MN_REMOVE_DEVICE, sent and waited for as a synchronous request.
void sendRemove(PDEVICE_OBJECT device, KEVENT& done) {
  IO_STATUS_BLOCK status;
  KeInitializeEvent(&done, NotificationEvent, FALSE);
  PIRP irp = IoBuildSynchronousFsdRequest(IRP_MJ_PNP, device, nullptr, 0, nullptr, &done, &status);
  IoGetNextIrpStackLocation(irp)->MinorFunction = IRP_MN_REMOVE_DEVICE;
  if (IoCallDriver(device, irp) == STATUS_PENDING)
    (void)KeWaitForSingleObject(&done, Executive, KernelMode, FALSE, nullptr);
}

Scenario removeScenario(const char* name, const char* description, Expectation expected,
                        PDRIVER_DISPATCH read) {
  return Scenario{name, description, std::move(expected), Bounds{}, [read](Setup& s) {
                    auto& driver = s.make<DRIVER_OBJECT>("Driver");
                    driver.MajorFunction[IRP_MJ_READ] = read;
                    driver.MajorFunction[IRP_MJ_PNP] = &DispatchPnp;
                    auto& lock = s.make<IO_REMOVE_LOCK>("RemoveLock");
                    IoInitializeRemoveLock(&lock, 0x6B636F4C, 0, 0);
                    auto& lower = s.make<DEVICE_OBJECT>("LowerDevice");  // a driver the model does not run
                    auto& done = s.make<KEVENT>("RemoveDone");
                    DEVICE_OBJECT& device = IoCreateDevice<RemoveExtension>(s, driver, "Device");
                    RemoveExtension& extension = extensionOf(&device);
                    extension.RemoveLock = &lock;
                    extension.Lower = IoAttachDeviceToDeviceStack(&device, &lower);
                    const HANDLE handle = openDevice(s, device, false);
                    s.systemThread("app", [handle] { (void)readDevice(handle); });
                    s.systemThread("pnp", [&device, &done] { sendRemove(&device, done); });
                  }};
}

Scenario leak() {
  return removeScenario(
      "remove-lock/leak",
      "A read dispatch routine acquires the remove lock, then fails the read on an error path "
      "that returns without IoReleaseRemoveLock. When the read acquired it before the PnP "
      "manager's IRP_MN_REMOVE_DEVICE, the remove handler's IoReleaseRemoveLockAndWait waits "
      "for that acquisition forever.",
      Expectation::violation(ViolationKind::Deadlock, "NoThreadCanMove"), &ReadLeakingLock);
}

Scenario balanced() {
  return removeScenario(
      "remove-lock/balanced",
      "The fix of remove-lock/leak: every path after a successful IoAcquireRemoveLock releases "
      "it before completing the IRP.",
      Expectation::pass(), &ReadReleasingLock);
}

Scenario deletePendingIgnored() {
  return removeScenario(
      "remove-lock/delete-pending-ignored",
      "A read dispatch routine ignores IoAcquireRemoveLock's status. Once the remove handler's "
      "IoReleaseRemoveLockAndWait began, the acquire fails with STATUS_DELETE_PENDING, yet the "
      "read goes on: it passes the IRP down from a device the handler may already have deleted, "
      "and releases an acquisition it never made, so release-and-wait cannot count it.",
      Expectation::violation(ViolationKind::ContractViolation), &ReadIgnoringDeletePending);
}

Scenario deletePendingHonoured() {
  return removeScenario(
      "remove-lock/delete-pending-honoured",
      "The fix of remove-lock/delete-pending-ignored: a failed IoAcquireRemoveLock completes the "
      "read with STATUS_DELETE_PENDING and touches the device no further.",
      Expectation::pass(), &ReadHonouringDeletePending);
}

}  // namespace

std::vector<Scenario> removeLockScenarios() {
  return {leak(), balanced(), deletePendingIgnored(), deletePendingHonoured()};
}

}  // namespace interlock::scenarios
