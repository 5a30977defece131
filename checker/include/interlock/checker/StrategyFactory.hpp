#pragma once
// Builds the strategy Settings::strategy names.
#include "interlock/checker/Explorer.hpp"
#include "interlock/checker/Strategy.hpp"

#include <memory>

namespace interlock {

// Throws std::invalid_argument naming the accepted strategies for an unknown name.
[[nodiscard]] std::unique_ptr<Strategy> makeStrategy(const Settings& settings);

}  // namespace interlock
