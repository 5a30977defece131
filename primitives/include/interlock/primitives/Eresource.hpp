#pragma once
// ERESOURCE (kernel-semantics.md §3.3): reader/writer lock with recursive ownership,
// hand-off on release, and the rule that holders keep normal kernel APCs disabled.
#include "interlock/core/KernelObject.hpp"
#include "interlock/primitives/WdkTypes.hpp"

#include <array>
#include <cstdint>

namespace interlock::wdm {

class ERESOURCE final : public interlock::KernelObject {
 public:
  static constexpr std::uint8_t kExclusiveWaiter = 0;
  static constexpr std::uint8_t kSharedWaiter = 1;

  [[nodiscard]] const char* typeName() const noexcept override { return "ERESOURCE"; }
  void owners(interlock::OwnerList& out) const override;
  [[nodiscard]] const char* waitModeName(std::uint8_t mode) const noexcept override {
    return mode == kExclusiveWaiter ? "exclusive" : "shared";
  }

  // Model state; scenarios use the Ex* API, not these.
  bool initialized = false;
  ThreadId exclusiveOwner = kNoThread;
  std::uint32_t exclusiveCount = 0;
  std::uint32_t sharedOwners = 0;                 // threads holding it shared
  std::array<std::uint32_t, 64> sharedCount{};    // per thread id: no allocation
};
using PERESOURCE = ERESOURCE*;

NTSTATUS ExInitializeResourceLite(PERESOURCE resource);
BOOLEAN ExAcquireResourceExclusiveLite(PERESOURCE resource, BOOLEAN wait);
BOOLEAN ExAcquireResourceSharedLite(PERESOURCE resource, BOOLEAN wait);
void ExReleaseResourceLite(PERESOURCE resource);
PVOID ExEnterCriticalRegionAndAcquireResourceExclusive(PERESOURCE resource);
void ExReleaseResourceAndLeaveCriticalRegion(PERESOURCE resource);
[[nodiscard]] BOOLEAN ExIsResourceAcquiredExclusiveLite(PERESOURCE resource);
[[nodiscard]] ULONG ExIsResourceAcquiredSharedLite(PERESOURCE resource);

}  // namespace interlock::wdm
