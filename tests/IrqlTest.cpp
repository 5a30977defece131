// KeRaiseIrql / KeLowerIrql (kernel-rules.md §2.2, §3.2; SDV IrqlKeRaiseLower).
#include "LockTestSupport.hpp"

#include <doctest/doctest.h>

using namespace interlock;
using namespace interlock::wdm;
using namespace interlock::test;

TEST_CASE("KeRaiseIrql returns the old IRQL and KeLowerIrql restores it (§3.2)") {
  KIRQL first = 0xFF, second = 0xFF, raised = 0xFF, lowered = 0xFF, back = 0xFF;
  const auto e = exploreInline([&](Setup& s) {
    s.systemThread("driver", [&] {
      KeRaiseIrql(APC_LEVEL, &first);
      KeRaiseIrql(DISPATCH_LEVEL, &second);
      raised = KeGetCurrentIrql();
      KeLowerIrql(second);
      lowered = KeGetCurrentIrql();
      KeLowerIrql(first);
      back = KeGetCurrentIrql();
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(first == PASSIVE_LEVEL);
  CHECK(second == APC_LEVEL);
  CHECK(raised == DISPATCH_LEVEL);
  CHECK(lowered == APC_LEVEL);
  CHECK(back == PASSIVE_LEVEL);
}

TEST_CASE("IRQL changes touch only the caller: recorded, but not scheduling points") {
  // Two threads, one shared write each: 2 interleavings. Were raise and lower scheduling
  // points, each thread would have 3 stops and there would be 20 (6!/(3!3!)).
  const auto e = exploreInline([](Setup& s) {
    auto& x = s.make<Shared<LONG>>("x");
    for (const char* name : {"a", "b"})
      s.systemThread(name, [&x] {
        KIRQL old = PASSIVE_LEVEL;
        KeRaiseIrql(APC_LEVEL, &old);
        x.store(1);
        KeLowerIrql(old);
      });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(e.stats.executions == 2);
  const auto r = replayInline(
      [](Setup& s) {
        s.systemThread("a", [] {
          KIRQL old = PASSIVE_LEVEL;
          KeRaiseIrql(DISPATCH_LEVEL, &old);
          KeLowerIrql(old);
        });
      },
      {});
  REQUIRE_FALSE(r.divergence);
  const auto raise = eventsOf(r.execution, EventKind::Call, "KeRaiseIrql");
  const auto lower = eventsOf(r.execution, EventKind::Call, "KeLowerIrql");
  REQUIRE(raise.size() == 1);
  REQUIRE(lower.size() == 1);
  CHECK(raise[0].irql == DISPATCH_LEVEL);  // the state after the call
  CHECK(std::string_view(raise[0].argument) == "DISPATCH_LEVEL");
  CHECK(lower[0].irql == PASSIVE_LEVEL);
}

TEST_CASE("KeRaiseIrql below the current IRQL is IrqlKeRaiseLower, DV 0x30, and lowers as retail x64 does") {
  KIRQL old = 0xFF, after = 0xFF;
  const auto e = exploreInline([&](Setup& s) {
    s.systemThread("driver", [&] {
      KIRQL ignored = PASSIVE_LEVEL;
      KeRaiseIrql(DISPATCH_LEVEL, &ignored);
      KeRaiseIrql(APC_LEVEL, &old);  // bug: a "raise" to a lower level
      after = KeGetCurrentIrql();
      KeLowerIrql(PASSIVE_LEVEL);
    });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.kind() == ViolationKind::ContractViolation);
  CHECK(e.verdict.violation->rule == "IrqlKeRaiseLower");
  CHECK(e.verdict.violation->code == 0x30);
  CHECK(e.verdict.causes.size() == 1);
  CHECK(old == DISPATCH_LEVEL);
  CHECK(after == APC_LEVEL);  // a CR8 write: unchecked in retail
}

TEST_CASE("KeLowerIrql above the current IRQL is IrqlKeRaiseLower, DV 0x31") {
  KIRQL after = 0xFF;
  const auto e = exploreInline([&](Setup& s) {
    s.systemThread("driver", [&] {
      KeLowerIrql(APC_LEVEL);  // bug: "lowers" from PASSIVE_LEVEL
      after = KeGetCurrentIrql();
      KeLowerIrql(PASSIVE_LEVEL);
    });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.kind() == ViolationKind::ContractViolation);
  CHECK(e.verdict.violation->rule == "IrqlKeRaiseLower");
  CHECK(e.verdict.violation->code == 0x31);
  CHECK(e.verdict.causes.size() == 1);
  CHECK(after == APC_LEVEL);
}

TEST_CASE("an IRQL above HIGH_LEVEL is a scenario error, not a kernel behaviour") {
  CHECK_THROWS_WITH_AS(exploreInline([](Setup& s) {
                         s.systemThread("driver", [] {
                           KIRQL old = PASSIVE_LEVEL;
                           KeRaiseIrql(HIGH_LEVEL + 1, &old);
                         });
                       }),
                       "thread 'driver' threw: KeRaiseIrql(16): not an IRQL (x64 has 0 to 15)",
                       ScenarioError);
}

TEST_CASE("lowering to PASSIVE_LEVEL delivers a pending suspension before the next statement (§2.2)") {
  // Suspended while at APC_LEVEL, the thread keeps running; KeLowerIrql lets the suspend
  // APC in, so the second write never happens.
  const auto r = replayInline(
      [](Setup& s) {
        auto& x = s.make<Shared<LONG>>("x");
        s.userThread("user", [&x] {
          KIRQL old = PASSIVE_LEVEL;
          KeRaiseIrql(APC_LEVEL, &old);
          x.store(1);
          KeLowerIrql(old);
          x.store(2);
        });
      },
      {suspend(0), run(0)});
  REQUIRE_FALSE(r.divergence);
  CHECK(eventsOf(r.execution, EventKind::Call, "write").size() == 1);
  const std::size_t lower = indexOf(r.execution, EventKind::Call, "KeLowerIrql");
  REQUIRE(lower + 1 < r.execution.events.size());
  CHECK(r.execution.events[lower + 1].kind == EventKind::ApcDelivered);
  CHECK(r.execution.snapshot.threads[0].state == "suspended");
}

TEST_CASE("lowering from DISPATCH_LEVEL to APC_LEVEL does not deliver a pending suspension (§2.2)") {
  const auto r = replayInline(
      [](Setup& s) {
        auto& x = s.make<Shared<LONG>>("x");
        s.userThread("user", [&x] {
          KIRQL old = PASSIVE_LEVEL;
          KeRaiseIrql(DISPATCH_LEVEL, &old);
          x.store(1);
          KeLowerIrql(APC_LEVEL);
          x.store(2);
          KeLowerIrql(old);
        });
      },
      {suspend(0), run(0), run(0)});
  REQUIRE_FALSE(r.divergence);
  CHECK(eventsOf(r.execution, EventKind::Call, "write").size() == 2);
  // Delivered only by the final lowering to PASSIVE_LEVEL, after both writes.
  const std::size_t delivered = indexOf(r.execution, EventKind::ApcDelivered);
  REQUIRE(delivered < r.execution.events.size());
  const Event& before = r.execution.events[delivered - 1];
  CHECK(std::string_view(before.api) == "KeLowerIrql");
  CHECK(before.irql == PASSIVE_LEVEL);
}

TEST_CASE("KeRaiseIrqlToDpcLevel raises to DISPATCH_LEVEL and returns the old IRQL (§3.2)") {
  KIRQL old = 0xFF, raised = 0xFF;
  const auto e = exploreInline([&](Setup& s) {
    s.systemThread("driver", [&] {
      old = KeRaiseIrqlToDpcLevel();
      raised = KeGetCurrentIrql();
      KeLowerIrql(old);
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(old == PASSIVE_LEVEL);
  CHECK(raised == DISPATCH_LEVEL);
}

TEST_CASE("KeRaiseIrqlToDpcLevel above DISPATCH_LEVEL is IrqlKeRaiseLower, DV 0x30, and lowers as retail x64 does") {
  KIRQL old = 0xFF, after = 0xFF;
  const auto e = exploreInline([&](Setup& s) {
    s.systemThread("driver", [&] {
      KIRQL entry = PASSIVE_LEVEL;
      KeRaiseIrql(HIGH_LEVEL, &entry);
      old = KeRaiseIrqlToDpcLevel();  // bug
      after = KeGetCurrentIrql();
      KeLowerIrql(entry);
    });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.violation->rule == "IrqlKeRaiseLower");
  CHECK(e.verdict.violation->code == 0x30);
  CHECK(old == HIGH_LEVEL);
  CHECK(after == DISPATCH_LEVEL);
}
