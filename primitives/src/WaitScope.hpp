#pragma once
// Ends a wait's shape whichever way the call leaves (a return, or the fiber's unwinding when
// the execution is abandoned): what KeWaitFor* and KeRemoveQueue hold around a wait.
#include "interlock/core/Thread.hpp"

namespace interlock::wdm::detail {

class WaitScope {
 public:
  explicit WaitScope(Thread& thread) noexcept : thread_(thread) {}
  ~WaitScope() { thread_.endWait(); }
  WaitScope(const WaitScope&) = delete;
  WaitScope& operator=(const WaitScope&) = delete;

 private:
  Thread& thread_;
};

}  // namespace interlock::wdm::detail
