#pragma once
// Run-down protection (kernel-rules.md §3.8): references that defer an object's
// deletion. Acquire and release never block; one waiter bars new references and waits
// until the last one is released.
#include "interlock/core/KernelObject.hpp"
#include "interlock/primitives/WdkTypes.hpp"

#include <array>
#include <cstddef>
#include <cstdint>

namespace interlock::wdm {

using SIZE_T = std::size_t;

// The pool an allocation comes from; the model takes any and uses none.
enum POOL_TYPE : std::uint32_t {
  NonPagedPool = 0,
  PagedPool = 1,
  NonPagedPoolNx = 512,
};

// What both EX_RUNDOWN_REF forms share; scenarios use the Ex* API, not these members.
class RundownRef : public interlock::KernelObject {
 public:
  static constexpr std::uint8_t kRundownWaiter = 0;
  static constexpr std::size_t kMaxThreads = 64;  // the execution's thread limit

  void owners(interlock::OwnerList& out) const override;
  // A reference is no lock: it may be released by another thread (a completion routine),
  // and it takes no part in lock order.
  [[nodiscard]] bool isLock() const noexcept override { return false; }
  [[nodiscard]] const char* waitModeName(std::uint8_t mode) const noexcept override {
    (void)mode;
    return "run-down";
  }

  bool initialized = false;
  bool freed = false;             // cache-aware form: ExFreeCacheAwareRundownProtection ran
  bool allocated = false;         // cache-aware form: from ExAllocateCacheAwareRundownProtection
  ULONG references = 0;
  bool rundownActive = false;     // a wait has begun: acquires return FALSE
  bool waitReturned = false;      // a wait has returned: Completed and ReInitialize are legal
  // References per thread. Windows keeps only the count; the model attributes each
  // reference to a thread so the checker's ownership view sees who holds it.
  std::array<ULONG, kMaxThreads> held{};
};

class EX_RUNDOWN_REF final : public RundownRef {
 public:
  [[nodiscard]] const char* typeName() const noexcept override { return "EX_RUNDOWN_REF"; }
};
using PEX_RUNDOWN_REF = EX_RUNDOWN_REF*;

// Windows spreads the count over per-processor cache lines; the model keeps one count.
class EX_RUNDOWN_REF_CACHE_AWARE final : public RundownRef {
 public:
  [[nodiscard]] const char* typeName() const noexcept override {
    return "EX_RUNDOWN_REF_CACHE_AWARE";
  }
};
using PEX_RUNDOWN_REF_CACHE_AWARE = EX_RUNDOWN_REF_CACHE_AWARE*;

void ExInitializeRundownProtection(PEX_RUNDOWN_REF ref);
[[nodiscard]] BOOLEAN ExAcquireRundownProtection(PEX_RUNDOWN_REF ref);
[[nodiscard]] BOOLEAN ExAcquireRundownProtectionEx(PEX_RUNDOWN_REF ref, ULONG count);
void ExReleaseRundownProtection(PEX_RUNDOWN_REF ref);
void ExReleaseRundownProtectionEx(PEX_RUNDOWN_REF ref, ULONG count);
void ExWaitForRundownProtectionRelease(PEX_RUNDOWN_REF ref);
void ExRundownCompleted(PEX_RUNDOWN_REF ref);
void ExReInitializeRundownProtection(PEX_RUNDOWN_REF ref);

// Allocates (in the execution, named "cache-aware-rundown.N") and initializes one.
[[nodiscard]] PEX_RUNDOWN_REF_CACHE_AWARE ExAllocateCacheAwareRundownProtection(POOL_TYPE poolType,
                                                                               ULONG poolTag);
[[nodiscard]] SIZE_T ExSizeOfRundownProtectionCacheAware();
void ExInitializeRundownProtectionCacheAware(PEX_RUNDOWN_REF_CACHE_AWARE ref, SIZE_T size);
[[nodiscard]] BOOLEAN ExAcquireRundownProtectionCacheAware(PEX_RUNDOWN_REF_CACHE_AWARE ref);
[[nodiscard]] BOOLEAN ExAcquireRundownProtectionCacheAwareEx(PEX_RUNDOWN_REF_CACHE_AWARE ref,
                                                             ULONG count);
void ExReleaseRundownProtectionCacheAware(PEX_RUNDOWN_REF_CACHE_AWARE ref);
void ExReleaseRundownProtectionCacheAwareEx(PEX_RUNDOWN_REF_CACHE_AWARE ref, ULONG count);
void ExWaitForRundownProtectionReleaseCacheAware(PEX_RUNDOWN_REF_CACHE_AWARE ref);
void ExRundownCompletedCacheAware(PEX_RUNDOWN_REF_CACHE_AWARE ref);
void ExReInitializeRundownProtectionCacheAware(PEX_RUNDOWN_REF_CACHE_AWARE ref);
void ExFreeCacheAwareRundownProtection(PEX_RUNDOWN_REF_CACHE_AWARE ref);

}  // namespace interlock::wdm
