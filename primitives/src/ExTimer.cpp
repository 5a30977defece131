// EX_TIMER (kernel-rules.md §12.1): allocate, set, cancel, delete; the callback runs on expiry.
#include "interlock/primitives/ExTimer.hpp"
#include "Numbering.hpp"

#include "interlock/primitives/Call.hpp"
#include "interlock/primitives/Irql.hpp"

#include <memory>
#include <string>

namespace interlock::wdm {

namespace {

void checkIrql(const Thread& thread, const char* api, const EX_TIMER& timer, KIRQL highest) {
  if (thread.irql <= highest) return;
  detail::contractViolation(highest == APC_LEVEL ? "IrqlExApcLte" : "IrqlExDispatchLte", 0,
                            std::string(api) + " at " + detail::irqlName(thread.irql) + ", above " +
                                detail::irqlName(highest),
                            &timer);
}

// ExDeleteTimer's page: after the call the timer may be gone; a disabled timer does nothing.
bool usedAfterDelete(const EX_TIMER& timer, const char* api) {
  if (!timer.deleted) return false;
  detail::contractViolation("ExTimerUsedAfterDelete", 0,
                            std::string(api) + " on " + timer.name() +
                                " after ExDeleteTimer: the timer object may already be freed",
                            &timer);
  detail::recordCall(api, &timer, nullptr, "FALSE");
  return true;
}

}  // namespace

void EX_TIMER::expired() {
  if (callback == nullptr) return;
  ++callbacksRunning;
  callback(this, context);
  // The return is a step of its own, naming what ExDeleteTimer's wait names: it goes on there.
  Execution& execution = Execution::current();
  execution.visible(Op{"ExTimerCallback returns", rundown->id(), Access::Release});
  --callbacksRunning;
  if (callbacksRunning != 0) return;
  rundown->waiters().forEach([&](WaitBlock& block) { execution.satisfy(block); });
}

PEX_TIMER ExAllocateTimer(PEXT_CALLBACK callback, PVOID callbackContext, ULONG attributes) {
  constexpr const char* api = "ExAllocateTimer";
  Execution& execution = Execution::current();
  auto timer = std::make_unique<EX_TIMER>();
  EX_TIMER& ref = *timer;
  ref.callback = callback;
  ref.context = callbackContext;
  ref.notification = (attributes & EX_TIMER_NOTIFICATION) != 0;
  const std::string name = detail::nextObjectName(execution, "EX_TIMER", "ExTimer");
  execution.addObject(std::move(timer), name);
  auto rundown = std::make_unique<EX_TIMER_RUNDOWN>();
  ref.rundown = rundown.get();
  execution.addObject(std::move(rundown), name + ".callback");
  if (Thread* thread = execution.currentThreadOrNull(); thread != nullptr)
    checkIrql(*thread, api, ref, DISPATCH_LEVEL);
  detail::recordCall(api, &ref, ref.notification ? "EX_TIMER_NOTIFICATION" : "synchronization",
                     "a new EX_TIMER");
  return &ref;
}

BOOLEAN ExSetTimer(PEX_TIMER timer, LONGLONG dueTime, LONGLONG period, PEXT_SET_PARAMETERS parameters) {
  constexpr const char* api = "ExSetTimer";
  (void)dueTime, (void)parameters;
  Thread& thread = detail::visibleCall(api, timer, Access::Write);
  checkIrql(thread, api, *timer, DISPATCH_LEVEL);
  if (period < 0 || period > 0x7FFFFFFF)
    throw ScenarioError(std::string(api) + " on " + timer->name() + ": Period must be 0 to MAXLONG");
  if (usedAfterDelete(*timer, api)) return FALSE;
  const BOOLEAN cancelled = detail::armTimer(*timer, period != 0) ? TRUE : FALSE;
  detail::recordCall(api, timer, period != 0 ? "periodic" : "one-shot", detail::boolText(cancelled));
  return cancelled;
}

BOOLEAN ExCancelTimer(PEX_TIMER timer, PEXT_CANCEL_PARAMETERS parameters) {
  constexpr const char* api = "ExCancelTimer";
  (void)parameters;
  Thread& thread = detail::visibleCall(api, timer, Access::Write);
  checkIrql(thread, api, *timer, DISPATCH_LEVEL);
  if (usedAfterDelete(*timer, api)) return FALSE;
  const BOOLEAN cancelled = detail::disarmTimer(*timer) ? TRUE : FALSE;
  detail::recordCall(api, timer, nullptr, detail::boolText(cancelled));
  return cancelled;
}

BOOLEAN ExDeleteTimer(PEX_TIMER timer, BOOLEAN cancel, BOOLEAN wait, PEXT_DELETE_PARAMETERS parameters) {
  constexpr const char* api = "ExDeleteTimer";
  (void)parameters;
  // It reads whether a callback runs, which the callback's return changes: both name the rundown.
  const ObjectId rundown[1] = {timer->rundown->id()};
  Execution::current().visible(Op{api, timer->id(), Access::Write, rundown});
  Thread& thread = Execution::current().currentThread();
  const char* argument = !cancel ? "Cancel FALSE" : wait ? "Cancel TRUE, Wait TRUE" : "Cancel TRUE, Wait FALSE";
  checkIrql(thread, api, *timer, wait ? APC_LEVEL : DISPATCH_LEVEL);
  if (wait && !cancel) {
    detail::bugCheck("ExDeleteTimerWaitWithoutCancel", 0,
                     std::string(api) + " on " + timer->name() + " with Wait TRUE and Cancel FALSE",
                     timer);
    return FALSE;
  }
  if (usedAfterDelete(*timer, api)) return FALSE;
  timer->deleted = true;
  BOOLEAN cancelled = FALSE;
  if (cancel) cancelled = detail::disarmTimer(*timer) ? TRUE : FALSE;
  else if (timer->periodic && timer->expiriesLeft > 1) timer->expiriesLeft = 1;  // a disabled periodic timer expires once more at most
  // Waiting for the callback from inside it (at DISPATCH_LEVEL, reported above) would never end.
  if (wait && timer->callbacksRunning != 0 && thread.irql <= APC_LEVEL) {
    detail::waitFor(thread, *timer->rundown, 0, api, argument, "waits for the running callback");
    detail::recordWoken(api, *timer, argument, detail::boolText(cancelled));
    return cancelled;
  }
  detail::recordCall(api, timer, argument, detail::boolText(cancelled));
  return cancelled;
}

}  // namespace interlock::wdm
