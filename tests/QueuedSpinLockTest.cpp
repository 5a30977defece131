// KSPIN_LOCK forms beyond the basic ones (kernel-rules §3.2, §15, §19).
#include "LockTestSupport.hpp"

#include <doctest/doctest.h>

using namespace interlock;
using namespace interlock::wdm;
using namespace interlock::test;

namespace {

KSPIN_LOCK& spinLock(Setup& s) {
  auto& lock = s.make<KSPIN_LOCK>("S");
  KeInitializeSpinLock(&lock);
  return lock;
}

void checkRule(const Exploration& e, const char* rule) {
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.kind() == ViolationKind::ContractViolation);
  CHECK(e.verdict.violation->rule == rule);
}

}  // namespace

TEST_CASE("KeAcquireInStackQueuedSpinLockAtDpcLevel leaves IRQL alone and grants waiters in request order (§15)") {
  std::vector<std::string> order;
  const auto r = replayInline(
      [&](Setup& s) {
        auto& lock = spinLock(s);
        for (const char* name : {"holder", "second", "third"}) {
          s.systemThread(name, [&lock, &order, name] {
            KIRQL old = PASSIVE_LEVEL;
            KeRaiseIrql(DISPATCH_LEVEL, &old);
            KLOCK_QUEUE_HANDLE handle;
            KeAcquireInStackQueuedSpinLockAtDpcLevel(&lock, &handle);
            order.emplace_back(name);
            CHECK(KeGetCurrentIrql() == DISPATCH_LEVEL);
            KeReleaseInStackQueuedSpinLockFromDpcLevel(&handle);
            KeLowerIrql(old);
          });
        }
      },
      // holder takes it; second, then third queue; each release hands it to the next in line.
      {run(0), run(1), run(2), run(0), run(1), run(1), run(2), run(2)});
  CHECK_FALSE(r.divergence);
  CHECK(r.verdict.result == Result::Pass);
  CHECK(order == std::vector<std::string>{"holder", "second", "third"});
}

TEST_CASE("KeAcquireInStackQueuedSpinLockAtDpcLevel below DISPATCH_LEVEL is IrqlDispatch") {
  const auto e = exploreInline([](Setup& s) {
    auto& lock = spinLock(s);
    s.systemThread("t", [&lock] {
      KLOCK_QUEUE_HANDLE handle;
      KeAcquireInStackQueuedSpinLockAtDpcLevel(&lock, &handle);  // bug: at PASSIVE_LEVEL
      KeReleaseInStackQueuedSpinLockFromDpcLevel(&handle);
    });
  });
  checkRule(e, "IrqlDispatch");
}

TEST_CASE("a queued acquire of a lock used with KeAcquireSpinLock is SpinLockMixedUse") {
  const auto e = exploreInline([](Setup& s) {
    auto& lock = spinLock(s);
    s.systemThread("t", [&lock] {
      KIRQL old = PASSIVE_LEVEL;
      KeAcquireSpinLock(&lock, &old);
      KeReleaseSpinLock(&lock, old);
      KeRaiseIrql(DISPATCH_LEVEL, &old);
      KLOCK_QUEUE_HANDLE handle;
      KeAcquireInStackQueuedSpinLockAtDpcLevel(&lock, &handle);  // bug: mixed use
      KeReleaseInStackQueuedSpinLockFromDpcLevel(&handle);
      KeLowerIrql(old);
    });
  });
  checkRule(e, "SpinLockMixedUse");
}

TEST_CASE("a queued acquire by the thread that holds the lock queues behind itself: SelfDeadlock") {
  const auto e = exploreInline([](Setup& s) {
    auto& lock = spinLock(s);
    s.systemThread("t", [&lock] {
      KLOCK_QUEUE_HANDLE outer;
      KLOCK_QUEUE_HANDLE inner;
      KeAcquireInStackQueuedSpinLock(&lock, &outer);
      KeAcquireInStackQueuedSpinLockAtDpcLevel(&lock, &inner);  // bug: recursion
      KeReleaseInStackQueuedSpinLockFromDpcLevel(&inner);
      KeReleaseInStackQueuedSpinLock(&outer);
    });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.kind() == ViolationKind::Deadlock);
}

TEST_CASE("the ForDpc forms outside a DPC routine are SpinLockForDpcOutsideDpc and change no IRQL (§19)") {
  KIRQL during = 0xFF, returned = 0xFF;
  const auto e = exploreInline([&](Setup& s) {
    auto& lock = spinLock(s);
    s.systemThread("t", [&] {
      returned = KeAcquireSpinLockForDpc(&lock);
      during = KeGetCurrentIrql();
      KeReleaseSpinLockForDpc(&lock, returned);
    });
  });
  checkRule(e, "SpinLockForDpcOutsideDpc");
  CHECK(returned == PASSIVE_LEVEL);
  CHECK(during == PASSIVE_LEVEL);
}

TEST_CASE("KeAcquireInStackQueuedSpinLockForDpc outside a DPC routine is SpinLockForDpcOutsideDpc; the lock still excludes") {
  const auto e = exploreInline([&](Setup& s) {
    auto& lock = spinLock(s);
    auto& counter = s.make<Shared<LONG>>("counter");
    for (const char* name : {"a", "b"}) {
      s.systemThread(name, [&] {
        KLOCK_QUEUE_HANDLE handle;
        KeAcquireInStackQueuedSpinLockForDpc(&lock, &handle);
        counter.store(counter.load() + 1);
        KeReleaseInStackQueuedSpinLockForDpc(&handle);
      });
    }
  });
  checkRule(e, "SpinLockForDpcOutsideDpc");
}

TEST_CASE("KeTestSpinLock returns FALSE while the lock is held and TRUE when it is free, and never acquires it") {
  std::vector<BOOLEAN> results;
  ThreadId ownerAfter = 0;
  const auto e = exploreInline([&](Setup& s) {
    results.clear();
    auto& lock = spinLock(s);
    s.systemThread("t", [&] {
      results.push_back(KeTestSpinLock(&lock));
      ownerAfter = lock.owner;
      KIRQL old = PASSIVE_LEVEL;
      KeAcquireSpinLock(&lock, &old);
      results.push_back(KeTestSpinLock(&lock));
      KeReleaseSpinLock(&lock, old);
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(results == std::vector<BOOLEAN>{TRUE, FALSE});
  CHECK(ownerAfter == kNoThread);
}

TEST_CASE("KeRaiseIrqlToSynchLevel raises to SYNCH_LEVEL and returns the old IRQL") {
  KIRQL raised = 0xFF, before = 0xFF;
  const auto e = exploreInline([&](Setup& s) {
    s.systemThread("t", [&] {
      before = KeRaiseIrqlToSynchLevel();
      raised = KeGetCurrentIrql();
      KeLowerIrql(before);
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(before == PASSIVE_LEVEL);
  CHECK(raised == SYNCH_LEVEL);
}

TEST_CASE("ExAcquireSpinLock and ExReleaseSpinLock are KeAcquireSpinLock and KeReleaseSpinLock") {
  KIRQL held = 0xFF;
  const auto e = exploreInline([&](Setup& s) {
    auto& lock = spinLock(s);
    s.systemThread("t", [&] {
      KIRQL old = PASSIVE_LEVEL;
      ExAcquireSpinLock(&lock, &old);
      held = KeGetCurrentIrql();
      ExReleaseSpinLock(&lock, old);
      KeRaiseIrql(DISPATCH_LEVEL, &old);
      ExAcquireSpinLockAtDpcLevel(&lock);
      ExReleaseSpinLockFromDpcLevel(&lock);
      KeLowerIrql(old);
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(held == DISPATCH_LEVEL);
}
