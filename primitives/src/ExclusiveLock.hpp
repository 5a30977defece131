#pragma once
// The exclusive, non-recursive ownership FAST_MUTEX, KGUARDED_MUTEX and KSPIN_LOCK share
// (kernel-rules.md §3.2, §3.4, §6): one owner, waiters in the object's wait queue.
#include "interlock/core/KernelObject.hpp"
#include "interlock/core/Thread.hpp"

#include <cstdint>
#include <string>

namespace interlock::wdm::detail {

enum class Grant : std::uint8_t {
  // §6.3 hand-off or barging, both explored, and §6.2 any waiter: either ownership passes to
  // a waiter before it runs, or the lock is freed and a woken waiter retries (a newcomer
  // may take it first).
  HandOffOrBarge,
  Fifo,  // §3.2 queued spin locks: ownership passes to the longest waiter
};

// Makes `thread` the owner, waiting while anyone holds it. The owner itself waits on itself
// (self-deadlock, §4.8). After a barging wake-up it retries, and waits again if it lost.
void acquireOrWait(Thread& thread, KernelObject& object, ThreadId& owner, std::uint8_t mode,
                   const char* api);
// Frees `owner` (whoever held it) and lets a waiter in as `grant` says.
void releaseOwnership(KernelObject& object, ThreadId& owner, Grant grant);

// "by a thread that does not own it (owned by T)" / "... (it is not owned)": for messages.
[[nodiscard]] std::string notOwnedText(const KernelObject& object, ThreadId owner);
// Deadlock Detection: 0x1004 released by another thread, 0x1007 release without acquire (§1).
[[nodiscard]] std::uint32_t notOwnedCode(ThreadId owner) noexcept;

}  // namespace interlock::wdm::detail
