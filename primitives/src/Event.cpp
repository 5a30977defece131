// KEVENT (kernel-rules.md §3.6).
#include "interlock/primitives/Event.hpp"

#include "interlock/primitives/Call.hpp"

namespace interlock::wdm {

void KeInitializeEvent(PRKEVENT event, EVENT_TYPE type, BOOLEAN state) {
  constexpr const char* api = "KeInitializeEvent";
  (void)detail::initCall(api, *event);  // IRQL not checked
  event->type = type;
  event->signalState = state ? 1 : 0;
  detail::recordCall(api, event,
                     type == NotificationEvent ? "NotificationEvent" : "SynchronizationEvent",
                     nullptr);
}

LONG KeSetEvent(PRKEVENT event, KPRIORITY increment, BOOLEAN wait) {
  constexpr const char* api = "KeSetEvent";
  (void)increment;
  Thread& thread = detail::visibleCall(api, event, Access::Release);
  detail::checkAtMostDispatch(thread, "IrqlKeSetEvent", 0x20016, api, *event);
  const LONG previous = event->signalState;
  event->signalState = 1;
  // Notification: every waiter; synchronization: the first one, and the event resets.
  detail::waitTest(*event);
  detail::recordCall(api, event, wait ? "Wait TRUE" : "Wait FALSE", detail::longText(previous));
  return previous;
}

LONG KeResetEvent(PRKEVENT event) {
  constexpr const char* api = "KeResetEvent";
  Thread& thread = detail::visibleCall(api, event, Access::Write);
  detail::checkAtMostDispatch(thread, "IrqlKeDispatchLte", 0x20011, api, *event);
  const LONG previous = event->signalState;
  event->signalState = 0;
  detail::recordCall(api, event, nullptr, detail::longText(previous));
  return previous;
}

void KeClearEvent(PRKEVENT event) {
  constexpr const char* api = "KeClearEvent";
  Thread& thread = detail::visibleCall(api, event, Access::Write);
  detail::checkAtMostDispatch(thread, "IrqlKeDispatchLte", 0x20011, api, *event);
  event->signalState = 0;
  detail::recordCall(api, event, nullptr, nullptr);
}

LONG KeReadStateEvent(PRKEVENT event) {
  constexpr const char* api = "KeReadStateEvent";
  Thread& thread = detail::visibleCall(api, event, Access::Read);
  detail::checkAtMostDispatch(thread, "IrqlKeDispatchLte", 0x20011, api, *event);
  detail::recordCall(api, event, nullptr, detail::longText(event->signalState));
  return event->signalState;
}

}  // namespace interlock::wdm
