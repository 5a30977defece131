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

void Execution::queueApc(std::uint16_t index) {
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
    endStep(thread);
  }
  markReady(thread);
  if (sync_ != nullptr && !run_.tearingDown) [[unlikely]] sync_->waited(thread);
}

void Execution::satisfy(WaitBlock& block) {
  if (resume_.active) [[unlikely]] noteWoken(block);
  block.satisfied = true;
  if (block.object != nullptr) block.object->waiters().remove(block);
  // §3.6 WaitAny: one object satisfies the wait, so the thread leaves its other queues.
  if (block.thread != nullptr)
    for (WaitBlock& other : block.thread->blockSatisfied(block))
      if (other.object != nullptr) other.object->waiters().remove(other);
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
  // Adversary and I/O-completion events change only their target's state.
  footprint.add(threadObject(choice.thread), Access::Write);
  if (choice.kind != ChoiceKind::Run) return footprint;
  const Thread& thread = *threads_[choice.thread];
  // An APC routine about to run may do anything its target may do: dependent with all.
  if (thread.deliverableApc() != Thread::kNoApc) {
    footprint.makeGlobal();
    return footprint;
  }
  // A release or signal may satisfy a waiter: that waiter and its other objects (WaitAny).
  auto touch = [&](ObjectId id, Access access) {
    footprint.add(id, access);
    if (access == Access::Read || id >= objects_.size()) return;
    objects_[id].waiters().forEach([&](const WaitBlock& block) {
      if (block.thread == nullptr) return;
      footprint.add(threadObject(block.thread->id()), Access::Write);
      for (const WaitSet& set : block.thread->waitSets())
        for (const WaitBlock& other : set.used())
          if (other.object != nullptr) footprint.add(other.object->id(), Access::Write);
    });
  };
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
  sync_ = nullptr;
  if (endHook_ != nullptr) std::exchange(endHook_, nullptr)(endHookContext_);
}

}  // namespace interlock
