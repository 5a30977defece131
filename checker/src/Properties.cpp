#include "interlock/checker/Properties.hpp"

#include "interlock/checker/WaitForGraph.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

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

// A service thread waiting for its work: only objects nobody owns (events, semaphores). One
// that waits for a lock is held up like any other thread, and counts in a hang.
bool idleService(const Thread& thread) {
  if (!thread.spec().service) return false;
  for (const WaitBlock& block : thread.waitBlocks())
    if (WaitForGraph::waitsOn(block) && block.object->ownerMask() != 0) return false;
  return true;
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

// ": isr1 holds its processor" when `owner` cannot run because another context of its processor
// runs above it (kernel-rules.md §7); else nothing.
std::string preemptedText(const Execution& execution, ThreadId owner) {
  if ((execution.preemptedContexts() >> owner & 1) == 0) return {};
  const Thread& held = execution.thread(owner);
  for (const auto& thread : execution.threads())
    if (thread->id() != owner && !thread->terminated() && thread->processor == held.processor &&
        (execution.preemptedContexts() >> thread->id() & 1) == 0)
      return ": " + thread->name() + " holds its processor";
  return {};
}

// The hang at quiescence, as "no thread can move", told of its first thread; `hung` gets every
// thread held up (an idle service thread, or one behind its own requester's suspended owner,
// is not), and `waited` the first object each waits for.
std::optional<Violation> findHang(Execution& execution, std::uint64_t& hung,
                                  std::array<ObjectId, 64>& waited) {
  hung = 0;
  std::optional<Violation> first;
  const WaitForGraph graph(execution);
  for (const auto& thread : execution.threads()) {
    if (thread->terminated() || thread->suspended()) continue;
    if (!graph.blocked(thread->id())) continue;
    // A server with no work left is how drivers are written: a thread waiting on it is the hang.
    if (idleService(*thread)) continue;
    // Stuck behind a suspended thread of its own requester: that requester hurt only itself.
    if (behindSuspended(execution, *thread)) continue;
    WaitChain chain;
    chain.threads.push_back(thread->id());
    std::string waitedText;
    for (const WaitBlock& block : thread->waitBlocks()) {
      if (!WaitForGraph::waitsOn(block)) continue;
      chain.objects.push_back(block.object->id());
      waitedText += std::string(waitedText.empty() ? "" : ", ") + block.object->typeName() + " " +
                    block.object->name();
    }
    hung |= std::uint64_t{1} << thread->id();
    waited[thread->id()] = chain.objects.front();
    if (first) continue;
    const KernelObject& object = execution.object(chain.objects.front());
    OwnerList owners;
    object.owners(owners);
    std::string message = "no thread can move: " + thread->name() + " waits for ";
    if (const WaitSet& wait = thread->waitSet(); wait.count > 1)
      message += (wait.type == WaitType::Any ? "any of " : "all of ") + waitedText +
                 (wait.type == WaitType::Any ? " (WaitAny)" : " (WaitAll)") +
                 ", and no thread will release or signal what it needs";
    else
      message += waitedText + ", and " +
                 (owners.empty() ? std::string("no thread will release or signal it")
                                 : "its owner " + execution.thread(owners.begin()->thread).name() +
                                       " cannot release it" +
                                       preemptedText(execution, owners.begin()->thread));
    message += undeliverableApcText(execution, *thread);
    first = fromChain(ViolationKind::Deadlock, "NoThreadCanMove", std::move(message), chain);
  }
  return first;
}

// From a thread held up before the resume, back along who woke whom in the resumed run to a
// thread that was resumed: [waiter, its waker, ..., the resumed thread] and the objects between.
WaitChain wakeChain(const Execution& execution, ThreadId start, ObjectId waited) {
  const ResumeRecord& resume = execution.resumed();
  WaitChain chain;
  chain.threads.push_back(start);
  for (ThreadId at = start; chain.threads.size() <= 64;) {
    const ThreadId by = resume.wokenBy[at];
    if (by == kNoThread) break;
    const ObjectId through = resume.wokenThrough[at];
    chain.objects.push_back(through != kNoObject ? through : waited);
    chain.threads.push_back(by);
    if ((resume.resumed >> by & 1) != 0) return chain;
    at = by;
  }
  // Nobody's wake leads back to a resumed thread: named as the first one resumed.
  chain.threads.resize(1);
  chain.objects.assign(1, waited);
  chain.threads.push_back(static_cast<ThreadId>(__builtin_ctzll(resume.resumed)));
  return chain;
}

// "reader-b waits for KEVENT Done.1, set by poller; poller waits for KSEMAPHORE Work, released
// by reader-a"
std::string describeWakes(const Execution& execution, const WaitChain& chain) {
  std::string text;
  for (std::size_t i = 0; i < chain.objects.size(); ++i) {
    const KernelObject& object = execution.object(chain.objects[i]);
    const bool event = std::string_view(object.typeName()).find("EVENT") != std::string_view::npos;
    text += (text.empty() ? "" : "; ") + execution.thread(chain.threads[i]).name() + " waits for " +
            object.typeName() + " " + object.name() + (event ? ", set by " : ", released by ") +
            execution.thread(chain.threads[i + 1]).name();
  }
  return text;
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

void DeadlockProperty::beginExecution(Execution& execution) {
  (void)execution;
  beforeResume_.reset();
  hung_ = 0;
}

void DeadlockProperty::atQuiescence(Execution& execution) {
  if (execution.resumed().active) {
    afterResume(execution);
    return;
  }
  if (execution.liveThreads() == 0) return;  // every thread ended or was suspended: none waits
  std::uint64_t hung = 0;
  auto hang = findHang(execution, hung, waited_);
  if (!hang) return;
  for (const auto& thread : execution.threads()) {
    if (!thread->suspended()) continue;
    // The adversary suspended a thread: whether it caused the hang is seen by resuming it.
    beforeResume_ = std::move(hang);
    hung_ = hung;
    execution.requestResume();
    return;
  }
  execution.report(std::move(*hang));
}

void DeadlockProperty::afterResume(Execution& execution) {
  if (!beforeResume_) return;
  std::uint64_t hungNow = 0;
  std::array<ObjectId, 64> waitedNow{};
  if (execution.resumed().cut || (findHang(execution, hungNow, waitedNow) && (hungNow & hung_) != 0)) {
    // Resumed, the threads still cannot move: the suspension did not cause it.
    execution.report(std::move(*beforeResume_));
    return;
  }
  for (std::uint64_t left = hung_; left != 0; left &= left - 1) {
    const auto waiter = static_cast<ThreadId>(__builtin_ctzll(left));
    const WaitChain chain = wakeChain(execution, waiter, waited_[waiter]);
    const Thread& held = execution.thread(waiter);
    const Thread& suspended = execution.thread(chain.threads.back());
    // Held up only by its own requester's suspended thread: that requester hurt only itself.
    if (held.spec().requester == suspended.spec().requester) continue;
    execution.report(fromChain(
        ViolationKind::SuspendedOwnerDoS, "SuspendedSignaller",
        describeWakes(execution, chain) + " (" + suspended.spec().requester + "), which the adversary " +
            "suspended before it did: " + held.name() + " (" + held.spec().requester +
            ") waits until that thread is resumed, as the run after NtResumeThread shows",
        chain));
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
