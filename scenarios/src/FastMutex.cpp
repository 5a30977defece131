#include "interlock/primitives/wdm.hpp"
#include "interlock/scenarios/Builtin.hpp"

namespace interlock::scenarios {

std::vector<Scenario> fastMutexScenarios() { return {}; }

}  // namespace interlock::scenarios
