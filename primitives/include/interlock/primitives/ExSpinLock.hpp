#pragma once
// EX_SPIN_LOCK, the executive reader/writer spin lock (kernel-rules §14): readers share it,
// a writer holds it alone, and a waiting writer turns new readers away. Like KSPIN_LOCK a
// busy lock is modelled as a wait in the lock's wait queue: the spinner cannot progress.
#include "interlock/core/KernelObject.hpp"
#include "interlock/primitives/PerThreadCounts.hpp"
#include "interlock/primitives/WdkTypes.hpp"

#include <cstdint>

namespace interlock::wdm {

using LOGICAL = ULONG;

class EX_SPIN_LOCK final : public interlock::KernelObject {
 public:
  static constexpr std::uint8_t kExclusiveWaiter = 0;
  static constexpr std::uint8_t kSharedWaiter = 1;
  static constexpr std::uint8_t kConvertWaiter = 2;  // a reader waiting to become the writer

  // A zeroed EX_SPIN_LOCK is a free one: drivers initialize it by zeroing, as here.
  EX_SPIN_LOCK() noexcept {}  // NOLINT(modernize-use-equals-default): counts stay unset

  [[nodiscard]] const char* typeName() const noexcept override { return "EX_SPIN_LOCK"; }
  void owners(interlock::OwnerList& out) const override;
  [[nodiscard]] const char* waitModeName(std::uint8_t mode) const noexcept override;

  // Model state; scenarios use the Ex* API. Windows keeps a share count and a writer bit
  // in the lock word; the model names the holders so the ownership view can see them.
  ThreadId exclusiveOwner = kNoThread;
  PerThreadCounts sharedCount;
  // A reader waiting in ExTryConvertSharedSpinLockExclusive: its shared hold is set aside
  // (it waits for the others, not for itself) and becomes the exclusive one.
  ThreadId converting = kNoThread;
};
using PEX_SPIN_LOCK = EX_SPIN_LOCK*;

// <= DISPATCH_LEVEL; raise to DISPATCH_LEVEL, spin, return the old IRQL.
[[nodiscard]] KIRQL ExAcquireSpinLockShared(PEX_SPIN_LOCK lock);
[[nodiscard]] KIRQL ExAcquireSpinLockExclusive(PEX_SPIN_LOCK lock);
// At DISPATCH_LEVEL: release and lower to oldIrql.
void ExReleaseSpinLockShared(PEX_SPIN_LOCK lock, KIRQL oldIrql);
void ExReleaseSpinLockExclusive(PEX_SPIN_LOCK lock, KIRQL oldIrql);
// >= DISPATCH_LEVEL: no IRQL change.
void ExAcquireSpinLockSharedAtDpcLevel(PEX_SPIN_LOCK lock);
void ExAcquireSpinLockExclusiveAtDpcLevel(PEX_SPIN_LOCK lock);
void ExReleaseSpinLockSharedFromDpcLevel(PEX_SPIN_LOCK lock);
void ExReleaseSpinLockExclusiveFromDpcLevel(PEX_SPIN_LOCK lock);
// >= DISPATCH_LEVEL: TRUE and held when the plain acquire would be granted now, else FALSE.
[[nodiscard]] LOGICAL ExTryAcquireSpinLockSharedAtDpcLevel(PEX_SPIN_LOCK lock);
[[nodiscard]] LOGICAL ExTryAcquireSpinLockExclusiveAtDpcLevel(PEX_SPIN_LOCK lock);
// At DISPATCH_LEVEL, caller holds it shared: TRUE and exclusive when it is the only reader
// and no writer waits; FALSE with a writer waiting. With other readers Windows' answer is
// unconfirmed: the exploration branches on FALSE or waiting until they leave (then TRUE).
[[nodiscard]] LOGICAL ExTryConvertSharedSpinLockExclusive(PEX_SPIN_LOCK lock);

}  // namespace interlock::wdm
