// EX_SPIN_LOCK, the executive reader/writer spin lock (kernel-rules §14, §19).
#include "LockTestSupport.hpp"

#include <doctest/doctest.h>

#include <set>

using namespace interlock;
using namespace interlock::wdm;
using namespace interlock::test;

namespace {

void checkRule(const Exploration& e, ViolationKind kind, const char* rule) {
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.kind() == kind);
  CHECK(e.verdict.violation->rule == rule);
}

}  // namespace

TEST_CASE("ExAcquireSpinLockShared raises to DISPATCH_LEVEL and returns the old IRQL; two readers hold it at once") {
  KIRQL old = 0xFF, held = 0xFF, after = 0xFF;
  std::size_t mostReaders = 0;
  const auto e = exploreInline([&](Setup& s) {
    auto& lock = s.make<EX_SPIN_LOCK>("L");
    for (const char* name : {"a", "b"}) {
      s.systemThread(name, [&] {
        const KIRQL entry = ExAcquireSpinLockShared(&lock);
        old = entry;
        held = KeGetCurrentIrql();
        OwnerList owners;
        lock.owners(owners);
        mostReaders = std::max(mostReaders, owners.size());
        ExReleaseSpinLockShared(&lock, entry);
        after = KeGetCurrentIrql();
      });
    }
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(old == PASSIVE_LEVEL);
  CHECK(held == DISPATCH_LEVEL);
  CHECK(after == PASSIVE_LEVEL);
  CHECK(mostReaders == 2);  // in some interleaving both read under the lock together
}

TEST_CASE("ExAcquireSpinLockExclusive excludes readers and writers: the protected counter ends at 2 in every execution") {
  LONG final = 0;
  const auto e = exploreInline([&](Setup& s) {
    auto& lock = s.make<EX_SPIN_LOCK>("L");
    auto& counter = s.make<Shared<LONG>>("counter");
    for (const char* name : {"a", "b"}) {
      s.systemThread(name, [&] {
        const KIRQL old = ExAcquireSpinLockExclusive(&lock);
        counter.store(counter.load() + 1);
        ExReleaseSpinLockExclusive(&lock, old);
        final = counter.peek();
      });
    }
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(e.stats.executions >= 2);
  CHECK(final == 2);
}

TEST_CASE("a reader re-acquiring an EX_SPIN_LOCK shared passes with no writer waiting (§14)") {
  const auto e = exploreInline([](Setup& s) {
    auto& lock = s.make<EX_SPIN_LOCK>("L");
    s.systemThread("reader", [&lock] {
      const KIRQL old = ExAcquireSpinLockShared(&lock);
      ExAcquireSpinLockSharedAtDpcLevel(&lock);
      ExReleaseSpinLockSharedFromDpcLevel(&lock);
      ExReleaseSpinLockShared(&lock, old);
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(e.stats.executions == 1);
}

TEST_CASE("a reader re-acquiring an EX_SPIN_LOCK shared while a writer waits deadlocks (§14)") {
  const auto e = exploreInline([](Setup& s) {
    auto& lock = s.make<EX_SPIN_LOCK>("L");
    s.systemThread("reader", [&lock] {
      const KIRQL old = ExAcquireSpinLockShared(&lock);
      ExAcquireSpinLockSharedAtDpcLevel(&lock);  // bug: recursion
      ExReleaseSpinLockSharedFromDpcLevel(&lock);
      ExReleaseSpinLockShared(&lock, old);
    });
    s.systemThread("writer", [&lock] {
      const KIRQL old = ExAcquireSpinLockExclusive(&lock);
      ExReleaseSpinLockExclusive(&lock, old);
    });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.kind() == ViolationKind::Deadlock);
}

TEST_CASE("a waiting writer turns a new reader away; the release grants the writer first (§14)") {
  std::vector<std::string> order;
  const auto r = replayInline(
      [&](Setup& s) {
        auto& lock = s.make<EX_SPIN_LOCK>("L");
        s.systemThread("first", [&] {
          const KIRQL old = ExAcquireSpinLockShared(&lock);
          ExReleaseSpinLockShared(&lock, old);
        });
        s.systemThread("writer", [&] {
          const KIRQL old = ExAcquireSpinLockExclusive(&lock);
          order.push_back("writer");
          ExReleaseSpinLockExclusive(&lock, old);
        });
        s.systemThread("late", [&] {
          const KIRQL old = ExAcquireSpinLockShared(&lock);
          order.push_back("late reader");
          ExReleaseSpinLockShared(&lock, old);
        });
      },
      {run(0), run(1), run(2), run(0), run(1), run(1), run(2), run(2)});
  CHECK_FALSE(r.divergence);
  CHECK(order == std::vector<std::string>{"writer", "late reader"});
}

TEST_CASE("ExTryAcquireSpinLockExclusiveAtDpcLevel returns FALSE while a reader holds the lock, TRUE when free") {
  std::vector<LOGICAL> results;
  const auto e = exploreInline([&](Setup& s) {
    results.clear();
    auto& lock = s.make<EX_SPIN_LOCK>("L");
    s.systemThread("t", [&] {
      KIRQL old = PASSIVE_LEVEL;
      KeRaiseIrql(DISPATCH_LEVEL, &old);
      ExAcquireSpinLockSharedAtDpcLevel(&lock);
      results.push_back(ExTryAcquireSpinLockExclusiveAtDpcLevel(&lock));
      results.push_back(ExTryAcquireSpinLockSharedAtDpcLevel(&lock));
      ExReleaseSpinLockSharedFromDpcLevel(&lock);
      ExReleaseSpinLockSharedFromDpcLevel(&lock);
      results.push_back(ExTryAcquireSpinLockExclusiveAtDpcLevel(&lock));
      ExReleaseSpinLockExclusiveFromDpcLevel(&lock);
      KeLowerIrql(old);
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(results == std::vector<LOGICAL>{FALSE, TRUE, TRUE});
}

TEST_CASE("ExTryConvertSharedSpinLockExclusive by the only reader returns TRUE and the caller holds it exclusively") {
  ThreadId owner = kNoThread;
  LOGICAL converted = FALSE;
  const auto e = exploreInline([&](Setup& s) {
    auto& lock = s.make<EX_SPIN_LOCK>("L");
    s.systemThread("t", [&] {
      const KIRQL old = ExAcquireSpinLockShared(&lock);
      converted = ExTryConvertSharedSpinLockExclusive(&lock);
      owner = lock.exclusiveOwner;
      ExReleaseSpinLockExclusive(&lock, old);  // the exclusive release, the shared acquire's IRQL
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(converted == TRUE);
  CHECK(owner == 0);
}

TEST_CASE("ExTryConvertSharedSpinLockExclusive with another reader branches: FALSE, or TRUE once the other reader leaves (§19)") {
  std::set<LOGICAL> outcomes;
  const auto e = exploreInline([&](Setup& s) {
    auto& lock = s.make<EX_SPIN_LOCK>("L");
    auto& gate = s.make<KEVENT>("bothRead");
    KeInitializeEvent(&gate, NotificationEvent, FALSE);
    s.systemThread("converter", [&] {
      KeWaitForSingleObject(&gate, Executive, KernelMode, FALSE, nullptr);
      const KIRQL old = ExAcquireSpinLockShared(&lock);
      const LOGICAL result = ExTryConvertSharedSpinLockExclusive(&lock);
      outcomes.insert(result);
      if (result) ExReleaseSpinLockExclusive(&lock, old);
      else ExReleaseSpinLockShared(&lock, old);
    });
    s.systemThread("other", [&] {
      const KIRQL old = ExAcquireSpinLockShared(&lock);
      KeSetEvent(&gate, IO_NO_INCREMENT, FALSE);
      ExReleaseSpinLockShared(&lock, old);
    });
  });
  CHECK_MESSAGE(e.verdict.result == Result::Pass, (e.verdict.violation ? e.verdict.violation->message : ""));
  CHECK(outcomes == std::set<LOGICAL>{FALSE, TRUE});
}

TEST_CASE("ExTryConvertSharedSpinLockExclusive with a writer waiting returns FALSE") {
  std::vector<LOGICAL> results;
  const auto r = replayInline(
      [&](Setup& s) {
        auto& lock = s.make<EX_SPIN_LOCK>("L");
        s.systemThread("reader", [&] {
          const KIRQL old = ExAcquireSpinLockShared(&lock);
          results.push_back(ExTryConvertSharedSpinLockExclusive(&lock));
          ExReleaseSpinLockShared(&lock, old);
        });
        s.systemThread("writer", [&] {
          const KIRQL old = ExAcquireSpinLockExclusive(&lock);
          ExReleaseSpinLockExclusive(&lock, old);
        });
      },
      {run(0), run(1), run(0), run(0), run(1), run(1)});
  CHECK_FALSE(r.divergence);
  CHECK(results == std::vector<LOGICAL>{FALSE});
}

TEST_CASE("ExTryConvertSharedSpinLockExclusive without holding the lock shared is ExSpinLockConvertNotShared") {
  const auto e = exploreInline([](Setup& s) {
    auto& lock = s.make<EX_SPIN_LOCK>("L");
    s.systemThread("t", [&lock] {
      KIRQL old = PASSIVE_LEVEL;
      KeRaiseIrql(DISPATCH_LEVEL, &old);
      CHECK(ExTryConvertSharedSpinLockExclusive(&lock) == FALSE);
      KeLowerIrql(old);
    });
  });
  checkRule(e, ViolationKind::ContractViolation, "ExSpinLockConvertNotShared");
}

TEST_CASE("ExAcquireSpinLockExclusive above DISPATCH_LEVEL is IrqlExDispatchLte") {
  const auto e = exploreInline([](Setup& s) {
    auto& lock = s.make<EX_SPIN_LOCK>("L");
    s.systemThread("t", [&lock] {
      KIRQL entry = PASSIVE_LEVEL;
      KeRaiseIrql(HIGH_LEVEL, &entry);
      const KIRQL old = ExAcquireSpinLockExclusive(&lock);
      ExReleaseSpinLockExclusiveFromDpcLevel(&lock);
      (void)old;
      KeLowerIrql(entry);
    });
  });
  checkRule(e, ViolationKind::ContractViolation, "IrqlExDispatchLte");
}

TEST_CASE("ExAcquireSpinLockSharedAtDpcLevel below DISPATCH_LEVEL is IrqlDispatch") {
  const auto e = exploreInline([](Setup& s) {
    auto& lock = s.make<EX_SPIN_LOCK>("L");
    s.systemThread("t", [&lock] {
      ExAcquireSpinLockSharedAtDpcLevel(&lock);  // bug: at PASSIVE_LEVEL
      ExReleaseSpinLockSharedFromDpcLevel(&lock);
    });
  });
  checkRule(e, ViolationKind::ContractViolation, "IrqlDispatch");
}

TEST_CASE("ExReleaseSpinLockExclusive by a thread that does not hold it is ExSpinLockReleaseNotOwned") {
  const auto e = exploreInline([](Setup& s) {
    auto& lock = s.make<EX_SPIN_LOCK>("L");
    s.systemThread("t", [&lock] {
      const KIRQL old = ExAcquireSpinLockShared(&lock);
      ExReleaseSpinLockExclusive(&lock, old);  // bug: the shared acquire needs the shared release
    });
  });
  checkRule(e, ViolationKind::ContractViolation, "ExSpinLockReleaseNotOwned");
}
