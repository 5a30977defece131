#pragma once
// The run-down rules behind both Ex*RundownProtection families (kernel-rules.md §3.8).
#include "interlock/primitives/Rundown.hpp"

namespace interlock::wdm::rundown {

void initialize(RundownRef& ref, const char* api);
[[nodiscard]] BOOLEAN acquire(RundownRef& ref, ULONG count, const char* api);
void release(RundownRef& ref, ULONG count, const char* api);
void waitForRelease(RundownRef& ref, const char* api);
void completed(RundownRef& ref, const char* api);
void reinitialize(RundownRef& ref, const char* api);

}  // namespace interlock::wdm::rundown
