// KTIMER, EX_TIMER and KeDelayExecutionThread (kernel-rules.md §12): timers as dispatcher
// objects, the return values of set and cancel, expiry as an event of the environment at any
// later scheduling point (§12.2), the IRQL rules and the unload check.
#include "DispatcherSupport.hpp"

#include <doctest/doctest.h>

#include <map>
#include <set>
#include <string>

using namespace interlock;
using namespace interlock::wdm;
using namespace interlock::test::dispatcher;
using interlock::test::exploreInline;
using interlock::test::inlineScenario;

namespace {

KTIMER& timerIn(Setup& s, const char* name, TIMER_TYPE type = NotificationTimer) {
  auto& timer = s.make<KTIMER>(name);
  KeInitializeTimerEx(&timer, type);
  return timer;
}

LARGE_INTEGER tenMs() { return LARGE_INTEGER{.QuadPart = -100'000}; }  // relative, 100 ns units

BOOLEAN setTimer(KTIMER& timer) { return KeSetTimer(&timer, tenMs(), nullptr); }

Exploration exploreWith(const char* strategy, std::function<void(Setup&)> setup) {
  const Scenario scenario = inlineScenario(std::move(setup));
  return explore(scenario, Settings{scenario.bounds, strategy});
}

}  // namespace

// --- KTIMER as a dispatcher object ---

TEST_CASE("KeInitializeTimer makes a notification timer that is not signalled and never expires unset (§12.1)") {
  BOOLEAN state = 9;
  const auto e = exploreInline([&](Setup& s) {
    auto& timer = s.make<KTIMER>("T");
    KeInitializeTimer(&timer);
    s.systemThread("reader", [&] { state = KeReadStateTimer(&timer); });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(e.stats.executions == 1);  // no set: no expiry thread, nothing to interleave
  CHECK(state == FALSE);
}

TEST_CASE("a wait on a timer nobody sets hangs: NoThreadCanMove (§12.1)") {
  const auto e = exploreInline([&](Setup& s) {
    auto& timer = timerIn(s, "T");
    s.systemThread("waiter", [&timer] { (void)waitFor(timer); });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.violation->rule == "NoThreadCanMove");
}

TEST_CASE("the expiry of a notification timer releases every waiter and the timer stays signalled (§12.1)") {
  std::set<NTSTATUS> seen;
  BOOLEAN after = 9;
  const auto e = exploreInline([&](Setup& s) {
    auto& timer = timerIn(s, "T");
    s.systemThread("a", [&] { seen.insert(waitFor(timer)); });
    s.systemThread("b", [&] {
      seen.insert(waitFor(timer));
      after = KeReadStateTimer(&timer);
    });
    s.systemThread("setter", [&timer] { (void)setTimer(timer); });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(e.stats.executions == 33);  // naive: the expiry and the three threads' steps in every order
  CHECK(seen == std::set<NTSTATUS>{STATUS_SUCCESS});
  CHECK(after == TRUE);
}

TEST_CASE("the expiry of a synchronization timer releases one waiter and resets it (§12.1)") {
  const auto e = exploreInline([&](Setup& s) {
    auto& timer = timerIn(s, "T", SynchronizationTimer);
    s.systemThread("a", [&timer] { (void)waitFor(timer); });
    s.systemThread("b", [&timer] { (void)waitFor(timer); });
    s.systemThread("setter", [&timer] { (void)setTimer(timer); });
  });
  // One expiry, two waiters: one of them waits for ever.
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.violation->rule == "NoThreadCanMove");
}

TEST_CASE("an expiry is offered at any scheduling point after the set, and only after it (§12.2)") {
  std::set<int> expiredBefore;  // how many of the thread's two reads after the set saw it signalled
  const auto e = exploreInline([&](Setup& s) {
    auto& timer = timerIn(s, "T");
    s.systemThread("t", [&] {
      int seen = KeReadStateTimer(&timer);  // before the set: never signalled
      (void)setTimer(timer);
      seen += KeReadStateTimer(&timer);
      seen += KeReadStateTimer(&timer);
      expiredBefore.insert(seen);
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  // The expiry comes before the first read after the set, between the two, or after both.
  CHECK(e.stats.executions == 3);
  CHECK(expiredBefore == std::set<int>{0, 1, 2});
}

// --- set and cancel ---

TEST_CASE("KeSetTimer returns TRUE when the timer was still set, FALSE once it expired (§12.1)") {
  std::set<BOOLEAN> second;
  const auto e = exploreInline([&](Setup& s) {
    auto& timer = timerIn(s, "T");
    s.systemThread("t", [&] {
      CHECK(setTimer(timer) == FALSE);
      second.insert(setTimer(timer));
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(e.stats.executions == 2);  // the first expiry before the second set, or after it
  CHECK(second == std::set<BOOLEAN>{TRUE, FALSE});
}

TEST_CASE("KeSetTimer on a signalled timer makes it not signalled (§12.1)") {
  std::set<BOOLEAN> afterReset;
  const auto e = exploreInline([&](Setup& s) {
    auto& timer = timerIn(s, "T");
    s.systemThread("t", [&] {
      (void)setTimer(timer);
      (void)waitFor(timer);  // expired: signalled, and a notification timer stays so
      (void)setTimer(timer);
      afterReset.insert(KeReadStateTimer(&timer));
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  // The first expiry before the wait or during it, times the second before the read or after.
  CHECK(e.stats.executions == 4);
  // Read before the second expiry: reset; after it: signalled again.
  CHECK(afterReset == std::set<BOOLEAN>{FALSE, TRUE});
}

TEST_CASE("KeCancelTimer returns TRUE while the timer is set and no expiry follows; FALSE once it expired (§12.1)") {
  std::set<std::pair<BOOLEAN, BOOLEAN>> outcomes;  // (cancel's result, state read after)
  const auto e = exploreInline([&](Setup& s) {
    auto& timer = timerIn(s, "T");
    s.systemThread("t", [&] {
      (void)setTimer(timer);
      const BOOLEAN cancelled = KeCancelTimer(&timer);
      const BOOLEAN first = KeReadStateTimer(&timer);
      outcomes.insert({cancelled, KeReadStateTimer(&timer) || first});
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  // Expired before the cancel (1); cancelled first, the expiry thread's step finding nothing due
  // comes before either read, between them or after both (3).
  CHECK(e.stats.executions == 4);
  CHECK(outcomes == std::set<std::pair<BOOLEAN, BOOLEAN>>{{TRUE, FALSE}, {FALSE, TRUE}});
}

TEST_CASE("a cancel races the expiry of a timer set again, under naive, dpor and odpor alike (§12.2)") {
  for (const char* strategy : {"naive", "dpor", "odpor"}) {
    CAPTURE(strategy);
    std::set<BOOLEAN> cancelled;
    const auto e = exploreWith(strategy, [&](Setup& s) {
      auto& timer = timerIn(s, "T");
      s.systemThread("t", [&] {
        (void)setTimer(timer);
        (void)waitFor(timer);  // the expiry thread now waits for the next set
        (void)setTimer(timer);
        cancelled.insert(KeCancelTimer(&timer));
      });
    });
    CHECK(e.verdict.result == Result::Pass);
    CHECK(cancelled == std::set<BOOLEAN>{TRUE, FALSE});
    CHECK(e.stats.executions == 4);
  }
}

TEST_CASE("a periodic timer expires again after its first expiry, and KeCancelTimer still returns TRUE (§12.1)") {
  int bothTicks = 0;
  std::set<BOOLEAN> cancelled;
  const auto e = exploreInline([&](Setup& s) {
    auto& timer = timerIn(s, "T", SynchronizationTimer);
    s.systemThread("ticker", [&] {
      (void)KeSetTimerEx(&timer, tenMs(), 10, nullptr);
      (void)waitFor(timer);
      (void)waitFor(timer);  // the second tick: the timer re-armed itself
      ++bothTicks;
      cancelled.insert(KeCancelTimer(&timer));
    });
  });
  // Both expiries before the first wait signal it once (a synchronization timer does not
  // count): the second wait then hangs. Otherwise each wait takes one tick.
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.violation->rule == "NoThreadCanMove");
  // The first expiry before the first wait (2 orders of the second tick after it, and the
  // lost tick), or during it (3 orders of the second expiry and the two waits): 6.
  CHECK(e.stats.executions == 6);
  CHECK(bothTicks > 0);
  CHECK(cancelled == std::set<BOOLEAN>{TRUE});
}

TEST_CASE("a periodic timer offers kPeriodicExpiries expiries per set (§12.2)") {
  const auto e = exploreInline([&](Setup& s) {
    auto& timer = timerIn(s, "T", SynchronizationTimer);
    s.systemThread("ticker", [&timer] {
      (void)KeSetTimerEx(&timer, tenMs(), 10, nullptr);
      for (int tick = 0; tick <= kPeriodicExpiries; ++tick) (void)waitFor(timer);
    });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.violation->rule == "NoThreadCanMove");
}

TEST_CASE("a timed wait on a timer is satisfied by its expiry or times out (§3.6, §12.2)") {
  std::set<NTSTATUS> seen;
  const auto e = exploreInline([&](Setup& s) {
    auto& timer = timerIn(s, "T");
    s.systemThread("t", [&] {
      (void)setTimer(timer);
      LARGE_INTEGER timeout = tenMs();
      seen.insert(waitFor(timer, &timeout));
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(e.stats.executions == 3);  // expired before the wait; during it; or the wait timed out
  CHECK(seen == std::set<NTSTATUS>{STATUS_SUCCESS, STATUS_TIMEOUT});
}

// --- timer DPCs ---

namespace {

struct DpcRuns {
  int runs = 0;
};

void countDpc(KDPC*, PVOID context, PVOID, PVOID) { ++static_cast<DpcRuns*>(context)->runs; }

}  // namespace

TEST_CASE("a timer's expiry queues its DPC; KeCancelTimer after it returns FALSE while the DPC is queued or has run (§11, §12.1)") {
  std::set<std::pair<BOOLEAN, BOOLEAN>> outcomes;  // (KeCancelTimer, KeRemoveQueueDpc)
  DpcRuns runs;
  const auto e = exploreInline([&](Setup& s) {
    auto& timer = timerIn(s, "T");
    auto& dpc = s.make<KDPC>("D");
    KeInitializeDpc(&dpc, &countDpc, &runs);
    s.systemThread("t", [&] {
      (void)KeSetTimer(&timer, tenMs(), &dpc);
      const BOOLEAN cancelled = KeCancelTimer(&timer);
      outcomes.insert({cancelled, KeRemoveQueueDpc(&dpc)});
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  // Cancelled in time: never queued. Expired: still queued (removed now), or already dequeued.
  CHECK(outcomes == std::set<std::pair<BOOLEAN, BOOLEAN>>{{TRUE, FALSE}, {FALSE, TRUE}, {FALSE, FALSE}});
  CHECK(runs.runs > 0);
  CHECK(e.stats.executions == 8);  // naive, with the DPC's dequeue and return as steps of their own
}

TEST_CASE("KeFlushQueuedDpcs after a cancel that came too late returns once the timer's DPC has run (§11, §12.1)") {
  std::set<int> seenAfterFlush;
  const auto e = exploreInline([&](Setup& s) {
    auto& timer = timerIn(s, "T");
    auto& dpc = s.make<KDPC>("D");
    auto& ran = s.make<Shared<LONG>>("ran");
    KeInitializeDpc(&dpc, [](KDPC*, PVOID context, PVOID, PVOID) { static_cast<Shared<LONG>*>(context)->store(1); },
                    &ran);
    s.systemThread("t", [&] {
      (void)KeSetTimer(&timer, tenMs(), &dpc);
      const BOOLEAN cancelled = KeCancelTimer(&timer);
      KeFlushQueuedDpcs();
      if (!cancelled) seenAfterFlush.insert(ran.load());
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(seenAfterFlush == std::set<int>{1});
  CHECK(e.stats.executions == 12);  // naive
}

// --- IRQL ---

TEST_CASE("KTIMER routines above DISPATCH_LEVEL are IrqlKeDispatchLte (§12.1)") {
  for (int routine = 0; routine < 4; ++routine) {
    CAPTURE(routine);
    const auto e = exploreInline([routine](Setup& s) {
      auto& timer = timerIn(s, "T");
      s.systemThread("t", [&timer, routine] {
        KIRQL old = PASSIVE_LEVEL;
        KeRaiseIrql(HIGH_LEVEL, &old);
        if (routine == 0) KeInitializeTimer(&timer);
        if (routine == 1) (void)setTimer(timer);
        if (routine == 2) (void)KeCancelTimer(&timer);
        if (routine == 3) (void)KeReadStateTimer(&timer);
        KeLowerIrql(old);
      });
    });
    REQUIRE(e.verdict.result == Result::Violation);
    CHECK(e.verdict.violation->rule == "IrqlKeDispatchLte");
  }
}

// --- KeDelayExecutionThread ---

TEST_CASE("KeDelayExecutionThread returns STATUS_SUCCESS at one scheduling point that names nothing (§12.2)") {
  NTSTATUS status = -1;
  const auto e = exploreWith("dpor", [&](Setup& s) {
    auto& x = s.make<Shared<LONG>>("x");
    s.systemThread("sleeper", [&] {
      LARGE_INTEGER interval = tenMs();
      status = KeDelayExecutionThread(KernelMode, FALSE, &interval);
    });
    s.systemThread("writer", [&x] { x.store(1); });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(status == STATUS_SUCCESS);
  CHECK(e.stats.executions == 1);  // independent of the write: one order is enough
}

TEST_CASE("a kernel APC reaching a delaying thread runs and the delay goes on (§2.2, §12.1)") {
  NTSTATUS status = -1;
  const auto r = replayInline(
      [&](Setup& s) {
        s.systemThread("sleeper", [&] {
          LARGE_INTEGER interval = tenMs();
          status = KeDelayExecutionThread(KernelMode, FALSE, &interval);
        });
        s.apc("Probe", "sleeper", ApcKind::Normal, [] {});
      },
      {apc(0, 0), run(0), run(0)});  // the APC runs at the delay's point, which is taken again
  REQUIRE_MESSAGE(!r.divergence, r.divergence.value_or(""));
  CHECK(status == STATUS_SUCCESS);
  CHECK(find(r.execution, EventKind::ApcReturned) < find(r.execution, EventKind::Call, "KeDelayExecutionThread"));
}

TEST_CASE("a suspension stops a thread in its delay (§3.9, §12.1)") {
  const auto r = replayInline(
      [&](Setup& s) {
        s.userThread("sleeper", [] {
          LARGE_INTEGER interval = tenMs();
          (void)KeDelayExecutionThread(KernelMode, FALSE, &interval);
        });
      },
      {suspend(0)});
  REQUIRE_FALSE(r.divergence);
  CHECK(find(r.execution, EventKind::Call, "KeDelayExecutionThread") == -1);
  CHECK(find(r.execution, EventKind::ApcDelivered, "suspend APC") >= 0);
}

TEST_CASE("KeDelayExecutionThread at DISPATCH_LEVEL is IrqlKeApcLte1 and the thread hangs (§12.1, §6.11)") {
  bool returned = false;
  const auto e = exploreInline([&](Setup& s) {
    auto& lock = s.make<KSPIN_LOCK>("L");
    KeInitializeSpinLock(&lock);
    s.systemThread("poller", [&] {
      KIRQL old = PASSIVE_LEVEL;
      KeAcquireSpinLock(&lock, &old);
      LARGE_INTEGER interval = tenMs();
      (void)KeDelayExecutionThread(KernelMode, FALSE, &interval);
      returned = true;
      KeReleaseSpinLock(&lock, old);
    });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.violation->rule == "IrqlKeApcLte1");
  CHECK_FALSE(returned);
}

TEST_CASE("KeDelayExecutionThread at APC_LEVEL is legal (§12.1)") {
  const auto e = exploreInline([&](Setup& s) {
    auto& mutex = s.make<FAST_MUTEX>("M");
    ExInitializeFastMutex(&mutex);
    s.systemThread("poller", [&mutex] {
      ExAcquireFastMutex(&mutex);
      LARGE_INTEGER interval = tenMs();
      (void)KeDelayExecutionThread(KernelMode, FALSE, &interval);
      ExReleaseFastMutex(&mutex);
    });
  });
  CHECK(e.verdict.result == Result::Pass);
}

// --- EX_TIMER ---

namespace {

struct CallbackLog {
  int calls = 0;
  KIRQL irql = 0xFF;
};

void logCallback(PEX_TIMER, PVOID context) {
  auto& log = *static_cast<CallbackLog*>(context);
  ++log.calls;
  log.irql = KeGetCurrentIrql();
}

}  // namespace

TEST_CASE("an EX_TIMER's callback runs once per expiry, at DISPATCH_LEVEL (§12.1)") {
  CallbackLog log;
  const auto e = exploreInline([&](Setup& s) {
    PEX_TIMER timer = ExAllocateTimer(&logCallback, &log, EX_TIMER_NOTIFICATION);
    s.systemThread("t", [timer] { (void)ExSetTimer(timer, -100'000, 0, nullptr); });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(e.stats.executions == 1);  // the set, then the expiry: nothing else moves
  CHECK(log.calls == 1);
  CHECK(log.irql == DISPATCH_LEVEL);
}

TEST_CASE("an EX_TIMER without EX_TIMER_NOTIFICATION is a synchronization timer (§12.1)") {
  const auto e = exploreInline([&](Setup& s) {
    PEX_TIMER timer = ExAllocateTimer(nullptr, nullptr, 0);
    s.systemThread("a", [timer] { (void)waitFor(*timer); });
    s.systemThread("b", [timer] { (void)waitFor(*timer); });
    s.systemThread("setter", [timer] { (void)ExSetTimer(timer, -100'000, 0, nullptr); });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.violation->rule == "NoThreadCanMove");
}

TEST_CASE("ExCancelTimer returns TRUE iff the timer was set; an expired one stays signalled (§12.1)") {
  std::set<std::pair<BOOLEAN, BOOLEAN>> outcomes;
  const auto e = exploreInline([&](Setup& s) {
    PEX_TIMER timer = ExAllocateTimer(nullptr, nullptr, EX_TIMER_NOTIFICATION);
    s.systemThread("t", [&outcomes, timer] {
      (void)ExSetTimer(timer, -100'000, 0, nullptr);
      const BOOLEAN cancelled = ExCancelTimer(timer, nullptr);
      LARGE_INTEGER zero{.QuadPart = 0};
      outcomes.insert({cancelled, waitFor(*timer, &zero) == STATUS_SUCCESS ? TRUE : FALSE});
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(e.stats.executions == 3);  // expired before the cancel (1); or not, the idle step in 2 places
  CHECK(outcomes == std::set<std::pair<BOOLEAN, BOOLEAN>>{{TRUE, FALSE}, {FALSE, TRUE}});
}

namespace {

// A callback with work of its own (a visible step): a cancel or a delete can come while it runs.
void countingCallback(PEX_TIMER, PVOID context) {
  (void)static_cast<Shared<LONG>*>(context)->readModifyWrite("tick", [](LONG& ticks) { return ++ticks; });
}

}  // namespace

TEST_CASE("ExDeleteTimer with Wait returns only after a running callback has returned (§12.1)") {
  std::set<LONG> ticksAfterDelete;
  const auto e = exploreInline([&](Setup& s) {
    auto& ticks = s.make<Shared<LONG>>("ticks");
    PEX_TIMER timer = ExAllocateTimer(&countingCallback, &ticks, 0);
    s.systemThread("t", [&ticksAfterDelete, &ticks, timer] {
      (void)ExSetTimer(timer, -100'000, 0, nullptr);
      (void)ExDeleteTimer(timer, TRUE, TRUE, nullptr);
      ticksAfterDelete.insert(ticks.load());
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  // Expired first: the delete comes before the callback's tick, between the tick and the
  // callback's return (both wait), or after the return (3); deleted first: the idle step
  // before or after the read (2).
  CHECK(e.stats.executions == 5);
  // Cancelled before it expired: 0; expired: the callback finished before the delete returned.
  CHECK(ticksAfterDelete == std::set<LONG>{0, 1});
}

TEST_CASE("ExSetTimer after ExDeleteTimer is ExTimerUsedAfterDelete and returns FALSE (§12.1)") {
  BOOLEAN result = 9;
  const auto e = exploreInline([&](Setup& s) {
    PEX_TIMER timer = ExAllocateTimer(nullptr, nullptr, 0);
    s.systemThread("t", [&result, timer] {
      (void)ExDeleteTimer(timer, TRUE, FALSE, nullptr);
      result = ExSetTimer(timer, -100'000, 0, nullptr);
    });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.violation->rule == "ExTimerUsedAfterDelete");
  CHECK(result == FALSE);
}

TEST_CASE("ExDeleteTimer with Wait TRUE and Cancel FALSE is BugCheck ExDeleteTimerWaitWithoutCancel (§12.1)") {
  const auto e = exploreInline([&](Setup& s) {
    PEX_TIMER timer = ExAllocateTimer(nullptr, nullptr, 0);
    s.systemThread("t", [timer] { (void)ExDeleteTimer(timer, FALSE, TRUE, nullptr); });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.violation->kind == ViolationKind::BugCheck);
  CHECK(e.verdict.violation->rule == "ExDeleteTimerWaitWithoutCancel");
}

TEST_CASE("ExDeleteTimer with Wait TRUE above APC_LEVEL is IrqlExApcLte (§12.1)") {
  const auto e = exploreInline([&](Setup& s) {
    PEX_TIMER timer = ExAllocateTimer(nullptr, nullptr, 0);
    auto& lock = s.make<KSPIN_LOCK>("L");
    KeInitializeSpinLock(&lock);
    s.systemThread("t", [timer, &lock] {
      KIRQL old = PASSIVE_LEVEL;
      KeAcquireSpinLock(&lock, &old);
      (void)ExDeleteTimer(timer, TRUE, TRUE, nullptr);
      KeReleaseSpinLock(&lock, old);
    });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.violation->rule == "IrqlExApcLte");
}

// --- unload and reduction ---

TEST_CASE("driverUnloadReturns with an EX_TIMER set whose callback is driver code is BugCheck DRIVER_UNLOADED_WITHOUT_CANCELLING_PENDING_OPERATIONS 0xCE (§11.3, §18.14)") {
  const auto e = exploreInline([&](Setup& s) {
    PEX_TIMER timer = ExAllocateTimer(&logCallback, nullptr, 0);
    s.systemThread("unload", [timer] {
      (void)ExSetTimer(timer, -100'000, 0, nullptr);
      driverUnloadReturns();
    });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.violation->code == 0xCE);
}

TEST_CASE("a timer's expiry is ordered only against steps that touch the timer (§12.2)") {
  std::map<std::string, std::size_t> executions;
  for (const char* strategy : {"naive", "dpor", "odpor"}) {
    const auto e = exploreWith(strategy, [](Setup& s) {
      auto& timer = timerIn(s, "T");
      auto& x = s.make<Shared<LONG>>("x");
      s.systemThread("setter", [&timer] { (void)setTimer(timer); });
      s.systemThread("writer", [&x] {
        x.store(1);
        x.store(2);
      });
    });
    CHECK(e.verdict.result == Result::Pass);
    executions[strategy] = e.stats.executions;
  }
  // The writes and the timer are independent: one order of them is enough.
  CHECK(executions["dpor"] == 1);
  CHECK(executions["odpor"] == 1);
  CHECK(executions["naive"] == 6);  // the set, and the expiry after it, among the two writes
}
