#include "interlock/primitives/GuardedMutex.hpp"

#include "ExclusiveLock.hpp"
#include "interlock/primitives/Call.hpp"
#include "interlock/primitives/Irql.hpp"
#include "interlock/primitives/Regions.hpp"

#include <string>

namespace interlock::wdm {

namespace {

void checkInitialized(KGUARDED_MUTEX& mutex, const char* api) {
  if (mutex.initialized) return;
  detail::contractViolation("GuardedMutexInitialized", 0x1002,
                            std::string(api) + " on KGUARDED_MUTEX " + mutex.name() +
                                " before KeInitializeGuardedMutex",
                            &mutex);
  mutex.initialized = true;
}

// SDV IrqlKeApcLte1: every guarded-mutex routine at IRQL <= APC_LEVEL.
void checkIrql(const Thread& thread, KGUARDED_MUTEX& mutex, const char* api) {
  if (thread.irql <= APC_LEVEL) return;
  detail::contractViolation("IrqlKeApcLte1", 0x2000F,
                            std::string(api) + " at " + detail::irqlName(thread.irql) +
                                ", above APC_LEVEL",
                            &mutex);
}

// §3.4: the unsafe forms need all APCs held off already: APC_LEVEL or a guarded region
// (a critical region is not enough: special kernel APCs still run in it).
void checkUnsafeContext(const Thread& thread, KGUARDED_MUTEX& mutex, const char* api) {
  if (thread.irql >= APC_LEVEL || thread.specialApcDisable != 0) return;
  detail::contractViolation("GuardedMutexUnsafe", 0,
                            std::string(api) + " below APC_LEVEL outside a guarded region: an "
                                "APC can interrupt the holder of " + mutex.name(),
                            &mutex);
}

// Windows checks the owner only in checked builds; a foreign release frees the mutex.
void release(const Thread& thread, KGUARDED_MUTEX& mutex, const char* api) {
  if (mutex.owner != thread.id())
    detail::contractViolation("GuardedMutexNotOwned", detail::notOwnedCode(mutex.owner),
                              std::string(api) + " on " +
                                  detail::notOwnedText(mutex, mutex.owner) +
                                  ": Windows does not check and silently corrupts the mutex",
                              &mutex);
  if (mutex.owner != kNoThread)
    detail::releaseOwnership(mutex, mutex.owner, detail::Grant::HandOffOrBarge);
}

}  // namespace

void KeInitializeGuardedMutex(PKGUARDED_MUTEX mutex) {
  mutex->initialized = true;
  mutex->owner = kNoThread;
  detail::recordCall("KeInitializeGuardedMutex", mutex, nullptr, nullptr);
}

void KeAcquireGuardedMutex(PKGUARDED_MUTEX mutex) {
  constexpr const char* api = "KeAcquireGuardedMutex";
  Thread& thread = detail::visibleCall(api, mutex, Access::Acquire);
  checkInitialized(*mutex, api);
  checkIrql(thread, *mutex, api);
  // §3.4: the region is entered before it may wait, so a waiter takes no APC either.
  detail::enterGuardedRegion(thread);
  detail::acquireOrWait(thread, *mutex, mutex->owner, 0, api);
}

void KeReleaseGuardedMutex(PKGUARDED_MUTEX mutex) {
  constexpr const char* api = "KeReleaseGuardedMutex";
  Thread& thread = detail::visibleCall(api, mutex, Access::Release);
  checkInitialized(*mutex, api);
  checkIrql(thread, *mutex, api);
  release(thread, *mutex, api);
  detail::leaveGuardedRegion(thread, api);
  detail::recordCall(api, mutex, nullptr, nullptr);
  Execution::current().apcStateChanged();  // §2.2: leaving the region lets APCs in
}

BOOLEAN KeTryToAcquireGuardedMutex(PKGUARDED_MUTEX mutex) {
  constexpr const char* api = "KeTryToAcquireGuardedMutex";
  Thread& thread = detail::visibleCall(api, mutex, Access::Acquire);
  checkInitialized(*mutex, api);
  checkIrql(thread, *mutex, api);
  detail::enterGuardedRegion(thread);
  // Held by anyone, the caller included (not recursive, §3.4): FALSE, region left again.
  if (mutex->owner != kNoThread) {
    detail::leaveGuardedRegion(thread, api);
    detail::recordCall(api, mutex, nullptr, "FALSE");
    Execution::current().apcStateChanged();
    return FALSE;
  }
  mutex->owner = thread.id();
  detail::recordCall(api, mutex, nullptr, "TRUE");
  return TRUE;
}

void KeAcquireGuardedMutexUnsafe(PKGUARDED_MUTEX mutex) {
  constexpr const char* api = "KeAcquireGuardedMutexUnsafe";
  Thread& thread = detail::visibleCall(api, mutex, Access::Acquire);
  checkInitialized(*mutex, api);
  checkIrql(thread, *mutex, api);
  checkUnsafeContext(thread, *mutex, api);
  detail::acquireOrWait(thread, *mutex, mutex->owner, 0, api);
}

void KeReleaseGuardedMutexUnsafe(PKGUARDED_MUTEX mutex) {
  constexpr const char* api = "KeReleaseGuardedMutexUnsafe";
  Thread& thread = detail::visibleCall(api, mutex, Access::Release);
  checkInitialized(*mutex, api);
  checkIrql(thread, *mutex, api);
  checkUnsafeContext(thread, *mutex, api);
  release(thread, *mutex, api);
  detail::recordCall(api, mutex, nullptr, nullptr);
}

}  // namespace interlock::wdm
