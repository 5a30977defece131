#include "interlock/primitives/wdm.hpp"
#include "interlock/scenarios/Builtin.hpp"

namespace interlock::scenarios {

std::vector<Scenario> dispatcherScenarios() { return {}; }

}  // namespace interlock::scenarios
