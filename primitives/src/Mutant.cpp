// KMUTANT (kernel-rules §3.5).
#include "interlock/primitives/Mutant.hpp"

#include "interlock/primitives/Call.hpp"

#include <string>

namespace interlock::wdm {

void KMUTANT::satisfyWait(Thread& thread) noexcept {
  --signalState;
  abandoned = false;
  if (owner == thread.id()) {
    ++recursion;
    return;
  }
  owner = thread.id();
  recursion = 1;  // no critical region: a mutant's ApcDisable is 0
}

void KeInitializeMutant(PRKMUTANT mutant, BOOLEAN initialOwner) {
  constexpr const char* api = "KeInitializeMutant";
  Thread* thread = detail::initCall(api, *mutant);
  if (initialOwner && thread == nullptr)
    throw ScenarioError(std::string(api) + " with InitialOwner TRUE needs a calling thread, not the setup");
  mutant->owner = initialOwner ? thread->id() : kNoThread;
  mutant->recursion = initialOwner ? 1 : 0;
  mutant->signalState = initialOwner ? 0 : 1;
  mutant->abandoned = false;
  detail::recordCall(api, mutant, initialOwner ? "InitialOwner TRUE" : "InitialOwner FALSE", nullptr);
}

LONG KeReleaseMutant(PRKMUTANT mutant, KPRIORITY increment, BOOLEAN abandoned, BOOLEAN wait) {
  constexpr const char* api = "KeReleaseMutant";
  (void)increment;
  Thread& thread = detail::visibleCall(api, mutant, Access::Release);
  detail::checkAtMostDispatch(thread, "IrqlKeDispatchLte", 0x20011, api, *mutant);
  const LONG previous = mutant->signalState;
  if (abandoned) {
    mutant->signalState = 1;
    mutant->owner = kNoThread;
    mutant->recursion = 0;
    mutant->abandoned = true;
    detail::waitTest(*mutant);
    detail::recordCall(api, mutant, "Abandoned TRUE", detail::longText(previous));
    return previous;
  }
  if (mutant->owner != thread.id()) {
    detail::bugCheck("KMODE_EXCEPTION_NOT_HANDLED", 0x1E,
                     std::string(api) + " on KMUTANT " + mutant->name() +
                         ", which the caller does not own: raises STATUS_MUTANT_NOT_OWNED "
                         "(0xC0000046), which no handler catches in kernel mode",
                     mutant);
    return previous;
  }
  ++mutant->signalState;
  if (--mutant->recursion == 0) {
    mutant->owner = kNoThread;
    detail::waitTest(*mutant);  // ownership passes to the first waiter it satisfies
  }
  detail::recordCall(api, mutant, wait ? "Wait TRUE" : "Wait FALSE", detail::longText(previous));
  return previous;
}

LONG KeReadStateMutant(PRKMUTANT mutant) {
  constexpr const char* api = "KeReadStateMutant";
  Thread& thread = detail::visibleCall(api, mutant, Access::Read);
  detail::checkAtMostDispatch(thread, "IrqlKeDispatchLte", 0x20011, api, *mutant);
  detail::recordCall(api, mutant, nullptr, detail::longText(mutant->signalState));
  return mutant->signalState;
}

void KeQueryOwnerMutant(PKMUTANT mutant, PCLIENT_ID clientId) {
  constexpr const char* api = "KeQueryOwnerMutant";
  (void)detail::visibleCall(api, mutant, Access::Read);
  clientId->UniqueProcess = nullptr;
  clientId->UniqueThread = detail::clientIdOf(mutant->owner);
  detail::recordCall(api, mutant, nullptr, mutant->owner == kNoThread ? "not owned" : "owned");
}

}  // namespace interlock::wdm
