#pragma once
// One decision of an execution: run a thread one step, an adversary event, or a branch
// the model leaves open (kernel-rules.md §6). A schedule is a list of them.
#include "interlock/core/Ids.hpp"

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace interlock {

enum class ChoiceKind : std::uint8_t {
  Run,      // thread performs its pending visible operation and runs to the next one
  Suspend,  // the adversary calls NtSuspendThread on the thread
  Branch,   // a primitive picks among behaviours Windows allows (value of count)
  Apc,      // the scenario's APC number `value` is queued to `thread`
};

struct Choice {
  ChoiceKind kind = ChoiceKind::Run;
  ThreadId thread = kNoThread;
  std::uint16_t value = 0;
  std::uint16_t count = 0;  // Branch only: how many alternatives

  friend bool operator==(const Choice&, const Choice&) = default;
};

[[nodiscard]] bool isAdversary(const Choice& choice) noexcept;

// Writes Choice{Run, thread} at `at` with one 8-byte store: the scheduler writes each option and
// reads the chosen one back whole straight after, and a load spanning several narrower stores
// (a Choice assigned member by member) is not forwarded from them: the CPU waits, every step.
inline void storeRunChoice(Choice* at, ThreadId thread) noexcept {
  if constexpr (std::endian::native == std::endian::little && sizeof(Choice) == 8 &&
                offsetof(Choice, thread) == 2 && ChoiceKind::Run == ChoiceKind{0}) {
    const std::uint64_t word = std::uint64_t{thread} << 16;  // kind Run (0), value and count 0
    std::memcpy(static_cast<void*>(at), &word, sizeof word);
  } else {
    *at = Choice{ChoiceKind::Run, thread};
  }
}

// Writes Choice{Run, t} for each thread t in `threads`, lowest id first, from `out` on; returns
// how many. `out` has room for every thread.
inline std::size_t storeRunChoices(std::uint64_t threads, Choice* out) noexcept {
  std::size_t count = 0;
  for (; threads != 0; threads &= threads - 1)
    storeRunChoice(out + count++, static_cast<ThreadId>(__builtin_ctzll(threads)));
  return count;
}

}  // namespace interlock
