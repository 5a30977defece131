#pragma once
// KGUARDED_MUTEX (kernel-rules.md §3.4): non-recursive exclusive lock. The safe forms
// enter a guarded region (IRQL unchanged); the unsafe forms require APC_LEVEL or one.
#include "interlock/core/KernelObject.hpp"
#include "interlock/primitives/WdkTypes.hpp"

#include <cstdint>

namespace interlock::wdm {

class KGUARDED_MUTEX final : public interlock::KernelObject {
 public:
  [[nodiscard]] const char* typeName() const noexcept override { return "KGUARDED_MUTEX"; }
  void owners(interlock::OwnerList& out) const override {
    if (owner != kNoThread) out.add(interlock::Owner{owner, true, 1});
  }
  [[nodiscard]] const char* waitModeName(std::uint8_t) const noexcept override {
    return "exclusive";
  }

  // Model state; scenarios use the Ke* API, not these.
  bool initialized = false;
  ThreadId owner = kNoThread;
};
using PKGUARDED_MUTEX = KGUARDED_MUTEX*;

void KeInitializeGuardedMutex(PKGUARDED_MUTEX mutex);
void KeAcquireGuardedMutex(PKGUARDED_MUTEX mutex);
void KeReleaseGuardedMutex(PKGUARDED_MUTEX mutex);
[[nodiscard]] BOOLEAN KeTryToAcquireGuardedMutex(PKGUARDED_MUTEX mutex);
void KeAcquireGuardedMutexUnsafe(PKGUARDED_MUTEX mutex);
void KeReleaseGuardedMutexUnsafe(PKGUARDED_MUTEX mutex);

}  // namespace interlock::wdm
