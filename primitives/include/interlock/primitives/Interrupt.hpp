#pragma once
// KINTERRUPT (kernel-rules.md §7, §13): a device interrupt the environment raises at any point
// (Bounds::maxInterrupts per execution). Its ISR runs as a context of its own at the DIRQL,
// holding the interrupt spin lock: on a processor whose IRQL is below the DIRQL, preempting
// what runs there until it returns, or on an idle one.
#include "interlock/core/KernelObject.hpp"
#include "interlock/core/Setup.hpp"
#include "interlock/primitives/WdkTypes.hpp"

#include <cstdint>
#include <string_view>

namespace interlock::wdm {

class KINTERRUPT;
using PKINTERRUPT = KINTERRUPT*;
using PKSERVICE_ROUTINE = BOOLEAN (*)(PKINTERRUPT Interrupt, PVOID ServiceContext);
using PKSYNCHRONIZE_ROUTINE = BOOLEAN (*)(PVOID SynchronizeContext);

class KINTERRUPT final : public interlock::KernelObject {
 public:
  static constexpr std::uint8_t kSpinner = 0;
  [[nodiscard]] const char* typeName() const noexcept override { return "KINTERRUPT"; }
  // The interrupt spin lock's holder.
  void owners(interlock::OwnerList& out) const override {
    if (owner != kNoThread) out.add(interlock::Owner{owner, true, 1});
  }
  [[nodiscard]] const char* waitModeName(std::uint8_t) const noexcept override { return "spin"; }

  // Model state; scenarios use connectInterrupt and the Ke* API.
  PKSERVICE_ROUTINE isr = nullptr;
  PVOID context = nullptr;
  KIRQL dirql = 0;
  KIRQL synchronizeIrql = 0;
  ThreadId owner = kNoThread;  // of the interrupt spin lock
  std::uint16_t event = 0;     // the environment's interrupt (Execution::addInterrupt)
};

// In a scenario's setup, what IoConnectInterrupt does for a driver: the KINTERRUPT named `name`
// with its ISR and context, the device's DIRQL and the SynchronizeIrql (>= DIRQL) that
// KeSynchronizeExecution and KeAcquireInterruptSpinLock raise to. From then on the device may
// interrupt at any point of the execution.
PKINTERRUPT connectInterrupt(Setup& setup, std::string_view name, PKSERVICE_ROUTINE isr,
                             PVOID context, KIRQL dirql, KIRQL synchronizeIrql);

// At <= SynchronizeIrql: raises to it, takes the interrupt spin lock, runs the routine and
// returns what it returns.
BOOLEAN KeSynchronizeExecution(PKINTERRUPT Interrupt, PKSYNCHRONIZE_ROUTINE SynchronizeRoutine,
                               PVOID SynchronizeContext);
[[nodiscard]] KIRQL KeAcquireInterruptSpinLock(PKINTERRUPT Interrupt);
void KeReleaseInterruptSpinLock(PKINTERRUPT Interrupt, KIRQL OldIrql);

}  // namespace interlock::wdm
