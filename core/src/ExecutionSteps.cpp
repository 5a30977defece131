// How an execution steps: run()'s loop, the choice at the end of each step (made on the
// stopping thread's own stack when it can), thread start and exit, and the switches between
// fibers. Part of Execution; its own file because it is its own concern.
#include "interlock/core/Execution.hpp"

#include "interlock/core/Bits.hpp"
#include "interlock/core/Setup.hpp"
#include "interlock/core/detail/Fiber.hpp"
#include "CurrentScope.hpp"

#include <exception>
#include <stdexcept>
#include <string>
#include <utility>

namespace interlock {

std::size_t ChoiceSource::chooseThread(std::uint64_t runnable, std::span<Choice> room) {
  return choose(room.first(storeRunChoices(runnable, room.data())));
}

bool Execution::chooseNext() {
  if (resume_.active) [[unlikely]] return chooseResumed();
  const std::uint64_t runnable = runnableThreads();
  if (run_.adversary) {
    collectOptions(runnable);
    if (optionCount_ == 0) return false;
  } else if (runnable == 0) {
    return false;
  }
  if (result_.steps >= run_.bounds->maxSteps) {
    result_.ending = Ending::StepBound;
    return false;
  }
  // Without an adversary only threads move: the source is asked about them alone, and may
  // answer without the option list (naive DFS replaying its stack, most of its choices).
  const std::size_t index =
      run_.adversary ? run_.chooser->choose(std::span<const Choice>(options_.data(), optionCount_))
                     : run_.chooser->chooseThread(runnable, std::span<Choice>(options_.data(), options_.size()));
  if (index == ChoiceSource::kAbandon) {
    result_.ending = Ending::Abandoned;
    return false;
  }
  if (run_.adversary) {
    run_.lastChoice = options_[index];
  } else {
    std::uint64_t left = runnable;  // the index-th thread of the runnable ones
    for (std::size_t skip = index; skip != 0; --skip) left &= left - 1;
#ifndef NDEBUG
    if (left == 0) throwBadChoice(index, bitCount(runnable));  // a source's bug: debug builds say so
#endif
    storeRunChoice(&run_.lastChoice, static_cast<ThreadId>(__builtin_ctzll(left)));
  }
  result_.schedule.push_back(run_.lastChoice);
  ++result_.choicePoints;
  if ((watched_ & Monitor::kStepsNamingLocks) != 0) findStepLocks(run_.lastChoice);
  return true;
}

void Execution::checkRunnableMasks() const {
  // Debug builds, at every choice: the masks agree with each thread's own state.
  for (const auto& thread : threads_) {
    const std::uint64_t bit = std::uint64_t{1} << thread->id();
    const bool free = !thread->suspended();
    if (((run_.ready & bit) != 0) != (thread->state == ThreadState::Ready && free) ||
        ((run_.waiting & bit) != 0) != (thread->state == ThreadState::Waiting && free))
      throw std::logic_error("the runnable masks are out of step with thread '" + thread->name() + "'");
  }
}

void Execution::finishStep(const Choice& choice) {
  ++result_.steps;
  // Which monitors this step concerns: a step that names no lock and blocks nobody goes to
  // those that watch every step only.
  std::uint8_t kinds = Monitor::kEveryStep;
  if (run_.stepLockCount != 0 || run_.stepAllLocks) kinds |= Monitor::kStepsNamingLocks;
  if (choice.kind == ChoiceKind::Run && threads_[choice.thread]->state == ThreadState::Waiting)
    kinds |= Monitor::kStepsThatBlock;
  const Watchers& watchers = watchersFor_[kinds];
  for (std::size_t w = 0; w < watchers.count && !run_.terminal; ++w) watchers.monitors[w]->afterStep(*this, choice);
}

const ExecutionResult& Execution::run(const Scenario& scenario, const Bounds& bounds,
                                      ChoiceSource& chooser, std::span<Monitor* const> monitors,
                                      bool captureSnapshotAtEnd) {
  teardown();
  result_.reset();
  run_ = RunState{.bounds = &bounds, .chooser = &chooser, .monitors = monitors};
  resume_.requested = resume_.active = resume_.cut = false;
  schedulerError_ = nullptr;
  fiberError_.clear();

  detail::CurrentScope scope(this);
  struct TeardownOnExit {
    Execution& execution;
    ~TeardownOnExit() { execution.teardown(); }
  } guard{*this};

  // Setup is deterministic: names checked once per scenario hold for its later runs (quadratic
  // in the objects, it cost more than the steps of a 128-object program).
  checkNames_ = &scenario != namesChecked_ || !detail::sameText(scenario.name, namesCheckedFor_);
  objects_.beginRun(checkNames_);
  Setup setup(*this, &scenario.parameters);
  if (!scenario.setup) throw ScenarioError("scenario '" + scenario.name + "' has no setup");
  scenario.setup(setup);
  if (checkNames_) {
    namesChecked_ = &scenario;
    namesCheckedFor_ = scenario.name;
  }
  checkNames_ = true;  // threads and objects made while it runs are checked as they come
  objects_.endSetup();
  startThreads();
  // The table of who watches what depends on the monitors alone: a search passes the same ones
  // run after run, so it is rebuilt only when they (or what they watch) differ from last run's.
  bool sameWatchers = run_.monitors.size() == watchedBy_.size();
  for (std::size_t m = 0; m < run_.monitors.size(); ++m) {
    Monitor* monitor = run_.monitors[m];
    monitor->beginExecution(*this);
    sameWatchers = sameWatchers && watchedBy_[m].monitor == monitor && watchedBy_[m].watches == monitor->watches();
  }
  if (!sameWatchers) tableWatchers();

  run_.stepping = true;
  bool more = !run_.terminal && chooseNext();
  while (more) {
    run_.handoff = Handoff::None;
    apply(Choice(run_.lastChoice));  // a copy: threads that choose on their stacks overwrite it
    if (schedulerError_) std::rethrow_exception(std::exchange(schedulerError_, nullptr));
    switch (run_.handoff) {
      case Handoff::None:  // the last step ended where only this loop goes on (a wait, an exit)
        finishStep(run_.lastChoice);
        more = !run_.terminal && chooseNext();
        break;
      case Handoff::Chosen:  // a thread finished its step and chose an adversary event
        break;
      case Handoff::Ended:  // the thread finished its step and the run ends there
        more = false;
        break;
    }
  }
  run_.stepping = false;
  if (!run_.terminal && result_.ending == Ending::Quiescent) {
    for (Monitor* monitor : run_.monitors) {
      if (run_.terminal) break;
      monitor->atQuiescence(*this);
    }
    if (!run_.terminal && resume_.requested) runResumed();
  }
  if (run_.terminal && result_.ending != Ending::Abandoned) result_.ending = Ending::Violation;
  if (!fiberError_.empty()) throw ScenarioError(fiberError_);
  if (captureSnapshotAtEnd) captureSnapshot();
  return result_;
}

void Execution::runResumed() {
  resume_.requested = false;
  resume_.active = true;
  resume_.step = result_.steps;
  resume_.resumed = 0;
  resume_.lastRun = kNoThread;
  resume_.wokenBy.fill(kNoThread);
  resume_.wokenThrough.fill(kNoObject);
  for (const auto& thread : threads_)
    if (thread->suspendCount != 0) resumeThread(*thread);
  // The tail: the same loop as run()'s, its choices made by chooseResumed.
  run_.stepping = true;
  bool more = !run_.terminal && chooseNext();
  while (more) {
    run_.handoff = Handoff::None;
    apply(Choice(run_.lastChoice));
    if (schedulerError_) std::rethrow_exception(std::exchange(schedulerError_, nullptr));
    switch (run_.handoff) {
      case Handoff::None:
        finishStep(run_.lastChoice);
        more = !run_.terminal && chooseNext();
        break;
      case Handoff::Chosen: break;
      case Handoff::Ended: more = false; break;
    }
  }
  run_.stepping = false;
  if (run_.terminal || result_.ending != Ending::Quiescent) return;
  for (Monitor* monitor : run_.monitors) {
    if (run_.terminal) break;
    monitor->atQuiescence(*this);
  }
}

void Execution::tableWatchers() {
  watchedBy_.clear();
  watched_ = 0;
  for (Watchers& watchers : watchersFor_) watchers.count = 0;
  for (Monitor* monitor : run_.monitors) {
    const std::uint8_t watches = monitor->watches();
    watchedBy_.push_back(WatchedBy{monitor, watches});
    watched_ |= watches;
    // Each set of kinds a step can have lists, in monitor order, those watching one of them.
    for (std::size_t kinds = 0; kinds < watchersFor_.size(); ++kinds) {
      if ((watches & kinds) == 0) continue;
      Watchers& watchers = watchersFor_[kinds];
      if (watchers.count == watchers.monitors.size()) {
        // No table: empty, as watchedBy_ says, so the next run builds it again (and throws again).
        watchedBy_.clear();
        watched_ = 0;
        for (Watchers& each : watchersFor_) each.count = 0;
        throw std::logic_error("more than 8 monitors watch steps");
      }
      watchers.monitors[watchers.count++] = monitor;
    }
  }
}

bool Execution::scheduleHere(Thread& thread) {
  // The scheduler's turn, taken on the thread's own stack. Monitors run as from outside.
  run_.current = nullptr;
  bool more = false;
  try {
    finishStep(run_.lastChoice);
    more = !run_.terminal && chooseNext();
  } catch (const std::exception&) {
    // Strategies and monitors throw std::exceptions. A fiber's unwind (FiberAbort, Boost's
    // forced_unwind) is none, so it passes through to unwind the thread's frames.
    schedulerError_ = std::current_exception();  // rethrown off the fiber, by run()
  }
  run_.current = &thread;
  if (!more) run_.handoff = Handoff::Ended;
  else if (run_.lastChoice.kind != ChoiceKind::Run) run_.handoff = Handoff::Chosen;
  return more && run_.lastChoice.kind == ChoiceKind::Run;
}

void Execution::endStep(Thread& thread) {
  // A thread chosen again goes on without a switch; another chosen thread is switched to
  // directly (Relacy's threads schedule so); anything else is run()'s to do.
  Thread* next = nullptr;
  if (run_.stepping && scheduleHere(thread)) {
    if (run_.lastChoice.thread == thread.id()) return;
    next = threads_[run_.lastChoice.thread].get();
  } else if (!run_.stepping) {
    next = nextToStart();
  }
  if (next == nullptr) {
    thread.fiber->suspend();
    return;
  }
  run_.current = next;
  thread.fiber->switchTo(*next->fiber);
}

void Execution::exitStep(Thread& thread) {
  // The exiting thread's fiber goes to the next chosen (or starting) thread when it parks, not
  // home first.
  Thread* next = nullptr;
  if (!run_.stepping) next = nextToStart();
  else if (!run_.terminal && scheduleHere(thread)) next = threads_[run_.lastChoice.thread].get();
  if (next == nullptr) return;
  run_.current = next;
  thread.fiber->parkTo(*next->fiber);
}

void Execution::threadEntry(void* argument) {
  auto& thread = *static_cast<Thread*>(argument);
  Execution& execution = current();
  try {
    thread.spec().body();
    if (thread.rundown != nullptr) [[unlikely]] thread.rundown(thread);
  } catch (const std::exception& error) {
    // A scenario bug, not a kernel behaviour: end the execution and tell the author.
    execution.fiberError_ = "thread '" + thread.name() + "' threw: " + error.what();
    execution.run_.terminal = true;
    execution.markTerminated(thread);
    return;
  }
  execution.exitChecks(thread);
  execution.exitStep(thread);
}

void Execution::startThreads() {
  // Each thread runs its thread-local code up to its first visible operation, then hands over
  // to the next one straight from its stack (nextToStart): one switch a thread.
  for (auto& thread : threads_) startFiber(*thread);
  run_.nextToStart = 0;
  run_.starting = true;
  while (!run_.terminal && run_.nextToStart < threads_.size()) resumeFiber(*threads_[run_.nextToStart++]);
  run_.starting = false;
}

Thread* Execution::nextToStart() noexcept {
  if (!run_.starting || run_.terminal || run_.nextToStart == threads_.size()) return nullptr;
  return threads_[run_.nextToStart++].get();
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
    if (run_.suspensions < run_.bounds->maxSuspensions)
      out[count++] = Choice{ChoiceKind::Suspend, thread->id()};
    else if (run_.bounds->maxSuspensions != 0)  // a bound of 0 turns the adversary off: nothing withheld
      result_.suspensionBoundHit = true;
  }
  for (std::size_t i = 0; i < apcs_.size(); ++i) {
    if (apcs_[i].interrupt) [[unlikely]] {
      if (!apcQueued_[i] && run_.interruptsUsed < run_.bounds->maxInterrupts)
        out[count++] = Choice{ChoiceKind::Apc, apcs_[i].target, static_cast<std::uint16_t>(i)};
      continue;
    }
    if (apcs_[i].environment || apcQueued_[i] || threads_[apcs_[i].target]->terminated()) continue;
    if (run_.apcsUsed < run_.bounds->maxApcs)
      out[count++] = Choice{ChoiceKind::Apc, apcs_[i].target, static_cast<std::uint16_t>(i)};
    else if (run_.bounds->maxApcs != 0)  // 0 declares the scenario's APCs never queued
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

void Execution::startFiber(Thread& thread) {
  if (thread.fiber == nullptr)
    thread.fiber = std::make_unique<Fiber>(stacks_, *home_, &Execution::threadEntry, &thread);
  else
    thread.fiber->restart(&Execution::threadEntry, &thread);
}

void Execution::resumeFiber(Thread& thread) {
  run_.current = &thread;
  thread.fiber->resume();
  run_.current = nullptr;
}

}  // namespace interlock
