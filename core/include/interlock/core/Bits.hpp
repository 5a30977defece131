#pragma once
// Thread sets are 64-bit masks (a bit per thread id).
#include <cstddef>
#include <cstdint>

namespace interlock {

// The number of set bits, branch-free and inline: std::popcount is a library call unless the
// build targets a CPU with the instruction, and Debian's baseline does not.
[[nodiscard]] constexpr std::size_t bitCount(std::uint64_t bits) noexcept {
  bits = bits - ((bits >> 1) & 0x5555555555555555ULL);
  bits = (bits & 0x3333333333333333ULL) + ((bits >> 2) & 0x3333333333333333ULL);
  bits = (bits + (bits >> 4)) & 0x0F0F0F0F0F0F0F0FULL;
  return static_cast<std::size_t>((bits * 0x0101010101010101ULL) >> 56);
}

}  // namespace interlock
