#pragma once
// Push locks (kernel-rules.md §3.7): a small reader/writer lock, not recursive, with
// no owner tracking and no fair order. Ex* forms need a critical region; Flt* forms enter
// and leave one themselves.
#include "interlock/core/KernelObject.hpp"
#include "interlock/primitives/PerThreadCounts.hpp"
#include "interlock/primitives/WdkTypes.hpp"

#include <cstdint>

namespace interlock::wdm {

class EX_PUSH_LOCK final : public interlock::KernelObject {
 public:
  static constexpr std::uint8_t kExclusiveWaiter = 0;
  static constexpr std::uint8_t kSharedWaiter = 1;

  // User-provided, as ERESOURCE's: value-initialization sets the members once, not twice.
  EX_PUSH_LOCK() noexcept {}  // NOLINT(modernize-use-equals-default)

  [[nodiscard]] const char* typeName() const noexcept override { return "EX_PUSH_LOCK"; }
  void owners(interlock::OwnerList& out) const override;
  [[nodiscard]] const char* waitModeName(std::uint8_t mode) const noexcept override {
    return mode == kExclusiveWaiter ? "exclusive" : "shared";
  }

  [[nodiscard]] bool unowned() const noexcept {
    return exclusiveOwner == kNoThread && sharedOwners == 0;
  }

  // Model state. Windows keeps only a share count in the lock word and knows no owner;
  // the model names owners so the checker's ownership view can see who holds it.
  bool initialized = false;
  ThreadId exclusiveOwner = kNoThread;
  std::uint32_t sharedOwners = 0;                        // threads holding it shared
  PerThreadCounts sharedCount;                           // per thread id: no allocation
};
using PEX_PUSH_LOCK = EX_PUSH_LOCK*;

void ExInitializePushLock(PEX_PUSH_LOCK lock);
void ExAcquirePushLockExclusive(PEX_PUSH_LOCK lock);
void ExAcquirePushLockShared(PEX_PUSH_LOCK lock);
void ExReleasePushLockExclusive(PEX_PUSH_LOCK lock);
void ExReleasePushLockShared(PEX_PUSH_LOCK lock);

void FltInitializePushLock(PEX_PUSH_LOCK lock);
void FltAcquirePushLockExclusive(PEX_PUSH_LOCK lock);
void FltAcquirePushLockShared(PEX_PUSH_LOCK lock);
void FltReleasePushLock(PEX_PUSH_LOCK lock);
void FltDeletePushLock(PEX_PUSH_LOCK lock);

// The forms with flags (kernel-rules §17): the flags only steer priority boosting, which the
// model does not have; otherwise exactly the forms above.
inline constexpr ULONG FLT_PUSH_LOCK_ENABLE_AUTO_BOOST = 0x1;
inline constexpr ULONG FLT_PUSH_LOCK_DISABLE_AUTO_BOOST = 0x2;
void ExAcquirePushLockExclusiveEx(PEX_PUSH_LOCK lock, ULONG flags);
void ExAcquirePushLockSharedEx(PEX_PUSH_LOCK lock, ULONG flags);
void ExReleasePushLockExclusiveEx(PEX_PUSH_LOCK lock, ULONG flags);
void ExReleasePushLockSharedEx(PEX_PUSH_LOCK lock, ULONG flags);
void FltAcquirePushLockExclusiveEx(PEX_PUSH_LOCK lock, ULONG flags);
void FltAcquirePushLockSharedEx(PEX_PUSH_LOCK lock, ULONG flags);
void FltReleasePushLockEx(PEX_PUSH_LOCK lock, ULONG flags);

}  // namespace interlock::wdm
