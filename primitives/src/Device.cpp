// Device stacks and device deletion (docs/kernel-rules.md §8.1, §18 DeviceDeleted).
#include "interlock/primitives/DeviceObject.hpp"

#include "interlock/primitives/Call.hpp"

#include <string>

namespace interlock::wdm {

namespace {

// Setup calls these before any thread runs; a thread's call is recorded, not a scheduling point:
// only the driver's own device changes.
void record(const char* api, const DEVICE_OBJECT* device) {
  if (Execution::currentOrNull() != nullptr) detail::recordCall(api, device, nullptr, nullptr);
}

}  // namespace

PDEVICE_OBJECT IoAttachDeviceToDeviceStack(PDEVICE_OBJECT SourceDevice, PDEVICE_OBJECT TargetDevice) {
  if (SourceDevice == nullptr || TargetDevice == nullptr)
    throw ScenarioError("IoAttachDeviceToDeviceStack with no SourceDevice or no TargetDevice");
  SourceDevice->StackSize = static_cast<CCHAR>(TargetDevice->StackSize + 1);
  record("IoAttachDeviceToDeviceStack", SourceDevice);
  return TargetDevice;
}

void IoDetachDevice(PDEVICE_OBJECT TargetDevice) {
  if (TargetDevice == nullptr) throw ScenarioError("IoDetachDevice with no TargetDevice");
  record("IoDetachDevice", TargetDevice);
}

void IoDeleteDevice(PDEVICE_OBJECT DeviceObject) {
  if (DeviceObject == nullptr) throw ScenarioError("IoDeleteDevice with no DeviceObject");
  constexpr const char* api = "IoDeleteDevice";
  if (Execution* execution = Execution::currentOrNull(); execution != nullptr && execution->currentThreadOrNull() != nullptr)
    (void)detail::visibleCall(api, DeviceObject, Access::Write);
  if (DeviceObject->deleted)
    detail::contractViolation("DeviceDeleted", 0, std::string(api) + " on " + DeviceObject->name() +
                                                      ", which was already deleted",
                              DeviceObject);
  DeviceObject->deleted = true;
  record(api, DeviceObject);
}

}  // namespace interlock::wdm
