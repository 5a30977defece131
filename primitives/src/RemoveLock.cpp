// IO_REMOVE_LOCK (docs/kernel-rules.md §10; ReactOS io/iomgr/remlock.c).
#include "interlock/primitives/RemoveLock.hpp"

#include "IrpModel.hpp"
#include "interlock/primitives/Call.hpp"
#include "interlock/primitives/Irql.hpp"

#include <algorithm>
#include <string>

namespace interlock::wdm {

namespace {

// Used before IoInitializeRemoveLock: Windows reads a zeroed count, so the model goes on from 0.
bool checkInitialized(IO_REMOVE_LOCK& lock, const char* api) {
  if (lock.initialized) return true;
  detail::contractViolation("RemoveLockNotInitialized", 0,
                            std::string(api) + " on " + lock.name() + " before IoInitializeRemoveLock",
                            &lock);
  lock.initialized = true;
  return false;
}

void checkIrql(const Thread& thread, IO_REMOVE_LOCK& lock, const char* api, KIRQL highest) {
  if (thread.irql <= highest) return;
  detail::contractViolation(highest == PASSIVE_LEVEL ? "IrqlIoPassive" : "IrqlIoDispatchLte", 0,
                            std::string(api) + " at " + detail::irqlName(thread.irql) + ", above " +
                                detail::irqlName(highest),
                            &lock);
}

// The count reached zero: the event is set, and the release-and-wait caller goes on.
void decrement(IO_REMOVE_LOCK& lock) {
  if (--lock.IoCount != 0) return;
  if (WaitBlock* waiter = lock.waiters().front()) Execution::current().satisfy(*waiter);
}

// Drops the acquisition made with `tag`; false when there is none.
bool dropTag(IO_REMOVE_LOCK& lock, PVOID tag) {
  const auto found = std::find(lock.tags.begin(), lock.tags.end(), tag);
  if (found == lock.tags.end()) return false;
  lock.tags.erase(found);
  return true;
}

// §10: a release nobody acquired underflows the count; one with another tag is DV 0xD5/0xD6.
void checkRelease(IO_REMOVE_LOCK& lock, PVOID tag, const char* api, std::uint32_t tagCode) {
  if (dropTag(lock, tag)) return;
  if (lock.tags.empty())
    detail::contractViolation("RemoveLockReleaseWithoutAcquire", 0,
                              std::string(api) + " on " + lock.name() +
                                  " with no acquisition outstanding: the count drops below the I/O "
                                  "in progress, so release-and-wait can return while I/O still runs",
                              &lock);
  else
    detail::contractViolation("RemoveLockReleaseTag", tagCode,
                              std::string(api) + " on " + lock.name() +
                                  " with a tag no outstanding IoAcquireRemoveLock used",
                              &lock);
}

}  // namespace

void IoInitializeRemoveLock(PIO_REMOVE_LOCK Lock, ULONG, ULONG, ULONG) {
  constexpr const char* api = "IoInitializeRemoveLock";
  if (Lock == nullptr) throw ScenarioError(std::string(api) + " with no Lock");
  Execution* execution = Execution::currentOrNull();
  if (execution != nullptr && execution->currentThreadOrNull() != nullptr) {
    Thread& thread = detail::visibleCall(api, Lock, Access::Write);
    checkIrql(thread, *Lock, api, PASSIVE_LEVEL);
  }
  if (Lock->initialized)
    detail::contractViolation("RemoveLockReinitialized", 0xD7,
                              std::string(api) + " on " + Lock->name() + ", which is already initialized",
                              Lock);
  Lock->initialized = true;
  Lock->IoCount = 1;  // the bias: the device itself
  Lock->Removed = false;
  Lock->tags.clear();
  detail::recordCall(api, Lock, nullptr, nullptr);
}

NTSTATUS IoAcquireRemoveLock(PIO_REMOVE_LOCK RemoveLock, PVOID Tag) {
  constexpr const char* api = "IoAcquireRemoveLock";
  if (RemoveLock == nullptr) throw ScenarioError(std::string(api) + " with no RemoveLock");
  Thread& thread = detail::visibleCall(api, RemoveLock, Access::Write);
  checkIrql(thread, *RemoveLock, api, DISPATCH_LEVEL);
  (void)checkInitialized(*RemoveLock, api);
  ++RemoveLock->IoCount;
  if (RemoveLock->Removed) {
    decrement(*RemoveLock);
    detail::recordCall(api, RemoveLock, nullptr, "STATUS_DELETE_PENDING");
    return STATUS_DELETE_PENDING;
  }
  RemoveLock->tags.push_back(Tag);
  detail::recordCall(api, RemoveLock, nullptr, "STATUS_SUCCESS");
  return STATUS_SUCCESS;
}

void IoReleaseRemoveLock(PIO_REMOVE_LOCK RemoveLock, PVOID Tag) {
  constexpr const char* api = "IoReleaseRemoveLock";
  if (RemoveLock == nullptr) throw ScenarioError(std::string(api) + " with no RemoveLock");
  Thread& thread = detail::visibleCall(api, RemoveLock, Access::Write);
  checkIrql(thread, *RemoveLock, api, DISPATCH_LEVEL);
  (void)checkInitialized(*RemoveLock, api);
  checkRelease(*RemoveLock, Tag, api, 0xD5);
  detail::recordCall(api, RemoveLock, nullptr, nullptr);
  decrement(*RemoveLock);
}

void IoReleaseRemoveLockAndWait(PIO_REMOVE_LOCK RemoveLock, PVOID Tag) {
  constexpr const char* api = "IoReleaseRemoveLockAndWait";
  if (RemoveLock == nullptr) throw ScenarioError(std::string(api) + " with no RemoveLock");
  Thread& thread = detail::visibleCall(api, RemoveLock, Access::Write);
  checkIrql(thread, *RemoveLock, api, PASSIVE_LEVEL);
  (void)checkInitialized(*RemoveLock, api);
  checkRelease(*RemoveLock, Tag, api, 0xD6);
  RemoveLock->Removed = true;
  // The caller's acquisition, then the bias.
  --RemoveLock->IoCount;
  --RemoveLock->IoCount;
  if (RemoveLock->IoCount <= 0) {
    detail::recordCall(api, RemoveLock, nullptr, "no I/O in progress: returns");
    return;
  }
  detail::waitFor(thread, *RemoveLock, 0, api, nullptr, "waits for every acquisition to be released");
  detail::recordWoken(api, *RemoveLock, nullptr, "the last acquisition was released");
}

}  // namespace interlock::wdm
