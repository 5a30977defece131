// Push locks (kernel-rules.md §3.7): grant rules, no recursion, unfair hand-off, the
// critical-region rule (DV 0xEA/0xEB) and the Flt* forms that manage the region themselves.
#include "Support.hpp"
#include "interlock/primitives/Irql.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace interlock;
using namespace interlock::wdm;
using interlock::test::exploreInline;
using interlock::test::inlineScenario;

namespace {

Choice run(ThreadId t) { return Choice{ChoiceKind::Run, t}; }
Choice suspend(ThreadId t) { return Choice{ChoiceKind::Suspend, t}; }
Choice branch(std::uint16_t value, std::uint16_t count) {
  return Choice{ChoiceKind::Branch, kNoThread, value, count};
}

Replay replayInline(std::function<void(Setup&)> setup, std::vector<Choice> schedule) {
  const Scenario scenario = inlineScenario(std::move(setup));
  return replay(scenario, Settings{scenario.bounds, "naive"}, std::move(schedule));
}

// One system thread inside a critical region doing `body` on a fresh push lock.
Exploration single(std::function<void(EX_PUSH_LOCK&)> body) {
  return exploreInline([body](Setup& s) {
    auto& lock = s.make<EX_PUSH_LOCK>("P");
    ExInitializePushLock(&lock);
    s.systemThread("T", [&lock, body] {
      KeEnterCriticalRegion();
      body(lock);
      KeLeaveCriticalRegion();
    });
  });
}

void checkSelfDeadlock(const Exploration& e) {
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.kind() == ViolationKind::Deadlock);
  CHECK(e.verdict.violation->rule == "SelfDeadlock");
  CHECK(e.stats.executions == 1);
}

// A thread in a critical region that takes the lock in `mode` and releases it.
void locker(Setup& s, EX_PUSH_LOCK& lock, const char* name, bool exclusive) {
  s.systemThread(name, [&lock, exclusive] {
    KeEnterCriticalRegion();
    if (exclusive) ExAcquirePushLockExclusive(&lock);
    else ExAcquirePushLockShared(&lock);
    if (exclusive) ExReleasePushLockExclusive(&lock);
    else ExReleasePushLockShared(&lock);
    KeLeaveCriticalRegion();
  });
}

}  // namespace

TEST_CASE("§3.7 two exclusive lockers: four executions, eighteen steps, by hand") {
  // A first: [A.acq, A.rel, B.acq, B.rel] or [A.acq, B.acq waits, A.rel hands off, B.wake,
  // B.rel]; B first is symmetric: 4 executions of 4 + 5 + 4 + 5 = 18 steps.
  const auto e = exploreInline([](Setup& s) {
    auto& lock = s.make<EX_PUSH_LOCK>("P");
    ExInitializePushLock(&lock);
    locker(s, lock, "A", true);
    locker(s, lock, "B", true);
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(e.stats.executions == 4);
  CHECK(e.stats.steps == 18);
}

TEST_CASE("§3.7 two shared lockers never wait: six interleavings") {
  // No waits: the two threads' two operations interleave in C(4,2) = 6 ways.
  const auto e = exploreInline([](Setup& s) {
    auto& lock = s.make<EX_PUSH_LOCK>("P");
    ExInitializePushLock(&lock);
    locker(s, lock, "A", false);
    locker(s, lock, "B", false);
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(e.stats.executions == 6);
  CHECK(e.stats.steps == 24);
}

TEST_CASE("§3.7, §4.8 exclusive after exclusive hangs: SelfDeadlock") {
  checkSelfDeadlock(single([](EX_PUSH_LOCK& lock) {
    ExAcquirePushLockExclusive(&lock);
    ExAcquirePushLockExclusive(&lock);
  }));
}

TEST_CASE("§3.7 exclusive after shared hangs: SelfDeadlock") {
  checkSelfDeadlock(single([](EX_PUSH_LOCK& lock) {
    ExAcquirePushLockShared(&lock);
    ExAcquirePushLockExclusive(&lock);
  }));
}

TEST_CASE("§3.7 shared after exclusive hangs: SelfDeadlock") {
  checkSelfDeadlock(single([](EX_PUSH_LOCK& lock) {
    ExAcquirePushLockExclusive(&lock);
    ExAcquirePushLockShared(&lock);
  }));
}

TEST_CASE("§3.7 repeated shared acquire with no exclusive waiter succeeds") {
  const auto e = single([](EX_PUSH_LOCK& lock) {
    ExAcquirePushLockShared(&lock);
    ExAcquirePushLockShared(&lock);
    ExReleasePushLockShared(&lock);
    ExReleasePushLockShared(&lock);
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(e.stats.executions == 1);
}

TEST_CASE("§3.7, §5.9 repeated shared acquire with an exclusive waiter queued deadlocks") {
  // lookup: shared; writer queues exclusive; lookup's second shared request queues behind it.
  const auto r = replayInline(
      [](Setup& s) {
        auto& lock = s.make<EX_PUSH_LOCK>("P");
        ExInitializePushLock(&lock);
        s.systemThread("lookup", [&lock] {
          KeEnterCriticalRegion();
          ExAcquirePushLockShared(&lock);
          ExAcquirePushLockShared(&lock);
          ExReleasePushLockShared(&lock);
          ExReleasePushLockShared(&lock);
          KeLeaveCriticalRegion();
        });
        locker(s, lock, "writer", true);
      },
      {run(0), run(1), run(0)});
  REQUIRE(r.verdict.result == Result::Violation);
  CHECK(r.verdict.kind() == ViolationKind::Deadlock);
  // The generic view sees the lookup waiting on a lock it holds itself.
  CHECK(r.verdict.violation->rule == "SelfDeadlock");
  CHECK(r.verdict.violation->threads == std::vector<ThreadId>{0});
}

TEST_CASE("§3.7 shared is refused while another thread holds the lock exclusively") {
  const auto r = replayInline(
      [](Setup& s) {
        auto& lock = s.make<EX_PUSH_LOCK>("P");
        ExInitializePushLock(&lock);
        locker(s, lock, "writer", true);
        locker(s, lock, "reader", false);
      },
      {run(0), run(1)});
  REQUIRE(r.execution.schedule.size() == 2);
  CHECK(r.execution.snapshot.threads[1].state == "waiting");
  REQUIRE(r.execution.snapshot.objects[0].waiters.size() == 1);
  CHECK(r.execution.snapshot.objects[0].waiters[0].mode == "shared");
}

TEST_CASE("§3.7, §6 a release hands the lock to any waiter: each exclusive or the shared batch") {
  // owner holds it; x1, s, x2 queue; the release offers three alternatives: each exclusive
  // waiter in queue order, then the shared waiters together.
  const char* expected[] = {"x1", "x2", "s"};
  for (const std::uint16_t pick : {std::uint16_t{0}, std::uint16_t{1}, std::uint16_t{2}}) {
    CAPTURE(pick);
    const auto r = replayInline(
        [](Setup& s) {
          auto& lock = s.make<EX_PUSH_LOCK>("P");
          ExInitializePushLock(&lock);
          locker(s, lock, "owner", true);
          locker(s, lock, "x1", true);
          locker(s, lock, "s", false);
          locker(s, lock, "x2", true);
        },
        {run(0), run(1), run(2), run(3), run(0), branch(pick, 3)});
    REQUIRE(r.execution.schedule.size() == 6);  // the branch had exactly three alternatives
    const auto& owners = r.execution.snapshot.objects[0].owners;
    REQUIRE(owners.size() == 1);
    CHECK(owners[0].thread == expected[pick]);
    CHECK(owners[0].mode == (pick == 2 ? "shared" : "exclusive"));
  }
}

TEST_CASE("§3.7 ExAcquirePushLockExclusive outside a critical region: PushLockWithinCriticalRegion, DV 0xEA") {
  const auto e = exploreInline([](Setup& s) {
    auto& lock = s.make<EX_PUSH_LOCK>("P");
    ExInitializePushLock(&lock);
    s.systemThread("T", [&lock] {
      ExAcquirePushLockExclusive(&lock);
      KeEnterCriticalRegion();
      ExReleasePushLockExclusive(&lock);
      KeLeaveCriticalRegion();
    });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.kind() == ViolationKind::ContractViolation);
  CHECK(e.verdict.violation->rule == "PushLockWithinCriticalRegion");
  CHECK(e.verdict.violation->code == 0xEA);
}

TEST_CASE("§3.7 ExReleasePushLockShared outside a critical region: PushLockWithinCriticalRegion, DV 0xEB") {
  const auto e = exploreInline([](Setup& s) {
    auto& lock = s.make<EX_PUSH_LOCK>("P");
    ExInitializePushLock(&lock);
    s.systemThread("T", [&lock] {
      KeEnterCriticalRegion();
      ExAcquirePushLockShared(&lock);
      KeLeaveCriticalRegion();
      ExReleasePushLockShared(&lock);
    });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.violation->rule == "PushLockWithinCriticalRegion");
  CHECK(e.verdict.violation->code == 0xEB);
}

TEST_CASE("§3.7 a push lock at DISPATCH_LEVEL is IrqlPushLockApcLte") {
  const auto e = single([](EX_PUSH_LOCK& lock) {
    KIRQL old = PASSIVE_LEVEL;
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    ExAcquirePushLockShared(&lock);
    ExReleasePushLockShared(&lock);
    KeLowerIrql(old);
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.violation->rule == "IrqlPushLockApcLte");
}

TEST_CASE("§3.7 releasing a push lock the caller does not hold: PushLockReleaseNotOwned") {
  const auto e = single([](EX_PUSH_LOCK& lock) { ExReleasePushLockExclusive(&lock); });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.kind() == ViolationKind::ContractViolation);
  CHECK(e.verdict.violation->rule == "PushLockReleaseNotOwned");
}

TEST_CASE("§3.7 FltAcquirePushLock* enter a critical region and FltReleasePushLock leaves it") {
  BOOLEAN inside = FALSE;
  BOOLEAN after = TRUE;
  const auto e = exploreInline([&](Setup& s) {
    auto& lock = s.make<EX_PUSH_LOCK>("P");
    FltInitializePushLock(&lock);
    s.userThread("filter", [&] {
      FltAcquirePushLockShared(&lock);
      inside = KeAreApcsDisabled();
      FltReleasePushLock(&lock);
      after = KeAreApcsDisabled();
      FltAcquirePushLockExclusive(&lock);
      FltReleasePushLock(&lock);
      FltDeletePushLock(&lock);
    });
  });
  CHECK(e.verdict.result == Result::Pass);  // no 0xEA/0xEB, regions balanced at return
  CHECK(inside == TRUE);
  CHECK(after == FALSE);
}

TEST_CASE("§3.7, §2.2 a suspension requested under FltAcquirePushLock takes effect in the release") {
  // The suspend APC waits for FltReleasePushLock's leave; the lock is free by then.
  const auto r = replayInline(
      [](Setup& s) {
        auto& lock = s.make<EX_PUSH_LOCK>("P");
        auto& x = s.make<Shared<LONG>>("x");
        FltInitializePushLock(&lock);
        s.userThread("filter", [&lock, &x] {
          FltAcquirePushLockExclusive(&lock);
          x.store(1);
          FltReleasePushLock(&lock);
          x.store(2);
        });
      },
      {run(0), suspend(0), run(0), run(0)});
  REQUIRE(r.execution.schedule.size() == 4);
  CHECK(r.execution.snapshot.threads[0].state == "suspended");
  CHECK(r.execution.snapshot.objects[0].owners.empty());
  CHECK(r.verdict.result == Result::Pass);
}

TEST_CASE("§3.7 FltDeletePushLock on a held lock: PushLockDeletedWhileOwned") {
  const auto e = exploreInline([](Setup& s) {
    auto& lock = s.make<EX_PUSH_LOCK>("P");
    FltInitializePushLock(&lock);
    s.systemThread("T", [&lock] {
      FltAcquirePushLockExclusive(&lock);
      FltDeletePushLock(&lock);
      FltReleasePushLock(&lock);
    });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.violation->rule == "PushLockDeletedWhileOwned");
}

TEST_CASE("§3.7 a push lock used before initialization: PushLockInitialized") {
  const auto e = exploreInline([](Setup& s) {
    auto& lock = s.make<EX_PUSH_LOCK>("P");
    s.systemThread("T", [&lock] {
      FltAcquirePushLockShared(&lock);
      FltReleasePushLock(&lock);
    });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.violation->rule == "PushLockInitialized");
}

TEST_CASE("§3.7 re-initializing a held push lock: PushLockReinitialized") {
  const auto e = single([](EX_PUSH_LOCK& lock) {
    ExAcquirePushLockExclusive(&lock);
    ExInitializePushLock(&lock);
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.kind() == ViolationKind::ContractViolation);
  CHECK(e.verdict.violation->rule == "PushLockReinitialized");
}
