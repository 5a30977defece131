// KSEMAPHORE (kernel-rules.md §3.6).
#include "interlock/primitives/Semaphore.hpp"

#include "interlock/primitives/Call.hpp"
#include "interlock/primitives/Exception.hpp"

#include <string>

namespace interlock::wdm {

void KeInitializeSemaphore(PRKSEMAPHORE semaphore, LONG count, LONG limit) {
  constexpr const char* api = "KeInitializeSemaphore";
  if (const Thread* thread = detail::initCall(api, *semaphore))
    detail::checkAtMostDispatch(*thread, "IrqlKeDispatchLte", 0x20011, api, *semaphore);
  semaphore->signalState = count;
  semaphore->limit = limit;
  detail::recordCall(api, semaphore, detail::longText(limit), nullptr);
}

LONG KeReleaseSemaphore(PRKSEMAPHORE semaphore, KPRIORITY increment, LONG adjustment, BOOLEAN wait) {
  constexpr const char* api = "KeReleaseSemaphore";
  (void)increment;
  Thread& thread = detail::visibleCall(api, semaphore, Access::Release);
  // The DDI page allows <= DISPATCH_LEVEL; IrqlKeDispatchLte is the SDV rule of that shape.
  detail::checkAtMostDispatch(thread, "IrqlKeDispatchLte", 0x20011, api, *semaphore);
  const LONG previous = semaphore->signalState;
  const auto next = static_cast<long long>(previous) + adjustment;
  if (next > semaphore->limit || next < previous) {
    // §3.6: the count stays, and the status is raised.
    detail::raiseStatus(STATUS_SEMAPHORE_LIMIT_EXCEEDED, "STATUS_SEMAPHORE_LIMIT_EXCEEDED",
                        std::string(api) + " by " + std::to_string(adjustment) + " on KSEMAPHORE " +
                            semaphore->name() + " (count " + std::to_string(previous) + ", limit " +
                            std::to_string(semaphore->limit) + ")",
                        semaphore);
    return previous;
  }
  semaphore->signalState = static_cast<LONG>(next);
  detail::waitTest(*semaphore);  // each satisfied wait takes one
  detail::recordCall(api, semaphore, wait ? "Wait TRUE" : "Wait FALSE", detail::longText(previous));
  return previous;
}

LONG KeReadStateSemaphore(PRKSEMAPHORE semaphore) {
  constexpr const char* api = "KeReadStateSemaphore";
  Thread& thread = detail::visibleCall(api, semaphore, Access::Read);
  detail::checkAtMostDispatch(thread, "IrqlKeDispatchLte", 0x20011, api, *semaphore);
  detail::recordCall(api, semaphore, nullptr, detail::longText(semaphore->signalState));
  return semaphore->signalState;
}

}  // namespace interlock::wdm
