// EX_RUNDOWN_REF_CACHE_AWARE entry points (kernel-rules.md §3.8: the CacheAware routines
// follow the same rules). Windows spreads the count over processors; the semantics are the same.
#include "RundownModel.hpp"
#include "interlock/primitives/Call.hpp"
#include "interlock/primitives/Rundown.hpp"

#include <memory>
#include <string>

namespace interlock::wdm {

namespace {
// What the model reports as the structure's size: as on 4 processors with 64-byte lines.
constexpr SIZE_T kCacheAwareSize = 4 * 64;
}  // namespace

PEX_RUNDOWN_REF_CACHE_AWARE ExAllocateCacheAwareRundownProtection(POOL_TYPE poolType,
                                                                  ULONG poolTag) {
  (void)poolType, (void)poolTag;  // the model has no pools
  Execution& execution = Execution::current();
  auto object = std::make_unique<EX_RUNDOWN_REF_CACHE_AWARE>();
  EX_RUNDOWN_REF_CACHE_AWARE* ref = object.get();
  // Numbered by creation order: deterministic across executions.
  execution.addObject(std::move(object),
                      "cache-aware-rundown." + std::to_string(execution.objects().size()));
  ref->allocated = true;
  rundown::initialize(*ref, "ExAllocateCacheAwareRundownProtection");
  return ref;
}

SIZE_T ExSizeOfRundownProtectionCacheAware() { return kCacheAwareSize; }

void ExInitializeRundownProtectionCacheAware(PEX_RUNDOWN_REF_CACHE_AWARE ref, SIZE_T size) {
  constexpr const char* api = "ExInitializeRundownProtectionCacheAware";
  if (size < kCacheAwareSize)
    detail::contractViolation("RundownCacheAwareSize", 0,
                              std::string(api) + " on " + ref->name() + " with " +
                                  std::to_string(size) +
                                  " bytes, less than ExSizeOfRundownProtectionCacheAware()",
                              ref);
  ref->freed = false;
  rundown::initialize(*ref, api);
}

BOOLEAN ExAcquireRundownProtectionCacheAware(PEX_RUNDOWN_REF_CACHE_AWARE ref) {
  return rundown::acquire(*ref, 1, "ExAcquireRundownProtectionCacheAware");
}

BOOLEAN ExAcquireRundownProtectionCacheAwareEx(PEX_RUNDOWN_REF_CACHE_AWARE ref, ULONG count) {
  return rundown::acquire(*ref, count, "ExAcquireRundownProtectionCacheAwareEx");
}

void ExReleaseRundownProtectionCacheAware(PEX_RUNDOWN_REF_CACHE_AWARE ref) {
  rundown::release(*ref, 1, "ExReleaseRundownProtectionCacheAware");
}

void ExReleaseRundownProtectionCacheAwareEx(PEX_RUNDOWN_REF_CACHE_AWARE ref, ULONG count) {
  rundown::release(*ref, count, "ExReleaseRundownProtectionCacheAwareEx");
}

void ExWaitForRundownProtectionReleaseCacheAware(PEX_RUNDOWN_REF_CACHE_AWARE ref) {
  rundown::waitForRelease(*ref, "ExWaitForRundownProtectionReleaseCacheAware");
}

void ExRundownCompletedCacheAware(PEX_RUNDOWN_REF_CACHE_AWARE ref) {
  rundown::completed(*ref, "ExRundownCompletedCacheAware");
}

void ExReInitializeRundownProtectionCacheAware(PEX_RUNDOWN_REF_CACHE_AWARE ref) {
  rundown::reinitialize(*ref, "ExReInitializeRundownProtectionCacheAware");
}

void ExFreeCacheAwareRundownProtection(PEX_RUNDOWN_REF_CACHE_AWARE ref) {
  constexpr const char* api = "ExFreeCacheAwareRundownProtection";
  if (Execution::current().currentThreadOrNull() != nullptr)
    (void)detail::visibleCall(api, ref, Access::Write);
  if (ref->freed)
    detail::contractViolation("RundownUsedAfterFree", 0, std::string(api) + " twice on " + ref->name(),
                              ref);
  else if (!ref->allocated)
    detail::contractViolation("RundownFreeNotAllocated", 0,
                              std::string(api) + " on " + ref->name() +
                                  ", which ExAllocateCacheAwareRundownProtection did not allocate",
                              ref);
  if (ref->references != 0 || !ref->waiters().empty())
    detail::contractViolation("RundownFreedInUse", 0,
                              std::string(api) + " on " + ref->name() +
                                  " while references are held or a thread waits for run-down",
                              ref);
  // The object stays in the execution (its waiters and holders still point at it).
  ref->freed = true;
  ref->initialized = false;
  detail::recordCall(api, ref, nullptr, nullptr);
}

}  // namespace interlock::wdm
