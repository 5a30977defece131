// KMUTEX (kernel-rules.md §3.5).
#include "interlock/primitives/Mutex.hpp"

#include "interlock/primitives/Call.hpp"
#include "interlock/primitives/Exception.hpp"

#include <string>

namespace interlock::wdm {

void KMUTEX::satisfyWait(Thread& thread) noexcept {
  --signalState;
  if (owner == thread.id()) {
    ++recursion;
    return;
  }
  owner = thread.id();
  recursion = 1;
  // §3.5: only the owner is in the critical region, from the moment it is granted (also when
  // a release hands it over before the waiter runs).
  --thread.kernelApcDisable;
}

std::optional<Violation> KMUTEX::heldAtExit(const Thread& thread) const {
  if (owner != thread.id()) return std::nullopt;
  const std::string held = "KMUTEX " + name() + " (recursion " + std::to_string(recursion) + ")";
  switch (thread.spec().kind) {
    case ThreadKind::System:
      return Violation{.kind = ViolationKind::BugCheck, .rule = "THREAD_TERMINATE_HELD_MUTEX",
                       .code = 0x4000008A,
                       .message = "system thread exited still owning " + held,
                       .objects = {id()}};
    case ThreadKind::Worker:
      return Violation{.kind = ViolationKind::BugCheck, .rule = "SYSTEM_EXIT_OWNED_MUTEX",
                       .code = 0x39,
                       .message = "work item routine returned still owning " + held,
                       .objects = {id()}};
    case ThreadKind::SystemCall: break;  // the ownership's critical region gives 0x1 there
    case ThreadKind::Dpc:
    case ThreadKind::ThreadedDpc:
    case ThreadKind::Interrupt: break;  // a DPC or ISR may not own one (§11): reported at the acquire
  }
  return std::nullopt;
}

void KeInitializeMutex(PRKMUTEX mutex, ULONG level) {
  constexpr const char* api = "KeInitializeMutex";
  (void)level;  // reserved, 0 [doc]
  (void)detail::initCall(api, *mutex);
  mutex->owner = kNoThread;
  mutex->recursion = 0;
  mutex->signalState = 1;
  detail::recordCall(api, mutex, nullptr, nullptr);
}

LONG KeReleaseMutex(PRKMUTEX mutex, BOOLEAN wait) {
  constexpr const char* api = "KeReleaseMutex";
  Thread& thread = detail::visibleCall(api, mutex, Access::Release);
  detail::checkAtMostDispatch(thread, "IrqlKeDispatchLte", 0x20011, api, *mutex);
  const LONG previous = mutex->signalState;
  if (mutex->owner != thread.id()) {
    // §3.5, §5.13: a raised status (not bug check 0x46).
    detail::raiseStatus(STATUS_MUTANT_NOT_OWNED, "STATUS_MUTANT_NOT_OWNED",
                        std::string(api) + " on KMUTEX " + mutex->name() +
                            (mutex->owner == kNoThread
                                 ? std::string(", which is not owned")
                                 : ", owned by " + Execution::current().thread(mutex->owner).name()),
                        mutex);
    return previous;
  }
  ++mutex->signalState;
  const bool final = --mutex->recursion == 0;
  if (final) {
    mutex->owner = kNoThread;
    ++thread.kernelApcDisable;  // leaves the ownership's critical region
    detail::waitTest(*mutex);   // KiWaitTest: ownership passes to the first waiter it satisfies
  }
  detail::recordCall(api, mutex, wait ? "Wait TRUE" : "Wait FALSE", detail::longText(previous));
  if (final) Execution::current().apcStateChanged();  // §2.2: pending APCs run now
  return previous;
}

LONG KeReadStateMutex(PRKMUTEX mutex) {
  constexpr const char* api = "KeReadStateMutex";
  Thread& thread = detail::visibleCall(api, mutex, Access::Read);
  detail::checkAtMostDispatch(thread, "IrqlKeDispatchLte", 0x20011, api, *mutex);
  detail::recordCall(api, mutex, nullptr, detail::longText(mutex->signalState));
  return mutex->signalState;
}

}  // namespace interlock::wdm
