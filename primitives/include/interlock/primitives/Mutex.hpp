#pragma once
// KMUTEX (kernel-rules.md §3.5): a recursive dispatcher mutex. Ownership puts the owner
// (only the owner) in a critical region; the final release hands ownership to the first
// waiter. Acquired with KeWaitForSingleObject, KeWaitForMultipleObjects or
// KeWaitForMutexObject (primitives/Wait.hpp).
#include "interlock/primitives/Dispatcher.hpp"

#include <cstdint>
#include <optional>

namespace interlock::wdm {

class KMUTEX final : public DispatcherObject {
 public:
  KMUTEX() { signalState = 1; }  // a zeroed KMUTEX is not valid; this one starts free

  [[nodiscard]] const char* typeName() const noexcept override { return "KMUTEX"; }
  void owners(interlock::OwnerList& out) const override {
    if (owner != kNoThread) out.add(interlock::Owner{owner, true, recursion});
  }
  [[nodiscard]] bool signaledFor(ThreadId thread) const noexcept override {
    return signalState > 0 || owner == thread;  // recursive for its owner
  }
  // KiSatisfyMutantWait: the first acquisition enters the owner's critical region.
  void satisfyWait(interlock::Thread& thread) noexcept override;
  // §3.5: the owner's acquisition with the signal state at MINLONG raises
  // STATUS_MUTANT_LIMIT_EXCEEDED (ReactOS KeWaitForSingleObject) instead of counting on.
  [[nodiscard]] NTSTATUS raisedOnTake(ThreadId thread) const noexcept override {
    return owner == thread && signalState == MINLONG ? STATUS_MUTANT_LIMIT_EXCEEDED : STATUS_SUCCESS;
  }
  // §3.5, §3.9: a system thread ending as owner stops Windows (THREAD_TERMINATE_HELD_MUTEX
  // 0x4000008A); a work item, SYSTEM_EXIT_OWNED_MUTEX 0x39 (§3.11). A return to user mode
  // is caught by the region check instead (0x1: the ownership's critical region).
  [[nodiscard]] std::optional<Violation> heldAtExit(const interlock::Thread& thread) const override;

  // Model state; scenarios use the Ke* API.
  ThreadId owner = kNoThread;
  std::uint32_t recursion = 0;
};
using PKMUTEX = KMUTEX*;
using PRKMUTEX = KMUTEX*;

void KeInitializeMutex(PRKMUTEX mutex, ULONG level);
// Returns the previous signal state. By a non-owner Windows raises STATUS_MUTANT_NOT_OWNED,
// which unhandled is bug check 0x7E or 0x3B (Exception.hpp; §5.13: not 0x46). Wait=TRUE is
// accepted, not modelled.
LONG KeReleaseMutex(PRKMUTEX mutex, BOOLEAN wait);
// 1 when free, 0 owned once, -n owned n + 1 times.
[[nodiscard]] LONG KeReadStateMutex(PRKMUTEX mutex);

}  // namespace interlock::wdm
