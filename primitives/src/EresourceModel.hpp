#pragma once
// The ERESOURCE rules behind the Ex* entry points (kernel-rules.md §3.3): grant
// table, hand-off on release, ownership transfer and the precondition checks.
#include "interlock/core/Thread.hpp"
#include "interlock/primitives/Eresource.hpp"

#include <cstdint>

namespace interlock::wdm::eresource {

// The shared-acquire columns of the §3.3 grant table.
enum class SharedPolicy : std::uint8_t { Lite, StarveExclusive, WaitForExclusive };

// §3.3: holders keep normal kernel APCs disabled (a CR, a GR or APC_LEVEL).
[[nodiscard]] bool normalKernelApcsEnabled(const Thread& thread) noexcept;
void checkInitialized(ERESOURCE& resource, const char* api);
// Acquire preconditions: initialized, IRQL <= APC_LEVEL, normal kernel APCs disabled.
void checkAcquire(const Thread& thread, ERESOURCE& resource, const char* api);
void checkIrqlAtMostApc(const Thread& thread, ERESOURCE& resource, const char* api);

BOOLEAN acquireExclusive(Thread& thread, ERESOURCE& resource, BOOLEAN wait, const char* api);
BOOLEAN acquireShared(Thread& thread, ERESOURCE& resource, BOOLEAN wait, SharedPolicy policy,
                      const char* api);
[[nodiscard]] BOOLEAN tryAcquireExclusive(Thread& thread, ERESOURCE& resource, const char* api);

// Releases one acquisition of `owner` (a thread); the caller's own not-owned release is 0xE3.
void releaseForThread(Thread& caller, ERESOURCE& resource, ThreadId owner, const char* api);
// Releases one acquisition held by an owner pointer (ExSetResourceOwnerPointerEx).
void releaseForPointer(Thread& caller, ERESOURCE& resource, ERESOURCE::PointerOwner& entry,
                       const char* api);
void convertToShared(Thread& thread, ERESOURCE& resource, const char* api);
void transferToPointer(Thread& thread, ERESOURCE& resource, ERESOURCE_THREAD pointer,
                       const char* api);

// A thread's ERESOURCE_THREAD: looks like an aligned KTHREAD address (low bits clear).
[[nodiscard]] ERESOURCE_THREAD resourceThreadOf(ThreadId thread) noexcept;
// The thread a value names, or kNoThread when it names none of the execution's threads.
[[nodiscard]] ThreadId threadOf(ERESOURCE_THREAD value, std::size_t threadCount) noexcept;
[[nodiscard]] ERESOURCE::PointerOwner* findPointer(ERESOURCE& resource,
                                                   ERESOURCE_THREAD pointer) noexcept;

}  // namespace interlock::wdm::eresource
