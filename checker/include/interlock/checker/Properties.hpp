#pragma once
// The properties checked on every execution, as monitors of the execution.
#include "interlock/checker/LockOrderProperty.hpp"
#include "interlock/core/Execution.hpp"

#include <array>
#include <cstdint>
#include <optional>

namespace interlock {

// A cycle in the wait-for graph (checked whenever a thread blocks, so a partial deadlock is
// found while other threads still run), or, at quiescence, unfinished threads none of
// which can move (an idle service thread is not one). When the adversary suspended a thread,
// such a hang is decided by resuming it (Execution::requestResume): if the hang clears, a
// thread of another requester was held up by the suspension (SuspendedOwnerDoS,
// SuspendedSignaller), or only the suspended thread's own requester was (no finding); if it
// does not, it is the deadlock.
class DeadlockProperty final : public Monitor {
 public:
  [[nodiscard]] std::uint8_t watches() const noexcept override { return kStepsThatBlock; }
  void beginExecution(Execution& execution) override;
  void afterStep(Execution& execution, const Choice& choice) override;
  void atQuiescence(Execution& execution) override;

 private:
  void afterResume(Execution& execution);
  std::optional<Violation> beforeResume_;  // the hang found before the resume
  std::uint64_t hung_ = 0;                 // its threads, bit t for thread t
  std::array<ObjectId, 64> waited_{};      // the first object each of them waited for
};

// A thread of another requester waits forever, directly or through a chain, on an object
// owned by a thread the adversary suspended (and never resumes).
class SuspendedOwnerProperty final : public Monitor {
 public:
  [[nodiscard]] std::uint8_t watches() const noexcept override { return 0; }
  void atQuiescence(Execution& execution) override;
};

// The default set, in precedence order: a suspended owner explains a hang better than
// "no thread can move".
class DefaultProperties {
 public:
  [[nodiscard]] std::span<Monitor* const> monitors() noexcept { return monitors_; }

 private:
  SuspendedOwnerProperty suspendedOwner_;
  DeadlockProperty deadlock_;
  LockOrderProperty lockOrder_;
  std::array<Monitor*, 3> monitors_{&suspendedOwner_, &deadlock_, &lockOrder_};
};

}  // namespace interlock
