// IoStartPacket and IoStartNextPacket (docs/kernel-rules.md §8.1, §9.1; ReactOS
// io/iomgr/device.c IoStartPacket, IoStartNextPacket; ke/devqueue.c).
#include "interlock/primitives/StartIo.hpp"

#include "interlock/primitives/Call.hpp"
#include "interlock/primitives/Cancel.hpp"
#include "interlock/primitives/Irql.hpp"

#include <algorithm>
#include <string>

namespace interlock::wdm {

namespace {

// KeInsertDeviceQueue / KeInsertByKeyDeviceQueue: FALSE when the device was idle (it is busy
// now and the caller starts the IRP), TRUE when the entry was queued.
bool insert(KDEVICE_QUEUE& queue, KDEVICE_QUEUE_ENTRY& entry, const PULONG key) {
  if (queue.Busy == FALSE) {
    queue.Busy = TRUE;
    entry.Inserted = FALSE;
    return false;
  }
  entry.SortKey = key != nullptr ? *key : 0;
  const auto at = key == nullptr ? queue.entries.end()
                                 : std::find_if(queue.entries.begin(), queue.entries.end(),
                                                [&](const PKDEVICE_QUEUE_ENTRY other) { return other->SortKey > *key; });
  queue.entries.insert(at, &entry);
  entry.Inserted = TRUE;
  return true;
}

// KeRemoveDeviceQueue: the first entry, or NULL and the device idle.
PKDEVICE_QUEUE_ENTRY removeFirst(KDEVICE_QUEUE& queue) {
  if (queue.entries.empty()) {
    queue.Busy = FALSE;
    return nullptr;
  }
  PKDEVICE_QUEUE_ENTRY entry = queue.entries.front();
  queue.entries.pop_front();
  entry->Inserted = FALSE;
  return entry;
}

void startIo(PDEVICE_OBJECT device, PIRP irp, const char* api) {
  if (device->DriverObject == nullptr || device->DriverObject->DriverStartIo == nullptr)
    throw ScenarioError(std::string(api) + ": " + device->name() + " has no DriverStartIo");
  device->CurrentIrp = irp;
  detail::recordCall(api, device, nullptr, "calls DriverStartIo");
  device->DriverObject->DriverStartIo(device, irp);
}

}  // namespace

void IoStartPacket(PDEVICE_OBJECT DeviceObject, PIRP Irp, PULONG Key, PDRIVER_CANCEL CancelFunction) {
  constexpr const char* api = "IoStartPacket";
  if (DeviceObject == nullptr || Irp == nullptr) throw ScenarioError(std::string(api) + " with no DeviceObject or no Irp");
  Thread& thread = detail::visibleCall(api, DeviceObject, Access::Write);
  if (thread.irql > DISPATCH_LEVEL)
    detail::contractViolation("IrqlIoStartPacket", 0,
                              std::string(api) + " at " + detail::irqlName(thread.irql) + ", above DISPATCH_LEVEL",
                              DeviceObject);
  KIRQL old = thread.irql;
  const bool raise = thread.irql <= DISPATCH_LEVEL;  // already reported above it
  if (raise) KeRaiseIrql(DISPATCH_LEVEL, &old);
  KIRQL cancelIrql = PASSIVE_LEVEL;
  if (CancelFunction != nullptr) {
    IoAcquireCancelSpinLock(&cancelIrql);
    Irp->CancelRoutine = CancelFunction;
  }
  Irp->Tail.Overlay.DeviceQueueEntry.irp = Irp;
  if (!insert(DeviceObject->DeviceQueue, Irp->Tail.Overlay.DeviceQueueEntry, Key)) {
    if (CancelFunction != nullptr) IoReleaseCancelSpinLock(cancelIrql);
    startIo(DeviceObject, Irp, api);
  } else if (CancelFunction != nullptr) {
    detail::recordCall(api, DeviceObject, nullptr, "queued in the device queue");
    if (Irp->Cancel.value != FALSE) {
      // Cancelled before it was queued: the routine runs now, holding the cancel spin lock.
      Irp->CancelIrql = cancelIrql;
      Irp->CancelRoutine = nullptr;
      detail::recordCall(api, Irp, nullptr, "the IRP was cancelled: calls the cancel routine");
      CancelFunction(DeviceObject, Irp);
    } else {
      IoReleaseCancelSpinLock(cancelIrql);
    }
  } else {
    detail::recordCall(api, DeviceObject, nullptr, "queued in the device queue");
  }
  if (raise) KeLowerIrql(old);
}

void IoStartNextPacket(PDEVICE_OBJECT DeviceObject, BOOLEAN Cancelable) {
  constexpr const char* api = "IoStartNextPacket";
  if (DeviceObject == nullptr) throw ScenarioError(std::string(api) + " with no DeviceObject");
  Thread& thread = detail::visibleCall(api, DeviceObject, Access::Write);
  if (thread.irql != DISPATCH_LEVEL)
    detail::contractViolation("IrqlIoStartNextPacket", 0,
                              std::string(api) + " at " + detail::irqlName(thread.irql) +
                                  ": it is called at DISPATCH_LEVEL (from the driver's DPC)",
                              DeviceObject);
  KIRQL cancelIrql = PASSIVE_LEVEL;
  if (Cancelable) IoAcquireCancelSpinLock(&cancelIrql);
  DeviceObject->CurrentIrp = nullptr;
  PKDEVICE_QUEUE_ENTRY entry = removeFirst(DeviceObject->DeviceQueue);
  if (Cancelable) IoReleaseCancelSpinLock(cancelIrql);
  if (entry == nullptr) {
    detail::recordCall(api, DeviceObject, nullptr, "the device queue is empty: the device is idle");
    return;
  }
  startIo(DeviceObject, entry->irp, api);
}

BOOLEAN KeRemoveEntryDeviceQueue(PKDEVICE_QUEUE DeviceQueue, PKDEVICE_QUEUE_ENTRY DeviceQueueEntry) {
  constexpr const char* api = "KeRemoveEntryDeviceQueue";
  if (DeviceQueue == nullptr || DeviceQueueEntry == nullptr)
    throw ScenarioError(std::string(api) + " with no DeviceQueue or no DeviceQueueEntry");
  // The queue is the device's: the unlink is a visible write to the device, as the starts are.
  const DEVICE_OBJECT* device = nullptr;
  for (KernelObject* object : Execution::current().objects())
    if (auto* candidate = dynamic_cast<DEVICE_OBJECT*>(object); candidate != nullptr && &candidate->DeviceQueue == DeviceQueue)
      device = candidate;
  if (device == nullptr) throw ScenarioError(std::string(api) + ": the queue is no device's DeviceQueue");
  const Thread& thread = detail::visibleCall(api, device, Access::Write);
  if (thread.irql > DISPATCH_LEVEL)
    detail::contractViolation("IrqlKeDispatchLte", 0x20011,
                              std::string(api) + " at " + detail::irqlName(thread.irql) + ", above DISPATCH_LEVEL",
                              device);
  const auto at = std::find(DeviceQueue->entries.begin(), DeviceQueue->entries.end(), DeviceQueueEntry);
  if (at == DeviceQueue->entries.end()) {
    detail::recordCall(api, device, nullptr, "FALSE (not queued)");
    return FALSE;
  }
  DeviceQueue->entries.erase(at);
  DeviceQueueEntry->Inserted = FALSE;
  detail::recordCall(api, device, nullptr, "TRUE");
  return TRUE;
}

}  // namespace interlock::wdm
