#pragma once
// The rest of the Interlocked family (kernel-rules §16): bitwise, pointer and 64-bit forms,
// bit test, and the spin-lock-taking ExInterlockedAdd routines. Each call is one atomic
// visible read-modify-write on a shared variable; Exchange, CompareExchange, ExchangeAdd,
// And, Or and Xor return the original value, Increment and Decrement the new one.
#include "interlock/primitives/Interlocked.hpp"
#include "interlock/primitives/SpinLock.hpp"

namespace interlock::wdm {

using LONG64 = std::int64_t;
using ULONG64 = std::uint64_t;
using PSharedLong64 = interlock::Shared<LONG64>*;
using PSharedPointer = interlock::Shared<PVOID>*;
using PSharedUlong = interlock::Shared<ULONG>*;
using PSharedLargeInteger = interlock::Shared<LONGLONG>*;

LONG InterlockedOr(PSharedLong destination, LONG value);
LONG InterlockedAnd(PSharedLong destination, LONG value);
LONG InterlockedXor(PSharedLong destination, LONG value);
// TRUE when the bit was set before.
BOOLEAN InterlockedBitTestAndSet(PSharedLong base, LONG offset);
BOOLEAN InterlockedBitTestAndReset(PSharedLong base, LONG offset);

PVOID InterlockedExchangePointer(PSharedPointer target, PVOID value);
PVOID InterlockedCompareExchangePointer(PSharedPointer destination, PVOID exchange, PVOID comparand);

LONG64 InterlockedIncrement64(PSharedLong64 addend);
LONG64 InterlockedDecrement64(PSharedLong64 addend);
LONG64 InterlockedExchange64(PSharedLong64 target, LONG64 value);
LONG64 InterlockedExchangeAdd64(PSharedLong64 addend, LONG64 value);
LONG64 InterlockedAdd64(PSharedLong64 addend, LONG64 value);
LONG64 InterlockedCompareExchange64(PSharedLong64 destination, LONG64 exchange, LONG64 comparand);
LONG64 InterlockedOr64(PSharedLong64 destination, LONG64 value);
LONG64 InterlockedAnd64(PSharedLong64 destination, LONG64 value);
LONG64 InterlockedXor64(PSharedLong64 destination, LONG64 value);

// Any IRQL; take `lock` with interrupts off around the addition and return the original
// value. The lock belongs to the ExInterlocked routines: a KeAcquireSpinLock on it is
// SpinLockMixedUse, and a call while it is held spins (a holder calling deadlocks).
ULONG ExInterlockedAddUlong(PSharedUlong addend, ULONG increment, PKSPIN_LOCK lock);
LARGE_INTEGER ExInterlockedAddLargeInteger(PSharedLargeInteger addend, LARGE_INTEGER increment,
                                           PKSPIN_LOCK lock);

}  // namespace interlock::wdm
