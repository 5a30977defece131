#pragma once
// System-queued I/O (docs/kernel-rules.md §8.1, §9.1): IoStartPacket hands an IRP to the
// driver's DriverStartIo at DISPATCH_LEVEL when the device is idle, else queues it in the
// device queue; IoStartNextPacket, from the driver's completion path, starts the next one.
// The optional cancel routine is set under the cancel spin lock as the IRP is queued, and
// called at once for an IRP cancelled before (ReactOS io/iomgr/device.c).
#include "interlock/primitives/DeviceObject.hpp"
#include "interlock/primitives/Irp.hpp"

namespace interlock::wdm {

// <= DISPATCH_LEVEL. Key: NULL for FIFO, else the device queue's sort key.
void IoStartPacket(PDEVICE_OBJECT DeviceObject, PIRP Irp, PULONG Key, PDRIVER_CANCEL CancelFunction);
// DISPATCH_LEVEL. Cancelable: the driver's IRPs have cancel routines (the cancel spin lock is
// held while the next one is taken).
void IoStartNextPacket(PDEVICE_OBJECT DeviceObject, BOOLEAN Cancelable);
// <= DISPATCH_LEVEL. TRUE when the entry was queued (a cancel routine's unlink).
BOOLEAN KeRemoveEntryDeviceQueue(PKDEVICE_QUEUE DeviceQueue, PKDEVICE_QUEUE_ENTRY DeviceQueueEntry);

}  // namespace interlock::wdm
