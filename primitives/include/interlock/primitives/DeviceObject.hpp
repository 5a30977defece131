#pragma once
// DRIVER_OBJECT and DEVICE_OBJECT (docs/kernel-rules.md §8.1). A device whose DriverObject is
// set runs that driver's dispatch routines when an IRP reaches it; a device without one stands
// for a lower driver the model does not run (it completes inline or pends: a branch).
#include "interlock/core/KernelObject.hpp"
#include "interlock/core/Scenario.hpp"
#include "interlock/core/Setup.hpp"
#include "interlock/primitives/WdkTypes.hpp"

#include <array>
#include <cstddef>
#include <deque>
#include <memory>
#include <string>
#include <string_view>

namespace interlock::wdm {

class IRP;
using PIRP = IRP*;
class DEVICE_OBJECT;
using PDEVICE_OBJECT = DEVICE_OBJECT*;

using PDRIVER_DISPATCH = NTSTATUS (*)(PDEVICE_OBJECT DeviceObject, PIRP Irp);
using PDRIVER_STARTIO = void (*)(PDEVICE_OBJECT DeviceObject, PIRP Irp);

// KDEVICE_QUEUE: the IRPs IoStartPacket queued behind the one DriverStartIo works on. Busy
// while DriverStartIo has an IRP; the entries are the IRPs' Tail.Overlay.DeviceQueueEntry.
struct KDEVICE_QUEUE_ENTRY {
  BOOLEAN Inserted = FALSE;
  ULONG SortKey = 0;
  PIRP irp = nullptr;  // model state: CONTAINING_RECORD's answer
};
using PKDEVICE_QUEUE_ENTRY = KDEVICE_QUEUE_ENTRY*;
struct KDEVICE_QUEUE {
  BOOLEAN Busy = FALSE;
  std::deque<PKDEVICE_QUEUE_ENTRY> entries;  // model state: the list, FIFO within a sort key
};
using PKDEVICE_QUEUE = KDEVICE_QUEUE*;

inline constexpr UCHAR IRP_MJ_MAXIMUM_FUNCTION = 0x1B;

// DriverObject->MajorFunction: an index past IRP_MJ_MAXIMUM_FUNCTION is the scenario's error.
class DispatchTable {
 public:
  PDRIVER_DISPATCH& operator[](std::size_t index) { return routines_[checked(index)]; }
  const PDRIVER_DISPATCH& operator[](std::size_t index) const { return routines_[checked(index)]; }

 private:
  static std::size_t checked(std::size_t index) {
    if (index > IRP_MJ_MAXIMUM_FUNCTION)
      throw ScenarioError("DriverObject->MajorFunction[" + std::to_string(index) +
                          "]: the index is out of range, expected 0 to IRP_MJ_MAXIMUM_FUNCTION (27)");
    return index;
  }
  std::array<PDRIVER_DISPATCH, IRP_MJ_MAXIMUM_FUNCTION + 1> routines_{};
};

// A driver: its dispatch table, filled in by the scenario's setup (DriverEntry's job).
class DRIVER_OBJECT final : public interlock::KernelObject {
 public:
  [[nodiscard]] const char* typeName() const noexcept override { return "DRIVER_OBJECT"; }
  [[nodiscard]] bool isLock() const noexcept override { return false; }
  DispatchTable MajorFunction;
  PDRIVER_STARTIO DriverStartIo = nullptr;
};
using PDRIVER_OBJECT = DRIVER_OBJECT*;

class DEVICE_OBJECT final : public interlock::KernelObject {
 public:
  [[nodiscard]] const char* typeName() const noexcept override { return "DEVICE_OBJECT"; }

  PDRIVER_OBJECT DriverObject = nullptr;  // nullptr: a lower driver the model does not run
  PVOID DeviceExtension = nullptr;
  CCHAR StackSize = 1;                    // stack locations an IRP sent here needs
  PIRP CurrentIrp = nullptr;              // the IRP DriverStartIo works on (IoStartPacket)
  KDEVICE_QUEUE DeviceQueue;
  // Model state: IoDeleteDevice ran (§18 DeviceDeleted), and the extension's storage.
  bool deleted = false;
  std::shared_ptr<void> extension;
};

// IoCreateDevice as a scenario's setup calls it: a device of `driver` named `name`, with a
// value-initialized `Extension` as its DeviceExtension (kept as long as the device).
template <typename Extension>
DEVICE_OBJECT& IoCreateDevice(Setup& setup, DRIVER_OBJECT& driver, std::string_view name) {
  DEVICE_OBJECT& device = setup.make<DEVICE_OBJECT>(name);
  device.DriverObject = &driver;
  device.extension = std::make_shared<Extension>();
  device.DeviceExtension = device.extension.get();
  return device;
}

// Layers `source` over `target`: an IRP sent to `source` needs one more stack location.
// Returns the device `source` passes IRPs down to.
PDEVICE_OBJECT IoAttachDeviceToDeviceStack(PDEVICE_OBJECT SourceDevice, PDEVICE_OBJECT TargetDevice);
// The device and its extension are gone: a dispatch routine of it still forwarding an IRP is
// ContractViolation DeviceDeleted (§18).
void IoDeleteDevice(PDEVICE_OBJECT DeviceObject);
void IoDetachDevice(PDEVICE_OBJECT TargetDevice);

}  // namespace interlock::wdm
