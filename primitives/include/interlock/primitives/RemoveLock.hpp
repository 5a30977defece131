#pragma once
// IO_REMOVE_LOCK (docs/kernel-rules.md §10; ReactOS io/iomgr/remlock.c). A count of the I/O in
// progress with a bias of one for the device itself: IoReleaseRemoveLockAndWait marks the lock
// removed, drops the caller's acquisition and the bias, and waits until every other holder has
// released. After that every acquire fails with STATUS_DELETE_PENDING. The model keeps the
// checked build's tag list for every driver (Driver Verifier checks free builds through a
// shadow lock): a release with a tag no acquire used is DV 0xD5 (0xD6 at release-and-wait).
// Not modelled: MaxLockedMinutes and HighWatermark (no clock; recorded, not checked).
#include "interlock/core/KernelObject.hpp"
#include "interlock/primitives/WdkTypes.hpp"

#include <vector>

namespace interlock::wdm {

inline constexpr NTSTATUS STATUS_DELETE_PENDING = static_cast<NTSTATUS>(0xC0000056u);

class IO_REMOVE_LOCK final : public interlock::KernelObject {
 public:
  [[nodiscard]] const char* typeName() const noexcept override { return "IO_REMOVE_LOCK"; }
  // A count any thread may drop: no owner to release it before ending, no place in a lock order.
  [[nodiscard]] bool isLock() const noexcept override { return false; }
  [[nodiscard]] const char* waitModeName(std::uint8_t) const noexcept override {
    return "release of every acquisition";
  }

  // Model state; scenarios use the Io*RemoveLock API.
  bool initialized = false;
  LONG IoCount = 0;
  bool Removed = false;
  std::vector<PVOID> tags;  // the tags of the acquisitions not yet released
};
using PIO_REMOVE_LOCK = IO_REMOVE_LOCK*;

// PASSIVE_LEVEL. A second initialization is DV 0xD7.
void IoInitializeRemoveLock(PIO_REMOVE_LOCK Lock, ULONG AllocateTag, ULONG MaxLockedMinutes,
                            ULONG HighWatermark);
// <= DISPATCH_LEVEL. STATUS_DELETE_PENDING once IoReleaseRemoveLockAndWait began; never waits.
[[nodiscard]] NTSTATUS IoAcquireRemoveLock(PIO_REMOVE_LOCK RemoveLock, PVOID Tag);
// <= DISPATCH_LEVEL.
void IoReleaseRemoveLock(PIO_REMOVE_LOCK RemoveLock, PVOID Tag);
// PASSIVE_LEVEL, from the IRP_MN_REMOVE_DEVICE handler, after acquiring it with `Tag`.
void IoReleaseRemoveLockAndWait(PIO_REMOVE_LOCK RemoveLock, PVOID Tag);

}  // namespace interlock::wdm
