// Interrupts: the ISR's context, KeSynchronizeExecution and the interrupt spin lock (§7, §13).
#include "Support.hpp"

#include <doctest/doctest.h>

#include <set>

using namespace interlock;
using namespace interlock::wdm;
using namespace interlock::test;

namespace {

constexpr KIRQL kDirql = 5;
constexpr KIRQL kSynchronizeIrql = 6;

struct Seen {
  std::set<KIRQL> isrIrql;
  std::set<KIRQL> synchIrql;
  std::set<ThreadId> lockOwner;
  int isrRuns = 0;
};
Seen* seen = nullptr;

BOOLEAN RecordIsr(PKINTERRUPT interrupt, PVOID) {
  seen->isrIrql.insert(KeGetCurrentIrql());
  seen->lockOwner.insert(interrupt->owner == Execution::current().currentThread().id() ? 1 : 0);
  ++seen->isrRuns;
  return TRUE;
}

BOOLEAN RecordSynch(PVOID) {
  seen->synchIrql.insert(KeGetCurrentIrql());
  return FALSE;
}

void checkRule(const Exploration& e, ViolationKind kind, const char* rule) {
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.kind() == kind);
  CHECK(e.verdict.violation->rule == rule);
}

}  // namespace

TEST_CASE("an ISR runs at its DIRQL holding the interrupt spin lock; KeSynchronizeExecution runs the routine at the SynchronizeIrql and returns its result (§13)") {
  Seen observed;
  seen = &observed;
  std::set<BOOLEAN> results;
  std::set<KIRQL> after;
  const auto e = exploreInline([&](Setup& s) {
    PKINTERRUPT interrupt = connectInterrupt(s, "I", &RecordIsr, nullptr, kDirql, kSynchronizeIrql);
    s.systemThread("t", [&, interrupt] {
      results.insert(KeSynchronizeExecution(interrupt, &RecordSynch, nullptr));
      after.insert(KeGetCurrentIrql());
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(observed.isrIrql == std::set<KIRQL>{kDirql});
  CHECK(observed.lockOwner == std::set<ThreadId>{1});
  CHECK(observed.synchIrql == std::set<KIRQL>{kSynchronizeIrql});
  CHECK(results == std::set<BOOLEAN>{FALSE});
  CHECK(after == std::set<KIRQL>{PASSIVE_LEVEL});
  CHECK(observed.isrRuns > 0);
}

TEST_CASE("KeAcquireInterruptSpinLock raises to the SynchronizeIrql and returns the old IRQL; the release lowers to it (§13)") {
  std::set<KIRQL> old, held, after;
  const auto e = exploreInline([&](Setup& s) {
    PKINTERRUPT interrupt = connectInterrupt(s, "I", [](PKINTERRUPT, PVOID) -> BOOLEAN { return TRUE; },
                                             nullptr, kDirql, kSynchronizeIrql);
    s.systemThread("t", [&, interrupt] {
      const KIRQL entry = KeAcquireInterruptSpinLock(interrupt);
      old.insert(entry);
      held.insert(KeGetCurrentIrql());
      KeReleaseInterruptSpinLock(interrupt, entry);
      after.insert(KeGetCurrentIrql());
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(old == std::set<KIRQL>{PASSIVE_LEVEL});
  CHECK(held == std::set<KIRQL>{kSynchronizeIrql});
  CHECK(after == std::set<KIRQL>{PASSIVE_LEVEL});
}

TEST_CASE("an ISR that returns at another IRQL is bug check 0xC8 IRQL_UNEXPECTED_VALUE (§13)") {
  const auto e = exploreInline([](Setup& s) {
    (void)connectInterrupt(s, "I", [](PKINTERRUPT, PVOID) -> BOOLEAN {
      KeLowerIrql(DISPATCH_LEVEL);
      return TRUE;
    }, nullptr, kDirql, kDirql);
    auto& x = s.make<Shared<LONG>>("x");
    s.systemThread("t", [&x] { x.store(1); });  // the device interrupts while a thread runs
  });
  checkRule(e, ViolationKind::BugCheck, "IRQL_UNEXPECTED_VALUE");
  CHECK(e.verdict.violation->code == 0xC8);
}

TEST_CASE("with maxInterrupts 0 the device never interrupts (§13)") {
  Seen observed;
  seen = &observed;
  Bounds bounds;
  bounds.maxInterrupts = 0;
  const auto e = exploreInline([](Setup& s) {
    (void)connectInterrupt(s, "I", &RecordIsr, nullptr, kDirql, kDirql);
    auto& x = s.make<Shared<LONG>>("x");
    s.systemThread("t", [&x] { x.store(1); });
  }, bounds);
  CHECK(e.verdict.result == Result::Pass);
  CHECK(observed.isrRuns == 0);
  CHECK(e.stats.executions == 1);
}

TEST_CASE("a thread holding the interrupt spin lock keeps the ISR off its processor: the ISR never sees the update half done (§13)") {
  static Shared<LONG>* shared = nullptr;
  static std::set<LONG> inIsr;
  inIsr.clear();
  const auto e = exploreInline([](Setup& s) {
    auto& x = s.make<Shared<LONG>>("x");
    shared = &x;
    PKINTERRUPT interrupt = connectInterrupt(s, "I", [](PKINTERRUPT, PVOID) -> BOOLEAN {
      inIsr.insert(shared->load());
      return TRUE;
    }, nullptr, kDirql, kDirql);
    s.systemThread("t", [&x, interrupt] {
      (void)KeSynchronizeExecution(interrupt, [](PVOID context) -> BOOLEAN {
        auto* value = static_cast<Shared<LONG>*>(context);
        value->store(1);
        value->store(2);
        return TRUE;
      }, &x);
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(inIsr == std::set<LONG>{0, 2});
}

TEST_CASE("KeSynchronizeExecution above the SynchronizeIrql is IrqlKeSynchronizeExecution (§13)") {
  const auto e = exploreInline([](Setup& s) {
    PKINTERRUPT interrupt = connectInterrupt(s, "I", [](PKINTERRUPT, PVOID) -> BOOLEAN { return TRUE; },
                                             nullptr, kDirql, kDirql);
    s.systemThread("t", [interrupt] {
      KIRQL old = PASSIVE_LEVEL;
      KeRaiseIrql(HIGH_LEVEL, &old);
      (void)KeSynchronizeExecution(interrupt, [](PVOID) -> BOOLEAN { return TRUE; }, nullptr);
      KeLowerIrql(old);
    });
  });
  checkRule(e, ViolationKind::ContractViolation, "IrqlKeSynchronizeExecution");
}

TEST_CASE("KeReleaseInterruptSpinLock by a thread that does not hold it is InterruptSpinLockRelease (§13)") {
  Bounds bounds;
  bounds.maxInterrupts = 0;
  const auto e = exploreInline([](Setup& s) {
    PKINTERRUPT interrupt = connectInterrupt(s, "I", [](PKINTERRUPT, PVOID) -> BOOLEAN { return TRUE; },
                                             nullptr, kDirql, kDirql);
    s.systemThread("t", [interrupt] {
      KIRQL old = PASSIVE_LEVEL;
      KeRaiseIrql(kDirql, &old);
      KeReleaseInterruptSpinLock(interrupt, old);
    });
  }, bounds);
  checkRule(e, ViolationKind::ContractViolation, "InterruptSpinLockRelease");
}
