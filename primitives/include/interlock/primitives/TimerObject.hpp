#pragma once
// What KTIMER and EX_TIMER share (kernel-rules.md §12): a dispatcher object that a set arms
// and an expiry signals. Time is abstract (§12.2): an armed timer's expiry is an event of the
// environment, a step of the timer's expiry thread that the exploration may take at any later
// scheduling point, never before the set and never after a cancel.
#include "interlock/primitives/Dispatcher.hpp"

#include <cstdint>

namespace interlock {
struct WaitBlock;
}

namespace interlock::wdm {

// Expiries a periodic timer offers per set: two show it re-armed and its expiry work running
// again; more only repeat them (the timer stays set, and KeCancelTimer still finds it).
inline constexpr std::uint8_t kPeriodicExpiries = 2;

class TimerObject : public DispatcherObject {
 public:
  // Notification: every waiter, stays signalled; synchronization: one wait, then reset.
  void satisfyWait(interlock::Thread& thread) noexcept override {
    (void)thread;
    if (!notification) signalState = 0;
  }
  // What an expiry does after signalling, on the expiry thread at DISPATCH_LEVEL: a KTIMER
  // queues its DPC, an EX_TIMER calls its callback.
  virtual void expired() = 0;
  // Driver code this timer will still run: a set KTIMER's DPC, a set EX_TIMER's callback or
  // one running now. What the unload check looks for.
  [[nodiscard]] virtual bool driverCodePending() const noexcept = 0;
  // Whether an expiry starts a context that may land on any processor (a KTIMER's DPC): such
  // an expiry is a step of its own, dependent with every step.
  [[nodiscard]] virtual bool expiryStartsContext() const noexcept { return false; }

  // Model state; scenarios use the Ke*/Ex* API.
  bool notification = true;
  bool inserted = false;        // in the timer queue: set and not yet expired or cancelled
  bool periodic = false;
  std::uint8_t expiriesLeft = 0;  // a periodic timer's expiries still offered this set
  ThreadId expiryThread = kNoThread;
  // The expiry thread's wait while nothing is due, which a set satisfies.
  interlock::WaitBlock* parked = nullptr;
};

namespace detail {
// KeSetTimer(Ex) and ExSetTimer's common part: cancels a pending expiry, resets the signal
// state, arms the timer (offering kPeriodicExpiries expiries if periodic). TRUE if it was set.
[[nodiscard]] bool armTimer(TimerObject& timer, bool periodic);
// KeCancelTimer and ExCancelTimer's: TRUE iff the timer was set; no expiry comes after it.
[[nodiscard]] bool disarmTimer(TimerObject& timer);
// The driver's Unload routine returned (§11.3, §18.14; driverUnloadReturns calls it): a timer
// that will still run driver code is bug check 0xCE
// DRIVER_UNLOADED_WITHOUT_CANCELLING_PENDING_OPERATIONS. True if it reported.
bool checkTimersAtUnload(const char* api);
}  // namespace detail

}  // namespace interlock::wdm
