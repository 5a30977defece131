#pragma once
// The built-in catalogue: driver bug/fix pairs with the verdict the kernel implies.
#include "interlock/core/Scenario.hpp"

#include <vector>

namespace interlock::scenarios {

[[nodiscard]] std::vector<Scenario> builtin();

// One family each; builtin() gathers them.
[[nodiscard]] std::vector<Scenario> eresourceScenarios();
[[nodiscard]] std::vector<Scenario> lockOrderScenarios();
[[nodiscard]] std::vector<Scenario> apcDisableScenarios();

}  // namespace interlock::scenarios
