#include "interlock/core/Execution.hpp"

#include "interlock/core/detail/Fiber.hpp"
#include "CurrentScope.hpp"
#include "Names.hpp"

#include <cctype>
#include <stdexcept>
#include <string>
#include <utility>

namespace interlock {

namespace {

const char* stateName(const Thread& thread) {
  if (thread.suspended()) return "suspended";
  switch (thread.state) {
    case ThreadState::Ready: return "ready";
    case ThreadState::Waiting: return thread.waitSatisfied() ? "ready" : "waiting";
    case ThreadState::Terminated: return "terminated";
  }
  return "?";
}

}  // namespace

void detail::checkName(std::string_view name, const char* what) {
  bool ok = !name.empty() && name.size() <= 64;
  for (char c : name)
    ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.');
  if (!ok)
    throw ScenarioError(std::string(what) + " name '" + std::string(name) +
                        "' must be 1-64 characters of letters, digits, '_', '-' or '.'");
}

void ExecutionResult::reset() noexcept {
  schedule.clear();
  spawns.clear();
  events.clear();
  violations.clear();
  ending = Ending::Quiescent;
  steps = 0;
  choicePoints = 0;
  suspensionBoundHit = false;
  apcBoundHit = false;
  snapshot = {};
}

const Violation* ExecutionResult::consequence() const noexcept {
  if (violations.empty() || !isConsequence(violations.back().kind)) return nullptr;
  return &violations.back();
}

const Violation* ExecutionResult::lockOrder() const noexcept {
  for (const Violation& v : violations)
    if (v.kind == ViolationKind::LockOrder) return &v;
  return nullptr;
}

bool ExecutionResult::hasCause() const noexcept {
  for (const Violation& v : violations)
    if (!isConsequence(v.kind)) return true;
  return false;
}

Execution::Execution(StackPool& stacks) : stacks_(stacks), home_(std::make_unique<Fiber>()) {
  options_.resize(64);
  result_.schedule.reserve(1024);
  result_.spawns.reserve(16);
  result_.events.reserve(4096);
}

Execution::~Execution() { teardown(); }

constinit thread_local Execution* detail::currentExecution = nullptr;

void Execution::throwOutside() {
  throw std::logic_error("a modelled kernel API was called outside an Interlock execution");
}

void Execution::throwNoSuchThread(ThreadId id) {
  throw std::out_of_range("no thread " + std::to_string(id) + " in this execution");
}

void Execution::throwBadChoice(std::size_t index, std::size_t count) {
  throw std::logic_error("a choice source chose option " + std::to_string(index) + " of " + std::to_string(count));
}

void Execution::throwNoThread() {
  throw ScenarioError("a kernel API that needs a calling thread was called from setup");
}

void Execution::addThread(ThreadSpec spec) {
  addThread(spec.name, spec.requester, spec.kind, spec.suspendable, std::move(spec.body));
}

void Execution::checkNewThread(std::string_view name, const Routine& body) const {
  if (checkNames_) {
    detail::checkName(name, "thread");
    for (const auto& t : threads_)
      if (t->name() == name) throw ScenarioError("two threads are named '" + std::string(name) + "'");
  }
  if (!body) throw ScenarioError("thread '" + std::string(name) + "' has no body");
  if (threads_.size() >= 64) throw ScenarioError("a scenario may have at most 64 threads");
}

void Execution::addThreadSlot(ThreadId id, std::string_view name, std::string_view requester,
                              ThreadKind kind, bool suspendable, Routine&& body) {
  if (options_.size() < 2 * (std::size_t{id} + 1)) options_.resize(2 * (std::size_t{id} + 1));  // collectOptions' room
  if (id == threadSlots_.size())
    threadSlots_.push_back(std::make_unique<Thread>(
        id, ThreadSpec{std::string(name), std::string(requester), kind, suspendable, std::move(body)}));
  else
    threadSlots_[id]->reuse(id, name, requester, kind, suspendable, std::move(body));
}

void Execution::addApc(std::string name, const std::string& target, ApcKind kind,
                       Routine routine) {
  if (checkNames_) {
    detail::checkName(name, "APC");
    for (const ApcSpec& apc : apcs_)
      if (apc.name == name) throw ScenarioError("two APCs are named '" + name + "'");
  }
  if (!routine) throw ScenarioError("APC '" + name + "' has no routine");
  if (apcs_.size() >= 16) throw ScenarioError("a scenario may declare at most 16 APCs");
  for (const auto& thread : threads_) {
    if (thread->name() != target) continue;
    apcs_.push_back(ApcSpec{std::move(name), thread->id(), kind, std::move(routine)});
    run_.adversary = true;
    apcQueued_.push_back(false);
    return;
  }
  throw ScenarioError("APC '" + name + "' targets '" + target + "', which is not a thread declared before it");
}

std::uint16_t Execution::addEnvironmentApc(const char* prefix, ThreadId target, ApcKind kind,
                                          Routine routine) {
  if (apcs_.size() >= 0xFFFE) throw ScenarioError("too many APCs");
  std::size_t same = 1;
  for (const ApcSpec& apc : apcs_) same += apc.environment && apc.name.starts_with(prefix);
  run_.adversary = true;
  apcs_.push_back(ApcSpec{std::string(prefix) + std::to_string(same), target, kind,
                          std::move(routine), true});
  apcQueued_.push_back(false);
  return static_cast<std::uint16_t>(apcs_.size() - 1);
}

ThreadId Execution::spawnThread(ThreadSpec spec) {
  addThread(std::move(spec));
  Thread& thread = *threads_.back();
  result_.spawns.push_back(Spawn{thread.id(), result_.steps});
  thread.pending = Op{"start"};
  if (sync_ != nullptr) [[unlikely]] sync_->spawned(run_.current, thread);
  startFiber(thread);
  return thread.id();
}

ThreadId Execution::spawnContext(ThreadSpec spec, std::uint8_t processor, Irql irql) {
  run_.processors = true;
  const ThreadId id = spawnThread(std::move(spec));
  // A processor of its own: its id with one processor per thread, else N (beyond the N shared).
  const std::uint32_t shared = processorCount();
  threads_[id]->processor =
      processor != kOwnProcessor ? processor : static_cast<std::uint8_t>(shared == 0 ? id : shared);
  threads_[id]->irql = irql;
  return id;
}

std::uint64_t Execution::preemptedContexts() const noexcept {
  // §7: on each processor the context of highest rank runs; if that one is at DISPATCH_LEVEL
  // or above (or a threaded DPC), the others of the processor wait for it. Equal ranks: the
  // context there first (the lower id) keeps the processor.
  const std::uint64_t live = run_.ready | run_.waiting;
  std::array<std::uint16_t, 64> topRank{};
  std::array<ThreadId, 64> top{};
  std::uint64_t seen = 0;
  const auto rank = [](const Thread& thread) -> std::uint16_t {
    // A threaded DPC blocked in a wait is a thread the scheduler switches away from.
    const bool threaded = thread.spec().kind == ThreadKind::ThreadedDpc && thread.state != ThreadState::Waiting;
    const bool holds = thread.irql >= kDispatchLevel || threaded;
    return static_cast<std::uint16_t>((holds ? 0x100 : 0) + 2 * thread.irql + (threaded ? 1 : 0));
  };
  for (std::uint64_t left = live; left != 0; left &= left - 1) {
    const Thread& thread = *threads_[static_cast<std::size_t>(__builtin_ctzll(left))];
    const std::uint8_t p = thread.processor & 63;
    const std::uint16_t r = rank(thread);
    if ((seen >> p & 1) == 0 || r > topRank[p]) {
      topRank[p] = r;
      top[p] = thread.id();
      seen |= std::uint64_t{1} << p;
    }
  }
  std::uint64_t preempted = 0;
  for (std::uint64_t left = live; left != 0; left &= left - 1) {
    const Thread& thread = *threads_[static_cast<std::size_t>(__builtin_ctzll(left))];
    const std::uint8_t p = thread.processor & 63;
    if (topRank[p] >= 0x100 && top[p] != thread.id()) preempted |= left & -left;
  }
  return preempted;
}

std::uint16_t Execution::addInterrupt(std::string name, Routine fire) {
  if (checkNames_) {
    detail::checkName(name, "interrupt");
    for (const ApcSpec& apc : apcs_)
      if (apc.name == name) throw ScenarioError("two APCs or interrupts are named '" + name + "'");
  }
  if (apcs_.size() >= 0xFFFE) throw ScenarioError("too many interrupts");
  run_.adversary = true;
  run_.processors = true;
  apcs_.push_back(ApcSpec{std::move(name), 0, ApcKind::Special, std::move(fire), false, true});
  apcQueued_.push_back(false);
  return static_cast<std::uint16_t>(apcs_.size() - 1);
}

void Execution::interruptDone(std::uint16_t index) noexcept {
  if (index < apcQueued_.size()) apcQueued_[index] = false;
}

void Execution::queueApc(std::uint16_t index) {
  if (apcs_[index].interrupt) {  // §13: the device interrupts; its ISR context starts
    apcQueued_[index] = true;
    ++run_.interruptsUsed;
    apcs_[index].routine();
    return;
  }
  // KeInsertQueueApc: the target runs it at its next step if §2.2 allows, else later.
  Thread& thread = *threads_[apcs_[index].target];
  apcQueued_[index] = true;
  if (!apcs_[index].environment) ++run_.apcsUsed;
  thread.queueApc(index, apcs_[index].kind);
  record(Event{.kind = EventKind::ApcQueued, .thread = thread.id(), .api = "KeInsertQueueApc",
               .object = index,
               .result = apcs_[index].kind == ApcKind::Special ? "special kernel APC queued"
                                                               : "normal kernel APC queued"});
}

void Execution::queueEnvironmentApcNow(std::uint16_t index) {
  if (run_.tearingDown || index >= apcs_.size() || apcQueued_[index]) return;
  queueApc(index);
}

void Execution::visible(const Op& op) {
  if (run_.tearingDown) return;
  Thread& thread = currentThread();
  objects_.noteNamed(op.object);
  for (ObjectId other : op.others) objects_.noteNamed(other);
  do {
    assignOp(thread.pending, op);
    markReady(thread);
    endStep(thread);
  } while (thread.apcPending() && deliverApcs(thread));  // an APC ran: stop again before our op
  if (sync_ != nullptr && !run_.tearingDown) [[unlikely]] sync_->operation(thread, op);
}

void Execution::wait(const char* api) {
  if (run_.tearingDown) return;
  Thread& thread = currentThread();
  const Op waitOp{api, thread.wait().object != nullptr ? thread.wait().object->id() : kNoObject,
                  Access::Wait};
  for (;;) {
    markWaiting(thread);
    assignOp(thread.pending, waitOp);
    // §2.2: a waiter takes deliverable kernel APCs, then waits again ("the wait resumes").
    if (deliverApcs(thread)) {
      if (thread.waitSet().resumed != nullptr) thread.waitSet().resumed(thread);
      continue;
    }
    if (thread.waitSatisfied() || run_.tearingDown) break;  // WaitAny: one block; WaitAll: all
    if (thread.spec().kind == ThreadKind::ThreadedDpc && thread.irql < kDispatchLevel) [[unlikely]]
      reportThreadedDpcWait(thread, api);
    if (thread.waitObserver != nullptr) [[unlikely]] thread.waitObserver->stopsRunning(thread);
    endStep(thread);
  }
  markReady(thread);
  if (sync_ != nullptr && !run_.tearingDown) [[unlikely]] sync_->waited(thread);
}

void Execution::reportThreadedDpcWait(const Thread& thread, const char* api) {
  // §19: the DISPATCH_LEVEL rules hold in a threaded DPC; what Windows does is undocumented.
  report(Violation{.kind = ViolationKind::ContractViolation, .rule = "WaitInThreadedDpc",
                   .message = std::string(api) + " blocks in threaded DPC " + thread.name() +
                              ": a DPC routine must not wait"});
}

void Execution::satisfy(WaitBlock& block) {
  if (resume_.active) [[unlikely]] noteWoken(block);
  block.satisfied = true;
  if (block.object != nullptr) block.object->waiters().remove(block);
  // §3.6 WaitAny: one object satisfies the wait, so the thread leaves its other queues.
  if (block.thread != nullptr)
    for (WaitBlock& other : block.thread->blockSatisfied(block))
      if (other.object != nullptr) other.object->waiters().remove(other);
  if (block.thread != nullptr && block.thread->waitObserver != nullptr) [[unlikely]]
    if (const WaitSet* set = block.thread->waitSetOf(block); set != nullptr && set->satisfied())
      block.thread->waitObserver->runsAgain(*block.thread, block.object);
}

std::size_t Execution::branch(std::size_t count) {
  if (count <= 1 || run_.tearingDown) return 0;
  if (options_.size() < count) options_.resize(count);
  // The branching thread is the running one; the choice itself names only the alternative.
  for (std::size_t i = 0; i < count; ++i)
    options_[i] = Choice{ChoiceKind::Branch, kNoThread, static_cast<std::uint16_t>(i),
                         static_cast<std::uint16_t>(count)};
  optionCount_ = count;
  const std::size_t index = run_.chooser->choose(std::span<const Choice>(options_.data(), count));
  if (index == ChoiceSource::kAbandon) {
    result_.ending = Ending::Abandoned;
    run_.terminal = true;
    stopCurrentThread();
    return 0;
  }
  const Choice choice = options_[index];
  result_.schedule.push_back(choice);
  ++result_.choicePoints;
  return choice.value;
}

void Execution::apcStateChanged() {
  if (run_.tearingDown) return;
  deliverApcs(currentThread());
}

bool Execution::deliverApcs(Thread& thread) {
  if (run_.tearingDown) return false;
  bool delivered = false;
  for (;;) {
    if (const std::uint16_t apc = thread.deliverableApc(); apc != Thread::kNoApc) {
      runApc(thread, apc);
    } else if (thread.suspendApcQueued && thread.canTakeNormalKernelApc()) {
      deliverSuspendApc(thread);
      stopCurrentThread();  // the suspend APC's wait blocks right here, inside the call
    } else {
      return delivered;
    }
    delivered = true;
  }
}

void Execution::runApc(Thread& thread, std::uint16_t apc) {
  const ApcSpec& spec = apcs_[apc];
  const bool special = spec.kind == ApcKind::Special;
  thread.dequeueApc(apc);
  if (thread.apcDepth == kMaxApcNesting) {
    fiberError_ = "APC '" + spec.name + "' nests deeper than " + std::to_string(kMaxApcNesting);
    run_.terminal = true;
    stopCurrentThread();
    return;
  }
  const Irql irql = thread.irql;
  const std::int32_t apcDisable = thread.combinedApcDisable();
  // §2.2: a special APC runs at APC_LEVEL; a normal one's normal routine at PASSIVE with
  // further normal APCs held off. Either runs with its target's ownership (§3.10).
  if (special) thread.irql = kApcLevel; else thread.kernelApcInProgress = true;
  record(Event{.kind = EventKind::ApcDelivered, .thread = thread.id(), .api = "APC", .object = apc,
               .result = special ? "special kernel APC runs" : "normal kernel APC runs"});
  thread.enterApc();
  thread.wait() = WaitBlock{};
  // The interrupted code's __try frames do not cover the APC: a status it raises is unhandled.
  const std::uint8_t handlers = std::exchange(thread.exceptionHandlers, std::uint8_t{0});
  spec.routine();
  thread.exceptionHandlers = handlers;
  --thread.apcDepth;
  const bool irqlChanged = thread.irql != (special ? kApcLevel : kPassiveLevel);
  if (special) thread.irql = irql; else thread.kernelApcInProgress = false;
  record(Event{.kind = EventKind::ApcReturned, .thread = thread.id(), .api = "APC", .object = apc,
               .result = "returns"});
  if (irqlChanged)
    report(Violation{.kind = ViolationKind::BugCheck, .rule = "IRQL_UNEXPECTED_VALUE", .code = 0xC8,
                     .message = "APC " + spec.name + " returned at another IRQL than it ran at"});
  else if (thread.combinedApcDisable() != apcDisable)
    report(Violation{.kind = ViolationKind::ContractViolation, .rule = "ApcRegionBalance",
                     .message = "APC " + spec.name + " returned with its critical or guarded "
                                "regions unbalanced (CombinedApcDisable " +
                                std::to_string(apcDisable) + " before, " +
                                std::to_string(thread.combinedApcDisable()) + " after)"});
}

void Execution::suspend(Thread& thread) {
  ++run_.suspensions;
  record(Event{.kind = EventKind::Suspend, .thread = thread.id(), .api = "NtSuspendThread",
               .result = "suspend APC queued"});
  // §3.9: KeSuspendThread queues the suspend APC on 0 -> 1; it stops the thread only
  // where a normal kernel APC can be delivered.
  if (thread.suspendCount++ != 0) return;
  thread.suspendApcQueued = true;
  if (thread.canTakeNormalKernelApc()) deliverSuspendApc(thread);
}

void Execution::deliverSuspendApc(Thread& thread) {
  thread.suspendApcQueued = false;
  thread.suspendApcRunning = true;
  forgetRunnable(thread);
  thread.kernelApcInProgress = true;  // its normal routine waits on the suspend semaphore
  if (thread.waitObserver != nullptr) [[unlikely]] thread.waitObserver->stopsRunning(thread);
  record(Event{.kind = EventKind::ApcDelivered, .thread = thread.id(), .api = "suspend APC",
               .result = "waits on its suspend semaphore"});
}

void Execution::stopCurrentThread() {
  Thread& thread = currentThread();
  while (thread.suspended() || run_.terminal) thread.fiber->suspend();
}

Footprint Execution::footprintOf(const Choice& choice) const {
  Footprint footprint;
  if (choice.kind == ChoiceKind::Branch || choice.thread >= threads_.size()) {
    footprint.makeGlobal();
    return footprint;
  }
  // An interrupt starts a context that may preempt any processor: dependent with all.
  if (choice.kind == ChoiceKind::Apc && choice.value < apcs_.size() && apcs_[choice.value].interrupt) {
    footprint.makeGlobal();
    return footprint;
  }
  // A release or signal may satisfy a waiter: that waiter and its other objects (WaitAny), and
  // the queue that counts it as running.
  auto touch = [&](ObjectId id, Access access) {
    if (id == kEveryProcessorObject) {
      footprint.makeGlobal();
      return;
    }
    footprint.add(id, access);
    if (access == Access::Read || id >= objects_.size()) return;
    objects_[id].waiters().forEach([&](const WaitBlock& block) {
      if (block.thread == nullptr) return;
      footprint.add(threadObject(block.thread->id()), Access::Write);
      if (const WaitObserver* observer = block.thread->waitObserver) [[unlikely]]
        footprint.add(observer->observedObject(), Access::Write);
      for (const WaitSet& set : block.thread->waitSets())
        for (const WaitBlock& other : set.used())
          if (other.object != nullptr) footprint.add(other.object->id(), Access::Write);
    });
  };
  // Adversary and I/O-completion events change only their target's state, and the queue that
  // counts it as running (a suspension stops it, which may release a waiter of the queue).
  footprint.add(threadObject(choice.thread), Access::Write);
  const Thread& thread = *threads_[choice.thread];
  if (thread.waitObserver != nullptr) [[unlikely]] touch(thread.waitObserver->observedObject(), Access::Write);
  if (choice.kind != ChoiceKind::Run) return footprint;
  // §7: steps of one processor's contexts can exclude each other from it.
  if (run_.processors) footprint.add(processorObject(thread.processor), Access::Write);
  // An APC routine about to run may do anything its target may do: dependent with all.
  if (thread.deliverableApc() != Thread::kNoApc) {
    footprint.makeGlobal();
    return footprint;
  }
  forEachStepObject(thread, touch);
  return footprint;
}

void Execution::record(Event event) {
  if (run_.tearingDown || !recordEvents_) return;
  event.step = result_.steps;
  if (event.kind != EventKind::Violation && event.thread != kNoThread) {
    const Thread& thread = *threads_[event.thread];
    event.irql = thread.irql;
    event.kernelApcDisable = thread.kernelApcDisable;
    event.specialApcDisable = thread.specialApcDisable;
  }
  if (siteHook_ != nullptr && run_.current != nullptr && event.thread == run_.current->id())
    event.site = siteHook_(siteHookContext_);
  result_.events.push_back(event);
}

void Execution::report(Violation violation) {
  if (run_.tearingDown) return;
  violation.step = result_.steps;
  if (violation.thread == kNoThread && run_.current != nullptr) violation.thread = run_.current->id();
  record(Event{.kind = EventKind::Violation, .thread = violation.thread,
               .violation = static_cast<std::uint32_t>(result_.violations.size())});
  const bool consequence = isConsequence(violation.kind);
  result_.violations.push_back(std::move(violation));
  if (!consequence) return;
  run_.terminal = true;
  if (run_.current != nullptr) stopCurrentThread();  // Windows stops here; so does this thread
}

void Execution::captureSnapshot() {
  Snapshot& snap = result_.snapshot;
  for (const auto& thread : threads_) {
    snap.threads.push_back(ThreadSnapshot{thread->name(), thread->spec().requester,
                                          stateName(*thread), thread->irql,
                                          thread->kernelApcDisable, thread->specialApcDisable,
                                          thread->suspendApcQueued});
  }
  OwnerList owners;
  for (const KernelObject* object : objects_.objects()) {
    ObjectSnapshot entry{object->name(), object->typeName(), {}, {}};
    owners.clear();
    object->owners(owners);
    for (const Owner& owner : owners)
      entry.owners.push_back(HolderSnapshot{threads_[owner.thread]->name(),
                                            owner.exclusive ? "exclusive" : "shared", owner.count});
    object->waiters().forEach([&](const WaitBlock& block) {
      entry.waiters.push_back(HolderSnapshot{block.thread->name(),
                                             object->waitModeName(block.mode), 1});
    });
    snap.objects.push_back(std::move(entry));
  }
  for (const ApcSpec& apc : apcs_) snap.apcs.push_back(ApcSnapshot{apc.name, apc.target});
}

void Execution::teardown() {
  run_.tearingDown = true;
  detail::CurrentScope scope(this);
  for (auto& thread : threads_) {
    if (thread->fiber == nullptr || thread->fiber->finished()) continue;
    run_.current = thread.get();
    thread->fiber->abort();  // unwinds the scenario's frames; their API calls are ignored
    run_.current = nullptr;
  }
  // Kept for the next execution, whose thread i is this one's, reset in place with its fiber.
  for (auto& thread : threads_) thread->retire();
  threads_ = {};
  run_.ready = 0;
  run_.waiting = 0;
  run_.adversary = false;
  objects_.release();
  apcs_.clear();
  apcQueued_.clear();
  siteHook_ = nullptr;
  sync_ = nullptr;
  if (endHook_ != nullptr) std::exchange(endHook_, nullptr)(endHookContext_);
}

}  // namespace interlock
