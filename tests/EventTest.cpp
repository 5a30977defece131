// KEVENT: notification and synchronization events (kernel-rules.md §3.6).
#include "DispatcherSupport.hpp"

#include <doctest/doctest.h>

using namespace interlock;
using namespace interlock::wdm;
using namespace interlock::test::dispatcher;
using interlock::test::exploreInline;

TEST_CASE("KeInitializeEvent sets the event's type and state; KeReadStateEvent reads the state (§3.6)") {
  LONG on = -1, off = -1;
  const auto e = exploreInline([&](Setup& s) {
    auto& signalled = s.make<KEVENT>("On");
    auto& clear = s.make<KEVENT>("Off");
    KeInitializeEvent(&signalled, SynchronizationEvent, TRUE);
    KeInitializeEvent(&clear, NotificationEvent, FALSE);
    s.systemThread("reader", [&] {
      on = KeReadStateEvent(&signalled);
      off = KeReadStateEvent(&clear);
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(e.stats.executions == 1);
  CHECK(e.stats.steps == 2);  // two reads, each a scheduling point
  CHECK(on == 1);
  CHECK(off == 0);
}

TEST_CASE("KeSetEvent and KeResetEvent return the previous state; KeClearEvent clears it (§3.6)") {
  LONG set1 = -1, set2 = -1, reset1 = -1, reset2 = -1, cleared = -1;
  const auto e = exploreInline([&](Setup& s) {
    auto& event = s.make<KEVENT>("E");
    KeInitializeEvent(&event, NotificationEvent, FALSE);
    s.systemThread("driver", [&] {
      set1 = KeSetEvent(&event, IO_NO_INCREMENT, FALSE);
      set2 = KeSetEvent(&event, IO_NO_INCREMENT, FALSE);
      reset1 = KeResetEvent(&event);
      reset2 = KeResetEvent(&event);
      (void)KeSetEvent(&event, IO_NO_INCREMENT, FALSE);
      KeClearEvent(&event);
      cleared = KeReadStateEvent(&event);
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(e.stats.executions == 1);
  CHECK(e.stats.steps == 7);
  CHECK(set1 == 0);
  CHECK(set2 == 1);
  CHECK(reset1 == 1);
  CHECK(reset2 == 0);
  CHECK(cleared == 0);
}

TEST_CASE("a notification event releases its waiter and stays signalled (§3.6)") {
  int executions = 0, good = 0;
  const auto e = exploreInline([&](Setup& s) {
    auto& event = s.make<KEVENT>("E");
    KeInitializeEvent(&event, NotificationEvent, FALSE);
    ++executions;
    s.systemThread("waiter", [&] {
      const NTSTATUS status = waitFor(event);
      good += status == STATUS_SUCCESS && KeReadStateEvent(&event) == 1;
    });
    s.systemThread("setter", [&] { (void)KeSetEvent(&event, IO_NO_INCREMENT, FALSE); });
  });
  CHECK(e.verdict.result == Result::Pass);
  // Set, then wait (satisfied at once) and read; or wait (blocks), set, return and read.
  CHECK(e.stats.executions == 2);
  CHECK(good == executions);
}

TEST_CASE("a notification event releases every waiter, before or after the signal (§3.6)") {
  const auto e = exploreInline([](Setup& s) {
    auto& event = s.make<KEVENT>("E");
    KeInitializeEvent(&event, NotificationEvent, FALSE);
    for (const char* name : {"w1", "w2"})
      s.systemThread(name, [&event] { CHECK(waitFor(event) == STATUS_SUCCESS); });
    s.systemThread("setter", [&event] { (void)KeSetEvent(&event, IO_NO_INCREMENT, FALSE); });
  });
  CHECK(e.verdict.result == Result::Pass);
  // Setter first: the two waits in either order (2). w1 first (blocks), then w2 blocks, set,
  // both return in either order (2); or set, then w1 returns and w2 waits in either order
  // (2). w2 first: the same 4 mirrored. 2 + 4 + 4 = 10.
  CHECK(e.stats.executions == 10);
}

TEST_CASE("a synchronization event satisfies one wait and resets: a second waiter waits forever (§3.6)") {
  const auto e = exploreInline([](Setup& s) {
    auto& event = s.make<KEVENT>("E");
    KeInitializeEvent(&event, SynchronizationEvent, FALSE);
    for (const char* name : {"w1", "w2"})
      s.systemThread(name, [&event] { (void)waitFor(event); });
    s.systemThread("setter", [&event] { (void)KeSetEvent(&event, IO_NO_INCREMENT, FALSE); });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.kind() == ViolationKind::Deadlock);
  CHECK(e.verdict.violation->rule == "NoThreadCanMove");
  CHECK(e.verdict.violation->message.find("waits for KEVENT E, and no thread will release or signal it") !=
        std::string::npos);
  REQUIRE(e.counterexample);
  CHECK(count(*e.counterexample, EventKind::Exit) == 2);  // the setter and one waiter
}

TEST_CASE("a synchronization event set with no waiter stays signalled until one wait takes it (§3.6)") {
  NTSTATUS first = -1, poll = -1;
  LONG before = -1, after = -1;
  const auto e = exploreInline([&](Setup& s) {
    auto& event = s.make<KEVENT>("E");
    KeInitializeEvent(&event, SynchronizationEvent, FALSE);
    s.systemThread("driver", [&] {
      (void)KeSetEvent(&event, IO_NO_INCREMENT, FALSE);
      before = KeReadStateEvent(&event);
      first = waitFor(event);
      after = KeReadStateEvent(&event);
      LARGE_INTEGER zero{.QuadPart = 0};
      poll = waitFor(event, &zero);
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(e.stats.executions == 1);
  CHECK(before == 1);
  CHECK(first == STATUS_SUCCESS);
  CHECK(after == 0);
  CHECK(poll == STATUS_TIMEOUT);
}

TEST_CASE("KeSetEvent at DISPATCH_LEVEL is legal (§3.6, IrqlKeSetEvent)") {
  const auto e = exploreInline([](Setup& s) {
    auto& event = s.make<KEVENT>("E");
    KeInitializeEvent(&event, NotificationEvent, FALSE);
    s.systemThread("dpc", [&event] {
      KIRQL old = PASSIVE_LEVEL;
      KeRaiseIrql(DISPATCH_LEVEL, &old);
      (void)KeSetEvent(&event, IO_NO_INCREMENT, FALSE);
      KeLowerIrql(old);
    });
  });
  CHECK(e.verdict.result == Result::Pass);
}

TEST_CASE("KeSetEvent above DISPATCH_LEVEL is IrqlKeSetEvent (SDV 0x20016) (§3.6)") {
  const auto e = exploreInline([](Setup& s) {
    auto& event = s.make<KEVENT>("E");
    KeInitializeEvent(&event, NotificationEvent, FALSE);
    s.systemThread("isr", [&event] {
      KIRQL old = PASSIVE_LEVEL;
      KeRaiseIrql(HIGH_LEVEL, &old);
      (void)KeSetEvent(&event, IO_NO_INCREMENT, FALSE);
      KeLowerIrql(old);
    });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.kind() == ViolationKind::ContractViolation);
  CHECK(e.verdict.violation->rule == "IrqlKeSetEvent");
  CHECK(e.verdict.violation->code == 0x20016);
}

TEST_CASE("KeResetEvent above DISPATCH_LEVEL is IrqlKeDispatchLte (SDV 0x20011) (§3.6)") {
  const auto e = exploreInline([](Setup& s) {
    auto& event = s.make<KEVENT>("E");
    KeInitializeEvent(&event, NotificationEvent, TRUE);
    s.systemThread("isr", [&event] {
      KIRQL old = PASSIVE_LEVEL;
      KeRaiseIrql(HIGH_LEVEL, &old);
      (void)KeResetEvent(&event);
      KeLowerIrql(old);
    });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.kind() == ViolationKind::ContractViolation);
  CHECK(e.verdict.violation->rule == "IrqlKeDispatchLte");
  CHECK(e.verdict.violation->code == 0x20011);
}
