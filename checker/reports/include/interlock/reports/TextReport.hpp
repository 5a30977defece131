#pragma once
// Plain-text reports for a terminal or a CI log.
#include "interlock/checker/Explorer.hpp"
#include "interlock/core/Scenario.hpp"

#include <string>

namespace interlock {

[[nodiscard]] std::string verdictText(const Verdict& verdict, const Snapshot& names);
[[nodiscard]] std::string counterexampleText(const ExecutionResult& counterexample);
[[nodiscard]] std::string boundsText(const Settings& settings);
[[nodiscard]] std::string statsText(const Stats& stats);

}  // namespace interlock
