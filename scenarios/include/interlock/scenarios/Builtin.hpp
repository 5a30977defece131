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
[[nodiscard]] std::vector<Scenario> apcScenarios();
[[nodiscard]] std::vector<Scenario> fileIoScenarios();         // fast-mutex/ and guarded-mutex/ I/O
[[nodiscard]] std::vector<Scenario> fastMutexScenarios();     // also guarded-mutex/, reentrancy/
[[nodiscard]] std::vector<Scenario> spinLockScenarios();
[[nodiscard]] std::vector<Scenario> rundownScenarios();
[[nodiscard]] std::vector<Scenario> pushLockScenarios();
[[nodiscard]] std::vector<Scenario> dispatcherScenarios();    // events, semaphores, KMUTEX, waits
[[nodiscard]] std::vector<Scenario> exSpinLockScenarios();
[[nodiscard]] std::vector<Scenario> interlockedListScenarios();
[[nodiscard]] std::vector<Scenario> pulseEventScenarios();
[[nodiscard]] std::vector<Scenario> systemThreadScenarios();
[[nodiscard]] std::vector<Scenario> irpScenarios();
[[nodiscard]] std::vector<Scenario> cancelScenarios();
[[nodiscard]] std::vector<Scenario> csqScenarios();
[[nodiscard]] std::vector<Scenario> removeLockScenarios();
[[nodiscard]] std::vector<Scenario> dpcScenarios();            // scenarios/src/dpc/
[[nodiscard]] std::vector<Scenario> isrScenarios();            // scenarios/src/isr/
[[nodiscard]] std::vector<Scenario> serviceScenarios();       // service threads and their callers
[[nodiscard]] std::vector<Scenario> timerScenarios();         // KTIMER, EX_TIMER, delays

}  // namespace interlock::scenarios
