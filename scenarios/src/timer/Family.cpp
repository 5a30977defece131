// The timer/ family (docs/kernel-rules.md §12): KTIMER, EX_TIMER and delays.
#include "TimerScenarios.hpp"
#include "interlock/scenarios/Builtin.hpp"

namespace interlock::scenarios {

std::vector<Scenario> timerScenarios() {
  std::vector<Scenario> all;
  for (auto part : {timerWatchdogScenarios, timerUnloadScenarios, timerUnloadDpcScenarios, timerPollScenarios,
                    timerDelayScenarios})
    for (Scenario& scenario : part()) all.push_back(std::move(scenario));
  return all;
}

}  // namespace interlock::scenarios
