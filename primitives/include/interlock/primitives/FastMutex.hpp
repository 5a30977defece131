#pragma once
// FAST_MUTEX (kernel-rules.md §3.4): non-recursive exclusive lock. The safe forms raise
// to APC_LEVEL and save the old IRQL in the mutex; the unsafe forms change neither IRQL
// nor regions and require APCs already held off.
#include "interlock/core/KernelObject.hpp"
#include "interlock/primitives/WdkTypes.hpp"

#include <cstdint>

namespace interlock::wdm {

class FAST_MUTEX final : public interlock::KernelObject {
 public:
  [[nodiscard]] const char* typeName() const noexcept override { return "FAST_MUTEX"; }
  void owners(interlock::OwnerList& out) const override {
    if (owner != kNoThread) out.add(interlock::Owner{owner, true, 1});
  }
  [[nodiscard]] const char* waitModeName(std::uint8_t) const noexcept override {
    return "exclusive";
  }

  // Model state; scenarios use the Ex* API, not these.
  bool initialized = false;
  ThreadId owner = kNoThread;
  KIRQL oldIrql = PASSIVE_LEVEL;  // saved by ExAcquireFastMutex, restored by ExReleaseFastMutex
};
using PFAST_MUTEX = FAST_MUTEX*;

void ExInitializeFastMutex(PFAST_MUTEX mutex);
void ExAcquireFastMutex(PFAST_MUTEX mutex);
void ExReleaseFastMutex(PFAST_MUTEX mutex);
[[nodiscard]] BOOLEAN ExTryToAcquireFastMutex(PFAST_MUTEX mutex);
void ExAcquireFastMutexUnsafe(PFAST_MUTEX mutex);
void ExReleaseFastMutexUnsafe(PFAST_MUTEX mutex);
// KeEnterCriticalRegion + ExAcquireFastMutexUnsafe / the release + KeLeaveCriticalRegion, in
// one call each; IRQL unchanged, so I/O completion APCs still run (kernel-rules §17).
void ExEnterCriticalRegionAndAcquireFastMutexUnsafe(PFAST_MUTEX mutex);
void ExReleaseFastMutexUnsafeAndLeaveCriticalRegion(PFAST_MUTEX mutex);

}  // namespace interlock::wdm
