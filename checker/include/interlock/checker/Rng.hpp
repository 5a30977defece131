#pragma once
// The checker's only source of randomness: xoshiro256** (Blackman & Vigna) seeded through
// splitmix64, with an exact integer mapping to an index, so a seed gives the same schedules
// on every machine (no std::uniform_int_distribution, whose mapping is the library's own).
#include <cstdint>

namespace interlock {

// One step of splitmix64: advances `state` and returns the next output.
[[nodiscard]] std::uint64_t splitmix64(std::uint64_t& state) noexcept;

class Rng {
 public:
  // Stream 0 is xoshiro256** seeded the reference way (four splitmix64 outputs of `seed`);
  // stream s starts from seed ^ mix(s), so execution s of a search has its own stream.
  explicit Rng(std::uint64_t seed, std::uint64_t stream = 0) noexcept;
  [[nodiscard]] std::uint64_t next() noexcept;
  // Uniform in [0, bound) for bound > 0, by rejection: exact on every machine.
  [[nodiscard]] std::uint64_t below(std::uint64_t bound) noexcept;

 private:
  std::uint64_t state_[4];
};

}  // namespace interlock
