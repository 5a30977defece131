// The routines wdm.h declares so that drivers compile and link, but which the bridge does not
// model yet (DPCs, timers): a call stops
// the scenario with an error naming the routine, never a crash. Each moves to a file of its
// own when its model is bridged.
#include "interlock/core/Scenario.hpp"

#include <cstdint>
#include <string>

namespace {

[[noreturn]] void notYet(const char* routine) {
  throw interlock::ScenarioError(std::string(routine) +
                                 " is declared by Interlock's wdm.h but not modelled for driver source yet "
                                 "(see docs/checking-driver-source.md, \"What is not supported yet\")");
}

}  // namespace

extern "C" {

void KeInitializeDpc(void*, void*, void*) { notYet("KeInitializeDpc"); }
std::uint8_t KeInsertQueueDpc(void*, void*, void*) { notYet("KeInsertQueueDpc"); }
std::uint8_t KeRemoveQueueDpc(void*) { notYet("KeRemoveQueueDpc"); }
void KeInitializeTimer(void*) { notYet("KeInitializeTimer"); }
void KeInitializeTimerEx(void*, int) { notYet("KeInitializeTimerEx"); }
std::uint8_t KeSetTimer(void*, std::int64_t, void*) { notYet("KeSetTimer"); }
std::uint8_t KeSetTimerEx(void*, std::int64_t, std::int32_t, void*) { notYet("KeSetTimerEx"); }
std::uint8_t KeCancelTimer(void*) { notYet("KeCancelTimer"); }

}  // extern "C"
