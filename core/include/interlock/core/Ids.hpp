#pragma once
#include <cstdint>

namespace interlock {

using ThreadId = std::uint16_t;
using ObjectId = std::uint16_t;
inline constexpr ThreadId kNoThread = 0xFFFF;
inline constexpr ObjectId kNoObject = 0xFFFF;

// IRQLs the model distinguishes (kernel-rules.md §1).
using Irql = std::uint8_t;
inline constexpr Irql kPassiveLevel = 0;
inline constexpr Irql kApcLevel = 1;
inline constexpr Irql kDispatchLevel = 2;

}  // namespace interlock
