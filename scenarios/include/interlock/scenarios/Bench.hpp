#pragma once
// The benchmark family (bench/*): parameterized programs for measuring the search
// (docs/performance.md).
#include "interlock/core/Scenario.hpp"

#include <vector>

namespace interlock::scenarios {

// bench/locked-counter, bench/lastzero, bench/readers, bench/indexer, bench/filesystem.
[[nodiscard]] std::vector<Scenario> benchScenarios();

}  // namespace interlock::scenarios
