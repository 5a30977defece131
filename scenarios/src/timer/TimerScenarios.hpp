#pragma once
// The timer/ family's files: each gives its bug/fix pairs; timerScenarios() gathers them.
#include "interlock/core/Scenario.hpp"
#include "interlock/primitives/wdm.hpp"

#include <vector>

namespace interlock::scenarios {

[[nodiscard]] std::vector<Scenario> timerWatchdogScenarios();
[[nodiscard]] std::vector<Scenario> timerUnloadScenarios();
[[nodiscard]] std::vector<Scenario> timerUnloadDpcScenarios();
[[nodiscard]] std::vector<Scenario> timerPollScenarios();
[[nodiscard]] std::vector<Scenario> timerDelayScenarios();

}  // namespace interlock::scenarios
