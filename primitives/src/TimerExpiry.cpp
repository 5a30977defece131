// Arming, disarming and expiring timers (kernel-rules.md §12.1, §12.2). Each timer has an
// expiry thread, made at its first set: a system pseudo-thread whose steps are the timer's
// expiries, run at DISPATCH_LEVEL as the clock's expiry DPC runs them. While nothing is due
// it waits on the timer without being queued there, in a timed wait (never a hang) that a set
// satisfies, so the exploration is offered an expiry at every scheduling point after a set. A
// cancel leaves the thread runnable: its next step finds nothing due and waits again, so no
// expiry follows a cancel. Its steps name the timer: partial-order reduction orders an expiry
// against whatever touches the timer (a set, a cancel, a wait on it) and nothing else, except
// an expiry that queues a DPC, which may start it on any processor: that one is dependent
// with every step. What the expiry then does (a wake, a callback) names its own objects.
#include "interlock/primitives/TimerObject.hpp"
#include "Numbering.hpp"

#include "interlock/primitives/Call.hpp"

#include <span>
#include <string>
#include <string_view>

namespace interlock::wdm {

namespace {

constexpr const char* kExpiry = "KiTimerExpiration";

// Named by the expiry of a timer whose expiry starts a context (a DPC) on some processor.
constexpr ObjectId kEveryProcessor[1] = {kEveryProcessorObject};

[[nodiscard]] bool due(const TimerObject& timer) noexcept {
  return timer.inserted && (!timer.periodic || timer.expiriesLeft > 0);
}

[[nodiscard]] Op expiryOp(const TimerObject& timer) noexcept {
  if (timer.expiryStartsContext()) return Op{kExpiry, timer.id(), Access::Write, kEveryProcessor};
  return Op{kExpiry, timer.id(), Access::Write};
}

// Dequeue (a periodic timer stays queued, re-armed), signal, wake the waiters the wait test
// satisfies, then the timer's own work: its DPC or callback. At DISPATCH_LEVEL, as the
// clock's expiry DPC runs it; the thread waits at PASSIVE_LEVEL so it holds no processor.
void expire(Thread& self, TimerObject& timer) {
  if (timer.periodic) --timer.expiriesLeft;
  else timer.inserted = false;
  timer.signalState = 1;
  detail::waitTest(timer);
  detail::recordCall(kExpiry, &timer, nullptr, timer.periodic ? "expires, re-armed (periodic)" : "expires");
  self.irql = DISPATCH_LEVEL;
  timer.expired();
  self.irql = PASSIVE_LEVEL;
}

// Clears the timer's view of the parked wait however the wait ends (a return, or the fiber's
// unwinding when the execution is abandoned).
class Parked {
 public:
  Parked(Thread& self, TimerObject& timer) noexcept : self_(self), timer_(timer) {
    const std::span<WaitBlock> blocks = self.beginWait(1, WaitType::Any, true);  // timed: never a hang
    blocks[0].object = &timer;  // not queued: the timer's queue holds its dispatcher waiters
    timer.parked = &blocks[0];
  }
  ~Parked() {
    timer_.parked = nullptr;
    self_.endWait();
  }
  Parked(const Parked&) = delete;
  Parked& operator=(const Parked&) = delete;

 private:
  Thread& self_;
  TimerObject& timer_;
};

void expiryLoop(TimerObject& timer) {
  Execution& execution = Execution::current();
  Thread& self = execution.currentThread();
  while (!execution.tearingDown()) {
    // Here after a step that named the timer: an expiry, if one is still due.
    if (due(timer)) expire(self, timer);
    else detail::recordCall(kExpiry, &timer, nullptr, "nothing due (cancelled)");
    if (due(timer)) {  // periodic, or set again by the callback: the next expiry is a step of its own
      execution.visible(expiryOp(timer));
      continue;
    }
    {
      const Parked parked(self, timer);
      execution.wait(kExpiry);
    }
    // Set again. An expiry that starts a context is a step of its own, dependent with all.
    if (timer.expiryStartsContext() && due(timer)) execution.visible(expiryOp(timer));
  }
}

void startExpiryThread(TimerObject& timer) {
  Execution& execution = Execution::current();
  if (execution.tearingDown()) return;
  TimerObject* armed = &timer;
  timer.expiryThread = execution.spawnThread(ThreadSpec{detail::nextThreadName(execution, "TimerExpiry"), "system",
                                                        ThreadKind::System, false,
                                                        [armed] { expiryLoop(*armed); }});
  // Its first step is the first expiry: it names the timer (a new thread's step names nothing).
  execution.threads()[timer.expiryThread]->pending = expiryOp(timer);
}

}  // namespace

namespace detail {

bool armTimer(TimerObject& timer, bool periodic) {
  const bool wasSet = timer.inserted;
  timer.inserted = true;
  timer.periodic = periodic;
  timer.expiriesLeft = periodic ? kPeriodicExpiries : 1;
  timer.signalState = 0;
  if (timer.parked != nullptr) {
    timer.parked->satisfied = true;
  } else if (timer.expiryThread == kNoThread) {
    startExpiryThread(timer);
  } else if (Thread& expiry = *Execution::current().threads()[timer.expiryThread];
             expiry.state == ThreadState::Ready && expiry.pending.api == kExpiry) {
    expiry.pending = expiryOp(timer);  // stopped before an expiry: set with or without a DPC now
  }
  return wasSet;
}

bool disarmTimer(TimerObject& timer) {
  const bool wasSet = timer.inserted;
  // The expiry thread stays runnable: its next step finds nothing due and waits again. Taking
  // the step away instead would hide the race with the cancel from partial-order reduction,
  // which sees only the steps an execution takes.
  timer.inserted = false;
  return wasSet;
}

}  // namespace detail

}  // namespace interlock::wdm
