// DPCs as drivers queue them (docs/kernel-rules.md §7, §11; bug patterns §18.12, §18.14, §18.15).
#include "../DeviceExtension.hpp"
#include "interlock/primitives/wdm.hpp"
#include "interlock/scenarios/Builtin.hpp"

#include <deque>

namespace interlock::scenarios {

using namespace interlock::wdm;

namespace {

// A device's count of finished transfers, guarded by its spin lock: the dispatch routine and the
// transfer's DPC both add to it.
struct TransferExtension {
  KSPIN_LOCK* Lock = nullptr;
  Shared<LONG>* Finished = nullptr;
};

void CountTransferDpc(KDPC*, PVOID context, PVOID, PVOID) {
  auto* extension = static_cast<TransferExtension*>(context);
  KeAcquireSpinLockAtDpcLevel(extension->Lock);  // right in a DPC: it runs at DISPATCH_LEVEL
  extension->Finished->store(extension->Finished->load() + 1);
  KeReleaseSpinLockFromDpcLevel(extension->Lock);
}

Scenario spinLockAtPassive(bool fixed) {
  return Scenario{
      fixed ? "dpc/spin-lock-raised" : "dpc/spin-lock-at-dpc-level-at-passive",
      fixed ? "The fix of dpc/spin-lock-at-dpc-level-at-passive: the dispatch routine takes the lock "
              "with KeAcquireSpinLock, which raises to DISPATCH_LEVEL. A DPC queued on its processor "
              "runs once the lock is released; on another processor it spins until then."
            : "A dispatch routine counts a finished transfer under the device's spin lock, taken with "
              "KeAcquireSpinLockAtDpcLevel as in the DPC it was copied from, and queues the DPC for "
              "the next transfer while it holds the lock. It runs at PASSIVE_LEVEL, so the DPC "
              "preempts it on its processor before KeInsertQueueDpc returns and spins on the lock the "
              "preempted thread holds: that thread never runs again on its processor.",
      fixed ? Expectation::pass()
            : Expectation::violation(ViolationKind::Deadlock, "NoThreadCanMove")
                  .withVerifier(Expectation::violation(ViolationKind::BugCheck, "IrqlDispatch")),
      Bounds{},
      [fixed](Setup& s) {
        auto& lock = s.make<KSPIN_LOCK>("DeviceLock");
        auto& finished = s.make<Shared<LONG>>("Finished");
        auto& extension = s.make<Extension<TransferExtension>>("Extension");
        auto& dpc = s.make<KDPC>("TransferDpc");
        TransferExtension* context = &extension;
        context->Lock = &lock;
        context->Finished = &finished;
        KeInitializeSpinLock(&lock);
        KeInitializeDpc(&dpc, &CountTransferDpc, context);
        s.systemThread("dispatch", [&lock, &finished, &dpc, fixed] {
          KIRQL old = PASSIVE_LEVEL;
          if (fixed) KeAcquireSpinLock(&lock, &old);
          else KeAcquireSpinLockAtDpcLevel(&lock);  // bug: the caller is at PASSIVE_LEVEL
          finished.store(finished.load() + 1);
          (void)KeInsertQueueDpc(&dpc, nullptr, nullptr);
          if (fixed) KeReleaseSpinLock(&lock, old);
          else KeReleaseSpinLockFromDpcLevel(&lock);
        });
      }};
}

// A DPC that needs the hardware ready, which a thread reports through an event.
struct ReadyContext {
  KEVENT* Ready = nullptr;
  Shared<LONG>* Started = nullptr;
  WORK_QUEUE_ITEM* Work = nullptr;
};

void StartWhenReady(ReadyContext& context) {
  (void)KeWaitForSingleObject(context.Ready, Executive, KernelMode, FALSE, nullptr);
  context.Started->store(1);
}

void WaitingDpc(KDPC*, PVOID context, PVOID, PVOID) {
  StartWhenReady(*static_cast<ReadyContext*>(context));  // bug: a DPC must not wait
}

void StartWorker(PVOID context) { StartWhenReady(*static_cast<ReadyContext*>(context)); }

void DeferringDpc(KDPC*, PVOID context, PVOID, PVOID) {
  ExQueueWorkItem(static_cast<ReadyContext*>(context)->Work, DelayedWorkQueue);  // waits at PASSIVE
}

Scenario waitInDpc(bool fixed) {
  return Scenario{
      fixed ? "dpc/wait-in-work-item" : "dpc/wait-in-dpc",
      fixed ? "The fix of dpc/wait-in-dpc: the DPC hands the start to a work item, whose routine "
              "waits for the ready event at PASSIVE_LEVEL on a system worker thread."
            : "A DPC starts the device once it is ready: it waits on the ready event the "
              "initialization thread sets with KeWaitForSingleObject and no timeout. When the DPC "
              "runs before the event is set, the wait must block, and a DPC cannot: bug check "
              "ATTEMPTED_SWITCH_FROM_DPC (0xB8). Driver Verifier reports the wait at DISPATCH_LEVEL "
              "first (0xC4, 0x122).",
      fixed ? Expectation::pass()
            : Expectation::violation(ViolationKind::BugCheck, "ATTEMPTED_SWITCH_FROM_DPC")
                  .withVerifier(Expectation::violation(ViolationKind::BugCheck, "IrqlKeWaitForSingleObject")),
      Bounds{},
      [fixed](Setup& s) {
        auto& ready = s.make<KEVENT>("Ready");
        auto& started = s.make<Shared<LONG>>("Started");
        auto& work = s.make<WORK_QUEUE_ITEM>("StartWork");
        auto& holder = s.make<Extension<ReadyContext>>("StartContext");
        ReadyContext* context = &holder;
        context->Ready = &ready;
        context->Started = &started;
        context->Work = &work;
        auto& dpc = s.make<KDPC>("StartDpc");
        KeInitializeEvent(&ready, NotificationEvent, FALSE);
        ExInitializeWorkItem(&work, &StartWorker, context);
        KeInitializeDpc(&dpc, fixed ? &DeferringDpc : &WaitingDpc, context);
        s.systemThread("init", [&ready, &dpc] {
          (void)KeInsertQueueDpc(&dpc, nullptr, nullptr);
          (void)KeSetEvent(&ready, IO_NO_INCREMENT, FALSE);
        });
      }};
}

void CompleteRequestDpc(KDPC*, PVOID context, PVOID, PVOID) {
  static_cast<Shared<LONG>*>(context)->store(1);  // the request's buffer is filled
}

Scenario unloadWithDpc(bool fixed) {
  return Scenario{
      fixed ? "dpc/unload-flushes-dpcs" : "dpc/unload-with-dpc-queued",
      fixed ? "The fix of dpc/unload-with-dpc-queued: DriverUnload removes the DPC with "
              "KeRemoveQueueDpc and waits for a run already started with KeFlushQueuedDpcs before "
              "it returns."
            : "A request's dispatch routine queues the DPC that finishes the request and returns. "
              "DriverUnload, once the last request has returned, frees the device and returns. The "
              "DPC can still be queued or running on another processor: its routine is in the "
              "unmapped image, bug check DRIVER_UNLOADED_WITHOUT_CANCELLING_PENDING_OPERATIONS "
              "(0xCE).",
      fixed ? Expectation::pass()
            : Expectation::violation(ViolationKind::BugCheck,
                                     "DRIVER_UNLOADED_WITHOUT_CANCELLING_PENDING_OPERATIONS"),
      Bounds{},
      [fixed](Setup& s) {
        auto& dpc = s.make<KDPC>("RequestDpc");
        auto& buffer = s.make<Shared<LONG>>("Buffer");
        auto& returned = s.make<KEVENT>("RequestsReturned");
        KeInitializeDpc(&dpc, &CompleteRequestDpc, &buffer);
        KeInitializeEvent(&returned, NotificationEvent, FALSE);
        s.systemThread("request", [&dpc, &returned] {
          (void)KeInsertQueueDpc(&dpc, nullptr, nullptr);
          (void)KeSetEvent(&returned, IO_NO_INCREMENT, FALSE);  // the dispatch routine returned
        });
        s.systemThread("unload", [&dpc, &returned, fixed] {
          (void)KeWaitForSingleObject(&returned, Executive, KernelMode, FALSE, nullptr);
          if (fixed) {
            (void)KeRemoveQueueDpc(&dpc);
            KeFlushQueuedDpcs();
          }
          driverUnloadReturns();
        });
      }};
}

// Completed requests the DPC reports, one per insert (bug) or drained from a list (fix).
struct CompletionQueue {
  KSPIN_LOCK* Lock = nullptr;
  std::deque<LONG> Done;  // touched only under Lock
  LONG Reported = 0;      // the requests reported: read once every DPC has run
};

void ReportOneDpc(KDPC*, PVOID context, PVOID argument1, PVOID) {
  auto* queue = static_cast<CompletionQueue*>(context);
  if (argument1 != nullptr) ++queue->Reported;  // the request this insert carried
}

void DrainDpc(KDPC*, PVOID context, PVOID, PVOID) {
  auto* queue = static_cast<CompletionQueue*>(context);
  // Under the lock: a second run of the DPC may drain beside this one on another processor.
  KeAcquireSpinLockAtDpcLevel(queue->Lock);
  queue->Reported += static_cast<LONG>(queue->Done.size());
  queue->Done.clear();
  KeReleaseSpinLockFromDpcLevel(queue->Lock);
}

Scenario coalesced(bool fixed) {
  return Scenario{
      fixed ? "dpc/drains-completion-list" : "dpc/coalesced-insert",
      fixed ? "The fix of dpc/coalesced-insert: each completion is put on a list under a spin lock "
              "before the insert, and the DPC drains the list, so a coalesced insert loses nothing. "
              "The DPC drains and counts under the same lock: queued again while it runs, it may "
              "run a second time on another processor beside the first."
            : "A completion path finishes two requests back to back; for each it queues the "
              "device's DPC with the request as SystemArgument1, and the DPC reports the request "
              "it was given. When the second insert comes while the DPC is still queued, "
              "KeInsertQueueDpc returns FALSE and drops its argument: one run reports one "
              "request, and the other is lost. The path then flushes the DPCs and asserts both "
              "were reported.",
      fixed ? Expectation::pass() : Expectation::violation(ViolationKind::Assertion, "Assertion"),
      Bounds{},
      [fixed](Setup& s) {
        auto& lock = s.make<KSPIN_LOCK>("CompletionLock");
        auto& holder = s.make<Extension<CompletionQueue>>("Completions");
        CompletionQueue* queue = &holder;
        queue->Lock = &lock;
        queue->Done.clear();
        queue->Reported = 0;
        auto& dpc = s.make<KDPC>("CompletionDpc");
        KeInitializeSpinLock(&lock);
        KeInitializeDpc(&dpc, fixed ? &DrainDpc : &ReportOneDpc, queue);
        s.systemThread("complete", [&lock, &dpc, queue, fixed] {
          for (ULONG_PTR request = 1; request <= 2; ++request) {
            if (fixed) {
              KIRQL old = PASSIVE_LEVEL;
              KeAcquireSpinLock(&lock, &old);
              queue->Done.push_back(static_cast<LONG>(request));
              KeReleaseSpinLock(&lock, old);
            }
            (void)KeInsertQueueDpc(&dpc, reinterpret_cast<PVOID>(request), nullptr);
          }
          KeFlushQueuedDpcs();
          check(queue->Reported == 2, "both completed requests are reported");
        });
      }};
}

// A threaded DPC hands work on to an ordinary DPC while it holds the device's lock.
struct ThreadedFields {
  KSPIN_LOCK* Lock = nullptr;
  Shared<LONG>* Count = nullptr;
  KDPC* Followup = nullptr;
};

void ThreadedAtDpcLevel(KDPC*, PVOID context, PVOID, PVOID) {
  auto* fields = static_cast<ThreadedFields*>(context);
  KeAcquireSpinLockAtDpcLevel(fields->Lock);  // bug: a threaded DPC runs at PASSIVE_LEVEL
  fields->Count->store(fields->Count->load() + 1);
  (void)KeInsertQueueDpc(fields->Followup, nullptr, nullptr);
  KeReleaseSpinLockFromDpcLevel(fields->Lock);
}

void ThreadedForDpc(KDPC*, PVOID context, PVOID, PVOID) {
  auto* fields = static_cast<ThreadedFields*>(context);
  const KIRQL old = KeAcquireSpinLockForDpc(fields->Lock);  // raises inside a threaded DPC
  fields->Count->store(fields->Count->load() + 1);
  (void)KeInsertQueueDpc(fields->Followup, nullptr, nullptr);
  KeReleaseSpinLockForDpc(fields->Lock, old);
}

void FollowupDpc(KDPC*, PVOID context, PVOID, PVOID) {
  auto* fields = static_cast<ThreadedFields*>(context);
  KeAcquireSpinLockAtDpcLevel(fields->Lock);
  fields->Count->store(fields->Count->load() + 1);
  KeReleaseSpinLockFromDpcLevel(fields->Lock);
}

Scenario threadedDpc(bool fixed) {
  return Scenario{
      fixed ? "dpc/threaded-dpc-for-dpc" : "dpc/threaded-dpc-at-dpc-level",
      fixed ? "The fix of dpc/threaded-dpc-at-dpc-level: the threaded DPC takes the lock with "
              "KeAcquireSpinLockForDpc, which raises to DISPATCH_LEVEL inside a threaded DPC, so "
              "the ordinary DPC queued on its processor runs only after the release."
            : "A threaded DPC takes the device's spin lock with KeAcquireSpinLockAtDpcLevel, as "
              "an ordinary DPC would, and queues a follow-up DPC that takes the same lock. A "
              "threaded DPC runs at PASSIVE_LEVEL, so the lock is held without raising: the "
              "follow-up DPC preempts it on its processor and spins on the lock its preempted "
              "holder can never release.",
      fixed ? Expectation::pass()
            : Expectation::violation(ViolationKind::Deadlock, "NoThreadCanMove")
                  .withVerifier(Expectation::violation(ViolationKind::BugCheck, "IrqlDispatch")),
      Bounds{},
      [fixed](Setup& s) {
        auto& lock = s.make<KSPIN_LOCK>("DeviceLock");
        auto& count = s.make<Shared<LONG>>("Count");
        auto& followup = s.make<KDPC>("FollowupDpc");
        auto& threaded = s.make<KDPC>("ThreadedDpc");
        auto& holder = s.make<Extension<ThreadedFields>>("Extension");
        ThreadedFields* fields = &holder;
        fields->Lock = &lock;
        fields->Count = &count;
        fields->Followup = &followup;
        KeInitializeSpinLock(&lock);
        KeInitializeDpc(&followup, &FollowupDpc, fields);
        KeInitializeThreadedDpc(&threaded, fixed ? &ThreadedForDpc : &ThreadedAtDpcLevel, fields);
        s.systemThread("request", [&threaded] { (void)KeInsertQueueDpc(&threaded, nullptr, nullptr); });
      }};
}

}  // namespace

std::vector<Scenario> dpcScenarios() {
  std::vector<Scenario> all;
  for (bool fixed : {false, true}) {
    all.push_back(spinLockAtPassive(fixed));
    all.push_back(waitInDpc(fixed));
    all.push_back(unloadWithDpc(fixed));
    all.push_back(coalesced(fixed));
    all.push_back(threadedDpc(fixed));
  }
  return all;
}

}  // namespace interlock::scenarios
