#pragma once
// KEVENT (kernel-rules.md §3.6): a notification event wakes every waiter and stays
// signalled; a synchronization event satisfies one wait and resets. No owner: a wait that
// nobody will signal is found at quiescence ("no thread can move").
#include "interlock/primitives/Dispatcher.hpp"

namespace interlock::wdm {

class KEVENT final : public DispatcherObject {
 public:
  [[nodiscard]] const char* typeName() const noexcept override { return "KEVENT"; }
  void satisfyWait(interlock::Thread& thread) noexcept override {
    (void)thread;
    if (type == SynchronizationEvent) signalState = 0;  // auto-reset: one wait per signal
  }

  EVENT_TYPE type = NotificationEvent;  // model state: scenarios use KeInitializeEvent
};
using PKEVENT = KEVENT*;
using PRKEVENT = KEVENT*;

void KeInitializeEvent(PRKEVENT event, EVENT_TYPE type, BOOLEAN state);
// Returns the previous state. Wait=TRUE is accepted and recorded, not modelled further.
LONG KeSetEvent(PRKEVENT event, KPRIORITY increment, BOOLEAN wait);
LONG KeResetEvent(PRKEVENT event);  // returns the previous state
void KeClearEvent(PRKEVENT event);
[[nodiscard]] LONG KeReadStateEvent(PRKEVENT event);

}  // namespace interlock::wdm
