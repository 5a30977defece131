#pragma once
// The thread object PsCreateSystemThread's handle refers to: a dispatcher object signalled
// when the thread ends, so DriverUnload can wait for its system thread (§3.6).
#include "interlock/primitives/Dispatcher.hpp"

namespace interlock::driver::detail {

class ThreadObject final : public wdm::DispatcherObject {
 public:
  [[nodiscard]] const char* typeName() const noexcept override { return "KTHREAD"; }
  [[nodiscard]] bool isLock() const noexcept override { return false; }
  void satisfyWait(interlock::Thread& thread) noexcept override { (void)thread; }  // stays signalled
};

}  // namespace interlock::driver::detail
