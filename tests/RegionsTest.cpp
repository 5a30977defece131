// Critical and guarded regions and the APC-disable queries (kernel-rules.md §2.3, §3.1).
#include "LockTestSupport.hpp"

#include <doctest/doctest.h>

#include <array>

using namespace interlock;
using namespace interlock::wdm;
using namespace interlock::test;

namespace {

struct Counters {
  std::int16_t kernel = 99;
  std::int16_t special = 99;
};

Counters counters() { return Counters{self().kernelApcDisable, self().specialApcDisable}; }

// One system thread running `body`; fails the test unless the exploration passes.
void passes(const std::function<void()>& body) {
  const auto e = exploreInline([&body](Setup& s) { s.systemThread("driver", body); });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(e.stats.executions == 1);
}

}  // namespace

TEST_CASE("entering a critical region decrements KernelApcDisable; leaving restores it (§3.1)") {
  Counters inOne, inTwo, out;
  passes([&] {
    KeEnterCriticalRegion();
    inOne = counters();
    KeEnterCriticalRegion();  // nestable
    inTwo = counters();
    KeLeaveCriticalRegion();
    KeLeaveCriticalRegion();
    out = counters();
  });
  CHECK(inOne.kernel == -1);
  CHECK(inTwo.kernel == -2);
  CHECK(inTwo.special == 0);
  CHECK(out.kernel == 0);
}

TEST_CASE("entering a guarded region decrements SpecialApcDisable; leaving restores it (§3.1)") {
  Counters inOne, inTwo, out;
  passes([&] {
    KeEnterGuardedRegion();
    inOne = counters();
    KeEnterGuardedRegion();
    inTwo = counters();
    KeLeaveGuardedRegion();
    KeLeaveGuardedRegion();
    out = counters();
  });
  CHECK(inOne.special == -1);
  CHECK(inTwo.special == -2);
  CHECK(inTwo.kernel == 0);
  CHECK(out.special == 0);
}

TEST_CASE("KeLeaveCriticalRegion without an enter is CriticalRegions, DV 0x3E; the +1 count disables APCs (§5.10)") {
  Counters over;
  BOOLEAN apcsDisabled = 2, allDisabled = 2;
  const auto e = exploreInline([&](Setup& s) {
    s.systemThread("driver", [&] {
      KeLeaveCriticalRegion();  // bug
      over = counters();
      apcsDisabled = KeAreApcsDisabled();
      allDisabled = KeAreAllApcsDisabled();
      KeEnterCriticalRegion();  // back to 0, so the thread exit is clean
    });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.kind() == ViolationKind::ContractViolation);
  CHECK(e.verdict.violation->rule == "CriticalRegions");
  CHECK(e.verdict.violation->code == 0x3E);
  CHECK(e.verdict.causes.size() == 1);
  CHECK(over.kernel == 1);
  CHECK(apcsDisabled == TRUE);   // §2.3: any non-zero counter
  CHECK(allDisabled == FALSE);   // only SpecialApcDisable and IRQL count
}

TEST_CASE("KeLeaveGuardedRegion without an enter is GuardedRegions (0x4000E); the +1 count disables all APCs") {
  Counters over;
  BOOLEAN apcsDisabled = 2, allDisabled = 2;
  const auto e = exploreInline([&](Setup& s) {
    s.systemThread("driver", [&] {
      KeLeaveGuardedRegion();  // bug
      over = counters();
      apcsDisabled = KeAreApcsDisabled();
      allDisabled = KeAreAllApcsDisabled();
      KeEnterGuardedRegion();
    });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.kind() == ViolationKind::ContractViolation);
  CHECK(e.verdict.violation->rule == "GuardedRegions");
  CHECK(e.verdict.violation->code == 0x4000E);
  CHECK(e.verdict.causes.size() == 1);
  CHECK(over.special == 1);
  CHECK(apcsDisabled == TRUE);
  CHECK(allDisabled == TRUE);
}

TEST_CASE("KeEnterGuardedRegion above APC_LEVEL is IrqlKeApcLte2 (0x20010)") {
  const auto e = exploreInline([](Setup& s) {
    s.systemThread("driver", [] {
      KIRQL old = PASSIVE_LEVEL;
      KeRaiseIrql(DISPATCH_LEVEL, &old);
      KeEnterGuardedRegion();  // bug
      KeLowerIrql(old);
      KeLeaveGuardedRegion();
    });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.kind() == ViolationKind::ContractViolation);
  CHECK(e.verdict.violation->rule == "IrqlKeApcLte2");
  CHECK(e.verdict.violation->code == 0x20010);
  CHECK(e.verdict.causes.size() == 1);
}

TEST_CASE("KeAreApcsDisabled and KeAreAllApcsDisabled follow the §2.3 truth table exactly") {
  // Row: (critical region, guarded region, IRQL) -> (KeAreApcsDisabled, KeAreAllApcsDisabled).
  // KeAreApcsDisabled: CR or GR, IRQL ignored (§5.2, §5.3). KeAreAllApcsDisabled: GR or
  // IRQL >= APC_LEVEL; a CR alone is FALSE.
  struct Row {
    bool critical;
    bool guarded;
    KIRQL irql;
    BOOLEAN apcs;
    BOOLEAN all;
  };
  static constexpr std::array<Row, 8> rows{{
      {false, false, PASSIVE_LEVEL, FALSE, FALSE},
      {true, false, PASSIVE_LEVEL, TRUE, FALSE},
      {false, true, PASSIVE_LEVEL, TRUE, TRUE},
      {true, true, PASSIVE_LEVEL, TRUE, TRUE},
      {false, false, APC_LEVEL, FALSE, TRUE},
      {true, false, APC_LEVEL, TRUE, TRUE},
      {false, true, APC_LEVEL, TRUE, TRUE},
      {false, false, DISPATCH_LEVEL, FALSE, TRUE},
  }};
  std::array<BOOLEAN, rows.size()> apcs{}, all{};
  passes([&] {
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const Row& row = rows[i];
      if (row.critical) KeEnterCriticalRegion();
      if (row.guarded) KeEnterGuardedRegion();
      KIRQL old = PASSIVE_LEVEL;
      KeRaiseIrql(row.irql, &old);
      apcs[i] = KeAreApcsDisabled();
      all[i] = KeAreAllApcsDisabled();
      KeLowerIrql(old);
      if (row.guarded) KeLeaveGuardedRegion();
      if (row.critical) KeLeaveCriticalRegion();
    }
  });
  for (std::size_t i = 0; i < rows.size(); ++i) {
    CAPTURE(i);
    CHECK(apcs[i] == rows[i].apcs);
    CHECK(all[i] == rows[i].all);
  }
}

TEST_CASE("leaving the last guarded region delivers a pending suspension before the next statement (§2.2)") {
  const auto r = replayInline(
      [](Setup& s) {
        auto& x = s.make<Shared<LONG>>("x");
        s.userThread("user", [&x] {
          KeEnterGuardedRegion();
          x.store(1);
          KeLeaveGuardedRegion();
          x.store(2);
        });
      },
      {suspend(0), run(0)});
  REQUIRE_FALSE(r.divergence);
  CHECK(eventsOf(r.execution, EventKind::Call, "write").size() == 1);
  const std::size_t leave = indexOf(r.execution, EventKind::Call, "KeLeaveGuardedRegion");
  REQUIRE(leave + 1 < r.execution.events.size());
  CHECK(r.execution.events[leave + 1].kind == EventKind::ApcDelivered);
  CHECK(r.execution.snapshot.threads[0].state == "suspended");
}

TEST_CASE("leaving a nested guarded region keeps a suspension pending (§2.1)") {
  // Still at SpecialApcDisable -1 after the inner leave: the APC waits for the outer one.
  const auto r = replayInline(
      [](Setup& s) {
        auto& x = s.make<Shared<LONG>>("x");
        s.userThread("user", [&x] {
          KeEnterGuardedRegion();
          KeEnterGuardedRegion();
          x.store(1);
          KeLeaveGuardedRegion();
          x.store(2);
          KeLeaveGuardedRegion();
        });
      },
      {suspend(0), run(0), run(0)});
  REQUIRE_FALSE(r.divergence);
  CHECK(eventsOf(r.execution, EventKind::Call, "write").size() == 2);
  const std::size_t delivered = indexOf(r.execution, EventKind::ApcDelivered);
  REQUIRE(delivered < r.execution.events.size());
  CHECK(r.execution.events[delivered - 1].specialApcDisable == 0);
}

TEST_CASE("a thread that ends while another thread owns a lock breaks no rule") {
  const auto e = exploreInline([](Setup& s) {
    auto& lock = s.make<KGUARDED_MUTEX>("Lock");
    auto& x = s.make<Shared<int>>("x");
    KeInitializeGuardedMutex(&lock);
    s.systemThread("owner", [&lock, &x] {
      KeEnterGuardedRegion();
      KeAcquireGuardedMutexUnsafe(&lock);
      x.store(1);  // the other thread may end here, while Lock is owned
      KeReleaseGuardedMutexUnsafe(&lock);
      KeLeaveGuardedRegion();
    });
    s.systemThread("bystander", [&x] { (void)x.load(); });
  });
  CHECK(e.verdict.result == Result::Pass);
}

TEST_CASE("a thread that ends owning a lock is LockHeldAtExit") {
  const auto e = exploreInline([](Setup& s) {
    auto& lock = s.make<KGUARDED_MUTEX>("Lock");
    KeInitializeGuardedMutex(&lock);
    s.systemThread("driver", [&lock] {
      KeEnterGuardedRegion();
      KeAcquireGuardedMutexUnsafe(&lock);
      KeLeaveGuardedRegion();  // bug: returns still owning Lock
    });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.kind() == ViolationKind::ContractViolation);
  CHECK(e.verdict.violation->rule == "LockHeldAtExit");
  CHECK(e.verdict.causes.size() == 1);
}
