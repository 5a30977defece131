// KePulseEvent and the I/O manager's named events (kernel-rules §3.6, §17).
#include "interlock/primitives/EventForms.hpp"

#include "interlock/primitives/Call.hpp"
#include "interlock/primitives/Irql.hpp"
#include "interlock/primitives/ObjectReference.hpp"

#include <memory>
#include <string>

namespace interlock::wdm {

namespace {

PKEVENT createOrOpen(PUNICODE_STRING eventName, PHANDLE eventHandle, EVENT_TYPE type, const char* api) {
  if (eventName == nullptr || eventName->Buffer == nullptr)
    throw ScenarioError(std::string(api) + " without an event name");
  Thread& thread = detail::visibleCall(api, nullptr, Access::Write);
  if (thread.irql != PASSIVE_LEVEL)
    detail::contractViolation("IrqlIoPassive", 0,
                              std::string(api) + " at " + detail::irqlName(thread.irql) +
                                  ", above PASSIVE_LEVEL");
  // The object's name is the last component of the path (\BaseNamedObjects\Name).
  std::string name = eventName->Buffer;
  name = name.substr(name.find_last_of('\\') + 1);
  Execution& execution = Execution::current();
  KEVENT* event = nullptr;
  for (KernelObject* candidate : execution.objects())
    if (auto* named = dynamic_cast<KEVENT*>(candidate); named != nullptr && named->name() == name)
      event = named;
  if (event == nullptr) {
    // A new event starts signalled (ReactOS creates it so); drivers clear it before use.
    auto made = std::make_unique<KEVENT>();
    event = made.get();
    event->type = type;
    event->signalState = 1;
    execution.addObject(std::move(made), name);
  }
  *eventHandle = detail::openHandle(*event, nullptr, name.c_str());
  detail::recordCall(api, event, nullptr, "the event");
  return event;
}

}  // namespace

LONG KePulseEvent(PRKEVENT event, KPRIORITY increment, BOOLEAN wait) {
  constexpr const char* api = "KePulseEvent";
  (void)increment;
  Thread& thread = detail::visibleCall(api, event, Access::Release);
  detail::checkAtMostDispatch(thread, "IrqlKeDispatchLte", 0x20011, api, *event);
  const LONG previous = event->signalState;
  event->signalState = 1;
  // The wait test satisfies only waiters in their wait now: one running a kernel APC, or
  // suspended, is skipped and finds the event reset when it looks again.
  detail::waitTest(*event);
  event->signalState = 0;
  detail::recordCall(api, event, wait ? "Wait TRUE" : "Wait FALSE", detail::longText(previous));
  return previous;
}

PKEVENT IoCreateNotificationEvent(PUNICODE_STRING eventName, PHANDLE eventHandle) {
  return createOrOpen(eventName, eventHandle, NotificationEvent, "IoCreateNotificationEvent");
}

PKEVENT IoCreateSynchronizationEvent(PUNICODE_STRING eventName, PHANDLE eventHandle) {
  return createOrOpen(eventName, eventHandle, SynchronizationEvent, "IoCreateSynchronizationEvent");
}

}  // namespace interlock::wdm
