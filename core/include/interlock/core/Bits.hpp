#pragma once
// Thread sets are 64-bit masks (a bit per thread id).
#include <cstddef>
#include <cstdint>

namespace interlock {

// The number of set bits, inline: std::popcount is a library call unless the build targets a
// CPU with the instruction (Debian's baseline does not). A loop over the set bits: thread masks
// have few, and for up to five it costs less than the branch-free sum.
[[nodiscard]] constexpr std::size_t bitCount(std::uint64_t bits) noexcept {
  std::size_t count = 0;
  for (; bits != 0; bits &= bits - 1) ++count;
  return count;
}

}  // namespace interlock
