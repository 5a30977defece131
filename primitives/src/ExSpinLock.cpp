// Executive reader/writer spin locks (kernel-rules §14, §19).
#include "interlock/primitives/ExSpinLock.hpp"

#include "interlock/primitives/Call.hpp"
#include "interlock/primitives/Irql.hpp"

#include <string>

namespace interlock::wdm {

void EX_SPIN_LOCK::owners(OwnerList& out) const {
  if (exclusiveOwner != kNoThread) out.add(Owner{exclusiveOwner, true, 1});
  sharedCount.forEach([&out](ThreadId thread, std::uint32_t count) { out.add(Owner{thread, false, count}); });
}

const char* EX_SPIN_LOCK::waitModeName(std::uint8_t mode) const noexcept {
  if (mode == kExclusiveWaiter) return "exclusive";
  return mode == kSharedWaiter ? "shared" : "convert to exclusive";
}

namespace {

enum class Mode : std::uint8_t { Exclusive, Shared };

// A writer waiting (a reader converting included) turns new readers away (§14).
bool writerWaiting(const EX_SPIN_LOCK& lock) {
  return lock.waiters().count(EX_SPIN_LOCK::kExclusiveWaiter) != 0 ||
         lock.waiters().count(EX_SPIN_LOCK::kConvertWaiter) != 0;
}

bool grantable(const EX_SPIN_LOCK& lock, Mode mode) {
  if (mode == Mode::Exclusive)
    return lock.exclusiveOwner == kNoThread && lock.sharedCount.empty() && lock.converting == kNoThread;
  return lock.exclusiveOwner == kNoThread && !writerWaiting(lock);
}

void take(EX_SPIN_LOCK& lock, Mode mode, ThreadId thread) {
  if (mode == Mode::Exclusive)
    lock.exclusiveOwner = thread;
  else
    (void)lock.sharedCount.increment(thread);
}

void checkIrqlAtMostDispatch(const Thread& thread, EX_SPIN_LOCK& lock, const char* api) {
  if (thread.irql <= DISPATCH_LEVEL) return;
  detail::contractViolation("IrqlExDispatchLte", 0,
                            std::string(api) + " at " + detail::irqlName(thread.irql) +
                                ", above DISPATCH_LEVEL",
                            &lock);
}

void checkIrqlAtLeastDispatch(const Thread& thread, EX_SPIN_LOCK& lock, const char* api) {
  if (thread.irql >= DISPATCH_LEVEL) return;
  detail::contractViolation("IrqlDispatch", 0,
                            std::string(api) + " at " + detail::irqlName(thread.irql) +
                                ", below DISPATCH_LEVEL",
                            &lock);
}

// Recursion "causes deadlock and is not allowed" (§14): the model lets the grant rule
// decide, so a repeated shared acquire passes without a writer waiting and hangs with one.
void acquire(Thread& thread, EX_SPIN_LOCK& lock, Mode mode, const char* api) {
  if (grantable(lock, mode)) {
    take(lock, mode, thread.id());
    detail::recordCall(api, &lock, nullptr, nullptr);
    return;
  }
  detail::waitFor(thread, lock,
                  mode == Mode::Exclusive ? EX_SPIN_LOCK::kExclusiveWaiter : EX_SPIN_LOCK::kSharedWaiter,
                  api, nullptr, "spins");
  detail::recordWoken(api, lock, nullptr, "acquired");
}

// A reader converting gets the lock once the other readers have left.
bool grantConversion(EX_SPIN_LOCK& lock, Execution& execution) {
  WaitBlock* convert = lock.waiters().nth(EX_SPIN_LOCK::kConvertWaiter, 0);
  if (convert == nullptr || !lock.sharedCount.empty()) return false;
  lock.exclusiveOwner = lock.converting;
  lock.converting = kNoThread;
  execution.satisfy(*convert);
  return true;
}

// After a release: writers first (any of them: spinners race, §6), else every reader.
void grantWaiters(EX_SPIN_LOCK& lock) {
  auto& waiters = lock.waiters();
  if (waiters.empty() || lock.exclusiveOwner != kNoThread) return;
  Execution& execution = Execution::current();
  if (grantConversion(lock, execution) || !lock.sharedCount.empty()) return;
  const std::size_t writers = waiters.count(EX_SPIN_LOCK::kExclusiveWaiter);
  if (writers != 0) {
    const std::size_t pick = writers > 1 ? execution.branch(writers) : 0;
    WaitBlock* block = waiters.nth(EX_SPIN_LOCK::kExclusiveWaiter, pick);
    lock.exclusiveOwner = block->thread->id();
    execution.satisfy(*block);
    return;
  }
  waiters.forEach([&](WaitBlock& block) {
    if (block.mode != EX_SPIN_LOCK::kSharedWaiter) return;
    (void)lock.sharedCount.increment(block.thread->id());
    execution.satisfy(block);
  });
}

// Windows only clears bits and knows no owner; a release by a non-holder is reported and
// changes nothing in the model (the lock word would be corrupted).
void release(Thread& thread, EX_SPIN_LOCK& lock, Mode mode, const char* api) {
  const ThreadId me = thread.id();
  const bool holds = mode == Mode::Exclusive ? lock.exclusiveOwner == me : lock.sharedCount.has(me);
  if (!holds) {
    detail::contractViolation("ExSpinLockReleaseNotOwned", 0,
                              std::string(api) + " on EX_SPIN_LOCK " + lock.name() +
                                  " by a thread that does not hold it " +
                                  (mode == Mode::Exclusive ? "exclusively" : "shared"),
                              &lock);
    detail::recordCall(api, &lock, nullptr, "not held");
    return;
  }
  if (mode == Mode::Exclusive)
    lock.exclusiveOwner = kNoThread;
  else
    (void)lock.sharedCount.decrement(me);
  detail::recordCall(api, &lock, nullptr, nullptr);
  grantWaiters(lock);
}

KIRQL acquireRaising(PEX_SPIN_LOCK lock, Mode mode, const char* api) {
  Thread& thread = detail::visibleCall(api, lock, Access::Acquire);
  checkIrqlAtMostDispatch(thread, *lock, api);
  const KIRQL old = detail::raiseTo(thread, DISPATCH_LEVEL);  // raised before spinning
  acquire(thread, *lock, mode, api);
  return old;
}

void acquireAtDpcLevel(PEX_SPIN_LOCK lock, Mode mode, const char* api) {
  Thread& thread = detail::visibleCall(api, lock, Access::Acquire);
  checkIrqlAtLeastDispatch(thread, *lock, api);
  acquire(thread, *lock, mode, api);
}

void releaseLowering(PEX_SPIN_LOCK lock, Mode mode, KIRQL oldIrql, const char* api) {
  Thread& thread = detail::visibleCall(api, lock, Access::Release);
  if (thread.irql != DISPATCH_LEVEL)
    detail::contractViolation("IrqlDispatch", 0,
                              std::string(api) + " at " + detail::irqlName(thread.irql) +
                                  ", not at DISPATCH_LEVEL",
                              lock);
  release(thread, *lock, mode, api);
  detail::checkLower(thread, oldIrql, api);
  thread.irql = oldIrql;
  detail::irqlLowered(thread);
}

void releaseFromDpcLevel(PEX_SPIN_LOCK lock, Mode mode, const char* api) {
  Thread& thread = detail::visibleCall(api, lock, Access::Release);
  checkIrqlAtLeastDispatch(thread, *lock, api);
  release(thread, *lock, mode, api);
}

LOGICAL tryAcquire(PEX_SPIN_LOCK lock, Mode mode, const char* api) {
  Thread& thread = detail::visibleCall(api, lock, Access::Acquire);
  checkIrqlAtLeastDispatch(thread, *lock, api);
  if (!grantable(*lock, mode)) {
    detail::recordCall(api, lock, nullptr, "FALSE");
    return FALSE;
  }
  take(*lock, mode, thread.id());
  detail::recordCall(api, lock, nullptr, "TRUE");
  return TRUE;
}

}  // namespace

KIRQL ExAcquireSpinLockShared(PEX_SPIN_LOCK lock) {
  return acquireRaising(lock, Mode::Shared, "ExAcquireSpinLockShared");
}

KIRQL ExAcquireSpinLockExclusive(PEX_SPIN_LOCK lock) {
  return acquireRaising(lock, Mode::Exclusive, "ExAcquireSpinLockExclusive");
}

void ExReleaseSpinLockShared(PEX_SPIN_LOCK lock, KIRQL oldIrql) {
  releaseLowering(lock, Mode::Shared, oldIrql, "ExReleaseSpinLockShared");
}

void ExReleaseSpinLockExclusive(PEX_SPIN_LOCK lock, KIRQL oldIrql) {
  releaseLowering(lock, Mode::Exclusive, oldIrql, "ExReleaseSpinLockExclusive");
}

void ExAcquireSpinLockSharedAtDpcLevel(PEX_SPIN_LOCK lock) {
  acquireAtDpcLevel(lock, Mode::Shared, "ExAcquireSpinLockSharedAtDpcLevel");
}

void ExAcquireSpinLockExclusiveAtDpcLevel(PEX_SPIN_LOCK lock) {
  acquireAtDpcLevel(lock, Mode::Exclusive, "ExAcquireSpinLockExclusiveAtDpcLevel");
}

void ExReleaseSpinLockSharedFromDpcLevel(PEX_SPIN_LOCK lock) {
  releaseFromDpcLevel(lock, Mode::Shared, "ExReleaseSpinLockSharedFromDpcLevel");
}

void ExReleaseSpinLockExclusiveFromDpcLevel(PEX_SPIN_LOCK lock) {
  releaseFromDpcLevel(lock, Mode::Exclusive, "ExReleaseSpinLockExclusiveFromDpcLevel");
}

LOGICAL ExTryAcquireSpinLockSharedAtDpcLevel(PEX_SPIN_LOCK lock) {
  return tryAcquire(lock, Mode::Shared, "ExTryAcquireSpinLockSharedAtDpcLevel");
}

LOGICAL ExTryAcquireSpinLockExclusiveAtDpcLevel(PEX_SPIN_LOCK lock) {
  return tryAcquire(lock, Mode::Exclusive, "ExTryAcquireSpinLockExclusiveAtDpcLevel");
}

LOGICAL ExTryConvertSharedSpinLockExclusive(PEX_SPIN_LOCK lock) {
  constexpr const char* api = "ExTryConvertSharedSpinLockExclusive";
  Thread& thread = detail::visibleCall(api, lock, Access::Acquire);
  if (thread.irql != DISPATCH_LEVEL)
    detail::contractViolation("IrqlDispatch", 0,
                              std::string(api) + " at " + detail::irqlName(thread.irql) +
                                  ", not at DISPATCH_LEVEL",
                              lock);
  const ThreadId me = thread.id();
  if (!lock->sharedCount.has(me)) {
    detail::contractViolation("ExSpinLockConvertNotShared", 0,
                              std::string(api) + " on EX_SPIN_LOCK " + lock->name() +
                                  " by a thread that does not hold it shared",
                              lock);
    detail::recordCall(api, lock, nullptr, "FALSE");
    return FALSE;
  }
  if (writerWaiting(*lock)) {
    detail::recordCall(api, lock, nullptr, "FALSE: a writer is waiting");
    return FALSE;
  }
  const bool alone = lock->sharedCount.mask() == (std::uint64_t{1} << me) && lock->sharedCount[me] == 1;
  if (alone) {
    lock->sharedCount.clear();
    lock->exclusiveOwner = me;
    detail::recordCall(api, lock, nullptr, "TRUE");
    return TRUE;
  }
  // Other readers hold it (§19): fail, or wait as a writer until the caller is the only one.
  if (Execution::current().branch(2) == 0) {
    detail::recordCall(api, lock, nullptr, "FALSE: other readers hold it");
    return FALSE;
  }
  (void)lock->sharedCount.decrement(me);  // the caller's shared hold, set aside while it waits
  lock->converting = me;
  detail::waitFor(thread, *lock, EX_SPIN_LOCK::kConvertWaiter, api, nullptr,
                  "spins until the other readers leave");
  detail::recordWoken(api, *lock, nullptr, "TRUE");
  return TRUE;
}

}  // namespace interlock::wdm
