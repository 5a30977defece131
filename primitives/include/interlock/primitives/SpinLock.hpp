#pragma once
// KSPIN_LOCK (kernel-rules.md §3.2): ordinary and in-stack queued spin locks. A busy
// lock is modelled as a wait in the lock's wait queue: the spinner cannot progress.
#include "interlock/core/KernelObject.hpp"
#include "interlock/primitives/WdkTypes.hpp"

#include <cstdint>

namespace interlock::wdm {

class KSPIN_LOCK final : public interlock::KernelObject {
 public:
  static constexpr std::uint8_t kSpinner = 0;      // KeAcquireSpinLock[AtDpcLevel]
  static constexpr std::uint8_t kQueuedWaiter = 1;  // KeAcquireInStackQueuedSpinLock

  // Which family of routines has used the lock since its initialization (§3.2: never mix).
  enum class Use : std::uint8_t { None, Ordinary, Queued, Interlocked };

  [[nodiscard]] const char* typeName() const noexcept override { return "KSPIN_LOCK"; }
  void owners(interlock::OwnerList& out) const override {
    if (owner != kNoThread) out.add(interlock::Owner{owner, true, 1});
  }
  [[nodiscard]] const char* waitModeName(std::uint8_t mode) const noexcept override {
    return mode == kQueuedWaiter ? "queued" : "spin";
  }

  // Model state; scenarios use the Ke* API, not these. A zeroed KSPIN_LOCK is a free one,
  // so use before KeInitializeSpinLock is not flagged.
  ThreadId owner = kNoThread;
  Use use = Use::None;
};
using PKSPIN_LOCK = KSPIN_LOCK*;

// The caller's queue entry, on its stack; the model keeps waiters in the lock's wait queue.
struct KSPIN_LOCK_QUEUE {
  KSPIN_LOCK_QUEUE* Next = nullptr;  // unused by the model
  PKSPIN_LOCK Lock = nullptr;
};

struct KLOCK_QUEUE_HANDLE {
  KSPIN_LOCK_QUEUE LockQueue;
  KIRQL OldIrql = PASSIVE_LEVEL;
};
using PKLOCK_QUEUE_HANDLE = KLOCK_QUEUE_HANDLE*;

void KeInitializeSpinLock(PKSPIN_LOCK lock);
void KeAcquireSpinLock(PKSPIN_LOCK lock, PKIRQL oldIrql);
void KeReleaseSpinLock(PKSPIN_LOCK lock, KIRQL newIrql);
// KeAcquireSpinLock's faster form: the same model and checks, returns the old IRQL.
[[nodiscard]] KIRQL KeAcquireSpinLockRaiseToDpc(PKSPIN_LOCK lock);
void KeAcquireSpinLockAtDpcLevel(PKSPIN_LOCK lock);
// At DISPATCH_LEVEL: TRUE and owns it when free; FALSE when anyone (the caller included) holds it.
[[nodiscard]] BOOLEAN KeTryToAcquireSpinLockAtDpcLevel(PKSPIN_LOCK lock);
void KeReleaseSpinLockFromDpcLevel(PKSPIN_LOCK lock);
void KeAcquireInStackQueuedSpinLock(PKSPIN_LOCK lock, PKLOCK_QUEUE_HANDLE handle);
void KeReleaseInStackQueuedSpinLock(PKLOCK_QUEUE_HANDLE handle);

}  // namespace interlock::wdm
