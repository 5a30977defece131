#pragma once
// KTIMER (kernel-rules.md §12): KeInitializeTimer(Ex), KeSetTimer(Ex), KeSetCoalescableTimer,
// KeCancelTimer, KeReadStateTimer. On expiry a timer set with a DPC queues it (§11, §12.1). A KTIMER is a dispatcher object: KeWaitForSingleObject and
// KeWaitForMultipleObjects wait for its expiry. Due times and periods are recorded, not kept:
// an armed timer may expire at any later scheduling point (§12.2), in any order with others.
#include "interlock/primitives/Dpc.hpp"
#include "interlock/primitives/TimerObject.hpp"

namespace interlock::wdm {

enum TIMER_TYPE : std::uint8_t { NotificationTimer, SynchronizationTimer };

class KTIMER final : public TimerObject {
 public:
  [[nodiscard]] const char* typeName() const noexcept override { return "KTIMER"; }
  void expired() override;
  [[nodiscard]] bool driverCodePending() const noexcept override { return inserted && dpc != nullptr; }
  [[nodiscard]] bool expiryStartsContext() const noexcept override { return dpc != nullptr; }

  PKDPC dpc = nullptr;  // model state: the DPC of the last set, or NULL
};
using PKTIMER = KTIMER*;
using PRKTIMER = KTIMER*;

// <= DISPATCH_LEVEL. Not signalled, not set; KeInitializeTimer makes a notification timer.
void KeInitializeTimer(PKTIMER timer);
void KeInitializeTimerEx(PKTIMER timer, TIMER_TYPE type);
// <= DISPATCH_LEVEL. TRUE if the timer was set (its pending expiry and DPC are cancelled);
// the timer becomes not signalled. A Period (ms) other than 0 makes it periodic.
BOOLEAN KeSetTimer(PKTIMER timer, LARGE_INTEGER dueTime, PKDPC dpc);
BOOLEAN KeSetTimerEx(PKTIMER timer, LARGE_INTEGER dueTime, LONG period, PKDPC dpc);
// KeSetTimerEx with a tolerable delay: the delay only moves the expiry in time.
BOOLEAN KeSetCoalescableTimer(PKTIMER timer, LARGE_INTEGER dueTime, ULONG period,
                              ULONG tolerableDelay, PKDPC dpc);
// <= DISPATCH_LEVEL. TRUE iff the timer was set: a one-shot timer that already expired gives
// FALSE (its DPC may still be queued or running); a set periodic timer gives TRUE. Never
// waits for the DPC.
BOOLEAN KeCancelTimer(PKTIMER timer);
// <= DISPATCH_LEVEL. TRUE if signalled; an unsynchronized read.
[[nodiscard]] BOOLEAN KeReadStateTimer(PKTIMER timer);

}  // namespace interlock::wdm
