#pragma once
// The Interlocked family on shared variables: each call is one atomic visible operation
// (a read-modify-write), so a scenario can model lock-free counters and flags.
#include "interlock/primitives/Shared.hpp"
#include "interlock/primitives/WdkTypes.hpp"

namespace interlock::wdm {

using PSharedLong = interlock::Shared<LONG>*;

LONG InterlockedIncrement(PSharedLong addend);
LONG InterlockedDecrement(PSharedLong addend);
LONG InterlockedExchange(PSharedLong target, LONG value);
LONG InterlockedCompareExchange(PSharedLong destination, LONG exchange, LONG comparand);
LONG InterlockedExchangeAdd(PSharedLong addend, LONG value);
LONG InterlockedAdd(PSharedLong addend, LONG value);

}  // namespace interlock::wdm
