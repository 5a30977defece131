#include "interlock/primitives/FastMutex.hpp"

#include "ExclusiveLock.hpp"
#include "interlock/primitives/Call.hpp"
#include "interlock/primitives/Irql.hpp"
#include "interlock/primitives/Regions.hpp"

#include <string>

namespace interlock::wdm {

namespace {

void checkInitialized(FAST_MUTEX& mutex, const char* api) {
  if (mutex.initialized) return;
  detail::contractViolation("FastMutexInitialized", 0x1002,
                            std::string(api) + " on FAST_MUTEX " + mutex.name() +
                                " before ExInitializeFastMutex",
                            &mutex);
  mutex.initialized = true;
}

// IrqlExApcLte1 names the safe acquire and the try; every acquire may wait, so all are checked.
void checkAcquireIrql(const Thread& thread, FAST_MUTEX& mutex, const char* api) {
  if (thread.irql <= APC_LEVEL) return;
  detail::contractViolation("IrqlExApcLte1", 0x33,
                            std::string(api) + " at " + detail::irqlName(thread.irql) +
                                ", above APC_LEVEL",
                            &mutex);
}

// §6.10 default for the unsafe forms: APC_LEVEL or a region (the routine page allows a
// critical region; the overview page and DV say APC_LEVEL only).
void checkUnsafeContext(const Thread& thread, FAST_MUTEX& mutex, const char* api,
                        std::uint32_t code) {
  if (thread.irql >= APC_LEVEL || thread.kernelApcDisable != 0 || thread.specialApcDisable != 0)
    return;
  detail::contractViolation("FastMutexUnsafe", code,
                            std::string(api) + " at PASSIVE_LEVEL outside any region: an APC "
                                "or a suspension can interrupt the holder of " + mutex.name(),
                            &mutex);
}

// Windows does not check the owner: a foreign release frees the mutex and corrupts its count.
void checkOwner(const Thread& thread, FAST_MUTEX& mutex, const char* api) {
  if (mutex.owner == thread.id()) return;
  detail::contractViolation("FastMutexNotOwned", detail::notOwnedCode(mutex.owner),
                            std::string(api) + " on " + detail::notOwnedText(mutex, mutex.owner) +
                                ": Windows does not check and silently corrupts the mutex",
                            &mutex);
}

void release(Thread& thread, FAST_MUTEX& mutex, const char* api) {
  checkOwner(thread, mutex, api);
  // Not owned at all: Windows would push its count past "free"; the model keeps it free.
  if (mutex.owner != kNoThread)
    detail::releaseOwnership(mutex, mutex.owner, detail::Grant::HandOffOrBarge);
}

}  // namespace

void ExInitializeFastMutex(PFAST_MUTEX mutex) {
  mutex->initialized = true;
  mutex->owner = kNoThread;
  mutex->oldIrql = PASSIVE_LEVEL;
  detail::recordCall("ExInitializeFastMutex", mutex, nullptr, nullptr);
}

void ExAcquireFastMutex(PFAST_MUTEX mutex) {
  constexpr const char* api = "ExAcquireFastMutex";
  Thread& thread = detail::visibleCall(api, mutex, Access::Acquire);
  checkInitialized(*mutex, api);
  checkAcquireIrql(thread, *mutex, api);
  // §3.4: raised before it may wait, so a waiter takes no normal kernel APC either.
  const KIRQL old = detail::raiseTo(thread, APC_LEVEL);
  detail::acquireOrWait(thread, *mutex, mutex->owner, 0, api);
  mutex->oldIrql = old;
}

void ExReleaseFastMutex(PFAST_MUTEX mutex) {
  constexpr const char* api = "ExReleaseFastMutex";
  Thread& thread = detail::visibleCall(api, mutex, Access::Release);
  checkInitialized(*mutex, api);
  if (thread.irql != APC_LEVEL)
    detail::contractViolation("FastMutexReleaseIrql", 0x34,
                              std::string(api) + " at " + detail::irqlName(thread.irql) +
                                  ", not at APC_LEVEL",
                              mutex);
  const KIRQL restore = mutex->oldIrql;  // read before a hand-off lets the next owner run
  release(thread, *mutex, api);
  detail::checkLower(thread, restore, api);
  thread.irql = restore;
  detail::recordCall(api, mutex, nullptr, nullptr);
  detail::irqlLowered(thread);
}

BOOLEAN ExTryToAcquireFastMutex(PFAST_MUTEX mutex) {
  constexpr const char* api = "ExTryToAcquireFastMutex";
  Thread& thread = detail::visibleCall(api, mutex, Access::Acquire);
  checkInitialized(*mutex, api);
  checkAcquireIrql(thread, *mutex, api);
  const KIRQL old = detail::raiseTo(thread, APC_LEVEL);
  // Held by anyone, the caller included (not recursive, §3.4): FALSE, IRQL restored.
  if (mutex->owner != kNoThread) {
    thread.irql = old;
    detail::recordCall(api, mutex, nullptr, "FALSE");
    detail::irqlLowered(thread);
    return FALSE;
  }
  mutex->owner = thread.id();
  mutex->oldIrql = old;
  detail::recordCall(api, mutex, nullptr, "TRUE");
  return TRUE;
}

void ExAcquireFastMutexUnsafe(PFAST_MUTEX mutex) {
  constexpr const char* api = "ExAcquireFastMutexUnsafe";
  Thread& thread = detail::visibleCall(api, mutex, Access::Acquire);
  checkInitialized(*mutex, api);
  checkAcquireIrql(thread, *mutex, api);
  checkUnsafeContext(thread, *mutex, api, 0x39);
  detail::acquireOrWait(thread, *mutex, mutex->owner, 0, api);
}

void ExReleaseFastMutexUnsafe(PFAST_MUTEX mutex) {
  constexpr const char* api = "ExReleaseFastMutexUnsafe";
  Thread& thread = detail::visibleCall(api, mutex, Access::Release);
  checkInitialized(*mutex, api);
  checkUnsafeContext(thread, *mutex, api, 0x3A);
  release(thread, *mutex, api);
  detail::recordCall(api, mutex, nullptr, nullptr);
}

void ExEnterCriticalRegionAndAcquireFastMutexUnsafe(PFAST_MUTEX mutex) {
  constexpr const char* api = "ExEnterCriticalRegionAndAcquireFastMutexUnsafe";
  Thread& thread = detail::visibleCall(api, mutex, Access::Acquire);
  checkInitialized(*mutex, api);
  checkAcquireIrql(thread, *mutex, api);
  detail::enterCriticalRegion(thread, api);  // before it may wait: a waiter is not suspendable
  detail::acquireOrWait(thread, *mutex, mutex->owner, 0, api);
}

void ExReleaseFastMutexUnsafeAndLeaveCriticalRegion(PFAST_MUTEX mutex) {
  constexpr const char* api = "ExReleaseFastMutexUnsafeAndLeaveCriticalRegion";
  Thread& thread = detail::visibleCall(api, mutex, Access::Release);
  checkInitialized(*mutex, api);
  release(thread, *mutex, api);
  detail::recordCall(api, mutex, nullptr, nullptr);
  detail::leaveCriticalRegion(thread, api);
  Execution::current().apcStateChanged();  // a pending suspend APC runs here
}

}  // namespace interlock::wdm
