// FAST_MUTEX (kernel-rules.md §3.4, §5.6, §6; SDV IrqlExApcLte1).
#include "LockTestSupport.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace interlock;
using namespace interlock::wdm;
using namespace interlock::test;

namespace {

// One system thread that owns `mutex` around `inside`.
void ownerOf(Setup& s, FAST_MUTEX& mutex, std::function<void()> inside = [] {}) {
  s.systemThread("owner", [&mutex, inside = std::move(inside)] {
    ExAcquireFastMutex(&mutex);
    inside();
    ExReleaseFastMutex(&mutex);
  });
}

FAST_MUTEX& fastMutex(Setup& s, const char* name = "M") {
  auto& mutex = s.make<FAST_MUTEX>(name);
  ExInitializeFastMutex(&mutex);
  return mutex;
}

}  // namespace

TEST_CASE("ExAcquireFastMutex raises to APC_LEVEL and KeAreApcsDisabled stays FALSE (§3.4, §5.6)") {
  KIRQL held = 0xFF, saved = 0xFF, after = 0xFF;
  BOOLEAN apcs = 2, all = 2;
  std::int16_t kernel = 99, special = 99;
  ThreadId owner = kNoThread;
  const auto e = exploreInline([&](Setup& s) {
    auto& m = fastMutex(s);
    s.systemThread("owner", [&] {
      ExAcquireFastMutex(&m);
      held = KeGetCurrentIrql();
      saved = m.oldIrql;
      owner = m.owner;
      apcs = KeAreApcsDisabled();
      all = KeAreAllApcsDisabled();
      kernel = self().kernelApcDisable;
      special = self().specialApcDisable;
      ExReleaseFastMutex(&m);
      after = KeGetCurrentIrql();
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  // One thread, two visible operations (acquire, release): one execution of two steps.
  CHECK(e.stats.executions == 1);
  CHECK(e.stats.steps == 2);
  CHECK(held == APC_LEVEL);
  CHECK(saved == PASSIVE_LEVEL);
  CHECK(owner == 0);
  CHECK(apcs == FALSE);  // region counters untouched
  CHECK(all == TRUE);    // APC_LEVEL
  CHECK(kernel == 0);
  CHECK(special == 0);
  CHECK(after == PASSIVE_LEVEL);
}

TEST_CASE("ExReleaseFastMutex restores the IRQL saved by the acquire, here APC_LEVEL (§3.4)") {
  KIRQL saved = 0xFF, after = 0xFF;
  const auto e = exploreInline([&](Setup& s) {
    auto& m = fastMutex(s);
    s.systemThread("owner", [&] {
      KIRQL old = PASSIVE_LEVEL;
      KeRaiseIrql(APC_LEVEL, &old);
      ExAcquireFastMutex(&m);
      saved = m.oldIrql;
      ExReleaseFastMutex(&m);
      after = KeGetCurrentIrql();
      KeLowerIrql(old);
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(saved == APC_LEVEL);
  CHECK(after == APC_LEVEL);
}

TEST_CASE("ExAcquireFastMutex above APC_LEVEL is IrqlExApcLte1, DV 0x33 (its release there: 0x34)") {
  const auto e = exploreInline([](Setup& s) {
    auto& m = fastMutex(s);
    s.systemThread("owner", [&m] {
      KIRQL old = PASSIVE_LEVEL;
      KeRaiseIrql(DISPATCH_LEVEL, &old);
      ExAcquireFastMutex(&m);  // bug
      ExReleaseFastMutex(&m);  // restores the saved DISPATCH_LEVEL
      KeLowerIrql(old);
    });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.kind() == ViolationKind::ContractViolation);
  CHECK(e.verdict.violation->rule == "IrqlExApcLte1");
  CHECK(e.verdict.violation->code == 0x33);
  REQUIRE(e.verdict.causes.size() == 2);
  CHECK(e.verdict.causes[1].rule == "FastMutexReleaseIrql");
  CHECK(e.verdict.causes[1].code == 0x34);
}

TEST_CASE("ExReleaseFastMutex below APC_LEVEL is FastMutexReleaseIrql, DV 0x34") {
  const auto e = exploreInline([](Setup& s) {
    auto& m = fastMutex(s);
    s.systemThread("owner", [&m] {
      ExAcquireFastMutex(&m);
      KeLowerIrql(PASSIVE_LEVEL);  // bug: lowers under the mutex
      ExReleaseFastMutex(&m);
    });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.kind() == ViolationKind::ContractViolation);
  CHECK(e.verdict.violation->rule == "FastMutexReleaseIrql");
  CHECK(e.verdict.violation->code == 0x34);
  CHECK(e.verdict.causes.size() == 1);
}

TEST_CASE("the owner's second ExAcquireFastMutex self-deadlocks (§3.4, §4.8)") {
  const auto e = exploreInline([](Setup& s) {
    auto& m = fastMutex(s);
    ownerOf(s, m, [&m] { ExAcquireFastMutex(&m); });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.kind() == ViolationKind::Deadlock);
  CHECK(e.verdict.violation->rule == "SelfDeadlock");
  CHECK(e.verdict.causes.empty());
  CHECK(e.stats.executions == 1);  // one thread, no branch: the first execution hangs
}

TEST_CASE("the owner's ExTryToAcquireFastMutex returns FALSE and keeps APC_LEVEL (§3.4)") {
  BOOLEAN result = 2;
  KIRQL after = 0xFF;
  const auto e = exploreInline([&](Setup& s) {
    auto& m = fastMutex(s);
    ownerOf(s, m, [&] {
      result = ExTryToAcquireFastMutex(&m);
      after = KeGetCurrentIrql();
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(result == FALSE);
  CHECK(after == APC_LEVEL);
}

TEST_CASE("ExTryToAcquireFastMutex: TRUE at APC_LEVEL when free, FALSE at the caller's IRQL when held") {
  // owner: acquire, release; trier: try, release if TRUE. Executions, by hand:
  //   owner acquires first: owner releases first (try TRUE)             1
  //                         try first (FALSE), then the release         1
  //   try first (TRUE): owner's acquire waits; the trier's release
  //                     hands off or lets it retry (§6 branch)           2
  //                     trier releases before the owner asks            1
  // = 5, with try results TRUE in 4, FALSE in 1.
  int trueCount = 0, falseCount = 0;
  bool irqlRight = true;
  const auto e = exploreInline([&](Setup& s) {
    auto& m = fastMutex(s);
    ownerOf(s, m);
    s.systemThread("trier", [&] {
      const BOOLEAN got = ExTryToAcquireFastMutex(&m);
      irqlRight = irqlRight && KeGetCurrentIrql() == (got ? APC_LEVEL : PASSIVE_LEVEL);
      (got ? trueCount : falseCount) += 1;
      if (got) ExReleaseFastMutex(&m);
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(e.stats.executions == 5);
  CHECK(trueCount == 4);
  CHECK(falseCount == 1);
  CHECK(irqlRight);
}

TEST_CASE("two threads contending: 6 executions, hand-off and barging both explored (§6)") {
  // Thread A first: B asks before A's release or after. Before: B waits and A's release
  // branches (hand-off / wake-to-retry): 2; after: 1. Symmetric for B first: 3 + 3 = 6.
  // Without the branch there would be 4.
  const auto e = exploreInline([](Setup& s) {
    auto& m = fastMutex(s);
    for (const char* name : {"a", "b"})
      s.systemThread(name, [&m] {
        ExAcquireFastMutex(&m);
        ExReleaseFastMutex(&m);
      });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(e.stats.executions == 6);
}

namespace {
// owner (0) holds M; waiter (1) blocks on it; the owner releases; newcomer (2) asks after.
void contenders(Setup& s) {
  auto& m = fastMutex(s);
  for (const char* name : {"owner", "waiter", "newcomer"})
    s.systemThread(name, [&m] {
      ExAcquireFastMutex(&m);
      ExReleaseFastMutex(&m);
    });
}
}  // namespace

TEST_CASE("barging: after a wake-to-retry release a newcomer takes the mutex and the waiter waits again (§6)") {
  const auto r = replayInline(contenders, {run(0), run(1), run(0), branch(1, 2),  // free + wake
                                           run(2),    // the newcomer finds it free
                                           run(1),    // the waiter retries, loses, waits again
                                           run(2), branch(0, 2),  // hand-off to the waiter
                                           run(1), run(1)});
  REQUIRE_FALSE(r.divergence);
  CHECK(r.verdict.result == Result::Pass);
  const auto blocked = eventsOf(r.execution, EventKind::Blocked, nullptr, 1);
  REQUIRE(blocked.size() == 2);
  CHECK(std::string(blocked[0].result) == "waits");
  // The loser's wake-up is no return from the call: it is recorded as the wait it goes back to.
  CHECK(std::string(blocked[1].result) == "woken, but another thread took it first: waits again");
  const auto woken = eventsOf(r.execution, EventKind::Woken, nullptr, 1);
  REQUIRE(woken.size() == 1);
  CHECK(std::string(woken[0].result) == "acquired: handed over by the release");
  CHECK(eventsOf(r.execution, EventKind::Blocked, nullptr, 2).empty());
  // The newcomer's acquire completes while the waiter is still between its two waits.
  const auto newcomer = indexOf(r.execution, EventKind::Call, "ExAcquireFastMutex", 2);
  const auto waits = eventsOf(r.execution, EventKind::Blocked, nullptr, 1);
  CHECK(newcomer < r.execution.events.size());
  CHECK(waits[1].step > r.execution.events[newcomer].step);
}

TEST_CASE("hand-off: the waiter owns the mutex before it runs, so the newcomer waits (§6)") {
  const auto r = replayInline(contenders, {run(0), run(1), run(0), branch(0, 2),  // hand-off
                                           run(2),  // the newcomer finds it owned: waits
                                           run(1), run(1), branch(0, 2), run(2), run(2)});
  REQUIRE_FALSE(r.divergence);
  CHECK(r.verdict.result == Result::Pass);
  CHECK(eventsOf(r.execution, EventKind::Blocked, nullptr, 1).size() == 1);
  CHECK(eventsOf(r.execution, EventKind::Blocked, nullptr, 2).size() == 1);
}

TEST_CASE("a suspension requested while a thread holds a FAST_MUTEX is delivered only after release (§2.2, §3.4)") {
  const auto r = replayInline(
      [](Setup& s) {
        auto& m = fastMutex(s);
        auto& x = s.make<Shared<LONG>>("x");
        s.userThread("user", [&m, &x] {
          ExAcquireFastMutex(&m);
          x.store(1);
          ExReleaseFastMutex(&m);
          x.store(2);
        });
      },
      {run(0), suspend(0), run(0), run(0)});
  REQUIRE_FALSE(r.divergence);
  CHECK(eventsOf(r.execution, EventKind::Call, "write").size() == 1);
  const std::size_t release = indexOf(r.execution, EventKind::Call, "ExReleaseFastMutex");
  REQUIRE(release + 1 < r.execution.events.size());
  CHECK(r.execution.events[release + 1].kind == EventKind::ApcDelivered);
  CHECK(r.execution.snapshot.objects[0].owners.empty());  // suspended, but not holding M
  CHECK(r.execution.snapshot.threads[0].state == "suspended");
}

TEST_CASE("a FAST_MUTEX waiter at APC_LEVEL is not suspended in its wait (§2.2)") {
  // The holder releases with the user thread waiting and its suspension pending: the user
  // thread gets the mutex, and the APC runs only at its own release.
  const auto r = replayInline(
      [](Setup& s) {
        auto& m = fastMutex(s);
        auto& x = s.make<Shared<LONG>>("x");
        ownerOf(s, m);
        s.userThread("user", [&m, &x] {
          ExAcquireFastMutex(&m);
          x.store(1);
          ExReleaseFastMutex(&m);
        });
      },
      {run(0), run(1), suspend(1), run(0), branch(0, 2), run(1), run(1), run(1)});
  REQUIRE_FALSE(r.divergence);
  CHECK(eventsOf(r.execution, EventKind::Call, "write").size() == 1);
  const std::size_t delivered = indexOf(r.execution, EventKind::ApcDelivered);
  REQUIRE(delivered < r.execution.events.size());
  CHECK(std::string_view(r.execution.events[delivered - 1].api) == "ExReleaseFastMutex");
}

TEST_CASE("ExReleaseFastMutex by a non-owner is FastMutexNotOwned (0x1004); Windows frees it, so the owner's release is 0x1007") {
  const auto r = replayInline(
      [](Setup& s) {
        auto& m = fastMutex(s);
        auto& x = s.make<Shared<LONG>>("x");
        ownerOf(s, m, [&x] { x.store(1); });
        s.systemThread("intruder", [&m] {
          KIRQL old = PASSIVE_LEVEL;
          KeRaiseIrql(APC_LEVEL, &old);
          ExReleaseFastMutex(&m);  // bug: not the owner; restores the owner's saved IRQL
        });
      },
      {run(0), run(1), run(0), run(0)});
  REQUIRE_FALSE(r.divergence);
  REQUIRE(r.verdict.result == Result::Violation);
  CHECK(r.verdict.kind() == ViolationKind::ContractViolation);
  CHECK(r.verdict.violation->rule == "FastMutexNotOwned");
  CHECK(r.verdict.violation->code == 0x1004);
  CHECK(r.verdict.violation->message.find("silently") != std::string::npos);
  REQUIRE(r.verdict.causes.size() == 2);
  CHECK(r.verdict.causes[1].rule == "FastMutexNotOwned");
  CHECK(r.verdict.causes[1].code == 0x1007);
}

TEST_CASE("ExAcquireFastMutexUnsafe at PASSIVE_LEVEL outside a region is FastMutexUnsafe (DV 0x39, release 0x3A)") {
  const auto e = exploreInline([](Setup& s) {
    auto& m = fastMutex(s);
    s.systemThread("driver", [&m] {
      ExAcquireFastMutexUnsafe(&m);  // bug: APCs enabled
      ExReleaseFastMutexUnsafe(&m);
    });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.kind() == ViolationKind::ContractViolation);
  CHECK(e.verdict.violation->rule == "FastMutexUnsafe");
  CHECK(e.verdict.violation->code == 0x39);
  REQUIRE(e.verdict.causes.size() == 2);
  CHECK(e.verdict.causes[1].code == 0x3A);
}

TEST_CASE("ExAcquireFastMutexUnsafe in a critical region changes neither IRQL nor regions (§3.4, §6 default)") {
  KIRQL held = 0xFF;
  std::int16_t kernel = 99, special = 99;
  ThreadId owner = kNoThread;
  const auto e = exploreInline([&](Setup& s) {
    auto& m = fastMutex(s);
    s.systemThread("driver", [&] {
      KeEnterCriticalRegion();
      ExAcquireFastMutexUnsafe(&m);
      held = KeGetCurrentIrql();
      kernel = self().kernelApcDisable;
      special = self().specialApcDisable;
      owner = m.owner;
      ExReleaseFastMutexUnsafe(&m);
      KeLeaveCriticalRegion();
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(held == PASSIVE_LEVEL);
  CHECK(kernel == -1);
  CHECK(special == 0);
  CHECK(owner == 0);
}

TEST_CASE("ExAcquireFastMutexUnsafe at APC_LEVEL is accepted (§3.4)") {
  const auto e = exploreInline([](Setup& s) {
    auto& m = fastMutex(s);
    s.systemThread("driver", [&m] {
      KIRQL old = PASSIVE_LEVEL;
      KeRaiseIrql(APC_LEVEL, &old);
      ExAcquireFastMutexUnsafe(&m);
      ExReleaseFastMutexUnsafe(&m);
      KeLowerIrql(old);
    });
  });
  CHECK(e.verdict.result == Result::Pass);
}

TEST_CASE("a FAST_MUTEX used before ExInitializeFastMutex is FastMutexInitialized (DV 0x1002)") {
  const auto e = exploreInline([](Setup& s) {
    auto& m = s.make<FAST_MUTEX>("M");  // bug: never initialized
    ownerOf(s, m);
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.kind() == ViolationKind::ContractViolation);
  CHECK(e.verdict.violation->rule == "FastMutexInitialized");
  CHECK(e.verdict.violation->code == 0x1002);
  CHECK(e.verdict.causes.size() == 1);
}
