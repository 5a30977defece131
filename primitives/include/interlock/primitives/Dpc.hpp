#pragma once
// KDPC (kernel-rules.md §11): a deferred procedure call. A queued DPC runs as a context of its
// own (ThreadKind::Dpc, at DISPATCH_LEVEL; ThreadKind::ThreadedDpc at PASSIVE_LEVEL) on the
// processor the exploration picks: the inserter's, preempting it, or another one.
#include "interlock/core/KernelObject.hpp"
#include "interlock/primitives/WdkTypes.hpp"

#include <cstdint>

namespace interlock::wdm {

class KDPC;
using PKDEFERRED_ROUTINE = void (*)(KDPC* Dpc, PVOID DeferredContext, PVOID SystemArgument1,
                                    PVOID SystemArgument2);

enum KDPC_IMPORTANCE { LowImportance, MediumImportance, HighImportance, MediumHighImportance };

class KDPC final : public interlock::KernelObject {
 public:
  static constexpr std::uint32_t kNoTicket = 0;
  [[nodiscard]] const char* typeName() const noexcept override { return "KDPC"; }
  // Nobody owns a DPC: it is not a lock.
  [[nodiscard]] bool isLock() const noexcept override { return false; }

  // Model state; scenarios use the Ke* API, not these.
  PKDEFERRED_ROUTINE routine = nullptr;
  PVOID context = nullptr;
  PVOID argument1 = nullptr;
  PVOID argument2 = nullptr;
  bool threaded = false;
  bool queued = false;
  std::uint32_t ticket = kNoTicket;  // the queued instance (KeFlushQueuedDpcs counts them)
  std::uint8_t running = 0;          // instances whose routine runs now (two on two processors)
  KDPC_IMPORTANCE importance = MediumImportance;
  std::int16_t targetProcessor = -1;  // KeSetTargetProcessorDpc; -1: none
};
using PKDPC = KDPC*;
using PRKDPC = KDPC*;

// Any IRQL. The DPC's storage is the caller's (a Setup::make'd KDPC).
void KeInitializeDpc(PRKDPC Dpc, PKDEFERRED_ROUTINE DeferredRoutine, PVOID DeferredContext);
// §11: runs at PASSIVE_LEVEL in a DPC thread, preempted only by ordinary DPCs and ISRs.
void KeInitializeThreadedDpc(PRKDPC Dpc, PKDEFERRED_ROUTINE DeferredRoutine, PVOID DeferredContext);
// TRUE if queued; FALSE if already queued (the new arguments are dropped). Callable from a
// context (thread, DPC, ISR) or from the environment (a timer's expiry, with no calling
// context: the DPC then runs on a processor of its own, or processor ticket mod N).
BOOLEAN KeInsertQueueDpc(PRKDPC Dpc, PVOID SystemArgument1, PVOID SystemArgument2);
// TRUE iff it was queued and is removed before it ran; never waits for a running instance.
BOOLEAN KeRemoveQueueDpc(PRKDPC Dpc);
// PASSIVE_LEVEL: returns once every DPC queued before the call has finished.
void KeFlushQueuedDpcs();
// Effective only before the insert. The model records the importance (§19: Medium and High
// run at once on their own processor; Low is treated as Medium).
void KeSetImportanceDpc(PRKDPC Dpc, KDPC_IMPORTANCE Importance);
void KeSetTargetProcessorDpc(PRKDPC Dpc, CCHAR Number);

// The scenario's DriverUnload has returned: Windows unmaps the driver image, so a DPC still
// queued or running, or a timer set to run a DPC or callback, gives bug check 0xCE (§11, §12).
// Call it last in the unload thread's body.
void driverUnloadReturns();

namespace detail {
// §11: a wait of a DPC or ISR that must block switches away from it: bug check 0xB8
// ATTEMPTED_SWITCH_FROM_DPC, which ends the run. Nothing for a thread.
void switchFromDpc(const interlock::Thread& thread, const char* api, const KernelObject* object);
// A timer's expiry queues its DPC (§12.1): KeInsertQueueDpc from the environment, in the
// expiry's own step (no scheduling point, no calling context's processor).
BOOLEAN queueDpcOnExpiry(KDPC& dpc);
}  // namespace detail

}  // namespace interlock::wdm
