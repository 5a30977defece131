// A polling thread paced by a KTIMER (docs/kernel-rules.md §12.1): KeCancelTimer takes the
// timer out of the queue but never signals it, so a thread waiting for it alone waits on.
#include "TimerScenarios.hpp"

namespace interlock::scenarios {

using namespace interlock::wdm;

namespace {

struct PollerContext {
  KTIMER* PollTimer = nullptr;
  KEVENT* Stop = nullptr;        // set by the stop path (the fix waits on it too)
  KEVENT* PollerDone = nullptr;  // set by the poller as it ends
  Shared<LONG>* Stopping = nullptr;
};

LARGE_INTEGER pollInterval() { return LARGE_INTEGER{.QuadPart = -500'000}; }  // 50 ms, relative

// Polls the device a few times, sleeping on the timer between polls.
void PollWaitingOnTimer(PollerContext& context) {
  for (int poll = 0; poll < 2; ++poll) {
    (void)KeSetTimer(context.PollTimer, pollInterval(), nullptr);
    // bug: only the timer can end this wait, and a cancel never signals it
    (void)KeWaitForSingleObject(context.PollTimer, Executive, KernelMode, FALSE, nullptr);
    if (context.Stopping->load() != 0) break;
  }
  (void)KeSetEvent(context.PollerDone, IO_NO_INCREMENT, FALSE);
}

void PollWaitingOnTimerOrStop(PollerContext& context) {
  for (int poll = 0; poll < 2; ++poll) {
    (void)KeSetTimer(context.PollTimer, pollInterval(), nullptr);
    PVOID objects[2] = {context.PollTimer, context.Stop};
    const NTSTATUS woken =
        KeWaitForMultipleObjects(2, objects, WaitAny, Executive, KernelMode, FALSE, nullptr, nullptr);
    if (woken == STATUS_WAIT_0 + 1) break;  // stopping
  }
  (void)KeSetEvent(context.PollerDone, IO_NO_INCREMENT, FALSE);
}

// The stop path: tell the poller, stop its timer, wait until it has ended.
void StopPoller(PollerContext& context) {
  context.Stopping->store(1);
  (void)KeSetEvent(context.Stop, IO_NO_INCREMENT, FALSE);
  (void)KeCancelTimer(context.PollTimer);
  (void)KeWaitForSingleObject(context.PollerDone, Executive, KernelMode, FALSE, nullptr);
}

using Poller = void (*)(PollerContext&);

Scenario pollScenario(const char* name, const char* description, Expectation expected, Poller poller) {
  return Scenario{name, description, std::move(expected), Bounds{}, [poller](Setup& s) {
                    auto& timer = s.make<KTIMER>("PollTimer");
                    KeInitializeTimer(&timer);
                    auto& stop = s.make<KEVENT>("Stop");
                    KeInitializeEvent(&stop, NotificationEvent, FALSE);
                    auto& done = s.make<KEVENT>("PollerDone");
                    KeInitializeEvent(&done, NotificationEvent, FALSE);
                    auto& stopping = s.make<Shared<LONG>>("Stopping");
                    auto& driver = s.make<DRIVER_OBJECT>("Driver");
                    DEVICE_OBJECT& device = IoCreateDevice<PollerContext>(s, driver, "Device");
                    auto& context = *static_cast<PollerContext*>(device.DeviceExtension);
                    context = PollerContext{&timer, &stop, &done, &stopping};
                    s.systemThread("poller", [&context, poller] { poller(context); });
                    s.systemThread("stop", [&context] { StopPoller(context); });
                  }};
}

Scenario cancelledWhileWaited() {
  return pollScenario(
      "timer/cancel-strands-waiter",
      "A driver's polling thread arms a KTIMER and waits on it between polls, checking a "
      "stopping flag after each wait. The stop path sets the flag, cancels the timer and "
      "waits for the poller to end. When the cancel lands after the poller armed the timer "
      "and before it expired, the timer is never signalled (KeCancelTimer only dequeues it): "
      "the poller waits for ever, and so does the stop path.",
      Expectation::violation(ViolationKind::Deadlock, "NoThreadCanMove"), &PollWaitingOnTimer);
}

Scenario waitsForStopToo() {
  return pollScenario(
      "timer/wait-timer-or-stop",
      "The fix of timer/cancel-strands-waiter: the poller waits with WaitAny on the timer and "
      "a stop event that the stop path sets before cancelling the timer, so a cancelled "
      "timer no longer strands it.",
      Expectation::pass(), &PollWaitingOnTimerOrStop);
}

}  // namespace

std::vector<Scenario> timerPollScenarios() { return {cancelledWhileWaited(), waitsForStopToo()}; }

}  // namespace interlock::scenarios
