// KGUARDED_MUTEX (kernel-rules.md §3.4, §6; SDV IrqlKeApcLte1).
#include "LockTestSupport.hpp"

#include <doctest/doctest.h>

using namespace interlock;
using namespace interlock::wdm;
using namespace interlock::test;

namespace {

KGUARDED_MUTEX& guardedMutex(Setup& s) {
  auto& mutex = s.make<KGUARDED_MUTEX>("G");
  KeInitializeGuardedMutex(&mutex);
  return mutex;
}

void ownerOf(Setup& s, KGUARDED_MUTEX& mutex, std::function<void()> inside = [] {}) {
  s.systemThread("owner", [&mutex, inside = std::move(inside)] {
    KeAcquireGuardedMutex(&mutex);
    inside();
    KeReleaseGuardedMutex(&mutex);
  });
}

}  // namespace

TEST_CASE("KeAcquireGuardedMutex enters a guarded region at unchanged IRQL; the release leaves it (§3.4)") {
  KIRQL held = 0xFF;
  std::int16_t special = 99, kernel = 99;
  BOOLEAN apcs = 2, all = 2;
  ThreadId owner = kNoThread;
  const auto e = exploreInline([&](Setup& s) {
    auto& g = guardedMutex(s);
    ownerOf(s, g, [&] {
      held = KeGetCurrentIrql();
      special = self().specialApcDisable;
      kernel = self().kernelApcDisable;
      apcs = KeAreApcsDisabled();
      all = KeAreAllApcsDisabled();
      owner = g.owner;
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(held == PASSIVE_LEVEL);
  CHECK(special == -1);
  CHECK(kernel == 0);
  CHECK(apcs == TRUE);
  CHECK(all == TRUE);  // §3.12: the question a Zw caller must ask
  CHECK(owner == 0);
}

TEST_CASE("KeReleaseGuardedMutex leaves the guarded region: SpecialApcDisable back to 0") {
  std::int16_t after = 99;
  const auto e = exploreInline([&](Setup& s) {
    auto& g = guardedMutex(s);
    s.systemThread("owner", [&] {
      KeAcquireGuardedMutex(&g);
      KeReleaseGuardedMutex(&g);
      after = self().specialApcDisable;
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(e.stats.executions == 1);
  CHECK(e.stats.steps == 2);
  CHECK(after == 0);
}

TEST_CASE("the owner's second KeAcquireGuardedMutex self-deadlocks (§3.4, §4.8)") {
  const auto e = exploreInline([](Setup& s) {
    auto& g = guardedMutex(s);
    ownerOf(s, g, [&g] { KeAcquireGuardedMutex(&g); });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.kind() == ViolationKind::Deadlock);
  CHECK(e.verdict.violation->rule == "SelfDeadlock");
  CHECK(e.stats.executions == 1);
}

TEST_CASE("the owner's KeTryToAcquireGuardedMutex returns FALSE and leaves the region count as it was") {
  BOOLEAN result = 2;
  std::int16_t special = 99;
  const auto e = exploreInline([&](Setup& s) {
    auto& g = guardedMutex(s);
    ownerOf(s, g, [&] {
      result = KeTryToAcquireGuardedMutex(&g);
      special = self().specialApcDisable;
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(result == FALSE);
  CHECK(special == -1);
}

TEST_CASE("KeTryToAcquireGuardedMutex on a free mutex returns TRUE inside a guarded region") {
  BOOLEAN result = 2;
  std::int16_t special = 99;
  const auto e = exploreInline([&](Setup& s) {
    auto& g = guardedMutex(s);
    s.systemThread("driver", [&] {
      result = KeTryToAcquireGuardedMutex(&g);
      special = self().specialApcDisable;
      if (result) KeReleaseGuardedMutex(&g);
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(result == TRUE);
  CHECK(special == -1);
}

TEST_CASE("KeAcquireGuardedMutexUnsafe at PASSIVE_LEVEL outside any region is GuardedMutexUnsafe") {
  const auto e = exploreInline([](Setup& s) {
    auto& g = guardedMutex(s);
    s.systemThread("driver", [&g] {
      KeAcquireGuardedMutexUnsafe(&g);  // bug
      KeReleaseGuardedMutexUnsafe(&g);
    });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.kind() == ViolationKind::ContractViolation);
  CHECK(e.verdict.violation->rule == "GuardedMutexUnsafe");
  CHECK(e.verdict.causes.size() == 2);  // the acquire and the release
}

TEST_CASE("a critical region is not enough for KeAcquireGuardedMutexUnsafe (special APCs still run, §3.4)") {
  const auto e = exploreInline([](Setup& s) {
    auto& g = guardedMutex(s);
    s.systemThread("driver", [&g] {
      KeEnterCriticalRegion();
      KeAcquireGuardedMutexUnsafe(&g);  // bug
      KeReleaseGuardedMutexUnsafe(&g);
      KeLeaveCriticalRegion();
    });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.kind() == ViolationKind::ContractViolation);
  CHECK(e.verdict.violation->rule == "GuardedMutexUnsafe");
}

TEST_CASE("KeAcquireGuardedMutexUnsafe in a guarded region changes neither IRQL nor regions") {
  KIRQL held = 0xFF;
  std::int16_t special = 99;
  ThreadId owner = kNoThread;
  const auto e = exploreInline([&](Setup& s) {
    auto& g = guardedMutex(s);
    s.systemThread("driver", [&] {
      KeEnterGuardedRegion();
      KeAcquireGuardedMutexUnsafe(&g);
      held = KeGetCurrentIrql();
      special = self().specialApcDisable;
      owner = g.owner;
      KeReleaseGuardedMutexUnsafe(&g);
      KeLeaveGuardedRegion();
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(held == PASSIVE_LEVEL);
  CHECK(special == -1);
  CHECK(owner == 0);
}

TEST_CASE("KeAcquireGuardedMutexUnsafe at APC_LEVEL is accepted") {
  const auto e = exploreInline([](Setup& s) {
    auto& g = guardedMutex(s);
    s.systemThread("driver", [&g] {
      KIRQL old = PASSIVE_LEVEL;
      KeRaiseIrql(APC_LEVEL, &old);
      KeAcquireGuardedMutexUnsafe(&g);
      KeReleaseGuardedMutexUnsafe(&g);
      KeLowerIrql(old);
    });
  });
  CHECK(e.verdict.result == Result::Pass);
}

TEST_CASE("KeAcquireGuardedMutex above APC_LEVEL is IrqlKeApcLte1 (0x2000F)") {
  const auto e = exploreInline([](Setup& s) {
    auto& g = guardedMutex(s);
    s.systemThread("driver", [&g] {
      KIRQL old = PASSIVE_LEVEL;
      KeRaiseIrql(DISPATCH_LEVEL, &old);
      KeAcquireGuardedMutex(&g);  // bug
      KeLowerIrql(old);
      KeReleaseGuardedMutex(&g);
    });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.kind() == ViolationKind::ContractViolation);
  CHECK(e.verdict.violation->rule == "IrqlKeApcLte1");
  CHECK(e.verdict.violation->code == 0x2000F);
  CHECK(e.verdict.causes.size() == 1);
}

TEST_CASE("KeReleaseGuardedMutex of a mutex nobody owns is GuardedMutexNotOwned (0x1007)") {
  const auto e = exploreInline([](Setup& s) {
    auto& g = guardedMutex(s);
    s.systemThread("driver", [&g] {
      KeEnterGuardedRegion();  // so the release's leave balances
      KeReleaseGuardedMutex(&g);  // bug
    });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.kind() == ViolationKind::ContractViolation);
  CHECK(e.verdict.violation->rule == "GuardedMutexNotOwned");
  CHECK(e.verdict.violation->code == 0x1007);
  CHECK(e.verdict.causes.size() == 1);
}

TEST_CASE("two threads contending for a guarded mutex: 6 executions, hand-off and barging (§6)") {
  // As for FAST_MUTEX: 3 per first acquirer, the waiter case doubled by the release's branch.
  const auto e = exploreInline([](Setup& s) {
    auto& g = guardedMutex(s);
    for (const char* name : {"a", "b"})
      s.systemThread(name, [&g] {
        KeAcquireGuardedMutex(&g);
        KeReleaseGuardedMutex(&g);
      });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(e.stats.executions == 6);
}

TEST_CASE("a suspension requested while a thread holds a guarded mutex is delivered only after release (§2.2, §3.4)") {
  const auto r = replayInline(
      [](Setup& s) {
        auto& g = guardedMutex(s);
        auto& x = s.make<Shared<LONG>>("x");
        s.userThread("user", [&g, &x] {
          KeAcquireGuardedMutex(&g);
          x.store(1);
          KeReleaseGuardedMutex(&g);
          x.store(2);
        });
      },
      {run(0), suspend(0), run(0), run(0)});
  REQUIRE_FALSE(r.divergence);
  CHECK(eventsOf(r.execution, EventKind::Call, "write").size() == 1);
  const std::size_t release = indexOf(r.execution, EventKind::Call, "KeReleaseGuardedMutex");
  REQUIRE(release + 1 < r.execution.events.size());
  CHECK(r.execution.events[release + 1].kind == EventKind::ApcDelivered);
  CHECK(r.execution.snapshot.objects[0].owners.empty());
}

TEST_CASE("a suspended user thread owning a guarded mutex through the unsafe form outside a region denies service") {
  // The contrast: nothing holds the suspend APC off, so it stops the owner (§4.1).
  const auto e = exploreInline([](Setup& s) {
    auto& g = guardedMutex(s);
    s.userThread("user", [&g] {
      KeAcquireGuardedMutexUnsafe(&g);  // bug
      KeReleaseGuardedMutexUnsafe(&g);
    });
    ownerOf(s, g);
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.kind() == ViolationKind::SuspendedOwnerDoS);
  CHECK(e.verdict.violation->rule == "SuspendedOwner");
  REQUIRE_FALSE(e.verdict.causes.empty());
  CHECK(e.verdict.causes[0].rule == "GuardedMutexUnsafe");
}

TEST_CASE("a KGUARDED_MUTEX used before KeInitializeGuardedMutex is GuardedMutexInitialized (DV 0x1002)") {
  const auto e = exploreInline([](Setup& s) {
    auto& g = s.make<KGUARDED_MUTEX>("G");  // bug: never initialized
    ownerOf(s, g);
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.kind() == ViolationKind::ContractViolation);
  CHECK(e.verdict.violation->rule == "GuardedMutexInitialized");
  CHECK(e.verdict.violation->code == 0x1002);
  CHECK(e.verdict.causes.size() == 1);
}
