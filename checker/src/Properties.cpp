#include "interlock/checker/Properties.hpp"

#include "interlock/checker/WaitForGraph.hpp"

#include <cstdint>
#include <string>

namespace interlock {

namespace {

Violation fromChain(ViolationKind kind, const char* rule, std::string message,
                    const WaitChain& chain) {
  return Violation{.kind = kind, .rule = rule, .message = std::move(message),
                   .objects = chain.objects, .threads = chain.threads};
}

// Whether a suspended owner holds what `thread` waits for: one of its objects, or for a
// WaitAny wait on several, every one of them.
bool behindSuspended(const Execution& execution, const Thread& thread) {
  const WaitSet& wait = thread.waitSet();
  const bool any = wait.type == WaitType::Any && wait.count > 1;
  for (const WaitBlock& block : wait.used()) {
    if (!WaitForGraph::waitsOn(block)) continue;
    OwnerList owners;
    block.object->owners(owners);
    bool suspended = false;
    for (const Owner& owner : owners) suspended = suspended || execution.thread(owner.thread).suspended();
    if (any && !suspended) return false;
    if (!any && suspended) return true;
  }
  return any;
}

// The first special kernel APC queued to `thread` that it cannot take, or kNoApc. Thread keeps
// its queue private, so this asks deliverableApc() what would run with special kernel APCs
// enabled and normal ones held off, then puts the thread's state back as it was.
std::uint16_t blockedSpecialApc(Thread& thread) noexcept {
  if (thread.canTakeSpecialKernelApc()) return Thread::kNoApc;
  const Irql irql = thread.irql;
  const std::int16_t special = thread.specialApcDisable;
  const std::int16_t normal = thread.kernelApcDisable;
  thread.irql = kPassiveLevel;
  thread.specialApcDisable = 0;
  thread.kernelApcDisable = -1;
  const std::uint16_t apc = thread.deliverableApc();
  thread.irql = irql;
  thread.specialApcDisable = special;
  thread.kernelApcDisable = normal;
  return apc;
}

// Why `thread` cannot take a special kernel APC (§2.2): its IRQL, else a guarded region.
std::string specialApcBlocker(const Thread& thread) {
  if (thread.irql != kPassiveLevel)
    return "it runs at " +
           (thread.irql == kApcLevel        ? std::string("APC_LEVEL")
            : thread.irql == kDispatchLevel ? std::string("DISPATCH_LEVEL")
                                            : "IRQL " + std::to_string(thread.irql)) +
           " (a FAST_MUTEX, a spin lock or KeRaiseIrql), and special kernel APCs run only at "
           "PASSIVE_LEVEL";
  return "it has special kernel APCs disabled (SpecialApcDisable " +
         std::to_string(thread.specialApcDisable) + ": a guarded region or a guarded mutex)";
}

// "; the I/O completion APC IopCompleteRequest1 queued to it can never be delivered: ..." when
// a special kernel APC (the I/O manager's, or a scenario's) waits for `thread` in vain.
std::string undeliverableApcText(const Execution& execution, Thread& thread) {
  const std::uint16_t apc = blockedSpecialApc(thread);
  if (apc == Thread::kNoApc) return {};
  const ApcSpec& spec = execution.apcs().at(apc);
  return std::string("; ") +
         (spec.environment ? "the I/O completion APC " : "the special kernel APC ") + spec.name +
         " queued to it can never be delivered: " + specialApcBlocker(thread);
}

}  // namespace

void DeadlockProperty::afterStep(Execution& execution, const Choice& choice) {
  if (choice.kind != ChoiceKind::Run) return;
  const WaitForGraph graph(execution);
  if (!graph.blocked(choice.thread)) return;
  // Before this thread blocked there was no cycle, so a new one must pass through it.
  const auto cycle = graph.cycleThrough(choice.thread);
  if (!cycle) return;
  const bool self = cycle->threads.size() == 1;
  execution.report(fromChain(ViolationKind::Deadlock, self ? "SelfDeadlock" : "WaitCycle",
                             (self ? "self-deadlock: " : "deadlock: ") + graph.describe(*cycle),
                             *cycle));
}

void DeadlockProperty::atQuiescence(Execution& execution) {
  if (execution.liveThreads() == 0) return;  // every thread ended or was suspended: none waits
  const WaitForGraph graph(execution);
  for (const auto& thread : execution.threads()) {
    if (thread->terminated() || thread->suspended()) continue;
    if (!graph.blocked(thread->id())) continue;
    // Stuck behind a suspended thread of its own requester: that requester hurt only itself.
    if (behindSuspended(execution, *thread)) continue;
    WaitChain chain;
    chain.threads.push_back(thread->id());
    std::string waited;
    for (const WaitBlock& block : thread->waitBlocks()) {
      if (!WaitForGraph::waitsOn(block)) continue;
      chain.objects.push_back(block.object->id());
      waited += std::string(waited.empty() ? "" : ", ") + block.object->typeName() + " " +
                block.object->name();
    }
    const KernelObject& object = execution.object(chain.objects.front());
    OwnerList owners;
    object.owners(owners);
    std::string message = "no thread can move: " + thread->name() + " waits for ";
    if (const WaitSet& wait = thread->waitSet(); wait.count > 1)
      message += (wait.type == WaitType::Any ? "any of " : "all of ") + waited +
                 (wait.type == WaitType::Any ? " (WaitAny)" : " (WaitAll)") +
                 ", and no thread will release or signal what it needs";
    else
      message += waited + ", and " +
                 (owners.empty() ? std::string("no thread will release or signal it")
                                 : "its owner " + execution.thread(owners.begin()->thread).name() +
                                       " cannot release it");
    message += undeliverableApcText(execution, *thread);
    execution.report(fromChain(ViolationKind::Deadlock, "NoThreadCanMove", std::move(message), chain));
    return;
  }
}

void SuspendedOwnerProperty::atQuiescence(Execution& execution) {
  if (execution.liveThreads() == 0) return;  // nobody waits, so nobody waits on a suspended owner
  const WaitForGraph graph(execution);
  for (const auto& thread : execution.threads()) {
    if (thread->terminated() || thread->suspended()) continue;
    const auto chain = graph.chainToSuspendedOwner(thread->id());
    if (!chain) continue;
    const Thread& owner = execution.thread(chain->threads.back());
    execution.report(fromChain(
        ViolationKind::SuspendedOwnerDoS, "SuspendedOwner",
        graph.describe(*chain) + " (" + owner.spec().requester + "), which the adversary " +
            "suspended: " + thread->name() + " (" + thread->spec().requester + ") waits forever",
        *chain));
    return;
  }
}

}  // namespace interlock
