#pragma once
// One decision of an execution: run a thread one step, an adversary event, or a branch
// the model leaves open (kernel-semantics.md §6). A schedule is a list of them.
#include "interlock/core/Ids.hpp"

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

}  // namespace interlock
