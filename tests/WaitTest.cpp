// KeWaitForSingleObject / KeWaitForMultipleObjects: WaitAny and WaitAll, timeouts, the IRQL
// rules of waiting, kernel APCs inside a wait, and deadlock detection over multi-object waits
// (kernel-rules.md §2.2, §3.6, §5.4, §6).
#include "DispatcherSupport.hpp"

#include <doctest/doctest.h>

#include <array>
#include <set>

using namespace interlock;
using namespace interlock::wdm;
using namespace interlock::test::dispatcher;
using interlock::test::exploreInline;

namespace {

KEVENT& eventIn(Setup& s, const char* name, EVENT_TYPE type = NotificationEvent, BOOLEAN state = FALSE) {
  auto& event = s.make<KEVENT>(name);
  KeInitializeEvent(&event, type, state);
  return event;
}

KMUTEX& mutexIn(Setup& s, const char* name) {
  auto& mutex = s.make<KMUTEX>(name);
  KeInitializeMutex(&mutex, 0);
  return mutex;
}

template <std::size_t N>
NTSTATUS waitOn(std::array<PVOID, N> objects, WAIT_TYPE type, PLARGE_INTEGER timeout = nullptr,
                PKWAIT_BLOCK blocks = nullptr) {
  return KeWaitForMultipleObjects(static_cast<ULONG>(N), objects.data(), type, Executive, KernelMode,
                                  FALSE, timeout, blocks);
}

LARGE_INTEGER tenMs() { return LARGE_INTEGER{.QuadPart = -100'000}; }  // relative, 100 ns units

}  // namespace

// --- WaitAny and WaitAll ---

TEST_CASE("WaitAny returns STATUS_WAIT_0 plus the index of the signalled object (§3.6)") {
  NTSTATUS status = -1;
  const auto e = exploreInline([&](Setup& s) {
    auto& a = eventIn(s, "A");
    auto& b = eventIn(s, "B", NotificationEvent, TRUE);
    s.systemThread("waiter", [&] { status = waitOn<2>({&a, &b}, WaitAny); });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(e.stats.executions == 1);
  CHECK(status == STATUS_WAIT_0 + 1);
}

TEST_CASE("WaitAny takes only the first signalled object in array order (§3.6)") {
  NTSTATUS status = -1;
  LONG a0 = 9, b0 = 9;
  const auto e = exploreInline([&](Setup& s) {
    auto& a = eventIn(s, "A", SynchronizationEvent, TRUE);
    auto& b = eventIn(s, "B", SynchronizationEvent, TRUE);
    s.systemThread("waiter", [&] {
      status = waitOn<2>({&a, &b}, WaitAny);
      a0 = KeReadStateEvent(&a);
      b0 = KeReadStateEvent(&b);
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(status == STATUS_WAIT_0);
  CHECK(a0 == 0);  // taken: a synchronization event resets
  CHECK(b0 == 1);  // not taken
}

TEST_CASE("a blocked WaitAny is satisfied by the object signalled and leaves its other queues (§3.6)") {
  NTSTATUS status = -1;
  std::size_t waitingOnA = 9, waitingOnB = 9;
  const auto r = replayInline(
      [&](Setup& s) {
        auto& a = eventIn(s, "A");
        auto& b = eventIn(s, "B");
        s.systemThread("waiter", [&] { status = waitOn<2>({&a, &b}, WaitAny); });
        s.systemThread("setter", [&] {
          (void)KeSetEvent(&b, IO_NO_INCREMENT, FALSE);
          waitingOnA = a.waiters().size();
          waitingOnB = b.waiters().size();
        });
      },
      {run(0), run(1), run(0)});  // waiter blocks; B is set; waiter returns
  REQUIRE_FALSE(r.divergence);
  CHECK(r.verdict.result == Result::Pass);
  CHECK(status == STATUS_WAIT_0 + 1);
  CHECK(waitingOnA == 0);
  CHECK(waitingOnB == 0);
  const long woken = find(r.execution, EventKind::Woken);
  REQUIRE(woken >= 0);
  CHECK(r.execution.events[static_cast<std::size_t>(woken)].object == 1);  // B
  CHECK(std::string_view(r.execution.events[static_cast<std::size_t>(woken)].result) == "STATUS_WAIT_1");
}

TEST_CASE("WaitAll is not satisfied by one of its objects: the waiter hangs (§3.6)") {
  const auto e = exploreInline([](Setup& s) {
    auto& a = eventIn(s, "A");
    auto& b = eventIn(s, "B");
    s.systemThread("waiter", [&a, &b] { (void)waitOn<2>({&a, &b}, WaitAll); });
    s.systemThread("setter", [&a] { (void)KeSetEvent(&a, IO_NO_INCREMENT, FALSE); });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.kind() == ViolationKind::Deadlock);
  CHECK(e.verdict.violation->rule == "NoThreadCanMove");
  CHECK(e.verdict.violation->message.find("waits for all of KEVENT A, KEVENT B (WaitAll)") != std::string::npos);
}

TEST_CASE("WaitAll takes nothing until every object is signalled, then all at once (§3.6)") {
  NTSTATUS status = -1;
  LONG aAfterFirst = 9, aAfterBoth = 9, bAfterBoth = 9;
  const auto r = replayInline(
      [&](Setup& s) {
        auto& a = eventIn(s, "A", SynchronizationEvent);
        auto& b = eventIn(s, "B", SynchronizationEvent);
        s.systemThread("waiter", [&] { status = waitOn<2>({&a, &b}, WaitAll); });
        s.systemThread("setter", [&] {
          (void)KeSetEvent(&a, IO_NO_INCREMENT, FALSE);
          aAfterFirst = a.signalState;
          (void)KeSetEvent(&b, IO_NO_INCREMENT, FALSE);
          aAfterBoth = a.signalState;
          bAfterBoth = b.signalState;
        });
      },
      {run(0), run(1), run(1), run(0)});  // waiter blocks; A set; B set; waiter returns
  REQUIRE_FALSE(r.divergence);
  CHECK(r.verdict.result == Result::Pass);
  CHECK(aAfterFirst == 1);  // not consumed by a WaitAll that cannot complete
  CHECK(aAfterBoth == 0);   // both synchronization events consumed together
  CHECK(bAfterBoth == 0);
  CHECK(status == STATUS_SUCCESS);
}

TEST_CASE("WaitAll on a KMUTEX and an event takes the mutex only together with the event (§3.5, §3.6)") {
  ThreadId before = 0, after = 9;
  std::int16_t regionAfter = 9;
  const auto r = replayInline(
      [&](Setup& s) {
        auto& mutex = mutexIn(s, "M");
        auto& event = eventIn(s, "E");
        auto& step = s.make<Shared<LONG>>("step");
        s.systemThread("waiter", [&] {
          (void)waitOn<2>({&mutex, &event}, WaitAll);
          regionAfter = Execution::current().currentThread().kernelApcDisable;
          (void)KeReleaseMutex(&mutex, FALSE);
        });
        s.systemThread("setter", [&] {
          step.store(1);
          before = mutex.owner;
          (void)KeSetEvent(&event, IO_NO_INCREMENT, FALSE);
          after = mutex.owner;
        });
      },
      {run(0), run(1), run(1), run(0), run(0)});
  REQUIRE_FALSE(r.divergence);
  CHECK(r.verdict.result == Result::Pass);
  CHECK(before == kNoThread);
  CHECK(after == 0);
  CHECK(regionAfter == -1);
}

TEST_CASE("WaitAll on a KMUTEX the waiter already owns waits only for the other object, recursively (§3.5, §3.6)") {
  int executions = 0, good = 0;
  const auto e = exploreInline([&](Setup& s) {
    auto& mutex = mutexIn(s, "M");
    auto& event = eventIn(s, "E");
    ++executions;
    s.systemThread("owner", [&] {
      (void)waitFor(mutex);
      const NTSTATUS status = waitOn<2>({&mutex, &event}, WaitAll);
      good += status == STATUS_SUCCESS && mutex.recursion == 2;
      (void)KeReleaseMutex(&mutex, FALSE);
      (void)KeReleaseMutex(&mutex, FALSE);
    });
    s.systemThread("setter", [&event] { (void)KeSetEvent(&event, IO_NO_INCREMENT, FALSE); });
  });
  CHECK(e.verdict.result == Result::Pass);  // not a self-deadlock on the owned mutex
  CHECK(good == executions);
}

TEST_CASE("more than THREAD_WAIT_OBJECTS objects without a WaitBlockArray is bug check 0xC MAXIMUM_WAIT_OBJECTS_EXCEEDED (§3.6)") {
  const auto e = exploreInline([](Setup& s) {
    auto& a = eventIn(s, "A", NotificationEvent, TRUE);
    auto& b = eventIn(s, "B");
    auto& c = eventIn(s, "C");
    auto& d = eventIn(s, "D");
    s.systemThread("waiter", [&] { (void)waitOn<4>({&a, &b, &c, &d}, WaitAny); });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.kind() == ViolationKind::BugCheck);
  CHECK(e.verdict.violation->rule == "MAXIMUM_WAIT_OBJECTS_EXCEEDED");
  CHECK(e.verdict.violation->code == 0xC);
}

TEST_CASE("four objects with a WaitBlockArray are a legal wait (§3.6)") {
  NTSTATUS status = -1;
  const auto e = exploreInline([&](Setup& s) {
    auto& a = eventIn(s, "A");
    auto& b = eventIn(s, "B");
    auto& c = eventIn(s, "C");
    auto& d = eventIn(s, "D", NotificationEvent, TRUE);
    s.systemThread("waiter", [&] {
      std::array<KWAIT_BLOCK, 4> blocks{};
      status = waitOn<4>({&a, &b, &c, &d}, WaitAny, nullptr, blocks.data());
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(status == STATUS_WAIT_0 + 3);
}

// --- timeouts ---

TEST_CASE("a zero timeout polls: STATUS_TIMEOUT at once when not signalled, STATUS_SUCCESS when signalled (§3.6)") {
  NTSTATUS unsignalled = -1, signalled = -1;
  const auto e = exploreInline([&](Setup& s) {
    auto& event = eventIn(s, "E");
    s.systemThread("poller", [&] {
      LARGE_INTEGER zero{.QuadPart = 0};
      unsignalled = waitFor(event, &zero);
      (void)KeSetEvent(&event, IO_NO_INCREMENT, FALSE);
      signalled = waitFor(event, &zero);
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(e.stats.executions == 1);
  CHECK(e.stats.steps == 3);
  CHECK(unsignalled == STATUS_TIMEOUT);
  CHECK(signalled == STATUS_SUCCESS);
}

TEST_CASE("an infinite wait (NULL timeout) nobody signals hangs: NoThreadCanMove (§3.6)") {
  const auto e = exploreInline([](Setup& s) {
    auto& event = eventIn(s, "E");
    s.systemThread("waiter", [&event] { (void)waitFor(event); });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.kind() == ViolationKind::Deadlock);
  CHECK(e.verdict.violation->rule == "NoThreadCanMove");
}

TEST_CASE("a finite timeout is a branch: satisfied before it expires, or STATUS_TIMEOUT (§3.6)") {
  std::set<NTSTATUS> seen;
  const auto e = exploreInline([&](Setup& s) {
    auto& event = eventIn(s, "E");
    s.systemThread("waiter", [&] {
      LARGE_INTEGER timeout = tenMs();
      seen.insert(waitFor(event, &timeout));
    });
    s.systemThread("setter", [&event] { (void)KeSetEvent(&event, IO_NO_INCREMENT, FALSE); });
  });
  CHECK(e.verdict.result == Result::Pass);
  // Set first: the wait is satisfied at once, no branch (1). Wait first: branch 0 waits and
  // the set satisfies it (1); branch 1 times out and the set follows (1). 3.
  CHECK(e.stats.executions == 3);
  CHECK(seen == std::set<NTSTATUS>{STATUS_SUCCESS, STATUS_TIMEOUT});
}

TEST_CASE("a timed wait nobody signals times out instead of hanging (§3.6)") {
  int timedOut = 0;
  const auto e = exploreInline([&](Setup& s) {
    auto& event = eventIn(s, "E");
    s.systemThread("waiter", [&] {
      LARGE_INTEGER timeout = tenMs();
      timedOut += waitFor(event, &timeout) == STATUS_TIMEOUT;
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  // Branch 0 waits and is never satisfied: not a hang (branch 1 is what follows). Branch 1: 2.
  CHECK(e.stats.executions == 2);
  CHECK(timedOut == 1);
}

TEST_CASE("the timed-out branch of a wait is replayable as a branch choice (§3.6)") {
  NTSTATUS status = -1;
  const auto r = replayInline(
      [&](Setup& s) {
        auto& event = eventIn(s, "E");
        s.systemThread("waiter", [&] {
          LARGE_INTEGER timeout = tenMs();
          status = waitFor(event, &timeout);
        });
      },
      {run(0), branch(1)});
  REQUIRE_FALSE(r.divergence);
  CHECK(status == STATUS_TIMEOUT);
  CHECK(find(r.execution, EventKind::Blocked) == -1);
}

// --- IRQL rules ---

TEST_CASE("a wait at DISPATCH_LEVEL with a non-zero timeout is IrqlKeWaitForSingleObject, DV 0x122, and the thread hangs (§3.6, §6, §4 pattern 9)") {
  bool returned = false;
  const auto e = exploreInline([&](Setup& s) {
    auto& event = eventIn(s, "E");
    s.systemThread("dpc-path", [&] {
      KIRQL old = PASSIVE_LEVEL;
      KeRaiseIrql(DISPATCH_LEVEL, &old);
      LARGE_INTEGER timeout = tenMs();
      (void)waitFor(event, &timeout);
      returned = true;
      KeLowerIrql(old);
    });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.kind() == ViolationKind::ContractViolation);
  CHECK(e.verdict.violation->rule == "IrqlKeWaitForSingleObject");
  CHECK(e.verdict.violation->code == 0x122);
  CHECK(e.stats.executions == 1);
  CHECK_FALSE(returned);
  REQUIRE(e.counterexample);
  const long blocked = find(*e.counterexample, EventKind::Blocked, "KeWaitForSingleObject");
  REQUIRE(blocked >= 0);
  CHECK(std::string_view(e.counterexample->events[static_cast<std::size_t>(blocked)].result) == "hangs");
}

TEST_CASE("a wait at DISPATCH_LEVEL with no timeout (infinite) is IrqlKeWaitForSingleObject, DV 0x122 too (§3.6)") {
  const auto e = exploreInline([](Setup& s) {
    auto& event = eventIn(s, "E");
    s.systemThread("dpc-path", [&event] {
      KIRQL old = PASSIVE_LEVEL;
      KeRaiseIrql(DISPATCH_LEVEL, &old);
      (void)waitFor(event);
      KeLowerIrql(old);
    });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.kind() == ViolationKind::ContractViolation);
  CHECK(e.verdict.violation->rule == "IrqlKeWaitForSingleObject");
  CHECK(e.verdict.violation->code == 0x122);
}

TEST_CASE("a zero-timeout wait at DISPATCH_LEVEL is legal (§3.6, §4 pattern 9)") {
  NTSTATUS status = -1;
  const auto e = exploreInline([&](Setup& s) {
    auto& event = eventIn(s, "E");
    s.systemThread("dpc-path", [&] {
      KIRQL old = PASSIVE_LEVEL;
      KeRaiseIrql(DISPATCH_LEVEL, &old);
      LARGE_INTEGER zero{.QuadPart = 0};
      status = waitFor(event, &zero);
      KeLowerIrql(old);
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(status == STATUS_TIMEOUT);
}

TEST_CASE("a wait above DISPATCH_LEVEL is IrqlKeWaitForSingleObject, DV 0x3B, even with a zero timeout (§3.6)") {
  NTSTATUS status = -1;
  const auto e = exploreInline([&](Setup& s) {
    auto& event = eventIn(s, "E");
    s.systemThread("isr", [&] {
      KIRQL old = PASSIVE_LEVEL;
      KeRaiseIrql(HIGH_LEVEL, &old);
      LARGE_INTEGER zero{.QuadPart = 0};
      status = waitFor(event, &zero);
      KeLowerIrql(old);
    });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.kind() == ViolationKind::ContractViolation);
  CHECK(e.verdict.violation->rule == "IrqlKeWaitForSingleObject");
  CHECK(e.verdict.violation->code == 0x3B);
  CHECK(status == STATUS_TIMEOUT);
}

TEST_CASE("KeWaitForMultipleObjects at DISPATCH_LEVEL with a timeout is IrqlKeWaitForMultipleObjects, DV 0x122 (§3.6)") {
  const auto e = exploreInline([](Setup& s) {
    auto& a = eventIn(s, "A");
    auto& b = eventIn(s, "B", NotificationEvent, TRUE);
    s.systemThread("dpc-path", [&a, &b] {
      KIRQL old = PASSIVE_LEVEL;
      KeRaiseIrql(DISPATCH_LEVEL, &old);
      LARGE_INTEGER timeout = tenMs();
      CHECK(waitOn<2>({&a, &b}, WaitAny, &timeout) == STATUS_WAIT_0 + 1);  // B is signalled: no wait
      KeLowerIrql(old);
    });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.kind() == ViolationKind::ContractViolation);
  CHECK(e.verdict.violation->rule == "IrqlKeWaitForMultipleObjects");
  CHECK(e.verdict.violation->code == 0x122);
}

// --- kernel APCs inside a wait ---

TEST_CASE("a kernel APC delivered during a KeWait runs inside it and the wait resumes (§2.2, §5.4)") {
  NTSTATUS status = -1;
  const auto r = replayInline(
      [&](Setup& s) {
        auto& event = eventIn(s, "E");
        auto& x = s.make<Shared<LONG>>("x");
        s.systemThread("waiter", [&] { status = waitFor(event); });
        s.systemThread("setter", [&event] { (void)KeSetEvent(&event, IO_NO_INCREMENT, FALSE); });
        s.apc("Touch", "waiter", ApcKind::Special, [&x] { x.store(7); });
      },
      // waiter blocks; the APC is queued; the waiter runs it in its wait (one step to reach its
      // write, one to perform it), then waits again; the event is set; the wait returns.
      {run(0), apc(0, 0), run(0), run(0), run(1), run(0)});
  REQUIRE_FALSE(r.divergence);
  CHECK(r.verdict.result == Result::Pass);
  CHECK(status == STATUS_SUCCESS);  // never STATUS_KERNEL_APC
  const long blocked = find(r.execution, EventKind::Blocked);
  const long delivered = find(r.execution, EventKind::ApcDelivered);
  const long returned = find(r.execution, EventKind::ApcReturned);
  const long woken = find(r.execution, EventKind::Woken);
  CHECK(blocked < delivered);
  CHECK(delivered < returned);
  CHECK(returned < woken);
  CHECK(count(r.execution, EventKind::Blocked) == 1);
}

TEST_CASE("an event set while a kernel APC runs in the wait is taken when the wait resumes (§2.2)") {
  NTSTATUS status = -1;
  std::size_t queuedDuringApc = 9;
  LONG stateDuringApc = 9, stateAfter = 9;
  const auto r = replayInline(
      [&](Setup& s) {
        auto& event = eventIn(s, "E", SynchronizationEvent);
        auto& x = s.make<Shared<LONG>>("x");
        s.systemThread("waiter", [&] {
          status = waitFor(event);
          stateAfter = event.signalState;
        });
        s.systemThread("setter", [&] {
          (void)KeSetEvent(&event, IO_NO_INCREMENT, FALSE);
          queuedDuringApc = event.waiters().size();
          stateDuringApc = event.signalState;
        });
        s.apc("Touch", "waiter", ApcKind::Special, [&x] { x.store(7); });
      },
      // waiter blocks; APC queued; waiter starts the APC (stops at its write); the event is set
      // meanwhile; the APC's write, its return, and the resumed wait taking the event.
      {run(0), apc(0, 0), run(0), run(1), run(0)});
  REQUIRE_FALSE(r.divergence);
  CHECK(r.verdict.result == Result::Pass);
  CHECK(queuedDuringApc == 1);  // the waiter was out of its wait: the set passed it over
  CHECK(stateDuringApc == 1);   // so the synchronization event stayed signalled
  CHECK(status == STATUS_SUCCESS);
  CHECK(stateAfter == 0);  // and the resumed wait took it
}

// --- deadlock detection over multi-object waits (the wait-for graph is AND-OR) ---

TEST_CASE("a WaitAny waiter one of whose objects can still be signalled is not in a deadlock cycle (§3.6)") {
  NTSTATUS status = -1;
  const auto r = replayInline(
      [&](Setup& s) {
        auto& m1 = mutexIn(s, "M1");
        auto& m2 = mutexIn(s, "M2");
        auto& event = eventIn(s, "E");
        s.systemThread("t1", [&] {
          (void)waitFor(m1);
          status = waitOn<2>({&m2, &event}, WaitAny);
          if (status == STATUS_WAIT_0) (void)KeReleaseMutex(&m2, FALSE);
          (void)KeReleaseMutex(&m1, FALSE);
        });
        s.systemThread("t2", [&m1, &m2] {
          (void)waitFor(m2);
          (void)waitFor(m1);
          (void)KeReleaseMutex(&m1, FALSE);
          (void)KeReleaseMutex(&m2, FALSE);
        });
        s.systemThread("setter", [&event] { (void)KeSetEvent(&event, IO_NO_INCREMENT, FALSE); });
      },
      // t1 takes M1, t2 takes M2; t1 waits for M2 or E, t2 for M1: a cycle through M2, but E
      // can still come. The setter sets E; t1 returns, releases M1 to t2, which finishes.
      {run(0), run(1), run(0), run(1), run(2), run(0), run(0), run(1), run(1), run(1)});
  REQUIRE_FALSE(r.divergence);
  CHECK(r.verdict.result == Result::Pass);
  CHECK(status == STATUS_WAIT_0 + 1);
}

TEST_CASE("a WaitAny waiter all of whose objects are owned in the cycle is deadlocked: WaitCycle (§3.6)") {
  const auto r = replayInline(
      [](Setup& s) {
        auto& m1 = mutexIn(s, "M1");
        auto& m2 = mutexIn(s, "M2");
        auto& m3 = mutexIn(s, "M3");
        s.systemThread("t1", [&m1, &m2, &m3] {
          (void)waitFor(m1);
          (void)waitOn<2>({&m2, &m3}, WaitAny);
        });
        s.systemThread("t2", [&m1, &m2, &m3] {
          (void)waitFor(m2);
          (void)waitFor(m3);
          (void)waitFor(m1);
        });
      },
      // t1 takes M1; t2 takes M2 and M3; t1 waits for either; t2 waits for M1: stuck.
      {run(0), run(1), run(1), run(0), run(1)});
  REQUIRE_FALSE(r.divergence);
  REQUIRE(r.verdict.result == Result::Violation);
  CHECK(r.verdict.kind() == ViolationKind::Deadlock);
  CHECK(r.verdict.violation->rule == "WaitCycle");
  CHECK(r.verdict.violation->threads.size() == 2);
  CHECK(r.verdict.violation->message.find("WaitAny of 2 objects") != std::string::npos);
}
