#pragma once
// KMUTANT (kernel-rules §3.5): the dispatcher mutex under its object name, as the executive's
// mutant objects use it. Unlike a KMUTEX its ownership enters no critical region (a mutant's
// ApcDisable is 0), and KeReleaseMutant can abandon it. Acquired with the KeWaitFor* routines.
#include "interlock/primitives/Dispatcher.hpp"
#include "interlock/primitives/SystemThread.hpp"

#include <cstdint>

namespace interlock::wdm {

class KMUTANT final : public DispatcherObject {
 public:
  KMUTANT() { signalState = 1; }

  [[nodiscard]] const char* typeName() const noexcept override { return "KMUTANT"; }
  void owners(interlock::OwnerList& out) const override {
    if (owner != kNoThread) out.add(interlock::Owner{owner, true, recursion});
  }
  [[nodiscard]] bool signaledFor(ThreadId thread) const noexcept override {
    return signalState > 0 || owner == thread;  // recursive for its owner
  }
  void satisfyWait(interlock::Thread& thread) noexcept override;
  [[nodiscard]] NTSTATUS raisedOnTake(ThreadId thread) const noexcept override {
    return owner == thread && signalState == MINLONG ? STATUS_MUTANT_LIMIT_EXCEEDED : STATUS_SUCCESS;
  }

  // Model state; scenarios use the Ke* API.
  ThreadId owner = kNoThread;
  std::uint32_t recursion = 0;
  bool abandoned = false;
};
using PKMUTANT = KMUTANT*;
using PRKMUTANT = KMUTANT*;

// InitialOwner TRUE: the calling thread owns it once (so it needs a calling thread).
void KeInitializeMutant(PRKMUTANT mutant, BOOLEAN initialOwner);
// Returns the previous signal state. Abandoned = TRUE frees it whoever owns it and marks it
// abandoned; otherwise a release by a non-owner raises STATUS_MUTANT_NOT_OWNED (bug check
// 0x1E in kernel mode, as KeReleaseMutex).
LONG KeReleaseMutant(PRKMUTANT mutant, KPRIORITY increment, BOOLEAN abandoned, BOOLEAN wait);
[[nodiscard]] LONG KeReadStateMutant(PRKMUTANT mutant);
// The owner's client ID (thread and process), zeroes when unowned.
void KeQueryOwnerMutant(PKMUTANT mutant, PCLIENT_ID clientId);

}  // namespace interlock::wdm
