#pragma once
// The dispatcher header KEVENT, KSEMAPHORE, KMUTEX and the timers share (kernel-rules.md
// §3.5, §3.6, §12): a signal state and a wait list (the object's WaitQueue). What "signalled"
// means and what satisfying a wait does to the object are the type's; the wait test is common.
#include "interlock/core/KernelObject.hpp"
#include "interlock/primitives/WdkTypes.hpp"

#include <cstdint>

namespace interlock {
class Thread;
}

namespace interlock::wdm {

class DispatcherObject : public interlock::KernelObject {
 public:
  // Whether a wait by `thread` would be satisfied now (a mutex is also for its owner).
  [[nodiscard]] virtual bool signaledFor(ThreadId thread) const noexcept {
    (void)thread;
    return signalState > 0;
  }
  // KiSatisfyObjectWait: what satisfying `thread`'s wait does to the object (a
  // synchronization event resets, a semaphore counts down, a mutex gets its owner).
  virtual void satisfyWait(interlock::Thread& thread) noexcept = 0;
  // The status the kernel raises instead of satisfying `thread`'s wait (a KMUTEX at its
  // recursion limit), or STATUS_SUCCESS.
  [[nodiscard]] virtual NTSTATUS raisedOnTake(ThreadId thread) const noexcept {
    (void)thread;
    return STATUS_SUCCESS;
  }

  // Model state; scenarios use the Ke* API. The header's SignalState: an event's 0 or 1, a
  // semaphore's count, a mutex's 1 - recursion count (1 free).
  LONG signalState = 0;
};

namespace detail {

// The dispatcher object a PVOID passed to KeWaitFor* names: one made with Setup::make,
// else a ScenarioError (the model cannot wait on an unregistered object).
[[nodiscard]] DispatcherObject& dispatcherObject(PVOID object, const char* api);
// KiWaitTest: after `object` became signalled, satisfies its waiters in FIFO order while it
// stays signalled; a WaitAll waiter only if all its objects can be taken at once.
void waitTest(DispatcherObject& object);
// Initialization runs in setup (no thread, no scheduling point) or on a thread (visible).
[[nodiscard]] interlock::Thread* initCall(const char* api, const DispatcherObject& object);
// §3.6: signal, reset, release and read-state calls need IRQL <= DISPATCH_LEVEL.
void checkAtMostDispatch(const interlock::Thread& thread, const char* rule, std::uint32_t code,
                         const char* api, const DispatcherObject& object);
// "0", "-3", "17": a static string for a small LONG result in the trace.
[[nodiscard]] const char* longText(LONG value) noexcept;

}  // namespace detail

}  // namespace interlock::wdm
