#include "interlock/driver/Driver.hpp"

#include "Kernel.hpp"

#include "interlock/primitives/Call.hpp"
#include "interlock/primitives/Event.hpp"
#include "interlock/primitives/Wait.hpp"

#include <cstdio>
#include <string>

namespace interlock::driver {

namespace {

// The registry path DriverEntry is given: the service key a driver's INF would create.
constexpr char16_t kRegistryPath[] = u"\\Registry\\Machine\\System\\CurrentControlSet\\Services\\Driver";

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
  wdm::detail::recordCall("DriverUnload", nullptr, nullptr, "called by the I/O manager");
  kernel.driverObject().DriverUnload(&kernel.driverObject());
  kernel.reportLeaks();
}

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
