// KSPIN_LOCK, ordinary and in-stack queued (kernel-rules.md §3.2, §6).
#include "LockTestSupport.hpp"

#include <doctest/doctest.h>

using namespace interlock;
using namespace interlock::wdm;
using namespace interlock::test;

namespace {

KSPIN_LOCK& spinLock(Setup& s, const char* name = "S") {
  auto& lock = s.make<KSPIN_LOCK>(name);
  KeInitializeSpinLock(&lock);
  return lock;
}

void ordinaryUser(Setup& s, const char* name, KSPIN_LOCK& lock) {
  s.systemThread(name, [&lock] {
    KIRQL old = PASSIVE_LEVEL;
    KeAcquireSpinLock(&lock, &old);
    KeReleaseSpinLock(&lock, old);
  });
}

void queuedUser(Setup& s, const char* name, KSPIN_LOCK& lock) {
  s.systemThread(name, [&lock] {
    KLOCK_QUEUE_HANDLE handle;
    KeAcquireInStackQueuedSpinLock(&lock, &handle);
    KeReleaseInStackQueuedSpinLock(&handle);
  });
}

}  // namespace

TEST_CASE("KeAcquireSpinLock raises to DISPATCH_LEVEL and returns the old IRQL; KeReleaseSpinLock restores it (§3.2)") {
  KIRQL old = 0xFF, held = 0xFF, after = 0xFF;
  ThreadId owner = kNoThread;
  const auto e = exploreInline([&](Setup& s) {
    auto& lock = spinLock(s);
    s.systemThread("driver", [&] {
      KeAcquireSpinLock(&lock, &old);
      held = KeGetCurrentIrql();
      owner = lock.owner;
      KeReleaseSpinLock(&lock, old);
      after = KeGetCurrentIrql();
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(e.stats.executions == 1);
  CHECK(e.stats.steps == 2);
  CHECK(old == PASSIVE_LEVEL);
  CHECK(held == DISPATCH_LEVEL);
  CHECK(owner == 0);
  CHECK(after == PASSIVE_LEVEL);
}

TEST_CASE("KeAcquireSpinLock above DISPATCH_LEVEL is IrqlKeDispatchLte, DV 0x42") {
  KIRQL old = 0xFF;
  const auto e = exploreInline([&](Setup& s) {
    auto& lock = spinLock(s);
    s.systemThread("driver", [&] {
      KIRQL entry = PASSIVE_LEVEL;
      KeRaiseIrql(HIGH_LEVEL, &entry);
      KeAcquireSpinLock(&lock, &old);  // bug
      KeLowerIrql(DISPATCH_LEVEL);
      KeReleaseSpinLock(&lock, entry);
    });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.kind() == ViolationKind::ContractViolation);
  CHECK(e.verdict.violation->rule == "IrqlKeDispatchLte");
  CHECK(e.verdict.violation->code == 0x42);
  CHECK(e.verdict.causes.size() == 1);
  CHECK(old == HIGH_LEVEL);  // not lowered: the model leaves the IRQL where it was
}

TEST_CASE("KeReleaseSpinLock below DISPATCH_LEVEL is IrqlKeReleaseSpinLock, DV 0x32") {
  const auto e = exploreInline([](Setup& s) {
    auto& lock = spinLock(s);
    s.systemThread("driver", [&lock] {
      KIRQL old = PASSIVE_LEVEL;
      KeAcquireSpinLock(&lock, &old);
      KeLowerIrql(old);              // bug: lowers while holding the lock
      KeReleaseSpinLock(&lock, old);
    });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.kind() == ViolationKind::ContractViolation);
  CHECK(e.verdict.violation->rule == "IrqlKeReleaseSpinLock");
  CHECK(e.verdict.violation->code == 0x32);
  CHECK(e.verdict.causes.size() == 1);
}

TEST_CASE("the AtDpcLevel forms below DISPATCH_LEVEL are IrqlDispatch, DV 0x40 and 0x41") {
  const auto e = exploreInline([](Setup& s) {
    auto& lock = spinLock(s);
    s.systemThread("driver", [&lock] {
      KeAcquireSpinLockAtDpcLevel(&lock);  // bug: at PASSIVE_LEVEL
      KeReleaseSpinLockFromDpcLevel(&lock);
    });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.kind() == ViolationKind::ContractViolation);
  CHECK(e.verdict.violation->rule == "IrqlDispatch");
  CHECK(e.verdict.violation->code == 0x40);
  REQUIRE(e.verdict.causes.size() == 2);
  CHECK(e.verdict.causes[1].code == 0x41);
}

TEST_CASE("the AtDpcLevel forms at DISPATCH_LEVEL take and free the lock without changing IRQL") {
  KIRQL held = 0xFF;
  ThreadId owner = kNoThread, afterOwner = 0;
  const auto e = exploreInline([&](Setup& s) {
    auto& lock = spinLock(s);
    s.systemThread("dpc", [&] {
      KIRQL old = PASSIVE_LEVEL;
      KeRaiseIrql(DISPATCH_LEVEL, &old);
      KeAcquireSpinLockAtDpcLevel(&lock);
      held = KeGetCurrentIrql();
      owner = lock.owner;
      KeReleaseSpinLockFromDpcLevel(&lock);
      afterOwner = lock.owner;
      KeLowerIrql(old);
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(held == DISPATCH_LEVEL);
  CHECK(owner == 0);
  CHECK(afterOwner == kNoThread);
}

TEST_CASE("a recursive KeAcquireSpinLock spins forever: SelfDeadlock (§3.2)") {
  const auto e = exploreInline([](Setup& s) {
    auto& lock = spinLock(s);
    s.systemThread("driver", [&lock] {
      KIRQL outer = PASSIVE_LEVEL, inner = PASSIVE_LEVEL;
      KeAcquireSpinLock(&lock, &outer);
      KeAcquireSpinLock(&lock, &inner);  // bug
    });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.kind() == ViolationKind::Deadlock);
  CHECK(e.verdict.violation->rule == "SelfDeadlock");
  CHECK(e.stats.executions == 1);
}

TEST_CASE("an in-stack queued spin lock grants in request order: no branch, FIFO (§3.2)") {
  // holder (0) owns S; first (1) then second (2) queue. The release goes to first without a
  // choice point, so this schedule replays exactly, and second cannot be scheduled before.
  auto setup = [](Setup& s) {
    auto& lock = spinLock(s);
    for (const char* name : {"holder", "first", "second"}) queuedUser(s, name, lock);
  };
  const auto r = replayInline(setup, {run(0), run(1), run(2), run(0), run(1), run(1), run(2), run(2)});
  REQUIRE_FALSE(r.divergence);
  CHECK(r.verdict.result == Result::Pass);
  const auto woken = eventsOf(r.execution, EventKind::Woken);
  REQUIRE(woken.size() == 2);
  CHECK(woken[0].thread == 1);
  CHECK(woken[1].thread == 2);
  const auto unfair = replayInline(setup, {run(0), run(1), run(2), run(0), run(2)});
  REQUIRE(unfair.divergence);  // second is still queued behind first
}

TEST_CASE("two threads on a queued spin lock: 4 executions; on an ordinary one: 6 (§3.2, §6)") {
  // Per first acquirer: the other asks after the release (1) or before it (1 with FIFO
  // hand-off; 2 for an ordinary lock, whose release branches hand-off / free-and-retry).
  const auto queued = exploreInline([](Setup& s) {
    auto& lock = spinLock(s);
    queuedUser(s, "a", lock);
    queuedUser(s, "b", lock);
  });
  CHECK(queued.verdict.result == Result::Pass);
  CHECK(queued.stats.executions == 4);
  const auto ordinary = exploreInline([](Setup& s) {
    auto& lock = spinLock(s);
    ordinaryUser(s, "a", lock);
    ordinaryUser(s, "b", lock);
  });
  CHECK(ordinary.verdict.result == Result::Pass);
  CHECK(ordinary.stats.executions == 6);
}

TEST_CASE("an ordinary spin-lock release may let any spinner win, the later one included (§6)") {
  // holder (0) owns S; first (1) and second (2) spin. Hand-off (0) to spinner index 1: second.
  auto setup = [](Setup& s) {
    auto& lock = spinLock(s);
    for (const char* name : {"holder", "first", "second"}) ordinaryUser(s, name, lock);
  };
  const auto r = replayInline(setup, {run(0), run(1), run(2), run(0), branch(0, 2), branch(1, 2),
                                      run(2), run(2), branch(0, 2), run(1), run(1)});
  REQUIRE_FALSE(r.divergence);
  CHECK(r.verdict.result == Result::Pass);
  const auto woken = eventsOf(r.execution, EventKind::Woken);
  REQUIRE(woken.size() == 2);
  CHECK(woken[0].thread == 2);
  CHECK(woken[1].thread == 1);
}

TEST_CASE("a spinner is at DISPATCH_LEVEL: its suspension waits for the release that lowers to PASSIVE (§2.2)") {
  const auto r = replayInline(
      [](Setup& s) {
        auto& lock = spinLock(s);
        auto& x = s.make<Shared<LONG>>("x");
        ordinaryUser(s, "holder", lock);
        s.userThread("user", [&lock, &x] {
          KIRQL old = PASSIVE_LEVEL;
          KeAcquireSpinLock(&lock, &old);
          x.store(1);
          KeReleaseSpinLock(&lock, old);
        });
      },
      {run(0), run(1), suspend(1), run(0), branch(0, 2), run(1), run(1), run(1)});
  REQUIRE_FALSE(r.divergence);
  CHECK(eventsOf(r.execution, EventKind::Call, "write").size() == 1);
  const std::size_t delivered = indexOf(r.execution, EventKind::ApcDelivered);
  REQUIRE(delivered < r.execution.events.size());
  CHECK(std::string_view(r.execution.events[delivered - 1].api) == "KeReleaseSpinLock");
}

TEST_CASE("KeReleaseInStackQueuedSpinLock restores the IRQL saved in the handle") {
  KIRQL saved = 0xFF, held = 0xFF, after = 0xFF;
  const auto e = exploreInline([&](Setup& s) {
    auto& lock = spinLock(s);
    s.systemThread("driver", [&] {
      KIRQL old = PASSIVE_LEVEL;
      KeRaiseIrql(APC_LEVEL, &old);
      KLOCK_QUEUE_HANDLE handle;
      KeAcquireInStackQueuedSpinLock(&lock, &handle);
      saved = handle.OldIrql;
      held = KeGetCurrentIrql();
      KeReleaseInStackQueuedSpinLock(&handle);
      after = KeGetCurrentIrql();
      KeLowerIrql(old);
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(saved == APC_LEVEL);
  CHECK(held == DISPATCH_LEVEL);
  CHECK(after == APC_LEVEL);
}

TEST_CASE("mixing queued and ordinary use of one spin lock is SpinLockMixedUse (§3.2)") {
  const auto e = exploreInline([](Setup& s) {
    auto& lock = spinLock(s);
    ordinaryUser(s, "ordinary", lock);
    queuedUser(s, "queued", lock);  // bug: the same lock through the other protocol
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.kind() == ViolationKind::ContractViolation);
  CHECK(e.verdict.violation->rule == "SpinLockMixedUse");
}

TEST_CASE("KeReleaseSpinLock of a lock nobody holds is SpinlockRelease (0x4000B)") {
  const auto e = exploreInline([](Setup& s) {
    auto& lock = spinLock(s);
    s.systemThread("driver", [&lock] {
      KIRQL old = PASSIVE_LEVEL;
      KeRaiseIrql(DISPATCH_LEVEL, &old);
      KeReleaseSpinLock(&lock, old);  // bug: never acquired
    });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.kind() == ViolationKind::ContractViolation);
  CHECK(e.verdict.violation->rule == "SpinlockRelease");
  CHECK(e.verdict.violation->code == 0x4000B);
  CHECK(e.verdict.causes.size() == 1);
}

TEST_CASE("KeReleaseInStackQueuedSpinLock of a lock no longer held is QueuedSpinLockRelease (0x40007)") {
  const auto e = exploreInline([](Setup& s) {
    auto& lock = spinLock(s);
    s.systemThread("driver", [&lock] {
      KLOCK_QUEUE_HANDLE handle;
      KeAcquireInStackQueuedSpinLock(&lock, &handle);
      KeReleaseInStackQueuedSpinLock(&handle);
      KIRQL old = PASSIVE_LEVEL;
      KeRaiseIrql(DISPATCH_LEVEL, &old);
      KeReleaseInStackQueuedSpinLock(&handle);  // bug: released twice
    });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.kind() == ViolationKind::ContractViolation);
  CHECK(e.verdict.violation->rule == "QueuedSpinLockRelease");
  CHECK(e.verdict.violation->code == 0x40007);
  CHECK(e.verdict.causes.size() == 1);
}

TEST_CASE("KeAcquireSpinLockRaiseToDpc raises to DISPATCH_LEVEL, returns the old IRQL and is released by KeReleaseSpinLock (§3.2)") {
  KIRQL old = 0xFF, held = 0xFF, after = 0xFF;
  const auto e = exploreInline([&](Setup& s) {
    auto& lock = spinLock(s);
    s.systemThread("driver", [&] {
      old = KeAcquireSpinLockRaiseToDpc(&lock);
      held = KeGetCurrentIrql();
      KeReleaseSpinLock(&lock, old);
      after = KeGetCurrentIrql();
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(old == PASSIVE_LEVEL);
  CHECK(held == DISPATCH_LEVEL);
  CHECK(after == PASSIVE_LEVEL);
}

TEST_CASE("KeAcquireSpinLockRaiseToDpc above DISPATCH_LEVEL is IrqlKeDispatchLte, DV 0x42") {
  const auto e = exploreInline([](Setup& s) {
    auto& lock = spinLock(s);
    s.systemThread("driver", [&lock] {
      KIRQL entry = PASSIVE_LEVEL;
      KeRaiseIrql(HIGH_LEVEL, &entry);
      (void)KeAcquireSpinLockRaiseToDpc(&lock);  // bug
      KeLowerIrql(DISPATCH_LEVEL);
      KeReleaseSpinLock(&lock, entry);
    });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.violation->rule == "IrqlKeDispatchLte");
  CHECK(e.verdict.violation->code == 0x42);
}

TEST_CASE("KeTryToAcquireSpinLockAtDpcLevel: TRUE when free, FALSE when held by another thread or by the caller, never spins (§3.2)") {
  BOOLEAN first = 0xFF, again = 0xFF, other = 0xFF;
  const auto r = replayInline(
      [&](Setup& s) {
        auto& lock = spinLock(s);
        s.systemThread("owner", [&] {
          KIRQL old = KeRaiseIrqlToDpcLevel();
          first = KeTryToAcquireSpinLockAtDpcLevel(&lock);
          again = KeTryToAcquireSpinLockAtDpcLevel(&lock);  // its own lock: FALSE, no self-deadlock
          KeReleaseSpinLockFromDpcLevel(&lock);
          KeLowerIrql(old);
        });
        s.systemThread("other", [&] {
          KIRQL old = KeRaiseIrqlToDpcLevel();
          other = KeTryToAcquireSpinLockAtDpcLevel(&lock);
          KeLowerIrql(old);
        });
      },
      {run(0), run(0), run(1), run(0)});
  REQUIRE_FALSE(r.divergence);
  CHECK(r.verdict.result == Result::Pass);
  CHECK(first == TRUE);
  CHECK(again == FALSE);
  CHECK(other == FALSE);
  CHECK(eventsOf(r.execution, EventKind::Blocked).empty());
}

TEST_CASE("KeTryToAcquireSpinLockAtDpcLevel below DISPATCH_LEVEL is IrqlDispatch (SDV 0x20003)") {
  const auto e = exploreInline([](Setup& s) {
    auto& lock = spinLock(s);
    s.systemThread("driver", [&lock] {
      if (KeTryToAcquireSpinLockAtDpcLevel(&lock)) {  // bug: at PASSIVE_LEVEL
        KIRQL old = KeRaiseIrqlToDpcLevel();
        KeReleaseSpinLockFromDpcLevel(&lock);
        KeLowerIrql(old);
      }
    });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.violation->rule == "IrqlDispatch");
  CHECK(e.verdict.violation->code == 0x20003);
  CHECK(e.verdict.causes.size() == 1);
}
