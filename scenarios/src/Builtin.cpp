#include "interlock/scenarios/Builtin.hpp"
#include "interlock/scenarios/Bench.hpp"

namespace interlock::scenarios {

std::vector<Scenario> builtin() {
  std::vector<Scenario> all;
  for (auto family : {eresourceScenarios, lockOrderScenarios, apcDisableScenarios, apcScenarios, fileIoScenarios,
                      fastMutexScenarios, spinLockScenarios, rundownScenarios, pushLockScenarios,
                      dispatcherScenarios, exSpinLockScenarios, interlockedListScenarios,
                      pulseEventScenarios, systemThreadScenarios, irpScenarios, cancelScenarios,
                      csqScenarios, removeLockScenarios, serviceScenarios, dpcScenarios, isrScenarios,
                      timerScenarios, benchScenarios})
    for (Scenario& scenario : family()) all.push_back(std::move(scenario));
  return all;
}

}  // namespace interlock::scenarios
