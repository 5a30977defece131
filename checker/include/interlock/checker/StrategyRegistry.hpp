#pragma once
// Builds the strategy Settings::strategy names.
#include "interlock/checker/Explorer.hpp"
#include "interlock/checker/Strategy.hpp"

#include <cstdint>
#include <memory>

namespace interlock {

// Throws std::invalid_argument naming the accepted strategies for an unknown name.
// `cutProduct` > 0 builds it for one part of a search split where the product of the option
// counts along a path reaches it (dpor then tries every option above the cut, so every part
// sees the same upper tree).
[[nodiscard]] std::unique_ptr<Strategy> makeStrategy(const Settings& settings,
                                                     std::uint64_t cutProduct = 0);

}  // namespace interlock
