#pragma once
// EX_TIMER, the system-allocated timer (kernel-rules.md §12): ExAllocateTimer, ExSetTimer,
// ExCancelTimer, ExDeleteTimer. Waitable like a KTIMER; on expiry the callback runs at
// DISPATCH_LEVEL on the expiry thread. Expiry is abstract time as for KTIMER (§12.2).
#include "interlock/core/KernelObject.hpp"
#include "interlock/primitives/TimerObject.hpp"

namespace interlock::wdm {

class EX_TIMER;
using PEX_TIMER = EX_TIMER*;
using PEXT_CALLBACK = void (*)(PEX_TIMER timer, PVOID context);

// Attributes: without EX_TIMER_NOTIFICATION the timer is a synchronization timer. The other two
// change only how precisely time is kept, which the model does not.
inline constexpr ULONG EX_TIMER_HIGH_RESOLUTION = 0x4;
inline constexpr ULONG EX_TIMER_NO_WAKE = 0x8;
inline constexpr ULONG EX_TIMER_NOTIFICATION = 0x80000000u;

// The parameter blocks: opaque here, accepted as Windows requires them.
struct EXT_SET_PARAMETERS {
  ULONG Version = 0;
  LONGLONG NoWakeTolerance = 0;
};
using PEXT_SET_PARAMETERS = EXT_SET_PARAMETERS*;
struct EXT_CANCEL_PARAMETERS {
  ULONG Version = 0;
};
using PEXT_CANCEL_PARAMETERS = EXT_CANCEL_PARAMETERS*;
struct EXT_DELETE_PARAMETERS {
  ULONG Version = 0;
};
using PEXT_DELETE_PARAMETERS = EXT_DELETE_PARAMETERS*;

// What ExDeleteTimer with Wait = TRUE waits on: the callback still running.
class EX_TIMER_RUNDOWN final : public interlock::KernelObject {
 public:
  [[nodiscard]] const char* typeName() const noexcept override { return "EX_TIMER callback"; }
  [[nodiscard]] bool isLock() const noexcept override { return false; }
};

class EX_TIMER final : public TimerObject {
 public:
  [[nodiscard]] const char* typeName() const noexcept override { return "EX_TIMER"; }
  void expired() override;
  [[nodiscard]] bool driverCodePending() const noexcept override {
    return (inserted && callback != nullptr) || callbacksRunning != 0;
  }

  // Model state.
  PEXT_CALLBACK callback = nullptr;
  PVOID context = nullptr;
  bool deleted = false;               // ExDeleteTimer called: set and cancel do nothing now
  std::uint8_t callbacksRunning = 0;
  EX_TIMER_RUNDOWN* rundown = nullptr;
};

// Any IRQL <= DISPATCH_LEVEL. A new EX_TIMER (never NULL in the model: allocation does not fail).
[[nodiscard]] PEX_TIMER ExAllocateTimer(PEXT_CALLBACK callback, PVOID callbackContext, ULONG attributes);
// <= DISPATCH_LEVEL. TRUE if it cancelled a pending timer; Period (100 ns units) other than 0
// makes it periodic. On a deleted timer: FALSE, nothing done.
BOOLEAN ExSetTimer(PEX_TIMER timer, LONGLONG dueTime, LONGLONG period, PEXT_SET_PARAMETERS parameters);
// <= DISPATCH_LEVEL. TRUE iff the timer was set; an expired one stays signalled and gives FALSE.
BOOLEAN ExCancelTimer(PEX_TIMER timer, PEXT_CANCEL_PARAMETERS parameters);
// Cancel: cancel a set timer first (TRUE if it did); otherwise a pending expiry still happens
// once. Wait (needs Cancel, <= APC_LEVEL): also wait for a callback already running. The timer
// is gone for the caller afterwards: using it again is a ContractViolation.
BOOLEAN ExDeleteTimer(PEX_TIMER timer, BOOLEAN cancel, BOOLEAN wait, PEXT_DELETE_PARAMETERS parameters);

}  // namespace interlock::wdm
