#include "interlock/primitives/Eresource.hpp"

#include "interlock/primitives/Call.hpp"
#include "interlock/primitives/Regions.hpp"

#include <string>

namespace interlock::wdm {

using detail::boolText;
using detail::recordCall;

void ERESOURCE::owners(OwnerList& out) const {
  if (exclusiveOwner != kNoThread) out.add(Owner{exclusiveOwner, true, exclusiveCount});
  for (std::size_t t = 0; t < sharedCount.size(); ++t)
    if (sharedCount[t] != 0) out.add(Owner{static_cast<ThreadId>(t), false, sharedCount[t]});
}

namespace {

bool normalKernelApcsEnabled(const Thread& thread) {
  return thread.irql < APC_LEVEL && thread.kernelApcDisable == 0 && thread.specialApcDisable == 0;
}

void checkInitialized(ERESOURCE& resource, const char* api) {
  if (resource.initialized) return;
  detail::contractViolation("ResourceInitialized", 0, std::string(api) + " on ERESOURCE " +
                            resource.name() + " before ExInitializeResourceLite", &resource);
  resource.initialized = true;
}

// §3.3 preconditions of every acquire: IRQL <= APC, normal kernel APCs disabled.
void checkAcquire(const Thread& thread, ERESOURCE& resource, const char* api) {
  checkInitialized(resource, api);
  if (thread.irql > APC_LEVEL)
    detail::contractViolation("IrqlExApcLte3", 0, std::string(api) + " called above APC_LEVEL",
                              &resource);
  if (normalKernelApcsEnabled(thread))
    detail::contractViolation(
        "WithinCriticalRegion", 0x37,
        std::string(api) + " with normal kernel APCs enabled: the owner of " + resource.name() +
            " can be suspended while holding it (enter a critical region first)",
        &resource);
}

void grantExclusive(ERESOURCE& resource, ThreadId thread) {
  resource.exclusiveOwner = thread;
  resource.exclusiveCount = 1;
}

void grantShared(ERESOURCE& resource, ThreadId thread) {
  if (resource.sharedCount[thread]++ == 0) ++resource.sharedOwners;
}

// The resource became free: ownership passes to waiters before they run (§3.3).
void handOff(ERESOURCE& resource) {
  auto& waiters = resource.waiters();
  const std::size_t exclusive = waiters.count(ERESOURCE::kExclusiveWaiter);
  const std::size_t shared = waiters.count(ERESOURCE::kSharedWaiter);
  if (exclusive == 0 && shared == 0) return;
  Execution& execution = Execution::current();
  // §6: with both kinds waiting Windows is silent: branch on a shared batch or one exclusive.
  const bool sharedBatch = exclusive == 0 || (shared > 0 && execution.branch(2) == 0);
  if (sharedBatch) {
    waiters.forEach([&](WaitBlock& block) {
      if (block.mode != ERESOURCE::kSharedWaiter) return;
      grantShared(resource, block.thread->id());
      execution.satisfy(block);
    });
    return;
  }
  // §6: any exclusive waiter may be the one woken (APC re-waits reorder the FIFO).
  WaitBlock* block = waiters.nth(ERESOURCE::kExclusiveWaiter, execution.branch(exclusive));
  grantExclusive(resource, block->thread->id());
  execution.satisfy(*block);
}

BOOLEAN acquireExclusive(ERESOURCE& resource, BOOLEAN wait, const char* api, Thread& thread) {
  const char* argument = boolText(wait);
  const ThreadId me = thread.id();
  if (resource.exclusiveOwner == me) {
    ++resource.exclusiveCount;  // recursive exclusive acquire is granted
    recordCall(api, &resource, argument, "TRUE");
    return TRUE;
  }
  if (resource.exclusiveOwner == kNoThread && resource.sharedOwners == 0) {
    grantExclusive(resource, me);
    recordCall(api, &resource, argument, "TRUE");
    return TRUE;
  }
  if (!wait) {
    recordCall(api, &resource, argument, "FALSE");
    return FALSE;
  }
  // A shared owner asking for exclusive waits for itself: self-deadlock (§4.7).
  detail::waitFor(thread, resource, ERESOURCE::kExclusiveWaiter, api, argument);
  return TRUE;
}

}  // namespace

NTSTATUS ExInitializeResourceLite(PERESOURCE resource) {
  Execution& execution = Execution::current();
  if (resource->initialized && execution.currentThreadOrNull() != nullptr)
    detail::contractViolation("ResourceReinitialized", 0xD0,
                              "ExInitializeResourceLite on live ERESOURCE " + resource->name(),
                              resource);
  resource->initialized = true;
  resource->exclusiveOwner = kNoThread;
  resource->exclusiveCount = 0;
  resource->sharedOwners = 0;
  resource->sharedCount.fill(0);
  recordCall("ExInitializeResourceLite", resource, nullptr, "STATUS_SUCCESS");
  return STATUS_SUCCESS;
}

BOOLEAN ExAcquireResourceExclusiveLite(PERESOURCE resource, BOOLEAN wait) {
  constexpr const char* api = "ExAcquireResourceExclusiveLite";
  Thread& thread = detail::visibleCall(api, resource, Access::Acquire);
  checkAcquire(thread, *resource, api);
  return acquireExclusive(*resource, wait, api, thread);
}

BOOLEAN ExAcquireResourceSharedLite(PERESOURCE resource, BOOLEAN wait) {
  constexpr const char* api = "ExAcquireResourceSharedLite";
  Thread& thread = detail::visibleCall(api, resource, Access::Acquire);
  checkAcquire(thread, *resource, api);
  const char* argument = boolText(wait);
  const ThreadId me = thread.id();
  ERESOURCE& r = *resource;
  if (r.exclusiveOwner == me) {
    ++r.exclusiveCount;  // granted as exclusive (§3.3 grant table)
  } else if (r.sharedCount[me] != 0 ||
             (r.exclusiveOwner == kNoThread && r.waiters().count(ERESOURCE::kExclusiveWaiter) == 0)) {
    grantShared(r, me);  // recursive shared, or shared with no exclusive owner or waiter
  } else if (!wait) {
    recordCall(api, &r, argument, "FALSE");
    return FALSE;
  } else {
    detail::waitFor(thread, r, ERESOURCE::kSharedWaiter, api, argument);
    return TRUE;
  }
  recordCall(api, &r, argument, "TRUE");
  return TRUE;
}

namespace {

void release(Thread& thread, ERESOURCE& r, const char* api) {
  checkInitialized(r, api);
  const ThreadId me = thread.id();
  if (thread.irql > DISPATCH_LEVEL)
    detail::contractViolation("IrqlExApcLte3", 0, std::string(api) + " above DISPATCH_LEVEL", &r);
  // §3.3: system threads are exempt from the APC rule on release.
  if (normalKernelApcsEnabled(thread) && thread.spec().kind != ThreadKind::System &&
      (r.exclusiveOwner == me || r.sharedCount[me] != 0))
    detail::contractViolation("WithinCriticalRegion", 0x38,
                              std::string(api) + " with normal kernel APCs enabled", &r);
  bool nowFree = false;
  if (r.exclusiveOwner == me) {
    nowFree = --r.exclusiveCount == 0;
    if (nowFree) r.exclusiveOwner = kNoThread;
  } else if (r.sharedCount[me] != 0) {
    nowFree = --r.sharedCount[me] == 0 && --r.sharedOwners == 0;
  } else {
    detail::bugCheck("RESOURCE_NOT_OWNED", 0xE3,
                     std::string(api) + " on ERESOURCE " + r.name() +
                         " by a thread that does not own it",
                     &r);
    return;
  }
  recordCall(api, &r, nullptr, nullptr);
  if (nowFree) handOff(r);
}

}  // namespace

void ExReleaseResourceLite(PERESOURCE resource) {
  constexpr const char* api = "ExReleaseResourceLite";
  Thread& thread = detail::visibleCall(api, resource, Access::Release);
  release(thread, *resource, api);
}

PVOID ExEnterCriticalRegionAndAcquireResourceExclusive(PERESOURCE resource) {
  constexpr const char* api = "ExEnterCriticalRegionAndAcquireResourceExclusive";
  Thread& thread = detail::visibleCall(api, resource, Access::Acquire);
  detail::enterCriticalRegion(thread, api);
  checkAcquire(thread, *resource, api);
  acquireExclusive(*resource, TRUE, api, thread);
  return nullptr;  // the caller's Win32Thread: none in the model
}

void ExReleaseResourceAndLeaveCriticalRegion(PERESOURCE resource) {
  constexpr const char* api = "ExReleaseResourceAndLeaveCriticalRegion";
  Thread& thread = detail::visibleCall(api, resource, Access::Release);
  release(thread, *resource, api);
  detail::leaveCriticalRegion(thread, api);
  Execution::current().apcStateChanged();
}

BOOLEAN ExIsResourceAcquiredExclusiveLite(PERESOURCE resource) {
  const Thread& thread = detail::localCall();
  const BOOLEAN owned = resource->exclusiveOwner == thread.id() ? TRUE : FALSE;
  recordCall("ExIsResourceAcquiredExclusiveLite", resource, nullptr, boolText(owned));
  return owned;
}

ULONG ExIsResourceAcquiredSharedLite(PERESOURCE resource) {
  const Thread& thread = detail::localCall();
  // The count includes exclusive ownership (§3.3).
  const ULONG count = resource->exclusiveOwner == thread.id() ? resource->exclusiveCount
                                                               : resource->sharedCount[thread.id()];
  recordCall("ExIsResourceAcquiredSharedLite", resource, nullptr, count != 0 ? "TRUE" : "FALSE");
  return count;
}

}  // namespace interlock::wdm
