#pragma once
// The checks every KSPIN_LOCK routine shares (kernel-rules §3.2, §15), for the routine
// families kept in files of their own (the queued forms, the ExInterlocked routines).
#include "ExclusiveLock.hpp"
#include "interlock/primitives/SpinLock.hpp"

#include <cstdint>

namespace interlock::wdm::detail::spin {

// Never mix the lock's families of routines: reported, mutual exclusion kept.
void checkUse(KSPIN_LOCK& lock, KSPIN_LOCK::Use use, const char* api);
// Acquire at <= DISPATCH_LEVEL (DV 0x42); release at DISPATCH_LEVEL (DV 0x32).
void checkAcquireIrql(const Thread& thread, KSPIN_LOCK& lock, const char* api);
void checkReleaseIrql(const Thread& thread, KSPIN_LOCK& lock, const char* api);
// The AtDpcLevel forms: at or above DISPATCH_LEVEL.
void checkAtDispatch(const Thread& thread, KSPIN_LOCK& lock, const char* api, std::uint32_t code);
// Frees the lock whoever calls (Windows clears the word); a non-owner's release is `rule`.
void release(const Thread& thread, KSPIN_LOCK& lock, const char* api, const char* rule,
             std::uint32_t code, Grant grant);

}  // namespace interlock::wdm::detail::spin

namespace interlock::wdm::detail {
// The spin lock step every ExInterlocked routine begins with: one visible operation on the
// lock, the family check, and a spin while someone holds it.
Thread& interlockedLockStep(PKSPIN_LOCK lock, const char* api);
}  // namespace interlock::wdm::detail
