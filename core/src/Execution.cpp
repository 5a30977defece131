#include "interlock/core/Execution.hpp"

#include "interlock/core/Setup.hpp"
#include "Names.hpp"

#include <algorithm>
#include <cctype>
#include <exception>
#include <stdexcept>
#include <string>
#include <utility>

namespace interlock {

namespace {

class CurrentScope {
 public:
  explicit CurrentScope(Execution* execution) : previous_(detail::currentExecution) {
    detail::currentExecution = execution;
  }
  ~CurrentScope() { detail::currentExecution = previous_; }
  CurrentScope(const CurrentScope&) = delete;
  CurrentScope& operator=(const CurrentScope&) = delete;

 private:
  Execution* previous_;
};

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

Execution::Execution(StackPool& stacks) : stacks_(stacks) {
  options_.resize(64);
  result_.schedule.reserve(1024);
  result_.spawns.reserve(16);
  result_.events.reserve(4096);
}

Execution::~Execution() {
  teardown();
  for (const ObjectStorage& slot : objectPool_)
    if (slot.storage != nullptr) slot.deallocate(slot.storage);
}

constinit thread_local Execution* detail::currentExecution = nullptr;

void Execution::throwOutside() {
  throw std::logic_error("a modelled kernel API was called outside an Interlock execution");
}

void Execution::throwNoThread() {
  throw ScenarioError("a kernel API that needs a calling thread was called from setup");
}

void Execution::addThread(ThreadSpec spec) {
  addThread(spec.name, spec.requester, spec.kind, spec.suspendable, std::move(spec.body));
}

void Execution::addThread(std::string_view name, std::string_view requester, ThreadKind kind,
                          bool suspendable, Routine body) {
  if (checkNames_) {
    detail::checkName(name, "thread");
    for (const auto& t : threads_)
      if (t->name() == name) throw ScenarioError("two threads are named '" + std::string(name) + "'");
  }
  if (!body) throw ScenarioError("thread '" + std::string(name) + "' has no body");
  if (threads_.size() >= 64) throw ScenarioError("a scenario may have at most 64 threads");
  auto id = static_cast<ThreadId>(threads_.size());
  adversary_ = adversary_ || suspendable;
  if (threadPool_.empty()) {
    threads_.push_back(std::make_unique<Thread>(
        id, ThreadSpec{std::string(name), std::string(requester), kind, suspendable, std::move(body)}));
    return;
  }
  threads_.push_back(std::move(threadPool_.back()));
  threadPool_.pop_back();
  threads_.back()->reuse(id, name, requester, kind, suspendable, std::move(body));
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
    adversary_ = true;
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
  adversary_ = true;
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
  startFiber(thread);
  return thread.id();
}

bool Execution::chooseNext(Choice& choice) {
  collectOptions();
  if (optionCount_ == 0) return false;
  if (result_.steps >= bounds_->maxSteps) {
    result_.ending = Ending::StepBound;
    return false;
  }
  const std::size_t index = chooser_->choose(std::span<const Choice>(options_.data(), optionCount_));
  if (index == ChoiceSource::kAbandon) {
    result_.ending = Ending::Abandoned;
    return false;
  }
  choice = options_[index];
  result_.schedule.push_back(choice);
  ++result_.choicePoints;
  lastChoice_ = choice;
  if ((watched_ & Monitor::kStepsNamingLocks) != 0) findStepLocks(choice);
  return true;
}

void Execution::finishStep(const Choice& choice) {
  ++result_.steps;
  // Which monitors this step concerns: a step that names no lock and blocks nobody goes to
  // those that watch every step only.
  std::uint8_t kinds = Monitor::kEveryStep;
  if (stepLockCount_ != 0 || stepAllLocks_) kinds |= Monitor::kStepsNamingLocks;
  if (choice.kind == ChoiceKind::Run && threads_[choice.thread]->state == ThreadState::Waiting)
    kinds |= Monitor::kStepsThatBlock;
  const Watchers& watchers = watchersFor_[kinds];
  for (std::size_t w = 0; w < watchers.count && !terminal_; ++w) watchers.monitors[w]->afterStep(*this, choice);
}

const ExecutionResult& Execution::run(const Scenario& scenario, const Bounds& bounds,
                                      ChoiceSource& chooser, std::span<Monitor* const> monitors,
                                      bool captureSnapshotAtEnd) {
  teardown();
  result_.schedule.clear();
  result_.spawns.clear();
  result_.events.clear();
  result_.violations.clear();
  result_.ending = Ending::Quiescent;
  result_.steps = 0;
  result_.choicePoints = 0;
  result_.suspensionBoundHit = false;
  result_.apcBoundHit = false;
  apcsUsed_ = 0;
  stepLockCount_ = 0;
  stepAllLocks_ = false;
  result_.snapshot = {};
  bounds_ = &bounds;
  chooser_ = &chooser;
  monitors_ = monitors;
  suspensions_ = 0;
  terminal_ = false;
  tearingDown_ = false;
  stepping_ = false;
  starting_ = false;
  handoff_ = Handoff::None;
  schedulerError_ = nullptr;
  fiberError_.clear();

  CurrentScope scope(this);
  struct TeardownOnExit {
    Execution& execution;
    ~TeardownOnExit() { execution.teardown(); }
  } guard{*this};

  Setup setup(*this, &scenario.parameters);
  if (!scenario.setup) throw ScenarioError("scenario '" + scenario.name + "' has no setup");
  // Setup is deterministic: names checked once per scenario hold for its later runs (quadratic
  // in the objects, it cost more than the steps of a 128-object program).
  checkNames_ = &scenario != namesChecked_ || scenario.name != namesCheckedFor_;
  scenario.setup(setup);
  if (checkNames_) {
    namesChecked_ = &scenario;
    namesCheckedFor_ = scenario.name;
  }
  checkNames_ = true;  // threads spawned while it runs are checked as they come
  startThreads();
  watched_ = 0;
  for (Watchers& watchers : watchersFor_) watchers.count = 0;
  for (Monitor* monitor : monitors_) {
    monitor->beginExecution(*this);
    const std::uint8_t watches = monitor->watches();
    watched_ |= watches;
    // Each set of kinds a step can have lists, in monitor order, those watching one of them.
    for (std::size_t kinds = 0; kinds < watchersFor_.size(); ++kinds) {
      if ((watches & kinds) == 0) continue;
      Watchers& watchers = watchersFor_[kinds];
      if (watchers.count == watchers.monitors.size()) throw std::logic_error("more than 8 monitors watch steps");
      watchers.monitors[watchers.count++] = monitor;
    }
  }

  stepping_ = true;
  Choice choice;
  bool more = !terminal_ && chooseNext(choice);
  while (more) {
    handoff_ = Handoff::None;
    apply(choice);
    if (schedulerError_) std::rethrow_exception(std::exchange(schedulerError_, nullptr));
    switch (handoff_) {
      case Handoff::None:  // the last step ended where only this loop goes on (a wait, an exit)
        finishStep(lastChoice_);
        more = !terminal_ && chooseNext(choice);
        break;
      case Handoff::Chosen:  // the thread finished its step and chose the next one, another's
        choice = handedChoice_;
        break;
      case Handoff::Ended:  // the thread finished its step and the run ends there
        more = false;
        break;
    }
  }
  stepping_ = false;
  if (!terminal_ && result_.ending == Ending::Quiescent) {
    for (Monitor* monitor : monitors_) {
      if (terminal_) break;
      monitor->atQuiescence(*this);
    }
  }
  if (terminal_ && result_.ending != Ending::Abandoned) result_.ending = Ending::Violation;
  if (!fiberError_.empty()) throw ScenarioError(fiberError_);
  if (captureSnapshotAtEnd) captureSnapshot();
  return result_;
}

bool Execution::scheduleHere(Thread& thread) {
  // The scheduler's turn, taken on the thread's own stack. Monitors run as from outside.
  current_ = nullptr;
  bool more = false;
  try {
    finishStep(lastChoice_);
    more = !terminal_ && chooseNext(handedChoice_);
  } catch (...) {
    schedulerError_ = std::current_exception();  // rethrown off the fiber, by run()
  }
  current_ = &thread;
  if (!more) handoff_ = Handoff::Ended;
  else if (handedChoice_.kind != ChoiceKind::Run) handoff_ = Handoff::Chosen;
  return more && handedChoice_.kind == ChoiceKind::Run;
}

void Execution::endStep(Thread& thread) {
  // A thread chosen again goes on without a switch; another chosen thread is switched to
  // directly (Relacy's threads schedule so); anything else is run()'s to do.
  Thread* next = nullptr;
  if (stepping_ && scheduleHere(thread)) {
    if (handedChoice_.thread == thread.id()) return;
    next = threads_[handedChoice_.thread].get();
  } else if (!stepping_) {
    next = nextToStart();
  }
  if (next == nullptr) {
    thread.fiber->suspend();
    return;
  }
  current_ = next;
  thread.fiber->switchTo(*next->fiber);
}

void Execution::exitStep(Thread& thread) {
  // The exiting thread's fiber goes to the next chosen (or starting) thread when it parks, not
  // home first.
  Thread* next = nullptr;
  if (!stepping_) next = nextToStart();
  else if (!terminal_ && scheduleHere(thread)) next = threads_[handedChoice_.thread].get();
  if (next == nullptr) return;
  current_ = next;
  thread.fiber->parkTo(*next->fiber);
}

void Execution::threadEntry(void* argument) {
  auto& thread = *static_cast<Thread*>(argument);
  Execution& execution = current();
  try {
    thread.spec().body();
  } catch (const std::exception& error) {
    // A scenario bug, not a kernel behaviour: end the execution and tell the author.
    execution.fiberError_ = "thread '" + thread.name() + "' threw: " + error.what();
    execution.terminal_ = true;
    thread.state = ThreadState::Terminated;
    return;
  }
  execution.exitChecks(thread);
  execution.exitStep(thread);
}

void Execution::startThreads() {
  // Each thread runs its thread-local code up to its first visible operation, then hands over
  // to the next one straight from its stack (nextToStart): one switch a thread.
  for (auto& thread : threads_) startFiber(*thread);
  nextToStart_ = 0;
  starting_ = true;
  while (!terminal_ && nextToStart_ < threads_.size()) resumeFiber(*threads_[nextToStart_++]);
  starting_ = false;
}

Thread* Execution::nextToStart() noexcept {
  if (!starting_ || terminal_ || nextToStart_ == threads_.size()) return nullptr;
  return threads_[nextToStart_++].get();
}

void Execution::collectAdversaryOptions() {
  const std::size_t bound = 2 * threads_.size() + apcs_.size();
  if (options_.size() < bound) options_.resize(bound);
  Choice* out = options_.data();
  std::size_t count = optionCount_;
  // The environment's own APCs (I/O completion) always happen eventually: progress choices.
  for (std::size_t i = 0; i < apcs_.size(); ++i)
    if (apcs_[i].environment && !apcQueued_[i] && !threads_[apcs_[i].target]->terminated())
      out[count++] = Choice{ChoiceKind::Apc, apcs_[i].target, static_cast<std::uint16_t>(i)};
  optionCount_ = count;
  if (count == 0) return;  // quiescent: adversary events alone change nothing
  for (const auto& thread : threads_) {
    if (!thread->spec().suspendable || thread->terminated() || thread->suspendCount != 0) continue;
    if (suspensions_ < bounds_->maxSuspensions)
      out[count++] = Choice{ChoiceKind::Suspend, thread->id()};
    else
      result_.suspensionBoundHit = true;
  }
  for (std::size_t i = 0; i < apcs_.size(); ++i) {
    if (apcs_[i].environment || apcQueued_[i] || threads_[apcs_[i].target]->terminated()) continue;
    if (apcsUsed_ < bounds_->maxApcs)
      out[count++] = Choice{ChoiceKind::Apc, apcs_[i].target, static_cast<std::uint16_t>(i)};
    else
      result_.apcBoundHit = true;
  }
  optionCount_ = count;
}

void Execution::apply(const Choice& choice) {
  Thread& thread = *threads_[choice.thread];
  switch (choice.kind) {
    case ChoiceKind::Run: resumeFiber(thread); break;
    case ChoiceKind::Suspend: suspend(thread); break;
    case ChoiceKind::Apc: queueApc(choice.value); break;
    case ChoiceKind::Branch: break;  // consumed inside a primitive, never offered here
  }
}

void Execution::queueApc(std::uint16_t index) {
  // KeInsertQueueApc: the target runs it at its next step if §2.2 allows, else later.
  Thread& thread = *threads_[apcs_[index].target];
  apcQueued_[index] = true;
  if (!apcs_[index].environment) ++apcsUsed_;
  thread.queueApc(index, apcs_[index].kind);
  record(Event{.kind = EventKind::ApcQueued, .thread = thread.id(), .api = "KeInsertQueueApc",
               .object = index,
               .result = apcs_[index].kind == ApcKind::Special ? "special kernel APC queued"
                                                               : "normal kernel APC queued"});
}

void Execution::queueEnvironmentApcNow(std::uint16_t index) {
  if (tearingDown_ || index >= apcs_.size() || apcQueued_[index]) return;
  queueApc(index);
}

void Execution::startFiber(Thread& thread) {
  if (thread.fiber == nullptr)
    thread.fiber = std::make_unique<Fiber>(stacks_, home_, &Execution::threadEntry, &thread);
  else
    thread.fiber->restart(&Execution::threadEntry, &thread);
}

void Execution::resumeFiber(Thread& thread) {
  current_ = &thread;
  thread.fiber->resume();
  current_ = nullptr;
}

void Execution::visible(const Op& op) {
  if (tearingDown_) return;
  Thread& thread = currentThread();
  noteNamed(op.object);
  for (ObjectId other : op.others) noteNamed(other);
  do {
    thread.pending = op;
    thread.state = ThreadState::Ready;
    endStep(thread);
  } while (thread.apcPending() && deliverApcs(thread));  // an APC ran: stop again before our op
}

void Execution::wait(const char* api) {
  if (tearingDown_) return;
  Thread& thread = currentThread();
  const Op waitOp{api, thread.wait().object != nullptr ? thread.wait().object->id() : kNoObject,
                  Access::Wait};
  for (;;) {
    thread.state = ThreadState::Waiting;
    thread.pending = waitOp;
    // §2.2: a waiter takes deliverable kernel APCs, then waits again ("the wait resumes").
    if (deliverApcs(thread)) {
      if (thread.waitSet().resumed != nullptr) thread.waitSet().resumed(thread);
      continue;
    }
    if (thread.waitSatisfied() || tearingDown_) break;  // WaitAny: one block; WaitAll: all
    endStep(thread);
  }
  thread.state = ThreadState::Ready;
}

void Execution::satisfy(WaitBlock& block) {
  block.satisfied = true;
  if (block.object != nullptr) block.object->waiters().remove(block);
  // §3.6 WaitAny: one object satisfies the wait, so the thread leaves its other queues.
  if (block.thread != nullptr)
    for (WaitBlock& other : block.thread->blockSatisfied(block))
      if (other.object != nullptr) other.object->waiters().remove(other);
}

std::size_t Execution::branch(std::size_t count) {
  if (count <= 1 || tearingDown_) return 0;
  if (options_.size() < count) options_.resize(count);
  // The branching thread is the running one; the choice itself names only the alternative.
  for (std::size_t i = 0; i < count; ++i)
    options_[i] = Choice{ChoiceKind::Branch, kNoThread, static_cast<std::uint16_t>(i),
                         static_cast<std::uint16_t>(count)};
  optionCount_ = count;
  const std::size_t index = chooser_->choose(std::span<const Choice>(options_.data(), count));
  if (index == ChoiceSource::kAbandon) {
    result_.ending = Ending::Abandoned;
    terminal_ = true;
    stopCurrentThread();
    return 0;
  }
  const Choice choice = options_[index];
  result_.schedule.push_back(choice);
  ++result_.choicePoints;
  return choice.value;
}

void Execution::apcStateChanged() {
  if (tearingDown_) return;
  deliverApcs(currentThread());
}

bool Execution::deliverApcs(Thread& thread) {
  if (tearingDown_) return false;
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
    terminal_ = true;
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
  ++thread.apcDepth;
  thread.wait() = WaitBlock{};
  spec.routine();
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
  ++suspensions_;
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
  thread.kernelApcInProgress = true;  // its normal routine waits on the suspend semaphore
  record(Event{.kind = EventKind::ApcDelivered, .thread = thread.id(), .api = "suspend APC",
               .result = "waits on its suspend semaphore"});
}

void Execution::stopCurrentThread() {
  Thread& thread = currentThread();
  while (thread.suspended() || terminal_) thread.fiber->suspend();
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
    objects_[id]->waiters().forEach([&](const WaitBlock& block) {
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
  if (tearingDown_ || !recordEvents_) return;
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
  if (tearingDown_) return;
  violation.step = result_.steps;
  if (violation.thread == kNoThread && current_ != nullptr) violation.thread = current_->id();
  record(Event{.kind = EventKind::Violation, .thread = violation.thread,
               .violation = static_cast<std::uint32_t>(result_.violations.size())});
  const bool consequence = isConsequence(violation.kind);
  result_.violations.push_back(std::move(violation));
  if (!consequence) return;
  terminal_ = true;
  if (current_ != nullptr) stopCurrentThread();  // Windows stops here; so does this thread
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
  for (const auto& object : objects_) {
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
  tearingDown_ = true;
  CurrentScope scope(this);
  for (auto& thread : threads_) {
    if (thread->fiber == nullptr || thread->fiber->finished()) continue;
    current_ = thread.get();
    thread->fiber->abort();  // unwinds the scenario's frames; their API calls are ignored
    current_ = nullptr;
  }
  // Kept for the next execution: its threads reuse these objects and their fibers.
  for (auto& thread : threads_) {
    thread->retire();
    threadPool_.push_back(std::move(thread));
  }
  threads_.clear();
  adversary_ = false;
  releaseObjects();
  locks_.clear();
  objectFlags_.clear();
  namedLocks_.clear();
  apcs_.clear();
  apcQueued_.clear();
}

}  // namespace interlock
