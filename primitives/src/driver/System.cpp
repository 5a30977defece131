// System threads, device objects, object references and debug output as wdm.h declares them
// (§17 for system threads and thread objects; IRPs are in Irps.cpp).
#include "IoBridge.hpp"
#include "Kernel.hpp"
#include "ThreadObject.hpp"

#include "interlock/primitives/Call.hpp"
#include "interlock/primitives/DeviceObject.hpp"

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>

namespace {

using interlock::Access;
using interlock::Execution;
using interlock::driver::detail::DeviceObject;
using interlock::driver::detail::Kernel;
using interlock::driver::detail::ThreadObject;
namespace wd = interlock::wdm::detail;

constexpr std::int32_t kStatusSuccess = 0;
constexpr std::int32_t kStatusInvalidParameter = static_cast<std::int32_t>(0xC000000Du);
constexpr std::int32_t kStatusInvalidHandle = static_cast<std::int32_t>(0xC0000008u);
constexpr std::uint32_t kDoDeviceInitializing = 0x80;

// What *PsThreadType points at: an object type only compared, never read.
void* threadObjectType = nullptr;

// PsTerminateSystemThread unwinds the thread's frames to its start wrapper; not a
// std::exception, so nothing on the way (the execution's own handlers) takes it for an error.
struct SystemThreadExit {};

// The end of a system thread: its object is signalled, waking those that wait for it.
void threadEnded(ThreadObject& object) {
  wd::visibleCall("PsTerminateSystemThread", &object, Access::Release);
  object.signalState = 1;
  wd::waitTest(object);
  wd::recordCall("PsTerminateSystemThread", &object, nullptr, "the thread ends; its object is signalled");
}

ThreadObject* threadObject(void* handle) {
  return Kernel::current().find<ThreadObject>(handle);
}

}  // namespace

extern "C" {

using StartRoutine = void (*)(void* context);

std::int32_t PsCreateSystemThread(void** ThreadHandle, std::uint32_t DesiredAccess, void* ObjectAttributes,
                                  void* ProcessHandle, void* ClientId, StartRoutine Start, void* StartContext) {
  (void)DesiredAccess, (void)ObjectAttributes, (void)ClientId;
  if (ProcessHandle != nullptr)
    throw interlock::ScenarioError("PsCreateSystemThread into another process is not modelled: pass a NULL ProcessHandle");
  Kernel& kernel = Kernel::current();
  Execution& execution = Execution::current();
  if (execution.currentThread().irql != interlock::kPassiveLevel)
    wd::contractViolation("IrqlPsPassive", 0x2001C, "PsCreateSystemThread above PASSIVE_LEVEL");
  const std::string name = "SystemThread" + std::to_string(kernel.nextThreadNumber());
  auto owned = std::make_unique<ThreadObject>();
  ThreadObject& object = *owned;
  kernel.keep(std::move(owned), typeid(ThreadObject), name);
  wd::recordCall("PsCreateSystemThread", &object, nullptr, "a new system thread");
  (void)execution.spawnThread(interlock::ThreadSpec{
      name, "system", interlock::ThreadKind::System, false, [Start, StartContext, &object] {
        try {
          Start(StartContext);
        } catch (const SystemThreadExit&) {
        }
        threadEnded(object);
      }});
  if (ThreadHandle != nullptr) *ThreadHandle = &object;  // the handle is the object: ObReference returns it
  return kStatusSuccess;
}

std::int32_t PsTerminateSystemThread(std::int32_t ExitStatus) {
  (void)ExitStatus;
  if (Execution::current().currentThread().spec().kind != interlock::ThreadKind::System)
    return kStatusInvalidParameter;  // not a system thread: the call fails and returns
  throw SystemThreadExit{};
}

void* KeGetCurrentThread() { return &Execution::current().currentThread(); }

// *PsThreadType is the thread object type a driver passes to ObReferenceObjectByHandle.
void* PsThreadType = &threadObjectType;

std::int32_t ObReferenceObjectByHandle(void* Handle, std::uint32_t DesiredAccess, void* ObjectType,
                                       char AccessMode, void** Object, void* HandleInformation) {
  (void)DesiredAccess, (void)ObjectType, (void)AccessMode, (void)HandleInformation;
  if (threadObject(Handle) == nullptr) return kStatusInvalidHandle;
  *Object = Handle;
  return kStatusSuccess;
}
std::intptr_t ObfReferenceObject(void* Object) {
  (void)Object;
  return 1;
}
std::intptr_t ObfDereferenceObject(void* Object) {
  (void)Object;
  return 0;
}
std::int32_t ZwClose(void* Handle) {
  (void)Handle;
  return kStatusSuccess;
}

std::int32_t IoCreateDevice(void* DriverObject, std::uint32_t DeviceExtensionSize, void* DeviceName,
                            std::uint32_t DeviceType, std::uint32_t DeviceCharacteristics,
                            std::uint8_t Exclusive, void** Device) {
  (void)DeviceName, (void)Exclusive;
  (void)wd::localCall();
  Kernel& kernel = Kernel::current();
  auto* driver = static_cast<interlock::driver::detail::DriverObject*>(DriverObject);
  auto* device = static_cast<DeviceObject*>(kernel.allocate(sizeof(DeviceObject), 0x6F766544, "device"));
  device->Type = 3;  // IO_TYPE_DEVICE
  device->Size = static_cast<std::uint16_t>(sizeof(DeviceObject));
  device->ReferenceCount = 0;
  device->Driver = driver;
  device->Flags = kDoDeviceInitializing;
  device->Characteristics = DeviceCharacteristics;
  device->DeviceType = DeviceType;
  device->StackSize = 1;
  if (DeviceExtensionSize != 0) device->DeviceExtension = kernel.allocate(DeviceExtensionSize, 0x78766544, "extension");
  device->NextDevice = static_cast<DeviceObject*>(driver->DeviceObject);
  driver->DeviceObject = device;
  kernel.devices().push_back(device);
  kernel.io().deviceCreated(device);
  wd::recordCall("IoCreateDevice", nullptr, nullptr, "a new DEVICE_OBJECT");
  *Device = device;
  return kStatusSuccess;
}

void IoDeleteDevice(void* Device) {
  (void)wd::localCall();
  Kernel& kernel = Kernel::current();
  auto* device = static_cast<DeviceObject*>(Device);
  for (auto*& kept : kernel.devices())
    if (kept == device) kept = nullptr;
  auto* driver = device->Driver;
  for (auto** link = reinterpret_cast<DeviceObject**>(&driver->DeviceObject); *link != nullptr; link = &(*link)->NextDevice)
    if (*link == device) {
      *link = device->NextDevice;
      break;
    }
  // The I/O model's device, if an IRP ever reached it: later sends find it deleted (§18).
  if (auto* model = kernel.find<interlock::wdm::DEVICE_OBJECT>(device)) interlock::wdm::IoDeleteDevice(model);
  if (device->DeviceExtension != nullptr) kernel.freeKeepingModels(device->DeviceExtension, "IoDeleteDevice");
  kernel.freeKeepingModels(device, "IoDeleteDevice");
  wd::recordCall("IoDeleteDevice", nullptr, nullptr, "the DEVICE_OBJECT and its extension are freed");
}

// Debug output goes nowhere: an execution is run many times, and its trace is the record.
std::uint32_t DbgPrint(const char* Format, ...) {
  (void)Format;
  return 0;
}
std::uint32_t DbgPrintEx(std::uint32_t ComponentId, std::uint32_t Level, const char* Format, ...) {
  (void)ComponentId, (void)Level, (void)Format;
  return 0;
}

// ASSERT in driver code: a false condition is an Assertion finding, as a checked build's
// assertion failure breaks into the debugger.
void InterlockDriverAssert(int Condition, const char* Text, const char* File, std::uint32_t Line) {
  if (Condition != 0) return;
  const char* base = std::strrchr(File, '/');
  Execution::current().report(interlock::Violation{
      .kind = interlock::ViolationKind::Assertion,
      .rule = "Assertion",
      .message = std::string("ASSERT(") + Text + ") failed at " + (base != nullptr ? base + 1 : File) + ":" +
                 std::to_string(Line)});
}

}  // extern "C"
