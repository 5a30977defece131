#pragma once
// IRQL: KeRaiseIrql and KeLowerIrql (kernel-rules.md §2.1, §3.2). IRQL is the calling
// thread's own state: changes are recorded in the trace but are not scheduling points.
#include "interlock/primitives/WdkTypes.hpp"

namespace interlock {
class Thread;
}

namespace interlock::wdm {

// The x64 top of the scale: levels 3..14 are device IRQLs, which the model only carries.
inline constexpr KIRQL HIGH_LEVEL = 15;

void KeRaiseIrql(KIRQL newIrql, PKIRQL oldIrql);
void KeLowerIrql(KIRQL newIrql);
// KeRaiseIrql(DISPATCH_LEVEL, &old), returning old.
[[nodiscard]] KIRQL KeRaiseIrqlToDpcLevel();

namespace detail {
// For APIs that raise inside (spin locks, fast mutexes): never lowers; returns the old IRQL.
[[nodiscard]] KIRQL raiseTo(interlock::Thread& thread, KIRQL level) noexcept;
// KeLowerIrql's own check (DV 0x31), shared by the APIs that restore a saved IRQL.
void checkLower(const interlock::Thread& thread, KIRQL newIrql, const char* api);
// Call after recording the call that lowered IRQL: at PASSIVE_LEVEL a pending APC runs
// before the next statement (§2.2), and its events follow the call's.
void irqlLowered(const interlock::Thread& thread);
// "PASSIVE_LEVEL", "APC_LEVEL", "DISPATCH_LEVEL", ...: static strings for the trace.
[[nodiscard]] const char* irqlName(KIRQL irql) noexcept;
}  // namespace detail

}  // namespace interlock::wdm
