// KTIMER (kernel-rules.md §12.1): initialize, set, cancel, read; expiry is TimerExpiry.cpp's.
#include "interlock/primitives/Timer.hpp"

#include "interlock/primitives/Call.hpp"

#include <string>

namespace interlock::wdm {

namespace {

// §12.1: every KTIMER routine runs at DISPATCH_LEVEL or below (SDV IrqlKeDispatchLte).
void checkIrql(const Thread* thread, const char* api, const KTIMER& timer) {
  if (thread != nullptr) detail::checkAtMostDispatch(*thread, "IrqlKeDispatchLte", 0x20011, api, timer);
}

// A timer's DPC is queued as KeInsertQueueDpc queues it, in the expiry's step (§12.1: a
// driver must not also queue it itself); already queued, this expiry adds no instance.
void queueTimerDpc(KTIMER& timer) { (void)detail::queueDpcOnExpiry(*timer.dpc); }

void initialize(PKTIMER timer, TIMER_TYPE type, const char* api) {
  Thread* thread = detail::initCall(api, *timer);
  checkIrql(thread, api, *timer);
  timer->notification = type == NotificationTimer;
  timer->signalState = 0;
  timer->periodic = false;
  timer->dpc = nullptr;
  (void)detail::disarmTimer(*timer);
  detail::recordCall(api, timer, type == NotificationTimer ? "NotificationTimer" : "SynchronizationTimer",
                     nullptr);
}

BOOLEAN set(const char* api, PKTIMER timer, LONG period, PKDPC dpc) {
  Thread& thread = detail::visibleCall(api, timer, Access::Write);
  checkIrql(&thread, api, *timer);
  if (period < 0)
    throw ScenarioError(std::string(api) + " on " + timer->name() + " with a negative Period");
  timer->dpc = dpc;
  const BOOLEAN wasSet = detail::armTimer(*timer, period != 0) ? TRUE : FALSE;
  detail::recordCall(api, timer, period != 0 ? "periodic" : "one-shot", detail::boolText(wasSet));
  return wasSet;
}

}  // namespace

void KTIMER::expired() {
  if (dpc != nullptr) queueTimerDpc(*this);
}

void KeInitializeTimer(PKTIMER timer) { initialize(timer, NotificationTimer, "KeInitializeTimer"); }

void KeInitializeTimerEx(PKTIMER timer, TIMER_TYPE type) { initialize(timer, type, "KeInitializeTimerEx"); }

BOOLEAN KeSetTimer(PKTIMER timer, LARGE_INTEGER dueTime, PKDPC dpc) {
  (void)dueTime;  // §12.2: no clock; a due time already past expires at the next point at the earliest
  return set("KeSetTimer", timer, 0, dpc);
}

BOOLEAN KeSetTimerEx(PKTIMER timer, LARGE_INTEGER dueTime, LONG period, PKDPC dpc) {
  (void)dueTime;
  return set("KeSetTimerEx", timer, period, dpc);
}

BOOLEAN KeSetCoalescableTimer(PKTIMER timer, LARGE_INTEGER dueTime, ULONG period, ULONG tolerableDelay,
                              PKDPC dpc) {
  (void)dueTime, (void)tolerableDelay;
  if (period > 0x7FFFFFFFu)
    throw ScenarioError("KeSetCoalescableTimer on " + timer->name() + " with a Period above MAXLONG");
  return set("KeSetCoalescableTimer", timer, static_cast<LONG>(period), dpc);
}

BOOLEAN KeCancelTimer(PKTIMER timer) {
  constexpr const char* api = "KeCancelTimer";
  Thread& thread = detail::visibleCall(api, timer, Access::Write);
  checkIrql(&thread, api, *timer);
  const BOOLEAN wasSet = detail::disarmTimer(*timer) ? TRUE : FALSE;
  detail::recordCall(api, timer, nullptr, detail::boolText(wasSet));
  return wasSet;
}

BOOLEAN KeReadStateTimer(PKTIMER timer) {
  constexpr const char* api = "KeReadStateTimer";
  Thread& thread = detail::visibleCall(api, timer, Access::Read);
  checkIrql(&thread, api, *timer);
  const BOOLEAN signalled = timer->signalState != 0 ? TRUE : FALSE;
  detail::recordCall(api, timer, nullptr, detail::boolText(signalled));
  return signalled;
}

}  // namespace interlock::wdm
