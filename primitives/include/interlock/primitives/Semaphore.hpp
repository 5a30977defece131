#pragma once
// KSEMAPHORE (kernel-rules.md §3.6): a count each satisfied wait takes one from, up to
// a limit. No owner: a semaphore used as a lock gives no critical region and no owner view.
#include "interlock/primitives/Dispatcher.hpp"

namespace interlock::wdm {

class KSEMAPHORE final : public DispatcherObject {
 public:
  [[nodiscard]] const char* typeName() const noexcept override { return "KSEMAPHORE"; }
  void satisfyWait(interlock::Thread& thread) noexcept override {
    (void)thread;
    --signalState;
  }

  LONG limit = 1;  // model state: scenarios use KeInitializeSemaphore
};
using PKSEMAPHORE = KSEMAPHORE*;
using PRKSEMAPHORE = KSEMAPHORE*;

void KeInitializeSemaphore(PRKSEMAPHORE semaphore, LONG count, LONG limit);
// Returns the previous count. Past the limit Windows raises STATUS_SEMAPHORE_LIMIT_EXCEEDED,
// which unhandled is bug check 0x7E or 0x3B (Exception.hpp). Wait=TRUE is accepted, not modelled.
LONG KeReleaseSemaphore(PRKSEMAPHORE semaphore, KPRIORITY increment, LONG adjustment, BOOLEAN wait);
[[nodiscard]] LONG KeReadStateSemaphore(PRKSEMAPHORE semaphore);

}  // namespace interlock::wdm
