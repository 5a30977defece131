#pragma once
// What a C++ harness uses to run a driver's own C code in a scenario. The driver's headers
// (wdm.h ...) are C and never included here: the harness declares the driver routines it
// calls with `extern "C"` and C-compatible types (void* for PDEVICE_OBJECT, std::int32_t for
// NTSTATUS), as examples/driver-c/harness.cpp does.
#include "interlock/core/Setup.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace interlock::driver {

// NTSTATUS DriverEntry(PDRIVER_OBJECT, PUNICODE_STRING), seen from C++.
using DriverEntryRoutine = std::int32_t (*)(void* driverObject, void* registryPath);

// First thing in a driver scenario's setup. Restores the driver's globals and static data to
// the image as loaded (the library that defines `entry`, built by interlock_add_driver), drops
// what the execution before left (pool, kernel objects at addresses, devices) and makes a fresh
// DRIVER_OBJECT. Throws ScenarioError when `entry` is not in a shared library of its own, or
// when another execution uses the driver at the same time (driver checkers run one job).
void beginExecution(Setup& setup, DriverEntryRoutine entry);

// On a thread: DriverEntry(DriverObject, RegistryPath); returns its NTSTATUS. Threads blocked
// in waitUntilLoaded() go on once it returns. A failing status is an Assertion finding.
std::int32_t load();
// On a thread: waits until load() has returned: the I/O manager sends no request to a driver
// whose DriverEntry has not returned.
void waitUntilLoaded();
// On a thread: the driver's DriverUnload, then any pool allocation still live is a leak
// (Driver Verifier 0xC4/0x62, a ContractViolation). A request sent after it began returns
// STATUS_NO_SUCH_DEVICE; one already sent may still reach a dispatch routine, which must refuse
// it (the remove lock, §10), as in the C++ I/O model.
void unload();

// Requests through the I/O manager, on a thread (the requester): an IRP of the I/O model is
// sent to the driver's device (IoCallDriver to DriverObject->MajorFunction[major], the current
// stack location filled as below), and the call returns when the request completes: at once
// if the dispatch routine completed it, else when IopCompleteRequest ran (§8.2). Returns the
// request's final status (the dispatch routine's, or IoStatus.Status of a pended request).
struct Request {
  std::uint8_t majorFunction = 0x03;  // IRP_MJ_READ
  std::uint8_t minorFunction = 0;
  std::uint32_t length = 0;           // Parameters.Read/Write.Length, DeviceIoControl.OutputBufferLength
  std::uint32_t ioControlCode = 0;    // Parameters.DeviceIoControl.IoControlCode
  // The requester may cancel it (CancelIoEx, or its thread ending) at any point after it is
  // sent: a canceller thread calls IoCancelIrp when the exploration chooses (§9.1).
  bool requesterCancels = false;
};
std::int32_t send(const Request& request, std::size_t device = 0);
// ReadFile, DeviceIoControl, the cleanup of CloseHandle, and the PnP manager's
// IRP_MN_REMOVE_DEVICE, as send() sends them.
std::int32_t read(std::uint32_t length, bool requesterCancels = false, std::size_t device = 0);
std::int32_t deviceControl(std::uint32_t ioControlCode, bool requesterCancels = false, std::size_t device = 0);
std::int32_t cleanup(std::size_t device = 0);
std::int32_t removeDevice(std::size_t device = 0);
// On a thread: waits until `count` requests sent with send() (and the forms above) have
// returned since the execution began; before unload(), so that it follows the requests a
// scenario sends (unload() does not wait for requests).
void waitForRequests(std::size_t count);
// A PDEVICE_OBJECT standing for a lower driver the model does not run: an IRP the driver
// sends to it with IoCallDriver is completed inline or pended and completed later from
// another thread at DISPATCH_LEVEL (both explored). Its StackSize is 1.
[[nodiscard]] void* lowerDevice();
// Driver memory found racing (a DataRace) becomes a scheduling point of the searches that
// follow: true when searches so far found locations racing that are not scheduling points yet,
// which become them now. What Scenario::widened of a driver scenario calls (the checker's main
// sets it), so that a search runs again until no new racing location turns up.
[[nodiscard]] bool widenRacyLocations();
// Those locations by name ("image+0x40", "extension1+0xb0"), as a trace records them
// (Scenario::points), and a replay's start from a recorded list (Scenario::usePoints): throws
// ScenarioError naming an entry that is no location name.
[[nodiscard]] std::vector<std::string> racyLocations();
void useRacyLocations(const std::vector<std::string>& names);

// The execution's DRIVER_OBJECT (a PDRIVER_OBJECT).
[[nodiscard]] void* driverObject();
// The devices IoCreateDevice made this execution, in order (a PDEVICE_OBJECT, nullptr past the
// last), and their extensions.
[[nodiscard]] void* device(std::size_t index = 0);
[[nodiscard]] void* deviceExtension(std::size_t index = 0);

}  // namespace interlock::driver
