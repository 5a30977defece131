#include "interlock/reports/FixPatterns.hpp"

#include <array>

namespace interlock {

namespace {

// One row per rule id; kernel-rules.md names each rule and what Windows does.
constexpr std::array kPatterns{
    // Causes: API contracts (SDV / Driver Verifier).
    FixPattern{"WithinCriticalRegion",
               "enter a critical region (KeEnterCriticalRegion) before acquiring, or use "
               "ExEnterCriticalRegionAndAcquireResourceExclusive; leave it (KeLeaveCriticalRegion) "
               "after the release"},
    FixPattern{"PushLockWithinCriticalRegion",
               "enter a critical region (KeEnterCriticalRegion) before acquiring the push lock and "
               "leave it after the release"},
    FixPattern{"FastMutexUnsafe",
               "call ExAcquireFastMutexUnsafe only at APC_LEVEL or inside a critical or guarded "
               "region, or use ExAcquireFastMutex, which raises IRQL itself"},
    FixPattern{"GuardedMutexUnsafe",
               "call KeAcquireGuardedMutexUnsafe only inside KeEnterGuardedRegion or at APC_LEVEL, "
               "or use KeAcquireGuardedMutex"},
    FixPattern{"IrqlZwPassive",
               "issue Zw file I/O at PASSIVE_LEVEL only: release the FAST_MUTEX or spin lock first, "
               "or hand the I/O to a work item"},
    FixPattern{"ZwSpecialApcsDisabled",
               "issue Zw file I/O with special kernel APCs enabled: not in a guarded region or under "
               "a guarded mutex (use an ERESOURCE in a critical region, or a work item)"},
    FixPattern{"CriticalRegions",
               "call KeLeaveCriticalRegion only to end a KeEnterCriticalRegion of the same thread"},
    FixPattern{"ApcRegionBalance",
               "leave every critical or guarded region the APC routine enters before it returns"},
    FixPattern{"LockHeldAtExit",
               "release every lock and rundown reference on every path before the thread exits or "
               "returns to user mode, error paths included"},
    FixPattern{"ResourceInitialized", "call ExInitializeResourceLite before the first acquire"},
    FixPattern{"ResourceReinitialized",
               "initialize an ERESOURCE once; ExDeleteResourceLite it before initializing it again"},
    // Consequences: properties.
    FixPattern{"SuspendedOwner",
               "keep normal kernel APCs disabled while the lock is held (KeEnterCriticalRegion "
               "before the acquire, KeLeaveCriticalRegion after the release), so a suspend APC "
               "waits until the lock is free"},
    FixPattern{"SuspendedSignaller",
               "keep normal kernel APCs disabled from queueing the work to signalling it "
               "(KeEnterCriticalRegion before the queue's lock, KeLeaveCriticalRegion after "
               "KeReleaseSemaphore or KeSetEvent), so a suspension takes effect before both or "
               "after both"},
    FixPattern{"SelfDeadlock",
               "do not acquire what the thread already holds: release a shared ERESOURCE before "
               "acquiring it exclusive (and re-check what it guards), never re-acquire a FAST_MUTEX, "
               "guarded mutex or push lock, and drop your own rundown reference before "
               "ExWaitForRundownProtectionRelease"},
    FixPattern{"WaitCycle",
               "acquire the locks in one global order on every path, or release the first before "
               "waiting for the second"},
    FixPattern{"LockOrderCycle",
               "acquire the locks in one global order on every path, so no schedule can close the "
               "cycle"},
    FixPattern{"DataRace",
               "guard the location with the lock the other path holds, or publish it with an "
               "Interlocked operation (or a volatile access) on both sides"},
    FixPattern{"NoThreadCanMove",
               "make sure some thread will release or signal every object a thread waits for, on "
               "error paths too"},
    // Bug checks: Windows stops the machine.
    FixPattern{"RESOURCE_NOT_OWNED",
               "release an ERESOURCE only from the thread that acquired it, once per acquire (or "
               "use ExReleaseResourceForThreadLite with the owner's thread)"},
    FixPattern{"APC_INDEX_MISMATCH",
               "pair every KeEnterCriticalRegion or KeEnterGuardedRegion with a leave on every "
               "path before the system call returns, error paths included"},
    FixPattern{"KERNEL_APC_PENDING_DURING_EXIT",
               "pair every KeEnterCriticalRegion or KeEnterGuardedRegion with a leave before the "
               "thread exits (PsTerminateSystemThread), error paths included"},
    FixPattern{"THREAD_TERMINATE_HELD_MUTEX",
               "release every KMUTEX (KeReleaseMutex) before the system thread exits"},
    FixPattern{"SYSTEM_EXIT_OWNED_MUTEX",
               "release every KMUTEX (KeReleaseMutex) before the work item routine returns"},
    FixPattern{"KMODE_EXCEPTION_NOT_HANDLED",
               "release a KMUTEX only from the thread that owns it, once per acquire"},
    FixPattern{"SYSTEM_THREAD_EXCEPTION_NOT_HANDLED",
               "do not make the call that raises (release a KMUTEX only from its owner, a "
               "semaphore only up to its limit), or catch the status where it is expected "
               "(__try/__except, tryExcept in a scenario)"},
    FixPattern{"SYSTEM_SERVICE_EXCEPTION",
               "do not make the call that raises (release a KMUTEX only from its owner, a "
               "semaphore only up to its limit), or catch the status where it is expected "
               "(__try/__except, tryExcept in a scenario)"},
    FixPattern{"IRQL_GT_ZERO_AT_SYSTEM_SERVICE",
               "lower IRQL to PASSIVE_LEVEL (release spin locks and fast mutexes) before the system "
               "call returns"},
    FixPattern{"IRQL_UNEXPECTED_VALUE",
               "return from the APC routine at the IRQL it was called at: lower every raise, "
               "release every spin lock and fast mutex it took"},
};

}  // namespace

std::span<const FixPattern> fixPatterns() noexcept { return kPatterns; }

std::optional<std::string_view> fixFor(std::string_view rule) noexcept {
  for (const FixPattern& pattern : kPatterns)
    if (pattern.rule == rule) return pattern.fix;
  return std::nullopt;
}

}  // namespace interlock
