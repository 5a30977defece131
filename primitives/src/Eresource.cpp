// The ERESOURCE entry points (kernel-rules.md §3.3); the rules live in EresourceModel.
#include "interlock/primitives/Eresource.hpp"

#include "EresourceModel.hpp"
#include "interlock/primitives/Call.hpp"
#include "interlock/primitives/Regions.hpp"

#include <string>

namespace interlock::wdm {

using detail::boolText;
using detail::recordCall;
using eresource::SharedPolicy;

namespace {

// Init and delete run in setup (no thread, no scheduling point) or on a thread (visible).
Thread* objectCall(const char* api, const KernelObject& object) {
  if (Execution::current().currentThreadOrNull() == nullptr) return nullptr;
  return &detail::visibleCall(api, &object, Access::Write);
}

BOOLEAN acquireShared(PERESOURCE resource, BOOLEAN wait, SharedPolicy policy, const char* api) {
  Thread& thread = detail::visibleCall(api, resource, Access::Acquire);
  eresource::checkAcquire(thread, *resource, api);
  return eresource::acquireShared(thread, *resource, wait, policy, api);
}

ULONG waiterCount(PERESOURCE resource, std::uint8_t mode, const char* api) {
  // Reads what other threads change: a scheduling point.
  (void)detail::visibleCall(api, resource, Access::Read);
  const auto count = static_cast<ULONG>(resource->waiters().count(mode));
  recordCall(api, resource, nullptr, nullptr);
  return count;
}

}  // namespace

NTSTATUS ExInitializeResourceLite(PERESOURCE resource) {
  constexpr const char* api = "ExInitializeResourceLite";
  const Thread* thread = objectCall(api, *resource);
  if (resource->initialized && thread != nullptr)
    detail::contractViolation("ResourceReinitialized", 0xD0,
                              "ExInitializeResourceLite on live ERESOURCE " + resource->name(),
                              resource);
  resource->initialized = true;
  resource->exclusiveOwner = kNoThread;
  resource->exclusiveCount = 0;
  resource->sharedCount.clear();
  resource->sharedOwners = 0;
  resource->pointerOwners.fill(ERESOURCE::PointerOwner{});
  recordCall(api, resource, nullptr, "STATUS_SUCCESS");
  return STATUS_SUCCESS;
}

NTSTATUS ExDeleteResourceLite(PERESOURCE resource) {
  constexpr const char* api = "ExDeleteResourceLite";
  const Thread* thread = objectCall(api, *resource);
  if (!resource->initialized) {
    detail::contractViolation("ResourceDeletedUninitialized", 0xD1,
                              "ExDeleteResourceLite on uninitialized ERESOURCE " + resource->name(),
                              resource);
  } else {
    if (thread != nullptr) eresource::checkIrqlAtMostApc(*thread, *resource, api);
    // ReactOS ignores owners (§3.3); Driver Verifier flags it, and so does the model.
    if (!resource->unowned() || !resource->waiters().empty())
      detail::contractViolation("ResourceDeletedWhileOwned", 0x100B,
                                "ExDeleteResourceLite on ERESOURCE " + resource->name() +
                                    " while it is owned or waited for",
                                resource);
  }
  // Owners and waiters stay as they were: their later calls find it uninitialized.
  resource->initialized = false;
  recordCall(api, resource, nullptr, "STATUS_SUCCESS");
  return STATUS_SUCCESS;
}

BOOLEAN ExAcquireResourceExclusiveLite(PERESOURCE resource, BOOLEAN wait) {
  constexpr const char* api = "ExAcquireResourceExclusiveLite";
  Thread& thread = detail::visibleCall(api, resource, Access::Acquire);
  eresource::checkAcquire(thread, *resource, api);
  return eresource::acquireExclusive(thread, *resource, wait, api);
}

BOOLEAN ExAcquireResourceSharedLite(PERESOURCE resource, BOOLEAN wait) {
  return acquireShared(resource, wait, SharedPolicy::Lite, "ExAcquireResourceSharedLite");
}

BOOLEAN ExAcquireSharedStarveExclusive(PERESOURCE resource, BOOLEAN wait) {
  return acquireShared(resource, wait, SharedPolicy::StarveExclusive,
                       "ExAcquireSharedStarveExclusive");
}

BOOLEAN ExAcquireSharedWaitForExclusive(PERESOURCE resource, BOOLEAN wait) {
  return acquireShared(resource, wait, SharedPolicy::WaitForExclusive,
                       "ExAcquireSharedWaitForExclusive");
}

BOOLEAN ExTryToAcquireResourceExclusiveLite(PERESOURCE resource) {
  constexpr const char* api = "ExTryToAcquireResourceExclusiveLite";
  Thread& thread = detail::visibleCall(api, resource, Access::Acquire);
  eresource::checkAcquire(thread, *resource, api);
  return eresource::tryAcquireExclusive(thread, *resource, api);
}

PVOID ExEnterCriticalRegionAndAcquireResourceExclusive(PERESOURCE resource) {
  constexpr const char* api = "ExEnterCriticalRegionAndAcquireResourceExclusive";
  Thread& thread = detail::visibleCall(api, resource, Access::Acquire);
  detail::enterCriticalRegion(thread, api);
  eresource::checkAcquire(thread, *resource, api);
  eresource::acquireExclusive(thread, *resource, TRUE, api);
  return nullptr;  // the caller's Win32Thread: none in the model
}

PVOID ExEnterCriticalRegionAndAcquireResourceShared(PERESOURCE resource) {
  constexpr const char* api = "ExEnterCriticalRegionAndAcquireResourceShared";
  Thread& thread = detail::visibleCall(api, resource, Access::Acquire);
  detail::enterCriticalRegion(thread, api);
  eresource::checkAcquire(thread, *resource, api);
  eresource::acquireShared(thread, *resource, TRUE, SharedPolicy::Lite, api);
  return nullptr;
}

void ExReleaseResourceLite(PERESOURCE resource) {
  constexpr const char* api = "ExReleaseResourceLite";
  Thread& thread = detail::visibleCall(api, resource, Access::Release);
  eresource::releaseForThread(thread, *resource, thread.id(), api);
}

void ExReleaseResourceForThreadLite(PERESOURCE resource, ERESOURCE_THREAD owner) {
  constexpr const char* api = "ExReleaseResourceForThreadLite";
  Thread& thread = detail::visibleCall(api, resource, Access::Release);
  if (owner == eresource::resourceThreadOf(thread.id())) {
    eresource::releaseForThread(thread, *resource, thread.id(), api);
    return;
  }
  if ((owner & 3) == 3 && owner != 3) {
    if (ERESOURCE::PointerOwner* entry = eresource::findPointer(*resource, owner)) {
      eresource::releaseForPointer(thread, *resource, *entry, api);
      return;
    }
  }
  // Another thread's value without ExSetResourceOwnerPointerEx, or a value from nowhere.
  const ThreadId named = eresource::threadOf(owner, Execution::current().threads().size());
  detail::bugCheck("ERESOURCE_INVALID_RELEASE", 0x16E,
                   std::string(api) + " on ERESOURCE " + resource->name() +
                       (named != kNoThread
                            ? " for thread " + Execution::current().thread(named).name() +
                                  ": a release for another thread needs its ownership moved by "
                                  "ExSetResourceOwnerPointerEx first"
                            : std::string(" with a value neither ExGetCurrentResourceThread nor "
                                          "an owner pointer gave")),
                   resource);
}

void ExReleaseResourceAndLeaveCriticalRegion(PERESOURCE resource) {
  constexpr const char* api = "ExReleaseResourceAndLeaveCriticalRegion";
  Thread& thread = detail::visibleCall(api, resource, Access::Release);
  eresource::releaseForThread(thread, *resource, thread.id(), api);
  detail::leaveCriticalRegion(thread, api);
  Execution::current().apcStateChanged();
}

void ExConvertExclusiveToSharedLite(PERESOURCE resource) {
  constexpr const char* api = "ExConvertExclusiveToSharedLite";
  Thread& thread = detail::visibleCall(api, resource, Access::Write);
  eresource::convertToShared(thread, *resource, api);
}

void ExSetResourceOwnerPointerEx(PERESOURCE resource, PVOID ownerPointer, ULONG flags) {
  constexpr const char* api = "ExSetResourceOwnerPointerEx";
  // FLAG_OWNER_POINTER_IS_THREAD or 0: either way the owner is a value no thread holds.
  (void)flags;
  Thread& thread = detail::visibleCall(api, resource, Access::Write);
  eresource::transferToPointer(thread, *resource, reinterpret_cast<ERESOURCE_THREAD>(ownerPointer),
                               api);
}

ERESOURCE_THREAD ExGetCurrentResourceThread() {
  return eresource::resourceThreadOf(detail::localCall().id());
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

ULONG ExGetExclusiveWaiterCount(PERESOURCE resource) {
  return waiterCount(resource, ERESOURCE::kExclusiveWaiter, "ExGetExclusiveWaiterCount");
}

ULONG ExGetSharedWaiterCount(PERESOURCE resource) {
  return waiterCount(resource, ERESOURCE::kSharedWaiter, "ExGetSharedWaiterCount");
}

}  // namespace interlock::wdm
