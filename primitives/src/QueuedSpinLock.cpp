// In-stack queued spin locks at DISPATCH_LEVEL and the other KSPIN_LOCK forms (kernel-rules
// §3.2, §15, §19).
#include "interlock/primitives/QueuedSpinLock.hpp"

#include "SpinLockRules.hpp"
#include "interlock/primitives/Call.hpp"
#include "interlock/primitives/Irql.hpp"

#include <string>

namespace interlock::wdm {

namespace {

using Use = KSPIN_LOCK::Use;

// §11, §19: the ForDpc forms belong to DPC routines. Called outside one they change no IRQL and
// are reported; in an ordinary DPC (at DISPATCH_LEVEL) they change none either.
void checkInDpc(const Thread& thread, KSPIN_LOCK& lock, const char* api) {
  if (thread.spec().kind == ThreadKind::Dpc || thread.spec().kind == ThreadKind::ThreadedDpc) return;
  detail::contractViolation("SpinLockForDpcOutsideDpc", 0,
                            std::string(api) + " on KSPIN_LOCK " + lock.name() +
                                " outside a DPC routine",
                            &lock);
}

// §11: inside a threaded DPC running at PASSIVE_LEVEL the ForDpc acquire raises to DISPATCH_LEVEL.
KIRQL raiseForDpc(Thread& thread) {
  if (thread.spec().kind == ThreadKind::ThreadedDpc && thread.irql < DISPATCH_LEVEL)
    return detail::raiseTo(thread, DISPATCH_LEVEL);
  return thread.irql;
}

// The ForDpc release lowers to what the acquire raised from (nothing, outside a threaded DPC).
void lowerForDpc(Thread& thread, KIRQL oldIrql, const char* api) {
  if (thread.spec().kind != ThreadKind::ThreadedDpc || oldIrql >= thread.irql) return;
  detail::checkLower(thread, oldIrql, api);
  thread.irql = oldIrql;
  detail::irqlLowered(thread);
}

KSPIN_LOCK& handleLock(PKLOCK_QUEUE_HANDLE handle, const char* api) {
  if (handle->LockQueue.Lock == nullptr)
    throw ScenarioError(std::string(api) + " with a KLOCK_QUEUE_HANDLE that no acquire filled");
  return *handle->LockQueue.Lock;
}

// The queue entry is the handle: one acquisition per handle at a time (§15).
void acquireQueued(Thread& thread, KSPIN_LOCK& lock, PKLOCK_QUEUE_HANDLE handle, const char* api) {
  detail::spin::checkUse(lock, Use::Queued, api);
  handle->LockQueue.Lock = &lock;
  handle->OldIrql = thread.irql;
  // Queued at the tail; a release grants the head, so requests are served in order.
  detail::acquireOrWait(thread, lock, lock.owner, KSPIN_LOCK::kQueuedWaiter, api);
}

void releaseQueued(Thread& thread, KSPIN_LOCK& lock, const char* api) {
  detail::spin::checkUse(lock, Use::Queued, api);
  // The release hands the lock to the next in line before it runs: the releaser cannot barge.
  detail::spin::release(thread, lock, api, "QueuedSpinLockRelease", 0x40007, detail::Grant::Fifo);
  detail::recordCall(api, &lock, nullptr, nullptr);
}

}  // namespace

void KeAcquireInStackQueuedSpinLockAtDpcLevel(PKSPIN_LOCK lock, PKLOCK_QUEUE_HANDLE handle) {
  constexpr const char* api = "KeAcquireInStackQueuedSpinLockAtDpcLevel";
  Thread& thread = detail::visibleCall(api, lock, Access::Acquire);
  detail::spin::checkAtDispatch(thread, *lock, api, 0x40);
  acquireQueued(thread, *lock, handle, api);
}

void KeReleaseInStackQueuedSpinLockFromDpcLevel(PKLOCK_QUEUE_HANDLE handle) {
  constexpr const char* api = "KeReleaseInStackQueuedSpinLockFromDpcLevel";
  KSPIN_LOCK& lock = handleLock(handle, api);
  Thread& thread = detail::visibleCall(api, &lock, Access::Release);
  detail::spin::checkAtDispatch(thread, lock, api, 0x41);
  releaseQueued(thread, lock, api);
}

void KeAcquireInStackQueuedSpinLockForDpc(PKSPIN_LOCK lock, PKLOCK_QUEUE_HANDLE handle) {
  constexpr const char* api = "KeAcquireInStackQueuedSpinLockForDpc";
  Thread& thread = detail::visibleCall(api, lock, Access::Acquire);
  checkInDpc(thread, *lock, api);
  detail::spin::checkUse(*lock, Use::Queued, api);
  handle->LockQueue.Lock = lock;
  handle->OldIrql = raiseForDpc(thread);
  detail::acquireOrWait(thread, *lock, lock->owner, KSPIN_LOCK::kQueuedWaiter, api);
}

void KeReleaseInStackQueuedSpinLockForDpc(PKLOCK_QUEUE_HANDLE handle) {
  constexpr const char* api = "KeReleaseInStackQueuedSpinLockForDpc";
  KSPIN_LOCK& lock = handleLock(handle, api);
  Thread& thread = detail::visibleCall(api, &lock, Access::Release);
  checkInDpc(thread, lock, api);
  releaseQueued(thread, lock, api);
  lowerForDpc(thread, handle->OldIrql, api);
}

KIRQL KeAcquireSpinLockForDpc(PKSPIN_LOCK lock) {
  constexpr const char* api = "KeAcquireSpinLockForDpc";
  Thread& thread = detail::visibleCall(api, lock, Access::Acquire);
  checkInDpc(thread, *lock, api);
  detail::spin::checkUse(*lock, Use::Ordinary, api);
  const KIRQL old = raiseForDpc(thread);
  detail::acquireOrWait(thread, *lock, lock->owner, KSPIN_LOCK::kSpinner, api);
  return old;
}

void KeReleaseSpinLockForDpc(PKSPIN_LOCK lock, KIRQL oldIrql) {
  constexpr const char* api = "KeReleaseSpinLockForDpc";
  Thread& thread = detail::visibleCall(api, lock, Access::Release);
  checkInDpc(thread, *lock, api);
  detail::spin::checkUse(*lock, Use::Ordinary, api);
  detail::spin::release(thread, *lock, api, "SpinlockRelease", 0x4000B, detail::Grant::HandOffOrBarge);
  detail::recordCall(api, lock, nullptr, nullptr);
  lowerForDpc(thread, oldIrql, api);  // outside a threaded DPC the acquire changed no IRQL (§19)
}

BOOLEAN KeTestSpinLock(PKSPIN_LOCK lock) {
  constexpr const char* api = "KeTestSpinLock";
  (void)detail::visibleCall(api, lock, Access::Read);
  const BOOLEAN free = lock->owner == kNoThread ? TRUE : FALSE;
  detail::recordCall(api, lock, nullptr, detail::boolText(free));
  return free;
}

KIRQL KeRaiseIrqlToSynchLevel() {
  KIRQL old = PASSIVE_LEVEL;
  KeRaiseIrql(SYNCH_LEVEL, &old);
  return old;
}

}  // namespace interlock::wdm
