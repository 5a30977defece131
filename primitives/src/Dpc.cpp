// DPCs (kernel-rules.md §7, §11): each queued instance runs as a context of its own, spawned
// when queued, on the processor the exploration picks, dequeued at its first step.
#include "interlock/primitives/Dpc.hpp"

#include "DpcQueues.hpp"
#include "interlock/primitives/Call.hpp"
#include "interlock/primitives/Irql.hpp"
#include "interlock/primitives/TimerObject.hpp"

#include <memory>
#include <string>

namespace interlock::wdm {

namespace detail {

DpcQueues& DpcQueues::of(Execution& execution) {
  for (KernelObject* object : execution.objects())
    if (auto* queues = dynamic_cast<DpcQueues*>(object)) return *queues;
  auto made = std::make_unique<DpcQueues>();
  DpcQueues& queues = *made;
  execution.addObject(std::move(made), "DpcQueues");
  return queues;
}

std::uint32_t DpcQueues::queue() {
  if (count_ == unfinished_.size()) throw ScenarioError("more than 64 DPC instances queued at once");
  unfinished_[count_++] = next_;
  return next_++;
}

bool DpcQueues::finishedUpTo(std::uint32_t ticket) const noexcept {
  for (std::size_t i = 0; i < count_; ++i)
    if (unfinished_[i] <= ticket) return false;
  return true;
}

void DpcQueues::finish(std::uint32_t ticket) {
  for (std::size_t i = 0; i < count_; ++i)
    if (unfinished_[i] == ticket) {
      unfinished_[i] = unfinished_[--count_];
      break;
    }
  // Flushers whose DPCs have all finished: collected first, satisfy() unlinks them.
  std::array<WaitBlock*, 64> done{};
  std::size_t n = 0;
  waiters().forEach([&](WaitBlock& block) {
    if (block.thread != nullptr && n < done.size() && finishedUpTo(flushTicket[block.thread->id() & 63]))
      done[n++] = &block;
  });
  for (std::size_t i = 0; i < n; ++i) Execution::current().satisfy(*done[i]);
}

}  // namespace detail

namespace {

constexpr ObjectId kEveryProcessor[1] = {kEveryProcessorObject};

void initialize(PRKDPC dpc, PKDEFERRED_ROUTINE routine, PVOID context, bool threaded, const char* api) {
  if (routine == nullptr) throw ScenarioError(std::string(api) + " with no DeferredRoutine");
  dpc->routine = routine;
  dpc->context = context;
  dpc->threaded = threaded;
  dpc->queued = false;
  dpc->ticket = KDPC::kNoTicket;
  dpc->importance = MediumImportance;
  dpc->targetProcessor = -1;
  Execution& execution = Execution::current();
  execution.useProcessors();
  (void)detail::DpcQueues::of(execution);
  detail::recordCall(api, dpc, nullptr, nullptr);
}

std::string instanceName(const Execution& execution) {
  std::size_t runs = 1;
  for (const auto& thread : execution.threads())
    runs += thread->spec().kind == ThreadKind::Dpc || thread->spec().kind == ThreadKind::ThreadedDpc;
  return "dpc" + std::to_string(runs);
}

// One run of the routine, in the DPC's own context: dequeued at its first step (§11), unless
// removed (or queued again, as another instance) meanwhile.
void runInstance(KDPC& dpc, std::uint32_t ticket) {
  Execution& execution = Execution::current();
  Thread& self = execution.currentThread();
  const Irql level = self.irql;
  auto end = [&] {
    self.irql = PASSIVE_LEVEL;  // the context is gone: what the exit checks read is the thread's
    self.kernelApcDisable = 0;
    self.specialApcDisable = 0;
  };
  if (!dpc.queued || dpc.ticket != ticket) {
    detail::recordCall("DPC", &dpc, nullptr, "removed before it ran: nothing runs");
    end();
    return;
  }
  dpc.queued = false;  // dequeued before the routine runs: it may be queued again meanwhile
  ++dpc.running;
  const PVOID argument1 = dpc.argument1;
  const PVOID argument2 = dpc.argument2;
  detail::recordCall("DPC", &dpc, nullptr, "dequeued: the deferred routine runs");
  const std::int32_t apcDisable = self.combinedApcDisable();
  dpc.routine(&dpc, dpc.context, argument1, argument2);
  // The return is a step of its own: KeFlushQueuedDpcs callers waiting for it go on there.
  detail::DpcQueues& queues = detail::DpcQueues::of(execution);
  execution.visible(Op{"DPC returns", queues.id(), Access::Write});
  --dpc.running;
  queues.finish(ticket);
  if (self.irql != level)
    detail::contractViolation("IrqlDpcReturn", 0x31,
                              "the deferred routine of KDPC " + dpc.name() + " returned at " +
                                  detail::irqlName(self.irql) + ", not at the " + detail::irqlName(level) +
                                  " it ran at (Driver Verifier 0x31, parameter 4 = 1)",
                              &dpc);
  if (self.combinedApcDisable() != apcDisable)
    detail::bugCheck("TIMER_OR_DPC_INVALID", 0xC7,
                     "the deferred routine of KDPC " + dpc.name() +
                         " returned with the APC-disable count changed (parameter 1 = 4)",
                     &dpc);
  end();
}

}  // namespace

void KeInitializeDpc(PRKDPC Dpc, PKDEFERRED_ROUTINE DeferredRoutine, PVOID DeferredContext) {
  initialize(Dpc, DeferredRoutine, DeferredContext, false, "KeInitializeDpc");
}

void KeInitializeThreadedDpc(PRKDPC Dpc, PKDEFERRED_ROUTINE DeferredRoutine, PVOID DeferredContext) {
  initialize(Dpc, DeferredRoutine, DeferredContext, true, "KeInitializeThreadedDpc");
}

namespace {

// KeInsertQueueDpc by `caller`, or by the environment (nullptr: a timer's expiry).
BOOLEAN insertQueueDpc(PRKDPC Dpc, PVOID SystemArgument1, PVOID SystemArgument2, Thread* caller) {
  constexpr const char* api = "KeInsertQueueDpc";
  Execution& execution = Execution::current();
  // The DPC may land on any processor: dependent with every step.
  if (caller != nullptr) execution.visible(Op{api, Dpc->id(), Access::Write, kEveryProcessor});
  if (execution.tearingDown()) return FALSE;
  if (Dpc->routine == nullptr) throw ScenarioError(std::string(api) + " on KDPC " + Dpc->name() + ", never initialized");
  if (Dpc->queued) {
    detail::recordCall(api, Dpc, nullptr, "FALSE (already queued: the new arguments are dropped)");
    return FALSE;
  }
  Dpc->queued = true;
  Dpc->argument1 = SystemArgument1;
  Dpc->argument2 = SystemArgument2;
  const std::uint32_t ticket = detail::DpcQueues::of(execution).queue();
  Dpc->ticket = ticket;

  // Where it runs (§7, §19): the inserter's processor, preempting it, or another one.
  const std::uint32_t processors = execution.processorCount();
  std::uint8_t processor = Execution::kOwnProcessor;
  bool own = false;
  if (Dpc->targetProcessor >= 0) {
    processor = static_cast<std::uint8_t>(processors == 0 ? Dpc->targetProcessor % 64
                                                          : Dpc->targetProcessor % static_cast<int>(processors));
    own = caller != nullptr && caller->processor == processor;
  } else if (caller == nullptr) {
    if (processors != 0) processor = static_cast<std::uint8_t>(ticket % processors);
  } else if (processors == 0) {
    own = execution.branch(2) == 0;
    if (own) processor = caller->processor;
  } else {
    // Processor k of N: the caller's first, then the others in order.
    const std::size_t pick = execution.branch(processors);
    processor = static_cast<std::uint8_t>((caller->processor + pick) % processors);
    own = pick == 0;
  }
  if (execution.tearingDown()) return FALSE;
  const bool threaded = Dpc->threaded;
  const ThreadKind kind = threaded ? ThreadKind::ThreadedDpc : ThreadKind::Dpc;
  KDPC* dpc = Dpc;
  const ThreadId id = execution.spawnContext(
      ThreadSpec{instanceName(execution), "system", kind, false, [dpc, ticket] { runInstance(*dpc, ticket); }},
      processor, threaded ? PASSIVE_LEVEL : DISPATCH_LEVEL);
  execution.threads()[id]->pending = Op{"DPC", Dpc->id(), Access::Write};
  const bool preempts = own && caller != nullptr && caller->irql < DISPATCH_LEVEL && !threaded;
  detail::recordCall(api, Dpc, nullptr,
                     preempts ? "TRUE: the DPC runs on this processor before the call returns"
                     : own    ? "TRUE: queued on this processor"
                              : "TRUE: queued on another processor");
  // §11: below DISPATCH_LEVEL on its own processor it runs before the insert returns.
  if (preempts) execution.visible(Op{api, Dpc->id(), Access::Read});
  return TRUE;
}

}  // namespace

BOOLEAN KeInsertQueueDpc(PRKDPC Dpc, PVOID SystemArgument1, PVOID SystemArgument2) {
  return insertQueueDpc(Dpc, SystemArgument1, SystemArgument2, Execution::current().currentThreadOrNull());
}

BOOLEAN detail::queueDpcOnExpiry(KDPC& dpc) { return insertQueueDpc(&dpc, nullptr, nullptr, nullptr); }

BOOLEAN KeRemoveQueueDpc(PRKDPC Dpc) {
  constexpr const char* api = "KeRemoveQueueDpc";
  Execution& execution = Execution::current();
  // A removal may let KeFlushQueuedDpcs callers go on: it names the queues too.
  const ObjectId queues[1] = {detail::DpcQueues::of(execution).id()};
  execution.visible(Op{api, Dpc->id(), Access::Write, queues});
  if (!Dpc->queued) {
    detail::recordCall(api, Dpc, nullptr, Dpc->running != 0 ? "FALSE (its routine runs now)" : "FALSE");
    return FALSE;
  }
  Dpc->queued = false;
  detail::DpcQueues::of(Execution::current()).finish(Dpc->ticket);
  detail::recordCall(api, Dpc, nullptr, "TRUE (removed before it ran)");
  return TRUE;
}

void KeFlushQueuedDpcs() {
  constexpr const char* api = "KeFlushQueuedDpcs";
  Execution& execution = Execution::current();
  detail::DpcQueues& queues = detail::DpcQueues::of(execution);
  Thread& thread = detail::visibleCall(api, &queues, Access::Read);
  if (thread.irql != PASSIVE_LEVEL)
    detail::contractViolation("IrqlKeFlushQueuedDpcs", 0,
                              std::string(api) + " at " + detail::irqlName(thread.irql) + ", not at PASSIVE_LEVEL",
                              &queues);
  const std::uint32_t ticket = queues.lastTicket();
  if (queues.finishedUpTo(ticket)) {
    detail::recordCall(api, &queues, nullptr, "every DPC queued before has finished");
    return;
  }
  queues.flushTicket[thread.id() & 63] = ticket;
  detail::waitFor(thread, queues, 0, api, nullptr, "waits for the DPCs queued before it");
  detail::recordWoken(api, queues, nullptr, "every DPC queued before has finished");
}

void KeSetImportanceDpc(PRKDPC Dpc, KDPC_IMPORTANCE Importance) {
  Dpc->importance = Importance;
  detail::recordCall("KeSetImportanceDpc", Dpc, nullptr, nullptr);
}

void KeSetTargetProcessorDpc(PRKDPC Dpc, CCHAR Number) {
  if (Number < 0) throw ScenarioError("KeSetTargetProcessorDpc on KDPC " + Dpc->name() + ": a negative processor number");
  Dpc->targetProcessor = Number;
  detail::recordCall("KeSetTargetProcessorDpc", Dpc, nullptr, nullptr);
}

void detail::switchFromDpc(const Thread& thread, const char* api, const KernelObject* object) {
  if (thread.spec().kind != ThreadKind::Dpc && thread.spec().kind != ThreadKind::Interrupt) return;
  detail::bugCheck("ATTEMPTED_SWITCH_FROM_DPC", 0xB8,
                   std::string(api) + " in a " +
                       (thread.spec().kind == ThreadKind::Interrupt ? "ISR" : "DPC routine") +
                       " must block: the processor would switch away from a DPC",
                   object);
}

const Thread& detail::interruptedThread(const Execution& execution, const Thread& context) {
  if (!isPseudoThread(context.spec().kind)) return context;
  for (const auto& thread : execution.threads())
    if (!isPseudoThread(thread->spec().kind) && !thread->terminated() && thread->processor == context.processor)
      return *thread;
  return context;
}

void driverUnloadReturns() {
  constexpr const char* api = "DriverUnload returns";
  Execution& execution = Execution::current();
  detail::DpcQueues& queues = detail::DpcQueues::of(execution);
  execution.visible(Op{api, queues.id(), Access::Read, kEveryProcessor});
  for (KernelObject* object : execution.objects()) {
    const auto* dpc = dynamic_cast<const KDPC*>(object);
    if (dpc == nullptr || (!dpc->queued && dpc->running == 0)) continue;
    detail::bugCheck("DRIVER_UNLOADED_WITHOUT_CANCELLING_PENDING_OPERATIONS", 0xCE,
                     "the driver unloaded with KDPC " + dpc->name() +
                         (dpc->queued ? " still queued" : " still running") +
                         ": its deferred routine is in the unmapped image",
                     dpc);
    return;
  }
  if (detail::checkTimersAtUnload(api)) return;  // a timer set to run a DPC or callback
  detail::recordCall(api, nullptr, nullptr, "no DPC of the driver is queued or running");
}

}  // namespace interlock::wdm
