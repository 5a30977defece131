// Run-down protection (kernel-rules.md §3.8, §4.6): acquire fails once a wait
// has begun, the last release wakes the one waiter, and reference holders appear in the
// ownership view so deadlock and suspended-holder DoS are found.
#include "Support.hpp"
#include "interlock/primitives/Irql.hpp"

#include <doctest/doctest.h>

using namespace interlock;
using namespace interlock::wdm;
using interlock::test::exploreInline;
using interlock::test::inlineScenario;

namespace {

Choice run(ThreadId t) { return Choice{ChoiceKind::Run, t}; }
Choice suspend(ThreadId t) { return Choice{ChoiceKind::Suspend, t}; }

Replay replayInline(std::function<void(Setup&)> setup, std::vector<Choice> schedule) {
  const Scenario scenario = inlineScenario(std::move(setup));
  return replay(scenario, Settings{scenario.bounds, "naive"}, std::move(schedule));
}

bool blockedEver(const ExecutionResult& r) {
  for (const Event& e : r.events)
    if (e.kind == EventKind::Blocked) return true;
  return false;
}

void checkViolation(const Verdict& verdict, ViolationKind kind, const char* rule) {
  REQUIRE(verdict.result == Result::Violation);
  CHECK(verdict.kind() == kind);
  CHECK(verdict.violation->rule == rule);
}

// One system thread doing `body` on a fresh, initialized EX_RUNDOWN_REF.
Exploration single(std::function<void(EX_RUNDOWN_REF&)> body) {
  return exploreInline([body](Setup& s) {
    auto& ref = s.make<EX_RUNDOWN_REF>("Ref");
    ExInitializeRundownProtection(&ref);
    s.systemThread("T", [&ref, body] { body(ref); });
  });
}

}  // namespace

TEST_CASE("§3.8 one I/O path and a teardown: three executions, nine steps, by hand") {
  // io: acquire, release if granted; teardown: wait. [a1 a2 w], [a1 w-blocks a2 w-wakes],
  // [w-at-once a1=FALSE]: 3 executions of 3 + 4 + 2 = 9 steps; one acquire fails.
  int refused = 0;
  const auto e = exploreInline([&refused](Setup& s) {
    auto& ref = s.make<EX_RUNDOWN_REF>("Ref");
    ExInitializeRundownProtection(&ref);
    s.systemThread("io", [&ref, &refused] {
      if (ExAcquireRundownProtection(&ref)) ExReleaseRundownProtection(&ref);
      else ++refused;
    });
    s.systemThread("teardown", [&ref] { ExWaitForRundownProtectionRelease(&ref); });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(e.stats.executions == 3);
  CHECK(e.stats.steps == 9);
  CHECK(refused == 1);
}

TEST_CASE("§3.8 ExAcquireRundownProtection returns FALSE once a rundown wait has begun") {
  BOOLEAN first = FALSE;
  BOOLEAN late = TRUE;
  // holder acquires; teardown starts waiting; latecomer tries.
  const auto r = replayInline(
      [&](Setup& s) {
        auto& ref = s.make<EX_RUNDOWN_REF>("Ref");
        ExInitializeRundownProtection(&ref);
        s.systemThread("holder", [&ref, &first] {
          first = ExAcquireRundownProtection(&ref);
          ExReleaseRundownProtection(&ref);
        });
        s.systemThread("teardown", [&ref] { ExWaitForRundownProtectionRelease(&ref); });
        s.systemThread("latecomer", [&ref, &late] { late = ExAcquireRundownProtection(&ref); });
      },
      {run(0), run(1), run(2)});
  REQUIRE(r.execution.schedule.size() == 3);
  CHECK(first == TRUE);
  CHECK(late == FALSE);
  CHECK(r.execution.snapshot.threads[1].state == "waiting");
}

TEST_CASE("§3.8 the wait returns at once when no reference is held") {
  const auto e = single([](EX_RUNDOWN_REF& ref) { ExWaitForRundownProtectionRelease(&ref); });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(e.stats.executions == 1);
  CHECK(e.stats.steps == 1);
}

TEST_CASE("§3.8 Ex counts: the waiter stays blocked until the last of three references goes") {
  const auto setup = [](Setup& s) {
    auto& ref = s.make<EX_RUNDOWN_REF>("Ref");
    ExInitializeRundownProtection(&ref);
    s.systemThread("holder", [&ref] {
      (void)ExAcquireRundownProtectionEx(&ref, 3);
      ExReleaseRundownProtectionEx(&ref, 2);
      ExReleaseRundownProtection(&ref);
    });
    s.systemThread("teardown", [&ref] { ExWaitForRundownProtectionRelease(&ref); });
  };
  // acquire 3; teardown waits; release 2: teardown still waits on the one left.
  const auto partial = replayInline(setup, {run(0), run(1), run(0)});
  REQUIRE(partial.execution.schedule.size() == 3);
  CHECK(partial.execution.snapshot.threads[1].state == "waiting");
  REQUIRE(partial.execution.snapshot.objects[0].owners.size() == 1);
  CHECK(partial.execution.snapshot.objects[0].owners[0].count == 1);
  // ... and the last release wakes it.
  const auto full = replayInline(setup, {run(0), run(1), run(0), run(0), run(1)});
  REQUIRE_FALSE(full.divergence);
  CHECK(full.verdict.result == Result::Pass);
  CHECK(blockedEver(full.execution));
}

TEST_CASE("§3.8, §4.6 a waiter holding a reference never returns: Deadlock SelfDeadlock") {
  const auto e = single([](EX_RUNDOWN_REF& ref) {
    (void)ExAcquireRundownProtection(&ref);
    ExWaitForRundownProtectionRelease(&ref);
    ExReleaseRundownProtection(&ref);
  });
  checkViolation(e.verdict, ViolationKind::Deadlock, "SelfDeadlock");
  CHECK(e.verdict.violation->threads == std::vector<ThreadId>{0});
  CHECK(e.stats.executions == 1);
}

TEST_CASE("§3.8, §4.6 a suspended user thread holding a reference: SuspendedOwnerDoS") {
  // The user thread holds the reference outside any region and is suspended at once.
  const auto r = replayInline(
      [](Setup& s) {
        auto& ref = s.make<EX_RUNDOWN_REF>("Ref");
        ExInitializeRundownProtection(&ref);
        s.userThread("ioctl", [&ref] {
          if (ExAcquireRundownProtection(&ref)) ExReleaseRundownProtection(&ref);
        });
        s.systemThread("teardown", [&ref] { ExWaitForRundownProtectionRelease(&ref); });
      },
      {run(0), suspend(0), run(1)});
  REQUIRE_FALSE(r.divergence);
  checkViolation(r.verdict, ViolationKind::SuspendedOwnerDoS, "SuspendedOwner");
  CHECK(r.verdict.violation->threads == std::vector<ThreadId>{1, 0});
  CHECK(r.verdict.causes.empty());  // no documented rule forbids it; the consequence does
}

TEST_CASE("§3.8 a reference holder in a critical region is suspended only after releasing") {
  // Same schedule as above with the reference held in a critical region: the suspension
  // waits for the leave, teardown's wait returns, and the verdict is a pass.
  const auto e = exploreInline([](Setup& s) {
    auto& ref = s.make<EX_RUNDOWN_REF>("Ref");
    ExInitializeRundownProtection(&ref);
    s.userThread("ioctl", [&ref] {
      KeEnterCriticalRegion();
      if (ExAcquireRundownProtection(&ref)) ExReleaseRundownProtection(&ref);
      KeLeaveCriticalRegion();
    });
    s.systemThread("teardown", [&ref] { ExWaitForRundownProtectionRelease(&ref); });
  });
  CHECK(e.verdict.result == Result::Pass);
}

TEST_CASE("§3.8 a second concurrent waiter: RundownSecondWaiter") {
  const auto r = replayInline(
      [](Setup& s) {
        auto& ref = s.make<EX_RUNDOWN_REF>("Ref");
        ExInitializeRundownProtection(&ref);
        s.systemThread("holder", [&ref] {
          (void)ExAcquireRundownProtection(&ref);
          ExReleaseRundownProtection(&ref);
        });
        for (const char* name : {"w1", "w2"})
          s.systemThread(name, [&ref] { ExWaitForRundownProtectionRelease(&ref); });
      },
      {run(0), run(1), run(2)});
  REQUIRE(r.execution.schedule.size() == 3);
  checkViolation(r.verdict, ViolationKind::ContractViolation, "RundownSecondWaiter");
  CHECK(r.verdict.violation->thread == 2);
}

TEST_CASE("§3.8 ExRundownCompleted before any wait: RundownCompletedWithoutWait") {
  const auto e = single([](EX_RUNDOWN_REF& ref) { ExRundownCompleted(&ref); });
  checkViolation(e.verdict, ViolationKind::ContractViolation, "RundownCompletedWithoutWait");
}

TEST_CASE("§3.8 ExReInitializeRundownProtection before any wait: RundownReInitializedWithoutWait") {
  const auto e = single([](EX_RUNDOWN_REF& ref) { ExReInitializeRundownProtection(&ref); });
  checkViolation(e.verdict, ViolationKind::ContractViolation, "RundownReInitializedWithoutWait");
}

TEST_CASE("§3.8 after a wait: completed keeps acquires failing, reinitialize lets them succeed") {
  BOOLEAN afterWait = TRUE;
  BOOLEAN afterCompleted = TRUE;
  BOOLEAN afterReinit = FALSE;
  const auto e = single([&](EX_RUNDOWN_REF& ref) {
    ExWaitForRundownProtectionRelease(&ref);
    afterWait = ExAcquireRundownProtection(&ref);
    ExRundownCompleted(&ref);
    afterCompleted = ExAcquireRundownProtection(&ref);
    ExReInitializeRundownProtection(&ref);
    afterReinit = ExAcquireRundownProtection(&ref);
    ExReleaseRundownProtection(&ref);
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(afterWait == FALSE);
  CHECK(afterCompleted == FALSE);
  CHECK(afterReinit == TRUE);
}

TEST_CASE("§3.8 releasing more references than are held: RundownReleaseWithoutAcquire") {
  const auto e = single([](EX_RUNDOWN_REF& ref) {
    (void)ExAcquireRundownProtection(&ref);
    ExReleaseRundownProtectionEx(&ref, 2);
  });
  checkViolation(e.verdict, ViolationKind::ContractViolation, "RundownReleaseWithoutAcquire");
}

TEST_CASE("§3.8 a reference may be released by another thread than the one that took it") {
  // taker acquires and stays alive; releaser drops the reference; no rule is broken.
  const auto r = replayInline(
      [](Setup& s) {
        auto& ref = s.make<EX_RUNDOWN_REF>("Ref");
        auto& x = s.make<Shared<LONG>>("x");
        ExInitializeRundownProtection(&ref);
        s.systemThread("taker", [&ref, &x] {
          (void)ExAcquireRundownProtection(&ref);
          x.store(1);
        });
        s.systemThread("releaser", [&ref] { ExReleaseRundownProtection(&ref); });
      },
      {run(0), run(1), run(0)});
  REQUIRE_FALSE(r.divergence);
  CHECK(r.execution.violations.empty());
  CHECK(r.execution.snapshot.objects[0].owners.empty());
}

TEST_CASE("§3.8 acquire and release at DISPATCH_LEVEL are legal") {
  const auto e = single([](EX_RUNDOWN_REF& ref) {
    KIRQL old = PASSIVE_LEVEL;
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    if (ExAcquireRundownProtection(&ref)) ExReleaseRundownProtection(&ref);
    KeLowerIrql(old);
  });
  CHECK(e.verdict.result == Result::Pass);
}

TEST_CASE("§3.8 acquire above DISPATCH_LEVEL: IrqlRundownDispatchLte") {
  const auto e = single([](EX_RUNDOWN_REF& ref) {
    KIRQL old = PASSIVE_LEVEL;
    KeRaiseIrql(HIGH_LEVEL, &old);
    if (ExAcquireRundownProtection(&ref)) ExReleaseRundownProtection(&ref);
    KeLowerIrql(old);
  });
  checkViolation(e.verdict, ViolationKind::ContractViolation, "IrqlRundownDispatchLte");
}

TEST_CASE("§3.8 waiting at DISPATCH_LEVEL: IrqlRundownApcLte") {
  const auto e = single([](EX_RUNDOWN_REF& ref) {
    KIRQL old = PASSIVE_LEVEL;
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    ExWaitForRundownProtectionRelease(&ref);
    KeLowerIrql(old);
  });
  checkViolation(e.verdict, ViolationKind::ContractViolation, "IrqlRundownApcLte");
}

TEST_CASE("§3.8 a rundown reference used before initialization: RundownInitialized") {
  const auto e = exploreInline([](Setup& s) {
    auto& ref = s.make<EX_RUNDOWN_REF>("Ref");
    s.systemThread("T", [&ref] { (void)ExAcquireRundownProtection(&ref); });
  });
  checkViolation(e.verdict, ViolationKind::ContractViolation, "RundownInitialized");
}

// --- cache-aware forms: the same semantics ---------------------------------------------

TEST_CASE("§3.8 cache-aware: the whole life cycle passes and acquires fail after the wait") {
  BOOLEAN during = FALSE;
  BOOLEAN after = TRUE;
  const auto e = exploreInline([&](Setup& s) {
    PEX_RUNDOWN_REF_CACHE_AWARE ref = ExAllocateCacheAwareRundownProtection(NonPagedPoolNx, 0x6B636C49);
    s.systemThread("T", [ref, &during, &after] {
      during = ExAcquireRundownProtectionCacheAwareEx(ref, 2);
      ExReleaseRundownProtectionCacheAware(ref);
      ExReleaseRundownProtectionCacheAwareEx(ref, 1);
      ExWaitForRundownProtectionReleaseCacheAware(ref);
      after = ExAcquireRundownProtectionCacheAware(ref);
      ExRundownCompletedCacheAware(ref);
      ExReInitializeRundownProtectionCacheAware(ref);
      ExFreeCacheAwareRundownProtection(ref);
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(during == TRUE);
  CHECK(after == FALSE);
  CHECK(e.stats.executions == 1);
}

TEST_CASE("§3.8 cache-aware: a waiter holding a reference self-deadlocks") {
  const auto e = exploreInline([](Setup& s) {
    auto& ref = s.make<EX_RUNDOWN_REF_CACHE_AWARE>("Ref");
    ExInitializeRundownProtectionCacheAware(&ref, ExSizeOfRundownProtectionCacheAware());
    s.systemThread("T", [&ref] {
      (void)ExAcquireRundownProtectionCacheAware(&ref);
      ExWaitForRundownProtectionReleaseCacheAware(&ref);
    });
  });
  checkViolation(e.verdict, ViolationKind::Deadlock, "SelfDeadlock");
}

TEST_CASE("§3.8 cache-aware: initializing with less than the size: RundownCacheAwareSize") {
  const auto e = exploreInline([](Setup& s) {
    auto& ref = s.make<EX_RUNDOWN_REF_CACHE_AWARE>("Ref");
    s.systemThread("T", [&ref] {
      ExInitializeRundownProtectionCacheAware(&ref, ExSizeOfRundownProtectionCacheAware() - 1);
    });
  });
  checkViolation(e.verdict, ViolationKind::ContractViolation, "RundownCacheAwareSize");
}

TEST_CASE("§3.8 cache-aware: freeing while a reference is held: RundownFreedInUse") {
  const auto e = exploreInline([](Setup& s) {
    PEX_RUNDOWN_REF_CACHE_AWARE ref = ExAllocateCacheAwareRundownProtection(NonPagedPoolNx, 0);
    s.systemThread("T", [ref] {
      (void)ExAcquireRundownProtectionCacheAware(ref);
      ExFreeCacheAwareRundownProtection(ref);
    });
  });
  checkViolation(e.verdict, ViolationKind::ContractViolation, "RundownFreedInUse");
}

TEST_CASE("§3.8 cache-aware: use after ExFreeCacheAwareRundownProtection: RundownUsedAfterFree") {
  const auto e = exploreInline([](Setup& s) {
    PEX_RUNDOWN_REF_CACHE_AWARE ref = ExAllocateCacheAwareRundownProtection(NonPagedPoolNx, 0);
    s.systemThread("T", [ref] {
      ExFreeCacheAwareRundownProtection(ref);
      (void)ExAcquireRundownProtectionCacheAware(ref);
    });
  });
  checkViolation(e.verdict, ViolationKind::ContractViolation, "RundownUsedAfterFree");
}

TEST_CASE("§3.8 cache-aware: freeing what the allocator did not allocate: RundownFreeNotAllocated") {
  const auto e = exploreInline([](Setup& s) {
    auto& ref = s.make<EX_RUNDOWN_REF_CACHE_AWARE>("Ref");
    ExInitializeRundownProtectionCacheAware(&ref, ExSizeOfRundownProtectionCacheAware());
    s.systemThread("T", [&ref] { ExFreeCacheAwareRundownProtection(&ref); });
  });
  checkViolation(e.verdict, ViolationKind::ContractViolation, "RundownFreeNotAllocated");
}
