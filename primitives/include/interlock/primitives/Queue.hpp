#pragma once
// KQUEUE (kernel-rules.md §17): a dispatcher object holding a list of entries, signalled while
// it holds any, whose waiters in KeRemoveQueue are served last-come first (LIFO) and only while
// fewer than MaximumCount of the threads associated with it run. A thread becomes associated by
// calling KeRemoveQueue; it stops counting as running while it waits on anything else (or is
// suspended, or ends), which the core tells the queue through Thread::waitObserver.
#include "interlock/core/Thread.hpp"
#include "interlock/primitives/Dispatcher.hpp"
#include "interlock/primitives/InterlockedList.hpp"

#include <array>
#include <cstdint>

namespace interlock::wdm {

inline constexpr NTSTATUS STATUS_USER_APC = 0xC0;

class KQUEUE final : public DispatcherObject, public interlock::WaitObserver {
 public:
  [[nodiscard]] const char* typeName() const noexcept override { return "KQUEUE"; }
  // A KeRemoveQueue waiter is served by KeInsertQueue, never by the generic wait test.
  [[nodiscard]] bool signaledFor(ThreadId thread) const noexcept override {
    return signalState > 0 && (removers & bit(thread)) == 0;
  }
  // KeWaitForXxx on a queue takes no entry (KiWaitSatisfyOther leaves a queue as it is).
  void satisfyWait(interlock::Thread& thread) noexcept override { (void)thread; }

  void stopsRunning(interlock::Thread& thread) noexcept override;
  void runsAgain(interlock::Thread& thread, const interlock::KernelObject* satisfier) noexcept override;
  void ends(interlock::Thread& thread) noexcept override;
  [[nodiscard]] ObjectId observedObject() const noexcept override { return id(); }

  // The WDK's fields (signalState is Header.SignalState: the number of entries).
  LIST_ENTRY EntryListHead;
  ULONG CurrentCount = 0;
  ULONG MaximumCount = 0;

  // Model state; scenarios use the Ke*Queue API. A bit per thread id.
  std::uint64_t associated = 0;  // Thread->Queue is this queue
  std::uint64_t running = 0;     // associated and counted in CurrentCount
  std::uint64_t removers = 0;    // waiting in KeRemoveQueue on it
  bool initialized = false;
  bool rundown = false;          // KeRundownQueue ran
  std::array<PLIST_ENTRY, 64> handed{};  // what a released KeRemoveQueue waiter returns

  [[nodiscard]] static constexpr std::uint64_t bit(ThreadId thread) noexcept {
    return thread < 64 ? std::uint64_t{1} << thread : 0;
  }
};
using PKQUEUE = KQUEUE*;
using PRKQUEUE = KQUEUE*;

// <= DISPATCH_LEVEL. Count 0: as many as there are processors, which in the model (one
// processor per thread) is no limit.
void KeInitializeQueue(PRKQUEUE Queue, ULONG Count);
// <= DISPATCH_LEVEL. Hands the entry straight to the last thread waiting in KeRemoveQueue
// while fewer than MaximumCount associated threads run; else queues it (tail, or head).
// Returns the previous number of entries (the signal state).
LONG KeInsertQueue(PRKQUEUE Queue, PLIST_ENTRY Entry);
LONG KeInsertHeadQueue(PRKQUEUE Queue, PLIST_ENTRY Entry);
// <= DISPATCH_LEVEL (a zero Timeout at DISPATCH_LEVEL). Associates the caller with the queue
// and returns the first entry, waiting for one (up to Timeout); STATUS_TIMEOUT as a pointer
// value when the timeout expires, STATUS_ABANDONED once the queue was run down. STATUS_USER_APC
// never arises: the model has no user APCs.
[[nodiscard]] PLIST_ENTRY KeRemoveQueue(PRKQUEUE Queue, KPROCESSOR_MODE WaitMode, PLARGE_INTEGER Timeout);
// As KeRemoveQueue for the first entry, then up to Count - 1 more without waiting; returns how
// many EntryArray holds (1 with the status in EntryArray[0] when none could be removed).
[[nodiscard]] ULONG KeRemoveQueueEx(PRKQUEUE Queue, KPROCESSOR_MODE WaitMode, BOOLEAN Alertable,
                                    PLARGE_INTEGER Timeout, PLIST_ENTRY* EntryArray, ULONG Count);
// <= DISPATCH_LEVEL. Disassociates every thread, wakes KeRemoveQueue waiters with
// STATUS_ABANDONED and returns the first entry of the remaining list (its entries still linked
// in a ring without the head), or NULL when it was empty.
PLIST_ENTRY KeRundownQueue(PRKQUEUE Queue);
// <= DISPATCH_LEVEL. The number of entries.
[[nodiscard]] LONG KeReadStateQueue(PRKQUEUE Queue);

}  // namespace interlock::wdm
