#pragma once
// What a driver harness defines: its scenarios. The checker program interlock_add_driver
// builds lists exactly these (no built-in catalogue) and runs the usual subcommands on them.
#include "interlock/core/Scenario.hpp"

#include <vector>

namespace interlock::driver {

[[nodiscard]] std::vector<Scenario> scenarios();

}  // namespace interlock::driver
