// Filter-manager and other ERESOURCE entry points (kernel-rules §3.3, §17).
#include "interlock/primitives/EresourceForms.hpp"

#include "EresourceModel.hpp"
#include "interlock/primitives/Call.hpp"
#include "interlock/primitives/Irql.hpp"
#include "interlock/primitives/Regions.hpp"

#include <string>

namespace interlock::wdm {

namespace {

using eresource::SharedPolicy;

// The region is entered before the acquire: a waiter is not suspendable either.
void fltAcquire(PERESOURCE resource, bool exclusive, const char* api) {
  Thread& thread = detail::visibleCall(api, resource, Access::Acquire);
  detail::enterCriticalRegion(thread, api);
  eresource::checkAcquire(thread, *resource, api);
  if (exclusive)
    (void)eresource::acquireExclusive(thread, *resource, TRUE, api);
  else
    (void)eresource::acquireShared(thread, *resource, TRUE, SharedPolicy::Lite, api);
}

}  // namespace

void FltAcquireResourceExclusive(PERESOURCE resource) {
  fltAcquire(resource, true, "FltAcquireResourceExclusive");
}

void FltAcquireResourceShared(PERESOURCE resource) { fltAcquire(resource, false, "FltAcquireResourceShared"); }

void FltReleaseResource(PERESOURCE resource) {
  constexpr const char* api = "FltReleaseResource";
  Thread& thread = detail::visibleCall(api, resource, Access::Release);
  eresource::releaseForThread(thread, *resource, thread.id(), api);
  detail::leaveCriticalRegion(thread, api);
  Execution::current().apcStateChanged();  // a pending suspend APC runs here
}

PVOID ExEnterCriticalRegionAndAcquireSharedWaitForExclusive(PERESOURCE resource) {
  constexpr const char* api = "ExEnterCriticalRegionAndAcquireSharedWaitForExclusive";
  Thread& thread = detail::visibleCall(api, resource, Access::Acquire);
  detail::enterCriticalRegion(thread, api);
  eresource::checkAcquire(thread, *resource, api);
  (void)eresource::acquireShared(thread, *resource, TRUE, SharedPolicy::WaitForExclusive, api);
  return nullptr;  // the caller's Win32Thread: none in the model
}

NTSTATUS ExReinitializeResourceLite(PERESOURCE resource) {
  constexpr const char* api = "ExReinitializeResourceLite";
  Thread& thread = detail::visibleCall(api, resource, Access::Write);
  if (thread.irql > DISPATCH_LEVEL)
    detail::contractViolation("IrqlExDispatchLte", 0,
                              std::string(api) + " at " + detail::irqlName(thread.irql) +
                                  ", above DISPATCH_LEVEL",
                              resource);
  if (!resource->unowned() || !resource->waiters().empty())
    detail::contractViolation("ResourceReinitializedWhileOwned", 0,
                              std::string(api) + " on ERESOURCE " + resource->name() +
                                  " while it is held or waited for",
                              resource);
  resource->initialized = true;
  resource->exclusiveOwner = kNoThread;
  resource->exclusiveCount = 0;
  resource->sharedCount.clear();
  resource->sharedOwners = 0;
  resource->pointerOwners.fill(ERESOURCE::PointerOwner{});
  detail::recordCall(api, resource, nullptr, "STATUS_SUCCESS");
  return STATUS_SUCCESS;
}

void ExSetResourceOwnerPointer(PERESOURCE resource, PVOID ownerPointer) {
  constexpr const char* api = "ExSetResourceOwnerPointer";
  Thread& thread = detail::visibleCall(api, resource, Access::Write);
  eresource::transferToPointer(thread, *resource, reinterpret_cast<ERESOURCE_THREAD>(ownerPointer), api);
}

void ExDisableResourceBoostLite(PERESOURCE resource) {
  constexpr const char* api = "ExDisableResourceBoostLite";
  (void)detail::visibleCall(api, resource, Access::Write);
  eresource::checkInitialized(*resource, api);
  detail::recordCall(api, resource, nullptr, nullptr);
}

}  // namespace interlock::wdm
