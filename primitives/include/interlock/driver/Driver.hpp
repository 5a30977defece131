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
// (Driver Verifier 0xC4/0x62, a ContractViolation).
void unload();

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
