#include "interlock/primitives/SpinLock.hpp"

#include "ExclusiveLock.hpp"
#include "SpinLockRules.hpp"
#include "interlock/primitives/Call.hpp"
#include "interlock/primitives/Irql.hpp"

#include <string>

namespace interlock::wdm {

namespace detail::spin {

using Use = KSPIN_LOCK::Use;

namespace {
const char* useName(Use use) {
  if (use == Use::Queued) return "in-stack queued";
  return use == Use::Interlocked ? "ExInterlocked" : "ordinary";
}
}  // namespace

// §3.2: never mix queued and ordinary use of one lock. Windows does not check; the two
// protocols read the lock word differently. The model reports it and keeps mutual exclusion.

void checkUse(KSPIN_LOCK& lock, Use use, const char* api) {
  if (lock.use == Use::None) lock.use = use;
  if (lock.use == use) return;
  detail::contractViolation(
      "SpinLockMixedUse", 0,
      std::string(api) + " on KSPIN_LOCK " + lock.name() + ", which is used with the " +
          useName(lock.use) + " routines",
      &lock);
}

// DV 0x42, SDV IrqlKeDispatchLte.
void checkAcquireIrql(const Thread& thread, KSPIN_LOCK& lock, const char* api) {
  if (thread.irql <= DISPATCH_LEVEL) return;
  detail::contractViolation("IrqlKeDispatchLte", 0x42,
                            std::string(api) + " at " + detail::irqlName(thread.irql) +
                                ", above DISPATCH_LEVEL",
                            &lock);
}

// DV 0x32, SDV IrqlKeReleaseSpinLock (the model applies it to the queued release too).
void checkReleaseIrql(const Thread& thread, KSPIN_LOCK& lock, const char* api) {
  if (thread.irql == DISPATCH_LEVEL) return;
  detail::contractViolation("IrqlKeReleaseSpinLock", 0x32,
                            std::string(api) + " at " + detail::irqlName(thread.irql) +
                                ", not at DISPATCH_LEVEL",
                            &lock);
}

// DV 0x40 / 0x41, SDV IrqlDispatch: the AtDpcLevel forms do not raise.
void checkAtDispatch(const Thread& thread, KSPIN_LOCK& lock, const char* api, std::uint32_t code) {
  if (thread.irql >= DISPATCH_LEVEL) return;
  detail::contractViolation("IrqlDispatch", code,
                            std::string(api) + " at " + detail::irqlName(thread.irql) +
                                ", below DISPATCH_LEVEL",
                            &lock);
}

// Windows clears the lock word whoever calls: a foreign release frees the lock.
void release(const Thread& thread, KSPIN_LOCK& lock, const char* api, const char* rule,
             std::uint32_t code, detail::Grant grant) {
  if (lock.owner != thread.id())
    detail::contractViolation(rule, code,
                              std::string(api) + " on " + detail::notOwnedText(lock, lock.owner),
                              &lock);
  if (lock.owner != kNoThread) detail::releaseOwnership(lock, lock.owner, grant);
}

}  // namespace detail::spin

namespace {

using Use = KSPIN_LOCK::Use;
using namespace detail::spin;

void releaseOrdinary(Thread& thread, KSPIN_LOCK& lock, const char* api) {
  checkUse(lock, Use::Ordinary, api);
  // Spinners race for the freed lock word: any may win, or a newcomer (§6).
  release(thread, lock, api, "SpinlockRelease", 0x4000B, detail::Grant::HandOffOrBarge);
}

// KeAcquireSpinLock and KeAcquireSpinLockRaiseToDpc: returns the old IRQL.
KIRQL acquireRaising(KSPIN_LOCK& lock, const char* api) {
  Thread& thread = detail::visibleCall(api, &lock, Access::Acquire);
  checkAcquireIrql(thread, lock, api);
  checkUse(lock, Use::Ordinary, api);
  // Raised before spinning: a spinner takes no APC and cannot be suspended.
  const KIRQL old = detail::raiseTo(thread, DISPATCH_LEVEL);
  // §3.2: recursion spins forever: the owner waits on itself.
  detail::acquireOrWait(thread, lock, lock.owner, KSPIN_LOCK::kSpinner, api);
  return old;
}

}  // namespace

void KeInitializeSpinLock(PKSPIN_LOCK lock) {
  lock->owner = kNoThread;
  lock->use = Use::None;
  detail::recordCall("KeInitializeSpinLock", lock, nullptr, nullptr);
}

void KeAcquireSpinLock(PKSPIN_LOCK lock, PKIRQL oldIrql) {
  *oldIrql = acquireRaising(*lock, "KeAcquireSpinLock");
}

KIRQL KeAcquireSpinLockRaiseToDpc(PKSPIN_LOCK lock) {
  return acquireRaising(*lock, "KeAcquireSpinLockRaiseToDpc");
}

BOOLEAN KeTryToAcquireSpinLockAtDpcLevel(PKSPIN_LOCK lock) {
  constexpr const char* api = "KeTryToAcquireSpinLockAtDpcLevel";
  Thread& thread = detail::visibleCall(api, lock, Access::Acquire);
  checkAtDispatch(thread, *lock, api, 0x20003);
  checkUse(*lock, Use::Ordinary, api);
  // Never spins: a busy lock word, the caller's own included, gives FALSE.
  if (lock->owner != kNoThread) {
    detail::recordCall(api, lock, nullptr, "FALSE");
    return FALSE;
  }
  lock->owner = thread.id();
  detail::recordCall(api, lock, nullptr, "TRUE");
  return TRUE;
}

void KeReleaseSpinLock(PKSPIN_LOCK lock, KIRQL newIrql) {
  constexpr const char* api = "KeReleaseSpinLock";
  Thread& thread = detail::visibleCall(api, lock, Access::Release);
  checkReleaseIrql(thread, *lock, api);
  releaseOrdinary(thread, *lock, api);
  detail::checkLower(thread, newIrql, api);
  thread.irql = newIrql;
  detail::recordCall(api, lock, detail::irqlName(newIrql), nullptr);
  detail::irqlLowered(thread);
}

void KeAcquireSpinLockAtDpcLevel(PKSPIN_LOCK lock) {
  constexpr const char* api = "KeAcquireSpinLockAtDpcLevel";
  Thread& thread = detail::visibleCall(api, lock, Access::Acquire);
  checkAtDispatch(thread, *lock, api, 0x40);
  checkUse(*lock, Use::Ordinary, api);
  detail::acquireOrWait(thread, *lock, lock->owner, KSPIN_LOCK::kSpinner, api);
}

void KeReleaseSpinLockFromDpcLevel(PKSPIN_LOCK lock) {
  constexpr const char* api = "KeReleaseSpinLockFromDpcLevel";
  Thread& thread = detail::visibleCall(api, lock, Access::Release);
  checkAtDispatch(thread, *lock, api, 0x41);
  releaseOrdinary(thread, *lock, api);
  detail::recordCall(api, lock, nullptr, nullptr);
}

void KeAcquireInStackQueuedSpinLock(PKSPIN_LOCK lock, PKLOCK_QUEUE_HANDLE handle) {
  constexpr const char* api = "KeAcquireInStackQueuedSpinLock";
  Thread& thread = detail::visibleCall(api, lock, Access::Acquire);
  checkAcquireIrql(thread, *lock, api);
  checkUse(*lock, Use::Queued, api);
  handle->LockQueue.Lock = lock;
  handle->OldIrql = detail::raiseTo(thread, DISPATCH_LEVEL);
  // §3.2: queued at the tail; a release grants the head, so requests are served in order.
  detail::acquireOrWait(thread, *lock, lock->owner, KSPIN_LOCK::kQueuedWaiter, api);
}

void KeReleaseInStackQueuedSpinLock(PKLOCK_QUEUE_HANDLE handle) {
  constexpr const char* api = "KeReleaseInStackQueuedSpinLock";
  KSPIN_LOCK* lock = handle->LockQueue.Lock;
  if (lock == nullptr)
    throw ScenarioError(std::string(api) + " with a KLOCK_QUEUE_HANDLE that no acquire filled");
  Thread& thread = detail::visibleCall(api, lock, Access::Release);
  checkReleaseIrql(thread, *lock, api);
  checkUse(*lock, Use::Queued, api);
  release(thread, *lock, api, "QueuedSpinLockRelease", 0x40007, detail::Grant::Fifo);
  const KIRQL restore = handle->OldIrql;
  detail::checkLower(thread, restore, api);
  thread.irql = restore;
  detail::recordCall(api, lock, detail::irqlName(restore), nullptr);
  detail::irqlLowered(thread);
}

}  // namespace interlock::wdm
