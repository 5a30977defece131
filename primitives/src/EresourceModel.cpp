#include "EresourceModel.hpp"

#include "interlock/primitives/Call.hpp"

#include <string>

namespace interlock::wdm {

bool ERESOURCE::exclusivelyOwned() const noexcept {
  if (exclusiveOwner != kNoThread) return true;
  for (const PointerOwner& entry : pointerOwners)
    if (entry.pointer != 0 && entry.exclusive) return true;
  return false;
}

void ERESOURCE::owners(OwnerList& out) const {
  if (exclusiveOwner != kNoThread) out.add(Owner{exclusiveOwner, true, exclusiveCount});
  sharedCount.forEach([&out](ThreadId thread, std::uint32_t count) { out.add(Owner{thread, false, count}); });
  // Ownership moved to an owner pointer belongs to no thread, in Windows as in the view.
}

std::uint64_t ERESOURCE::ownerMask() const noexcept {
  std::uint64_t threads = exclusiveOwner != kNoThread ? std::uint64_t{1} << exclusiveOwner : 0;
  return threads | sharedCount.mask();
}

}  // namespace interlock::wdm

namespace interlock::wdm::eresource {

using detail::boolText;
using detail::recordCall;

bool normalKernelApcsEnabled(const Thread& thread) noexcept {
  return thread.irql < APC_LEVEL && thread.kernelApcDisable == 0 && thread.specialApcDisable == 0;
}

void checkInitialized(ERESOURCE& resource, const char* api) {
  if (resource.initialized) return;
  detail::contractViolation("ResourceInitialized", 0,
                            std::string(api) + " on ERESOURCE " + resource.name() +
                                " before ExInitializeResourceLite (or after ExDeleteResourceLite)",
                            &resource);
  resource.initialized = true;  // reported once; the model goes on as Windows would
}

void checkIrqlAtMostApc(const Thread& thread, ERESOURCE& resource, const char* api) {
  if (thread.irql > APC_LEVEL)
    detail::contractViolation("IrqlExApcLte3", 0x20007, std::string(api) + " called above APC_LEVEL",
                              &resource);
}

void checkAcquire(const Thread& thread, ERESOURCE& resource, const char* api) {
  checkInitialized(resource, api);
  checkIrqlAtMostApc(thread, resource, api);
  if (normalKernelApcsEnabled(thread))
    detail::contractViolation(
        "WithinCriticalRegion", 0x37,
        std::string(api) + " with normal kernel APCs enabled: the owner of " + resource.name() +
            " can be suspended while holding it (enter a critical region first)",
        &resource);
}

namespace {

void grantExclusive(ERESOURCE& resource, ThreadId thread) {
  resource.exclusiveOwner = thread;
  resource.exclusiveCount = 1;
}

void grantShared(ERESOURCE& resource, ThreadId thread) {
  if (resource.sharedCount.increment(thread)) ++resource.sharedOwners;
}

void grantSharedWaiters(ERESOURCE& resource) {
  Execution& execution = Execution::current();
  resource.waiters().forEach([&](WaitBlock& block) {
    if (block.mode != ERESOURCE::kSharedWaiter) return;
    grantShared(resource, block.thread->id());
    execution.satisfy(block);
  });
}

// The resource became free: ownership passes to waiters before they run (§3.3).
void handOff(ERESOURCE& resource, bool exclusiveReleased) {
  auto& waiters = resource.waiters();
  const std::size_t exclusive = waiters.count(ERESOURCE::kExclusiveWaiter);
  const std::size_t shared = waiters.count(ERESOURCE::kSharedWaiter);
  if (exclusive == 0 && shared == 0) return;
  Execution& execution = Execution::current();
  // §3.3: the last shared release grants one exclusive waiter; after an exclusive release
  // with both kinds waiting Windows is silent (§6.1): branch on a shared batch or one exclusive.
  const bool sharedBatch =
      exclusive == 0 || (exclusiveReleased && shared > 0 && execution.branch(2) == 0);
  if (sharedBatch) {
    grantSharedWaiters(resource);
    return;
  }
  // §6.2: any exclusive waiter may be the one woken (APC re-waits reorder the FIFO).
  const std::size_t pick = exclusive > 1 ? execution.branch(exclusive) : 0;
  WaitBlock* block = waiters.nth(ERESOURCE::kExclusiveWaiter, pick);
  grantExclusive(resource, block->thread->id());
  execution.satisfy(*block);
}

BOOLEAN granted(ERESOURCE& resource, const char* api, const char* argument) {
  recordCall(api, &resource, argument, "TRUE");
  return TRUE;
}

BOOLEAN waitOrFail(Thread& thread, ERESOURCE& resource, BOOLEAN wait, std::uint8_t mode,
                   const char* api) {
  const char* argument = boolText(wait);
  if (!wait) {
    recordCall(api, &resource, argument, "FALSE");
    return FALSE;
  }
  detail::waitFor(thread, resource, mode, api, argument);
  detail::recordWoken(api, resource, argument, "TRUE");
  return TRUE;  // the release that woke this thread made it an owner
}

// Release-side preconditions; `owns` says whether the owner released for holds it.
void checkRelease(const Thread& caller, ERESOURCE& resource, bool owns, const char* api) {
  checkInitialized(resource, api);
  if (caller.irql > DISPATCH_LEVEL)
    detail::contractViolation("ResourceReleaseAboveDispatch", 0,
                              std::string(api) + " above DISPATCH_LEVEL", &resource);
  // §3.3: system threads are exempt from the APC rule on release.
  if (owns && normalKernelApcsEnabled(caller) && caller.spec().kind != ThreadKind::System)
    detail::contractViolation("WithinCriticalRegion", 0x38,
                              std::string(api) + " with normal kernel APCs enabled", &resource);
}

}  // namespace

BOOLEAN acquireExclusive(Thread& thread, ERESOURCE& resource, BOOLEAN wait, const char* api) {
  const ThreadId me = thread.id();
  if (resource.exclusiveOwner == me) {
    ++resource.exclusiveCount;  // recursive exclusive acquire is granted
    return granted(resource, api, boolText(wait));
  }
  if (resource.unowned()) {
    grantExclusive(resource, me);
    return granted(resource, api, boolText(wait));
  }
  // A shared owner asking for exclusive waits for itself: self-deadlock (§4.7).
  return waitOrFail(thread, resource, wait, ERESOURCE::kExclusiveWaiter, api);
}

BOOLEAN acquireShared(Thread& thread, ERESOURCE& resource, BOOLEAN wait, SharedPolicy policy,
                      const char* api) {
  const ThreadId me = thread.id();
  if (resource.exclusiveOwner == me) {
    ++resource.exclusiveCount;  // "caller owns X": granted as exclusive in every column
    return granted(resource, api, boolText(wait));
  }
  bool grant = false;
  if (!resource.exclusivelyOwned()) {
    const bool exclusiveWaiter = resource.waiters().count(ERESOURCE::kExclusiveWaiter) != 0;
    const bool callerShared = resource.sharedCount.has(me);
    switch (policy) {
      case SharedPolicy::Lite: grant = callerShared || !exclusiveWaiter; break;
      case SharedPolicy::StarveExclusive: grant = true; break;
      // "caller shared, X waiter": queued behind the waiter, which waits for the caller.
      case SharedPolicy::WaitForExclusive: grant = !exclusiveWaiter; break;
    }
  }
  if (!grant) return waitOrFail(thread, resource, wait, ERESOURCE::kSharedWaiter, api);
  grantShared(resource, me);
  return granted(resource, api, boolText(wait));
}

BOOLEAN tryAcquireExclusive(Thread& thread, ERESOURCE& resource, const char* api) {
  const ThreadId me = thread.id();
  if (resource.exclusiveOwner == me) {
    ++resource.exclusiveCount;
  } else if (resource.unowned()) {
    grantExclusive(resource, me);
  } else {
    recordCall(api, &resource, nullptr, "FALSE");  // never waits, not even for itself
    return FALSE;
  }
  recordCall(api, &resource, nullptr, "TRUE");
  return TRUE;
}

void releaseForThread(Thread& caller, ERESOURCE& resource, ThreadId owner, const char* api) {
  const bool owns = resource.exclusiveOwner == owner || resource.sharedCount.has(owner);
  checkRelease(caller, resource, owns, api);
  bool nowFree = false;
  bool exclusive = false;
  if (resource.exclusiveOwner == owner) {
    exclusive = true;
    nowFree = --resource.exclusiveCount == 0;
    if (nowFree) resource.exclusiveOwner = kNoThread;
  } else if (resource.sharedCount.has(owner)) {
    nowFree = resource.sharedCount.decrement(owner) && --resource.sharedOwners == 0;
  } else {
    // §3.3, §6.9: Windows raises it on the shared path; the model also on the exclusive one.
    detail::bugCheck("RESOURCE_NOT_OWNED", 0xE3,
                     std::string(api) + " on ERESOURCE " + resource.name() +
                         " by a thread that does not own it",
                     &resource);
    return;
  }
  recordCall(api, &resource, nullptr, nullptr);
  if (nowFree) handOff(resource, exclusive);
}

void releaseForPointer(Thread& caller, ERESOURCE& resource, ERESOURCE::PointerOwner& entry,
                       const char* api) {
  checkRelease(caller, resource, true, api);
  const bool exclusive = entry.exclusive;
  bool nowFree = false;
  if (--entry.count == 0) {
    entry = ERESOURCE::PointerOwner{};
    nowFree = exclusive || --resource.sharedOwners == 0;
  }
  recordCall(api, &resource, "owner pointer", nullptr);
  if (nowFree) handOff(resource, exclusive);
}

void convertToShared(Thread& thread, ERESOURCE& resource, const char* api) {
  checkInitialized(resource, api);
  checkIrqlAtMostApc(thread, resource, api);
  const ThreadId me = thread.id();
  if (resource.exclusiveOwner != me) {
    // The docs require exclusive ownership; the free build does nothing (kmtests).
    detail::contractViolation("ResourceConvertNotExclusive", 0,
                              std::string(api) + " on ERESOURCE " + resource.name() +
                                  " by a thread that does not own it exclusively",
                              &resource);
    recordCall(api, &resource, nullptr, "no-op");
    return;
  }
  resource.sharedCount.set(me, resource.exclusiveCount);  // the recursion count carries over
  ++resource.sharedOwners;
  resource.exclusiveOwner = kNoThread;
  resource.exclusiveCount = 0;
  recordCall(api, &resource, nullptr, nullptr);
  grantSharedWaiters(resource);  // §3.3: shared waiters are granted with the caller
}

void transferToPointer(Thread& thread, ERESOURCE& resource, ERESOURCE_THREAD pointer,
                       const char* api) {
  checkInitialized(resource, api);
  if ((pointer & 3) != 3) {
    detail::bugCheck("RESOURCE_OWNER_POINTER_INVALID", 0x132,
                     std::string(api) + ": the owner pointer's two low bits must be set",
                     &resource);
    return;
  }
  const ThreadId me = thread.id();
  const bool exclusive = resource.exclusiveOwner == me;
  const std::uint32_t count = exclusive ? resource.exclusiveCount : resource.sharedCount[me];
  if (count == 0) {
    detail::bugCheck("RESOURCE_NOT_OWNED", 0xE3,
                     std::string(api) + " on ERESOURCE " + resource.name() +
                         " by a thread that does not own it",
                     &resource);
    return;
  }
  ERESOURCE::PointerOwner* slot = findPointer(resource, pointer);
  const bool merge = slot != nullptr;
  if (slot == nullptr) slot = findPointer(resource, 0);
  if (slot == nullptr || (merge && slot->exclusive != exclusive))
    throw ScenarioError("the model holds at most 4 owner pointers per ERESOURCE, one mode each");
  if (exclusive) {
    resource.exclusiveOwner = kNoThread;
    resource.exclusiveCount = 0;
  } else {
    resource.sharedCount.set(me, 0);
    if (merge) --resource.sharedOwners;  // two shared entries became one
  }
  *slot = ERESOURCE::PointerOwner{pointer, exclusive, (merge ? slot->count : 0) + count};
  recordCall(api, &resource, exclusive ? "exclusive" : "shared", nullptr);
}

ERESOURCE_THREAD resourceThreadOf(ThreadId thread) noexcept {
  return (static_cast<ERESOURCE_THREAD>(thread) + 1) << 3;
}

ThreadId threadOf(ERESOURCE_THREAD value, std::size_t threadCount) noexcept {
  if (value == 0 || (value & 7) != 0) return kNoThread;
  const ERESOURCE_THREAD index = (value >> 3) - 1;
  return index < threadCount ? static_cast<ThreadId>(index) : kNoThread;
}

ERESOURCE::PointerOwner* findPointer(ERESOURCE& resource, ERESOURCE_THREAD pointer) noexcept {
  for (ERESOURCE::PointerOwner& entry : resource.pointerOwners)
    if (entry.pointer == pointer) return &entry;
  return nullptr;
}

}  // namespace interlock::wdm::eresource
