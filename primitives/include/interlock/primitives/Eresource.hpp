#pragma once
// ERESOURCE (kernel-rules.md §3.3): reader/writer lock with recursive ownership,
// hand-off on release, and the rule that holders keep normal kernel APCs disabled.
#include "interlock/core/KernelObject.hpp"
#include "interlock/primitives/PerThreadCounts.hpp"
#include "interlock/primitives/WdkTypes.hpp"

#include <array>
#include <cstdint>

namespace interlock::wdm {

// Identifies an owner: a thread (ExGetCurrentResourceThread) or, after
// ExSetResourceOwnerPointerEx, an owner pointer whose two low bits are set.
using ERESOURCE_THREAD = std::uintptr_t;
using PERESOURCE_THREAD = ERESOURCE_THREAD*;
inline constexpr ULONG FLAG_OWNER_POINTER_IS_THREAD = 0x1;

class ERESOURCE final : public interlock::KernelObject {
 public:
  static constexpr std::uint8_t kExclusiveWaiter = 0;
  static constexpr std::uint8_t kSharedWaiter = 1;
  static constexpr std::size_t kMaxOwnerPointers = 4;   // transferred ownerships at once

  // Ownership moved off its thread by ExSetResourceOwnerPointerEx: owned by no thread.
  struct PointerOwner {
    ERESOURCE_THREAD pointer = 0;  // 0: slot unused
    bool exclusive = false;
    std::uint32_t count = 0;
  };

  // User-provided, so make<ERESOURCE>() (value-initialization) sets the members below once
  // instead of zeroing the whole object first: a setup builds every resource every run.
  ERESOURCE() noexcept {}  // NOLINT(modernize-use-equals-default): `= default` would zero it

  [[nodiscard]] const char* typeName() const noexcept override { return "ERESOURCE"; }
  void owners(interlock::OwnerList& out) const override;
  [[nodiscard]] std::uint64_t ownerMask() const noexcept override;
  [[nodiscard]] const char* waitModeName(std::uint8_t mode) const noexcept override {
    return mode == kExclusiveWaiter ? "exclusive" : "shared";
  }

  [[nodiscard]] bool exclusivelyOwned() const noexcept;
  [[nodiscard]] bool unowned() const noexcept { return !exclusivelyOwned() && sharedOwners == 0; }

  // Model state; scenarios use the Ex* API, not these.
  bool initialized = false;
  ThreadId exclusiveOwner = kNoThread;
  std::uint32_t exclusiveCount = 0;
  std::uint32_t sharedOwners = 0;                          // shared entries, pointers included
  PerThreadCounts sharedCount;                             // per thread id: no allocation
  std::array<PointerOwner, kMaxOwnerPointers> pointerOwners{};
};
using PERESOURCE = ERESOURCE*;

NTSTATUS ExInitializeResourceLite(PERESOURCE resource);
NTSTATUS ExDeleteResourceLite(PERESOURCE resource);

BOOLEAN ExAcquireResourceExclusiveLite(PERESOURCE resource, BOOLEAN wait);
BOOLEAN ExAcquireResourceSharedLite(PERESOURCE resource, BOOLEAN wait);
BOOLEAN ExAcquireSharedStarveExclusive(PERESOURCE resource, BOOLEAN wait);
BOOLEAN ExAcquireSharedWaitForExclusive(PERESOURCE resource, BOOLEAN wait);
[[nodiscard]] BOOLEAN ExTryToAcquireResourceExclusiveLite(PERESOURCE resource);
PVOID ExEnterCriticalRegionAndAcquireResourceExclusive(PERESOURCE resource);
PVOID ExEnterCriticalRegionAndAcquireResourceShared(PERESOURCE resource);

void ExReleaseResourceLite(PERESOURCE resource);
void ExReleaseResourceForThreadLite(PERESOURCE resource, ERESOURCE_THREAD thread);
void ExReleaseResourceAndLeaveCriticalRegion(PERESOURCE resource);
void ExConvertExclusiveToSharedLite(PERESOURCE resource);
void ExSetResourceOwnerPointerEx(PERESOURCE resource, PVOID ownerPointer, ULONG flags);

[[nodiscard]] ERESOURCE_THREAD ExGetCurrentResourceThread();
[[nodiscard]] BOOLEAN ExIsResourceAcquiredExclusiveLite(PERESOURCE resource);
[[nodiscard]] ULONG ExIsResourceAcquiredSharedLite(PERESOURCE resource);
[[nodiscard]] ULONG ExGetExclusiveWaiterCount(PERESOURCE resource);
[[nodiscard]] ULONG ExGetSharedWaiterCount(PERESOURCE resource);

}  // namespace interlock::wdm
