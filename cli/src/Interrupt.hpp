#pragma once
// SIGINT, SIGTERM and SIGHUP during a search. The handler only records the signal (no I/O
// is safe there); the search polls the flag and ends as a time limit would, the command
// reports what it covered and removes its temporary files, and the process then dies of the
// same signal, so a shell loop around interlock stops as it would have.
#include <atomic>

namespace interlock::cli {

class InterruptGuard {
 public:
  InterruptGuard();   // installs the handlers and clears an earlier signal
  ~InterruptGuard();  // restores the handlers found
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;

  // What Settings::interrupt points to.
  [[nodiscard]] const std::atomic<bool>& flag() const noexcept;
};

// The signal that arrived under the last guard, 0 if none.
[[nodiscard]] int interruptSignal() noexcept;
// "SIGINT", "SIGTERM", "SIGHUP".
[[nodiscard]] const char* signalName(int signal) noexcept;
// Restores the default action and raises `signal` again; exits 128 + signal if that returns.
[[noreturn]] void dieOf(int signal);

}  // namespace interlock::cli
