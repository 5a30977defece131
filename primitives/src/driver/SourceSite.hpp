#pragma once
// Driver lines on a counterexample's steps: while an execution records events, each event of a
// thread running driver code names the driver line it stands at ("driver.c:120"), the line of
// the innermost driver frame on its stack (the call into the bridge, or into a routine that
// called back). Every bridged routine gets it without a line of its own.
#include "interlock/core/Execution.hpp"
#include "interlock/driver/Driver.hpp"

#include <cstdint>

namespace interlock::driver::detail {

// For this run of `execution`: its events carry the line of the driver holding `entry`.
void recordDriverSites(Execution& execution, DriverEntryRoutine entry);

// The return address of the innermost frame of the calling thread's stack that is in the code
// of the driver holding `entry` (0 when none is).
[[nodiscard]] std::uintptr_t innermostDriverFrame(DriverEntryRoutine entry);

}  // namespace interlock::driver::detail
