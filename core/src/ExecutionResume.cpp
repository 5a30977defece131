// The counterfactual resume (kernel-semantics.md §3.9): at a hang with threads the adversary
// suspended, NtResumeThread on each, and the execution runs on to tell a denial of service
// caused by the suspension from a deadlock. Part of Execution; its own file because it is its
// own concern. runResumed, the tail's step loop, is in ExecutionSteps.cpp with run()'s.
#include "interlock/core/Execution.hpp"


namespace interlock {

void Execution::resumeThread(Thread& thread) {
  // KeResumeThread: the count drops to 0 and the suspend semaphore is signalled, so the
  // suspend APC's normal routine returns (or, still queued, finds nothing to wait for).
  resume_.resumed |= std::uint64_t{1} << thread.id();
  thread.suspendCount = 0;
  thread.suspendApcQueued = false;
  if (thread.suspendApcRunning) {
    thread.suspendApcRunning = false;
    thread.kernelApcInProgress = false;
    if (thread.state == ThreadState::Ready && thread.waitObserver != nullptr)
      thread.waitObserver->runsAgain(thread, nullptr);
    if (thread.state == ThreadState::Ready) markReady(thread);
    else if (thread.state == ThreadState::Waiting) markWaiting(thread);
  }
  record(Event{.kind = EventKind::Resume, .thread = thread.id(), .api = "NtResumeThread",
               .result = "resumed after the hang (the counterfactual)"});
}

bool Execution::chooseResumed() {
  if (result_.steps - resume_.step >= run_.bounds->maxSteps) {
    resume_.cut = true;  // a tail that does not settle: the hang is not shown to clear
    return false;
  }
  const std::uint64_t runnable = runnableThreads();
  if (runnable != 0) {
    // Round robin from the thread after the one run last: no thread starves another.
    const unsigned from = resume_.lastRun == kNoThread ? 0 : resume_.lastRun + 1u;
    const std::uint64_t after = from >= 64 ? 0 : runnable & (~std::uint64_t{0} << from);
    const std::uint64_t pick = after != 0 ? after : runnable;
    const auto thread = static_cast<ThreadId>(__builtin_ctzll(pick));
    storeRunChoice(&run_.lastChoice, thread);
    resume_.lastRun = thread;
  } else {
    // Nothing runs: the environment's own APCs (I/O completion) still come.
    std::size_t i = 0;
    while (i < apcs_.size() && (!apcs_[i].environment || apcQueued_[i] || threads_[apcs_[i].target]->terminated())) ++i;
    if (i == apcs_.size()) return false;
    run_.lastChoice = Choice{ChoiceKind::Apc, apcs_[i].target, static_cast<std::uint16_t>(i)};
  }
  if ((watched_ & Monitor::kStepsNamingLocks) != 0) findStepLocks(run_.lastChoice);
  return true;
}

void Execution::noteWoken(const WaitBlock& block) noexcept {
  if (block.thread == nullptr || run_.current == nullptr || run_.current == block.thread) return;
  const ThreadId woken = block.thread->id();
  if (resume_.wokenBy[woken] != kNoThread) return;
  resume_.wokenBy[woken] = run_.current->id();
  resume_.wokenThrough[woken] = block.object != nullptr ? block.object->id() : kNoObject;
}

}  // namespace interlock
