#include "interlock/driver/Driver.hpp"

#include "IoBridge.hpp"
#include "Kernel.hpp"
#include "interlock/primitives/Dpc.hpp"

#include "../IrpModel.hpp"
#include "interlock/primitives/FileIo.hpp"

#include "interlock/primitives/Call.hpp"
#include "interlock/primitives/Event.hpp"
#include "interlock/primitives/Wait.hpp"

#include <cstdio>
#include <memory>
#include <string>

namespace interlock::driver {

namespace {

// The registry path DriverEntry is given: the service key a driver's INF would create.
constexpr char16_t kRegistryPath[] = u"\\Registry\\Machine\\System\\CurrentControlSet\\Services\\Driver";

constexpr std::int32_t kStatusNoSuchDevice = static_cast<std::int32_t>(0xC000000Eu);

std::string statusText(std::int32_t status) {
  char text[16];
  std::snprintf(text, sizeof text, "0x%08X", static_cast<unsigned>(status));
  return text;
}

}  // namespace

void beginExecution(Setup& setup, DriverEntryRoutine entry) { detail::Kernel::instance().begin(setup, entry); }

std::int32_t load() {
  detail::Kernel& kernel = detail::Kernel::current();
  static detail::UnicodeString registryPath{
      static_cast<std::uint16_t>(sizeof kRegistryPath - sizeof(char16_t)), static_cast<std::uint16_t>(sizeof kRegistryPath),
      reinterpret_cast<wchar_t*>(const_cast<char16_t*>(kRegistryPath))};
  wdm::detail::recordCall("DriverEntry", nullptr, nullptr, "called by the I/O manager");
  const std::int32_t status = kernel.entry()(&kernel.driverObject(), &registryPath);
  if (status < 0)
    Execution::current().report(Violation{.kind = ViolationKind::Assertion,
                                          .rule = "Assertion",
                                          .message = "DriverEntry failed with status " + statusText(status)});
  wdm::KeSetEvent(kernel.loadedEvent(), wdm::IO_NO_INCREMENT, wdm::FALSE);
  return status;
}

void waitUntilLoaded() {
  detail::Kernel& kernel = detail::Kernel::current();
  (void)wdm::KeWaitForSingleObject(kernel.loadedEvent(), wdm::Executive, wdm::KernelMode, wdm::FALSE, nullptr);
}

void unload() {
  detail::Kernel& kernel = detail::Kernel::current();
  if (kernel.driverObject().DriverUnload == nullptr)
    throw ScenarioError("the driver set no DriverUnload: Windows cannot unload it, and the scenario cannot either");
  // From here a request the harness sends finds no device (§10 is for those already sent). A
  // write to the load event, which every send reads first: the search orders the two.
  (void)wdm::detail::visibleCall("DriverUnload", kernel.loadedEvent(), Access::Write);
  kernel.io().unloading = true;
  wdm::detail::recordCall("DriverUnload", nullptr, nullptr, "called by the I/O manager");
  kernel.driverObject().DriverUnload(&kernel.driverObject());
  wdm::driverUnloadReturns();  // a DPC still queued or a timer still armed is 0xCE (§11)
  kernel.reportLeaks();
}

std::int32_t send(const Request& request, std::size_t index) {
  detail::Kernel& kernel = detail::Kernel::current();
  detail::IoBridge& io = kernel.io();
  (void)wdm::detail::visibleCall("IoCreateFile", kernel.loadedEvent(), Access::Read);  // the open sees the unload
  if (io.unloading) {
    // The I/O manager opens no handle to a device whose driver is unloading.
    wdm::detail::recordCall("interlock::driver::send", nullptr, nullptr,
                            "STATUS_NO_SUCH_DEVICE (the driver is unloading)");
    return kStatusNoSuchDevice;
  }
  void* target = device(index);
  if (target == nullptr)
    throw ScenarioError("interlock::driver::send to device " + std::to_string(index) +
                        ", which the driver has not created (or has deleted)");
  (void)io.modelDevice(target, "interlock::driver::send");  // the dispatch table as the driver set it now
  wdm::FILE_OBJECT& handle = io.handle(target, request.requesterCancels);
  const char* api = "IoCallDriver";
  switch (request.majorFunction) {
    case wdm::IRP_MJ_READ: api = "ZwReadFile"; break;
    case wdm::IRP_MJ_WRITE: api = "ZwWriteFile"; break;
    case wdm::IRP_MJ_DEVICE_CONTROL: api = "ZwDeviceIoControlFile"; break;
    case wdm::IRP_MJ_CLEANUP: api = "ZwClose"; break;
    case wdm::IRP_MJ_PNP: api = "IoInvalidateDeviceState"; break;
    default: break;
  }
  wdm::IO_STATUS_BLOCK status;
  const std::int32_t result = wdm::detail::sendFileRequest(
      api, request.majorFunction, &handle, &status,
      {.minorFunction = request.minorFunction, .length = request.length, .ioControlCode = request.ioControlCode});
  ++io.returned;
  if (io.returnedEvent != nullptr) wdm::KeSetEvent(io.returnedEvent, wdm::IO_NO_INCREMENT, wdm::FALSE);
  return result;
}

void waitForRequests(std::size_t count) {
  detail::Kernel& kernel = detail::Kernel::current();
  detail::IoBridge& io = kernel.io();
  while (io.returned < count)
    (void)wdm::KeWaitForSingleObject(io.returnedEvent, wdm::Executive, wdm::KernelMode, wdm::FALSE, nullptr);
}

std::int32_t read(std::uint32_t length, bool requesterCancels, std::size_t index) {
  return send(Request{.majorFunction = wdm::IRP_MJ_READ, .length = length, .requesterCancels = requesterCancels}, index);
}

std::int32_t deviceControl(std::uint32_t ioControlCode, bool requesterCancels, std::size_t index) {
  return send(Request{.majorFunction = wdm::IRP_MJ_DEVICE_CONTROL, .ioControlCode = ioControlCode,
                      .requesterCancels = requesterCancels},
              index);
}

std::int32_t cleanup(std::size_t index) { return send(Request{.majorFunction = wdm::IRP_MJ_CLEANUP}, index); }

std::int32_t removeDevice(std::size_t index) {
  return send(Request{.majorFunction = wdm::IRP_MJ_PNP, .minorFunction = wdm::IRP_MN_REMOVE_DEVICE}, index);
}

void* lowerDevice() { return detail::Kernel::current().io().lowerDevice(); }
bool widenRacyLocations() { return detail::Kernel::instance().races().widen(); }
std::vector<std::string> racyLocations() { return detail::Kernel::instance().races().locations(); }
void useRacyLocations(const std::vector<std::string>& names) { detail::Kernel::instance().races().use(names); }

void* driverObject() { return &detail::Kernel::current().driverObject(); }

void* device(std::size_t index) {
  auto& devices = detail::Kernel::current().devices();
  return index < devices.size() ? devices[index] : nullptr;
}

void* deviceExtension(std::size_t index) {
  auto* object = static_cast<detail::DeviceObject*>(device(index));
  return object != nullptr ? object->DeviceExtension : nullptr;
}

}  // namespace interlock::driver
