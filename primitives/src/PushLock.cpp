// Push locks (kernel-rules.md §3.7, §6.4: any grant order).
#include "interlock/primitives/PushLock.hpp"

#include "interlock/primitives/Call.hpp"
#include "interlock/primitives/Regions.hpp"

#include <string>

namespace interlock::wdm {

void EX_PUSH_LOCK::owners(OwnerList& out) const {
  if (exclusiveOwner != kNoThread) out.add(Owner{exclusiveOwner, true, 1});
  sharedCount.forEach([&out](ThreadId thread, std::uint32_t count) { out.add(Owner{thread, false, count}); });
}

namespace {

enum class Mode : std::uint8_t { Exclusive, Shared };

constexpr std::uint32_t kAcquireWithApcsEnabled = 0xEA;
constexpr std::uint32_t kReleaseWithApcsEnabled = 0xEB;

std::uint8_t waiterMode(Mode mode) {
  return mode == Mode::Exclusive ? EX_PUSH_LOCK::kExclusiveWaiter : EX_PUSH_LOCK::kSharedWaiter;
}

// Normal kernel APCs are disabled by a CR, a GR or APC_LEVEL (§2.2).
bool normalKernelApcsEnabled(const Thread& thread) {
  return thread.irql < APC_LEVEL && thread.kernelApcDisable == 0 && thread.specialApcDisable == 0;
}

void checkCall(const Thread& thread, EX_PUSH_LOCK& lock, const char* api, std::uint32_t apcCode) {
  if (!lock.initialized) {
    detail::contractViolation("PushLockInitialized", 0,
                              std::string(api) + " on EX_PUSH_LOCK " + lock.name() +
                                  " before it was initialized (or after FltDeletePushLock)",
                              &lock);
    lock.initialized = true;  // reported once
  }
  if (thread.irql > APC_LEVEL)
    detail::contractViolation("IrqlPushLockApcLte", 0, std::string(api) + " called above APC_LEVEL",
                              &lock);
  if (normalKernelApcsEnabled(thread))
    detail::contractViolation(
        "PushLockWithinCriticalRegion", apcCode,
        std::string(api) + " with normal kernel APCs enabled: the holder of " + lock.name() +
            " can be suspended while holding it (enter a critical region first)",
        &lock);
}

void acquire(Thread& thread, EX_PUSH_LOCK& lock, Mode mode, const char* api) {
  const ThreadId me = thread.id();
  // Exclusive only when unowned; shared when not held exclusively and no exclusive waiter.
  // Not recursive: a holder asking again is refused like anyone else and hangs (§3.7).
  const bool grant =
      mode == Mode::Exclusive
          ? lock.unowned()
          : lock.exclusiveOwner == kNoThread &&
                lock.waiters().count(EX_PUSH_LOCK::kExclusiveWaiter) == 0;
  if (!grant) {
    detail::waitFor(thread, lock, waiterMode(mode), api, nullptr);
    detail::recordWoken(api, lock, nullptr, "acquired: handed over by the release");
    return;
  }
  if (mode == Mode::Exclusive) {
    lock.exclusiveOwner = me;
  } else if (lock.sharedCount.increment(me)) {
    ++lock.sharedOwners;
  }
  detail::recordCall(api, &lock, nullptr, nullptr);
}

// The lock became free: Windows wakes waiters in no guaranteed order (§3.7), so every
// exclusive waiter, and the shared waiters as one batch, is an alternative (§6).
void handOff(EX_PUSH_LOCK& lock) {
  auto& waiters = lock.waiters();
  const std::size_t exclusive = waiters.count(EX_PUSH_LOCK::kExclusiveWaiter);
  const std::size_t shared = waiters.count(EX_PUSH_LOCK::kSharedWaiter);
  const std::size_t alternatives = exclusive + (shared > 0 ? 1 : 0);
  if (alternatives == 0) return;
  Execution& execution = Execution::current();
  const std::size_t pick = alternatives > 1 ? execution.branch(alternatives) : 0;
  if (pick < exclusive) {
    WaitBlock* block = waiters.nth(EX_PUSH_LOCK::kExclusiveWaiter, pick);
    lock.exclusiveOwner = block->thread->id();
    execution.satisfy(*block);
    return;
  }
  waiters.forEach([&](WaitBlock& block) {
    if (block.mode != EX_PUSH_LOCK::kSharedWaiter) return;
    if (lock.sharedCount.increment(block.thread->id())) ++lock.sharedOwners;
    execution.satisfy(block);
  });
}

void release(Thread& thread, EX_PUSH_LOCK& lock, Mode mode, const char* api) {
  checkCall(thread, lock, api, kReleaseWithApcsEnabled);
  const ThreadId me = thread.id();
  const bool holds = mode == Mode::Exclusive ? lock.exclusiveOwner == me : lock.sharedCount.has(me);
  ThreadId holder = me;
  if (!holds) {
    detail::contractViolation("PushLockReleaseNotOwned", 0,
                              std::string(api) + " on EX_PUSH_LOCK " + lock.name() +
                                  " by a thread that does not hold it " +
                                  (mode == Mode::Exclusive ? "exclusively" : "shared"),
                              &lock);
    // Windows tracks no owner: the release takes effect on whoever holds it that way.
    holder = mode == Mode::Exclusive ? lock.exclusiveOwner : lock.sharedCount.first();
  }
  if (holder == kNoThread) {
    // Windows would corrupt the lock word; the model leaves the lock as it was.
    detail::recordCall(api, &lock, nullptr, "not held");
    return;
  }
  bool nowFree = true;
  if (mode == Mode::Exclusive)
    lock.exclusiveOwner = kNoThread;
  else
    nowFree = lock.sharedCount.decrement(holder) && --lock.sharedOwners == 0;
  detail::recordCall(api, &lock, nullptr, nullptr);
  if (nowFree) handOff(lock);
}

void initialize(PEX_PUSH_LOCK lock, const char* api) {
  if (Execution::current().currentThreadOrNull() != nullptr) {
    (void)detail::visibleCall(api, lock, Access::Write);
    if (!lock->unowned() || !lock->waiters().empty())
      detail::contractViolation("PushLockReinitialized", 0,
                                std::string(api) + " on EX_PUSH_LOCK " + lock->name() +
                                    " while it is held or waited for",
                                lock);
  }
  lock->initialized = true;
  lock->exclusiveOwner = kNoThread;
  lock->sharedOwners = 0;
  lock->sharedCount.clear();
  detail::recordCall(api, lock, nullptr, nullptr);
}

void exAcquire(PEX_PUSH_LOCK lock, Mode mode, const char* api) {
  Thread& thread = detail::visibleCall(api, lock, Access::Acquire);
  checkCall(thread, *lock, api, kAcquireWithApcsEnabled);
  acquire(thread, *lock, mode, api);
}

void fltAcquire(PEX_PUSH_LOCK lock, Mode mode, const char* api) {
  Thread& thread = detail::visibleCall(api, lock, Access::Acquire);
  detail::enterCriticalRegion(thread, api);  // before any wait: a waiter is not suspendable
  checkCall(thread, *lock, api, kAcquireWithApcsEnabled);
  acquire(thread, *lock, mode, api);
}

}  // namespace

void ExInitializePushLock(PEX_PUSH_LOCK lock) { initialize(lock, "ExInitializePushLock"); }

void ExAcquirePushLockExclusive(PEX_PUSH_LOCK lock) {
  exAcquire(lock, Mode::Exclusive, "ExAcquirePushLockExclusive");
}

void ExAcquirePushLockShared(PEX_PUSH_LOCK lock) {
  exAcquire(lock, Mode::Shared, "ExAcquirePushLockShared");
}

void ExReleasePushLockExclusive(PEX_PUSH_LOCK lock) {
  constexpr const char* api = "ExReleasePushLockExclusive";
  Thread& thread = detail::visibleCall(api, lock, Access::Release);
  release(thread, *lock, Mode::Exclusive, api);
}

void ExReleasePushLockShared(PEX_PUSH_LOCK lock) {
  constexpr const char* api = "ExReleasePushLockShared";
  Thread& thread = detail::visibleCall(api, lock, Access::Release);
  release(thread, *lock, Mode::Shared, api);
}

void FltInitializePushLock(PEX_PUSH_LOCK lock) { initialize(lock, "FltInitializePushLock"); }

void FltAcquirePushLockExclusive(PEX_PUSH_LOCK lock) {
  fltAcquire(lock, Mode::Exclusive, "FltAcquirePushLockExclusive");
}

void FltAcquirePushLockShared(PEX_PUSH_LOCK lock) {
  fltAcquire(lock, Mode::Shared, "FltAcquirePushLockShared");
}

namespace {

void exRelease(PEX_PUSH_LOCK lock, Mode mode, const char* api) {
  Thread& thread = detail::visibleCall(api, lock, Access::Release);
  release(thread, *lock, mode, api);
}

void fltRelease(PEX_PUSH_LOCK lock, const char* api) {
  Thread& thread = detail::visibleCall(api, lock, Access::Release);
  // One release for both modes: the lock word says which; the model asks its owner view.
  const ThreadId me = thread.id();
  const bool exclusive = lock->exclusiveOwner == me ||
                         (!lock->sharedCount.has(me) && lock->exclusiveOwner != kNoThread);
  release(thread, *lock, exclusive ? Mode::Exclusive : Mode::Shared, api);
  detail::leaveCriticalRegion(thread, api);
  Execution::current().apcStateChanged();  // §2.2: a pending suspend APC runs here
}

}  // namespace

void FltReleasePushLock(PEX_PUSH_LOCK lock) { fltRelease(lock, "FltReleasePushLock"); }

void FltDeletePushLock(PEX_PUSH_LOCK lock) {
  constexpr const char* api = "FltDeletePushLock";
  if (Execution::current().currentThreadOrNull() != nullptr)
    (void)detail::visibleCall(api, lock, Access::Write);
  if (!lock->unowned() || !lock->waiters().empty())
    detail::contractViolation("PushLockDeletedWhileOwned", 0,
                              std::string(api) + " on EX_PUSH_LOCK " + lock->name() +
                                  " while it is held or waited for",
                              lock);
  lock->initialized = false;  // Windows frees nothing; later use is reported
  detail::recordCall(api, lock, nullptr, nullptr);
}

void ExAcquirePushLockExclusiveEx(PEX_PUSH_LOCK lock, ULONG flags) {
  (void)flags;  // boosting only
  exAcquire(lock, Mode::Exclusive, "ExAcquirePushLockExclusiveEx");
}

void ExAcquirePushLockSharedEx(PEX_PUSH_LOCK lock, ULONG flags) {
  (void)flags;
  exAcquire(lock, Mode::Shared, "ExAcquirePushLockSharedEx");
}

void ExReleasePushLockExclusiveEx(PEX_PUSH_LOCK lock, ULONG flags) {
  (void)flags;
  exRelease(lock, Mode::Exclusive, "ExReleasePushLockExclusiveEx");
}

void ExReleasePushLockSharedEx(PEX_PUSH_LOCK lock, ULONG flags) {
  (void)flags;
  exRelease(lock, Mode::Shared, "ExReleasePushLockSharedEx");
}

void FltAcquirePushLockExclusiveEx(PEX_PUSH_LOCK lock, ULONG flags) {
  (void)flags;
  fltAcquire(lock, Mode::Exclusive, "FltAcquirePushLockExclusiveEx");
}

void FltAcquirePushLockSharedEx(PEX_PUSH_LOCK lock, ULONG flags) {
  (void)flags;
  fltAcquire(lock, Mode::Shared, "FltAcquirePushLockSharedEx");
}

void FltReleasePushLockEx(PEX_PUSH_LOCK lock, ULONG flags) {
  (void)flags;
  fltRelease(lock, "FltReleasePushLockEx");
}

}  // namespace interlock::wdm
