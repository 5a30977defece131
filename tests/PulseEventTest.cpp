// KePulseEvent and the I/O manager's named events (kernel-rules §3.6, §17).
#include "LockTestSupport.hpp"

#include <doctest/doctest.h>

using namespace interlock;
using namespace interlock::wdm;
using namespace interlock::test;

TEST_CASE("KePulseEvent with no waiter returns the previous state and leaves the event not signalled") {
  std::vector<LONG> results;
  const auto e = exploreInline([&](Setup& s) {
    results.clear();
    auto& event = s.make<KEVENT>("E");
    KeInitializeEvent(&event, NotificationEvent, TRUE);
    s.systemThread("t", [&] {
      results.push_back(KePulseEvent(&event, IO_NO_INCREMENT, FALSE));
      results.push_back(KeReadStateEvent(&event));
      results.push_back(KePulseEvent(&event, IO_NO_INCREMENT, FALSE));
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(results == std::vector<LONG>{1, 0, 0});
}

TEST_CASE("KePulseEvent releases every thread in its wait on a notification event at that step") {
  const auto r = replayInline(
      [](Setup& s) {
        auto& event = s.make<KEVENT>("E");
        KeInitializeEvent(&event, NotificationEvent, FALSE);
        for (const char* name : {"w1", "w2"})
          s.systemThread(name, [&event] { KeWaitForSingleObject(&event, Executive, KernelMode, FALSE, nullptr); });
        s.systemThread("pulser", [&event] { KePulseEvent(&event, IO_NO_INCREMENT, FALSE); });
      },
      {run(0), run(1), run(2), run(0), run(1)});
  CHECK_FALSE(r.divergence);
  CHECK(r.verdict.result == Result::Pass);
}

TEST_CASE("KePulseEvent on a synchronization event releases one waiter; the other keeps waiting: Deadlock") {
  const auto r = replayInline(
      [](Setup& s) {
        auto& event = s.make<KEVENT>("E");
        KeInitializeEvent(&event, SynchronizationEvent, FALSE);
        for (const char* name : {"w1", "w2"})
          s.systemThread(name, [&event] { KeWaitForSingleObject(&event, Executive, KernelMode, FALSE, nullptr); });
        s.systemThread("pulser", [&event] { KePulseEvent(&event, IO_NO_INCREMENT, FALSE); });
      },
      {run(0), run(1), run(2), run(0)});
  CHECK_FALSE(r.divergence);
  REQUIRE(r.verdict.result == Result::Violation);
  CHECK(r.verdict.kind() == ViolationKind::Deadlock);
}

TEST_CASE("a pulse while the waiter runs a kernel APC is lost: the waiter waits forever (Deadlock)") {
  const auto e = exploreInline([](Setup& s) {
    auto& event = s.make<KEVENT>("E");
    auto& ready = s.make<KEVENT>("WaiterReady");
    auto& status = s.make<Shared<LONG>>("IoStatus");
    KeInitializeEvent(&event, NotificationEvent, FALSE);
    KeInitializeEvent(&ready, NotificationEvent, FALSE);
    s.userThread("waiter", [&] {
      KeSetEvent(&ready, IO_NO_INCREMENT, FALSE);
      KeWaitForSingleObject(&event, Executive, KernelMode, FALSE, nullptr);
    });
    // The APC's own step is where the pulse can come while the waiter is out of its wait.
    s.apc("Completion", "waiter", ApcKind::Special, [&status] { status.store(1); });
    s.systemThread("pulser", [&] {
      KeWaitForSingleObject(&ready, Executive, KernelMode, FALSE, nullptr);
      KePulseEvent(&event, IO_NO_INCREMENT, FALSE);
    });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.kind() == ViolationKind::Deadlock);
}

TEST_CASE("KePulseEvent above DISPATCH_LEVEL is IrqlKeDispatchLte") {
  const auto e = exploreInline([](Setup& s) {
    auto& event = s.make<KEVENT>("E");
    KeInitializeEvent(&event, NotificationEvent, FALSE);
    s.systemThread("t", [&event] {
      KIRQL old = PASSIVE_LEVEL;
      KeRaiseIrql(HIGH_LEVEL, &old);
      KePulseEvent(&event, IO_NO_INCREMENT, FALSE);
      KeLowerIrql(old);
    });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.violation->rule == "IrqlKeDispatchLte");
}

TEST_CASE("IoCreateNotificationEvent creates a named event signalled and opens the same event on a second call") {
  bool same = false;
  EVENT_TYPE type = SynchronizationEvent;
  LONG state = -1;
  std::vector<NTSTATUS> closes;
  const auto e = exploreInline([&](Setup& s) {
    closes.clear();
    s.systemThread("t", [&] {
      UNICODE_STRING name{"\\BaseNamedObjects\\DriverReady"};
      HANDLE h1 = nullptr, h2 = nullptr;
      PKEVENT first = IoCreateNotificationEvent(&name, &h1);
      state = KeReadStateEvent(first);
      type = first->type;
      same = IoCreateSynchronizationEvent(&name, &h2) == first;
      closes.push_back(ZwClose(h1));
      closes.push_back(ZwClose(h2));
      closes.push_back(ZwClose(h2));
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(same);
  CHECK(type == NotificationEvent);
  CHECK(state == 1);
  CHECK(closes == std::vector<NTSTATUS>{STATUS_SUCCESS, STATUS_SUCCESS, STATUS_INVALID_HANDLE});
}
