// Interrupts (kernel-rules.md §7, §13): the ISR's context, KeSynchronizeExecution and the
// interrupt spin lock.
#include "interlock/primitives/Interrupt.hpp"

#include "ExclusiveLock.hpp"
#include "interlock/primitives/Call.hpp"
#include "interlock/primitives/Irql.hpp"

#include <array>
#include <string>

namespace interlock::wdm {

namespace {

constexpr ObjectId kEveryProcessor[1] = {kEveryProcessorObject};

// §13: the processors the ISR may run on: one whose IRQL is below the DIRQL (it preempts what
// runs there), or an idle one; in processor order, the idle one first.
std::size_t placements(const Execution& execution, const Thread& self, KIRQL dirql,
                       std::array<std::uint8_t, 64>& out) {
  std::array<KIRQL, 64> top{};
  std::uint64_t used = 0;
  for (const auto& thread : execution.threads()) {
    if (thread.get() == &self || thread->terminated()) continue;
    const std::uint8_t p = thread->processor & 63;
    if ((used >> p & 1) == 0 || thread->irql > top[p]) top[p] = thread->irql;
    used |= std::uint64_t{1} << p;
  }
  std::size_t count = 0;
  const std::uint32_t processors = execution.processorCount();
  if (processors == 0) {
    out[count++] = Execution::kOwnProcessor;
    for (std::uint64_t left = used; left != 0; left &= left - 1) {
      const auto p = static_cast<std::uint8_t>(__builtin_ctzll(left));
      if (top[p] < dirql) out[count++] = p;
    }
    return count;
  }
  for (std::uint32_t p = 0; p < processors && p < 64; ++p)
    if ((used >> p & 1) == 0 || top[p] < dirql) out[count++] = static_cast<std::uint8_t>(p);
  return count;
}

// The ISR's context: placed at its first step, then it spins for the interrupt spin lock,
// runs the ISR at the DIRQL and checks what it left.
void runIsr(KINTERRUPT& interrupt) {
  Execution& execution = Execution::current();
  Thread& self = execution.currentThread();
  std::array<std::uint8_t, 64> where{};
  const std::size_t count = placements(execution, self, interrupt.dirql, where);
  if (count != 0) {
    const std::uint8_t p = where[execution.branch(count)];
    self.processor = p == Execution::kOwnProcessor ? static_cast<std::uint8_t>(self.id()) : p;
  }
  detail::recordCall("ISR", &interrupt, nullptr,
                     where[0] == Execution::kOwnProcessor && self.processor == self.id()
                         ? "the device interrupts an idle processor"
                         : "the device interrupts this processor");
  // The system takes the interrupt spin lock around the ISR: spins while another holds it.
  execution.visible(Op{"ISR", interrupt.id(), Access::Acquire});
  detail::acquireOrWait(self, interrupt, interrupt.owner, KINTERRUPT::kSpinner, "ISR");
  const BOOLEAN claimed = interrupt.isr(&interrupt, interrupt.context);
  detail::recordCall("ISR", &interrupt, nullptr, claimed ? "TRUE (its device interrupted)" : "FALSE");
  if (self.irql != interrupt.dirql)
    detail::bugCheck("IRQL_UNEXPECTED_VALUE", 0xC8,
                     "the ISR of KINTERRUPT " + interrupt.name() + " returned at " +
                         detail::irqlName(self.irql) + ", not at its DIRQL " + detail::irqlName(interrupt.dirql),
                     &interrupt);
  if (interrupt.owner == self.id()) detail::releaseOwnership(interrupt, interrupt.owner, detail::Grant::HandOffOrBarge);
  self.irql = PASSIVE_LEVEL;  // the context is gone
  execution.interruptDone(interrupt.event);
}

std::string isrName(const Execution& execution) {
  std::size_t runs = 1;
  for (const auto& thread : execution.threads()) runs += thread->spec().kind == ThreadKind::Interrupt;
  return "isr" + std::to_string(runs);
}

void checkIrqlAtMost(const Thread& thread, KIRQL level, const KINTERRUPT& interrupt, const char* api) {
  if (thread.irql <= level) return;
  detail::contractViolation("IrqlKeSynchronizeExecution", 0,
                            std::string(api) + " at " + detail::irqlName(thread.irql) + ", above the " +
                                "SynchronizeIrql " + detail::irqlName(level) + " of KINTERRUPT " + interrupt.name(),
                            &interrupt);
}

KIRQL acquire(KINTERRUPT& interrupt, const char* api) {
  Thread& thread = detail::visibleCall(api, &interrupt, Access::Acquire);
  checkIrqlAtMost(thread, interrupt.synchronizeIrql, interrupt, api);
  // Raised before spinning: on this processor the ISR cannot run until the lock is released.
  const KIRQL old = detail::raiseTo(thread, interrupt.synchronizeIrql);
  detail::acquireOrWait(thread, interrupt, interrupt.owner, KINTERRUPT::kSpinner, api);
  return old;
}

void release(KINTERRUPT& interrupt, KIRQL old, const char* api) {
  Thread& thread = detail::visibleCall(api, &interrupt, Access::Release);
  if (interrupt.owner != thread.id())
    detail::contractViolation("InterruptSpinLockRelease", 0,
                              std::string(api) + " on " + detail::notOwnedText(interrupt, interrupt.owner),
                              &interrupt);
  if (interrupt.owner != kNoThread) detail::releaseOwnership(interrupt, interrupt.owner, detail::Grant::HandOffOrBarge);
  detail::checkLower(thread, old, api);
  thread.irql = old;
  detail::recordCall(api, &interrupt, detail::irqlName(old), nullptr);
  detail::irqlLowered(thread);
}

}  // namespace

PKINTERRUPT connectInterrupt(Setup& setup, std::string_view name, PKSERVICE_ROUTINE isr, PVOID context,
                             KIRQL dirql, KIRQL synchronizeIrql) {
  if (isr == nullptr) throw ScenarioError("connectInterrupt '" + std::string(name) + "' with no ISR");
  if (dirql <= DISPATCH_LEVEL || dirql > HIGH_LEVEL || synchronizeIrql < dirql || synchronizeIrql > HIGH_LEVEL)
    throw ScenarioError("connectInterrupt '" + std::string(name) +
                        "': the DIRQL must be above DISPATCH_LEVEL and at most the SynchronizeIrql (at most 15)");
  auto& interrupt = setup.make<KINTERRUPT>(name);
  interrupt.isr = isr;
  interrupt.context = context;
  interrupt.dirql = dirql;
  interrupt.synchronizeIrql = synchronizeIrql;
  interrupt.owner = kNoThread;
  Execution& execution = Execution::current();
  KINTERRUPT* raised = &interrupt;
  interrupt.event = execution.addInterrupt(std::string(name), [raised] {
    Execution& now = Execution::current();
    const ThreadId id = now.spawnContext(
        ThreadSpec{isrName(now), "system", ThreadKind::Interrupt, false, [raised] { runIsr(*raised); }},
        Execution::kOwnProcessor, raised->dirql);
    // Where it lands is chosen at its first step: dependent with every step.
    now.threads()[id]->pending = Op{"ISR", raised->id(), Access::Acquire, kEveryProcessor};
    if (now.recordsEvents())
      now.record(Event{.kind = EventKind::ApcQueued, .thread = id, .api = "interrupt", .object = raised->event,
                       .result = "the device interrupts: its ISR starts"});
  });
  return &interrupt;
}

BOOLEAN KeSynchronizeExecution(PKINTERRUPT Interrupt, PKSYNCHRONIZE_ROUTINE SynchronizeRoutine,
                               PVOID SynchronizeContext) {
  constexpr const char* api = "KeSynchronizeExecution";
  const KIRQL old = acquire(*Interrupt, api);
  detail::recordCall(api, Interrupt, nullptr, "the SynchCritSection runs");
  const BOOLEAN result = SynchronizeRoutine(SynchronizeContext);
  release(*Interrupt, old, api);
  return result;
}

KIRQL KeAcquireInterruptSpinLock(PKINTERRUPT Interrupt) {
  return acquire(*Interrupt, "KeAcquireInterruptSpinLock");
}

void KeReleaseInterruptSpinLock(PKINTERRUPT Interrupt, KIRQL OldIrql) {
  release(*Interrupt, OldIrql, "KeReleaseInterruptSpinLock");
}

}  // namespace interlock::wdm
