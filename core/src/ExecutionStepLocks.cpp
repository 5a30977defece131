// Which locks a step may change the ownership of (Execution::stepLocks), read from the objects
// its thread's pending operation and wait name. Part of Execution; its own file because it is
// its own concern.
#include "interlock/core/Execution.hpp"

namespace interlock {

// Suspending a thread or queueing an APC changes no ownership; a thread's step changes only that
// of the objects its pending operation (or the wait it returns from) names, unless an APC runs
// first (it may do anything).
void Execution::findStepLocksSlow(const Thread& thread) {
  if (thread.apcPending() && thread.deliverableApc() != Thread::kNoApc) {
    run_.stepAllLocks = true;
    return;
  }
  forEachStepObject(thread, [this](ObjectId object, Access) { addStepLock(object); });
}

// Keeps run_.stepLocks sorted and unique; too many for it make the step touch all locks.
void Execution::insertStepLock(ObjectId object) noexcept {
  std::size_t at = run_.stepLockCount;
  while (at > 0 && run_.stepLocks[at - 1] > object) --at;
  if (at > 0 && run_.stepLocks[at - 1] == object) return;
  if (run_.stepLockCount == run_.stepLocks.size()) {
    run_.stepAllLocks = true;
    return;
  }
  for (std::size_t i = run_.stepLockCount; i > at; --i) run_.stepLocks[i] = run_.stepLocks[i - 1];
  run_.stepLocks[at] = object;
  ++run_.stepLockCount;
}

}  // namespace interlock
