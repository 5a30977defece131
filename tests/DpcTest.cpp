// DPCs and the processor model (kernel-rules.md §7, §11).
#include "Support.hpp"

#include <doctest/doctest.h>

#include <set>

using namespace interlock;
using namespace interlock::wdm;
using namespace interlock::test;

namespace {

struct Runs {
  int count = 0;
  KIRQL irql = 0xFF;
  bool sawFlag = false;
};

void CountRun(KDPC*, PVOID context, PVOID, PVOID) {
  auto* runs = static_cast<Runs*>(context);
  ++runs->count;
  runs->irql = KeGetCurrentIrql();
}

Bounds onProcessors(std::uint32_t processors) {
  Bounds bounds;
  bounds.processors = processors;
  return bounds;
}

void checkRule(const Exploration& e, ViolationKind kind, const char* rule) {
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.kind() == kind);
  CHECK(e.verdict.violation->rule == rule);
}

}  // namespace

TEST_CASE("a queued DPC runs its routine once, at DISPATCH_LEVEL, with the arguments of its insert (§11)") {
  Runs runs;
  std::set<int> counts;
  PVOID seen = nullptr;
  static PVOID* seenAt = nullptr;
  seenAt = &seen;
  const auto e = exploreInline([&](Setup& s) {
    runs = Runs{};
    auto& dpc = s.make<KDPC>("D");
    KeInitializeDpc(&dpc, [](KDPC* self, PVOID context, PVOID argument1, PVOID) {
      CountRun(self, context, argument1, nullptr);
      *seenAt = argument1;
    }, &runs);
    s.systemThread("t", [&] {
      CHECK(KeInsertQueueDpc(&dpc, &runs, nullptr) == TRUE);
      KeFlushQueuedDpcs();
      counts.insert(runs.count);
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(counts == std::set<int>{1});
  CHECK(runs.irql == DISPATCH_LEVEL);
  CHECK(seen == &runs);
}

TEST_CASE("KeInsertQueueDpc on a DPC still queued returns FALSE; once dequeued it may be queued again (§11)") {
  std::set<BOOLEAN> second;
  std::set<int> runCounts;
  Runs runs;
  const auto e = exploreInline([&](Setup& s) {
    runs = Runs{};
    auto& dpc = s.make<KDPC>("D");
    KeInitializeDpc(&dpc, &CountRun, &runs);
    s.systemThread("t", [&] {
      (void)KeInsertQueueDpc(&dpc, nullptr, nullptr);
      const BOOLEAN again = KeInsertQueueDpc(&dpc, nullptr, nullptr);
      second.insert(again);
      KeFlushQueuedDpcs();
      runCounts.insert(runs.count);
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(second == std::set<BOOLEAN>{FALSE, TRUE});
  CHECK(runCounts == std::set<int>{1, 2});
}

TEST_CASE("on one processor a DPC queued below DISPATCH_LEVEL runs before KeInsertQueueDpc returns (§11)") {
  Runs runs;
  std::set<bool> seenReturned;
  const auto e = exploreInline([&](Setup& s) {
    runs = Runs{};
    auto& dpc = s.make<KDPC>("D");
    KeInitializeDpc(&dpc, [](KDPC*, PVOID context, PVOID, PVOID) {
      *static_cast<bool*>(context) = true;
    }, &runs.sawFlag);
    s.systemThread("t", [&] {
      (void)KeInsertQueueDpc(&dpc, nullptr, nullptr);
      seenReturned.insert(runs.sawFlag);
    });
  }, onProcessors(1));
  CHECK(e.verdict.result == Result::Pass);
  CHECK(seenReturned == std::set<bool>{true});
}

TEST_CASE("on one processor a DPC queued at DISPATCH_LEVEL runs only once the processor drops below it (§7, §11)") {
  bool lowered = false;
  std::set<bool> sawLowered;
  const auto e = exploreInline([&](Setup& s) {
    lowered = false;
    auto& dpc = s.make<KDPC>("D");
    KeInitializeDpc(&dpc, [](KDPC*, PVOID context, PVOID, PVOID) {
      *static_cast<bool*>(context) = true;
    }, &lowered);
    auto& flag = s.make<Shared<LONG>>("flag");
    s.systemThread("t", [&] {
      const KIRQL old = KeRaiseIrqlToDpcLevel();
      (void)KeInsertQueueDpc(&dpc, nullptr, nullptr);
      flag.store(1);
      sawLowered.insert(lowered);  // the DPC has not run: this processor is at DISPATCH_LEVEL
      KeLowerIrql(old);
      flag.store(2);
    });
  }, onProcessors(1));
  CHECK(e.verdict.result == Result::Pass);
  CHECK(sawLowered == std::set<bool>{false});
}

TEST_CASE("KeRemoveQueueDpc returns TRUE for a DPC still queued, whose routine then never runs (§11)") {
  Runs runs;
  std::set<BOOLEAN> removed;
  const auto e = exploreInline([&](Setup& s) {
    runs = Runs{};
    auto& dpc = s.make<KDPC>("D");
    KeInitializeDpc(&dpc, &CountRun, &runs);
    s.systemThread("t", [&] {
      const KIRQL old = KeRaiseIrqlToDpcLevel();
      (void)KeInsertQueueDpc(&dpc, nullptr, nullptr);
      removed.insert(KeRemoveQueueDpc(&dpc));
      KeLowerIrql(old);
      CHECK(KeRemoveQueueDpc(&dpc) == FALSE);
    });
  }, onProcessors(1));
  CHECK(e.verdict.result == Result::Pass);
  CHECK(removed == std::set<BOOLEAN>{TRUE});
  CHECK(runs.count == 0);
}

TEST_CASE("on one processor a thread at DISPATCH_LEVEL keeps the other thread off it until it lowers (§7)") {
  std::set<LONG> seen;
  const auto e = exploreInline([&](Setup& s) {
    auto& x = s.make<Shared<LONG>>("x");
    s.systemThread("raiser", [&] {
      (void)x.load();  // a step at PASSIVE_LEVEL first: the reader may run before the raise
      const KIRQL old = KeRaiseIrqlToDpcLevel();
      x.store(1);
      x.store(0);
      KeLowerIrql(old);
    });
    s.systemThread("reader", [&] { seen.insert(x.load()); });
  }, onProcessors(1));
  CHECK(e.verdict.result == Result::Pass);
  CHECK(seen == std::set<LONG>{0});
  CHECK(e.stats.executions == 2);  // the reader before the raiser, or after it lowered
}

TEST_CASE("on their own processors the same two threads interleave: the reader may see the 1 (§7)") {
  std::set<LONG> seen;
  const auto e = exploreInline([&](Setup& s) {
    auto& x = s.make<Shared<LONG>>("x");
    s.systemThread("raiser", [&] {
      const KIRQL old = KeRaiseIrqlToDpcLevel();
      x.store(1);
      x.store(0);
      KeLowerIrql(old);
    });
    s.systemThread("reader", [&] { seen.insert(x.load()); });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(seen == std::set<LONG>{0, 1});
}

TEST_CASE("a DPC whose wait must block is bug check 0xB8 ATTEMPTED_SWITCH_FROM_DPC (§11)") {
  const auto e = exploreInline([](Setup& s) {
    auto& event = s.make<KEVENT>("E");
    KeInitializeEvent(&event, NotificationEvent, FALSE);
    auto& dpc = s.make<KDPC>("D");
    KeInitializeDpc(&dpc, [](KDPC*, PVOID context, PVOID, PVOID) {
      (void)KeWaitForSingleObject(context, Executive, KernelMode, FALSE, nullptr);
    }, &event);
    s.systemThread("t", [&dpc] { (void)KeInsertQueueDpc(&dpc, nullptr, nullptr); });
  });
  checkRule(e, ViolationKind::BugCheck, "ATTEMPTED_SWITCH_FROM_DPC");
  CHECK(e.verdict.violation->code == 0xB8);
}

TEST_CASE("a zero-timeout wait in a DPC does not block and passes (§11)") {
  std::set<NTSTATUS> statuses;
  const auto e = exploreInline([&](Setup& s) {
    auto& event = s.make<KEVENT>("E");
    KeInitializeEvent(&event, NotificationEvent, FALSE);
    auto& dpc = s.make<KDPC>("D");
    static std::set<NTSTATUS>* out = nullptr;
    out = &statuses;
    KeInitializeDpc(&dpc, [](KDPC*, PVOID context, PVOID, PVOID) {
      LARGE_INTEGER zero{};
      out->insert(KeWaitForSingleObject(context, Executive, KernelMode, FALSE, &zero));
    }, &event);
    s.systemThread("t", [&dpc] { (void)KeInsertQueueDpc(&dpc, nullptr, nullptr); });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(statuses == std::set<NTSTATUS>{STATUS_TIMEOUT});
}

TEST_CASE("a DPC routine that returns below DISPATCH_LEVEL is IrqlDpcReturn (DV 0x31) (§11)") {
  const auto e = exploreInline([](Setup& s) {
    auto& dpc = s.make<KDPC>("D");
    KeInitializeDpc(&dpc, [](KDPC*, PVOID, PVOID, PVOID) { KeLowerIrql(PASSIVE_LEVEL); }, nullptr);
    s.systemThread("t", [&dpc] { (void)KeInsertQueueDpc(&dpc, nullptr, nullptr); });
  });
  checkRule(e, ViolationKind::ContractViolation, "IrqlDpcReturn");
}

TEST_CASE("a DPC routine that leaves a critical region open is bug check 0xC7 TIMER_OR_DPC_INVALID (§11)") {
  const auto e = exploreInline([](Setup& s) {
    auto& dpc = s.make<KDPC>("D");
    KeInitializeDpc(&dpc, [](KDPC*, PVOID, PVOID, PVOID) { KeEnterCriticalRegion(); }, nullptr);
    s.systemThread("t", [&dpc] { (void)KeInsertQueueDpc(&dpc, nullptr, nullptr); });
  });
  checkRule(e, ViolationKind::BugCheck, "TIMER_OR_DPC_INVALID");
  CHECK(e.verdict.violation->code == 0xC7);
}

TEST_CASE("a status raised in a DPC routine and not handled is bug check 0x1E KMODE_EXCEPTION_NOT_HANDLED (§19)") {
  const auto e = exploreInline([](Setup& s) {
    auto& dpc = s.make<KDPC>("D");
    KeInitializeDpc(&dpc, [](KDPC*, PVOID, PVOID, PVOID) {
      wdm::detail::raiseStatus(STATUS_INVALID_PARAMETER, "STATUS_INVALID_PARAMETER", "the DPC routine");
    }, nullptr);
    s.systemThread("t", [&dpc] { (void)KeInsertQueueDpc(&dpc, nullptr, nullptr); });
  });
  checkRule(e, ViolationKind::BugCheck, "KMODE_EXCEPTION_NOT_HANDLED");
  CHECK(e.verdict.violation->code == 0x1E);
}

TEST_CASE("a threaded DPC runs at PASSIVE_LEVEL and its ForDpc spin lock forms raise to DISPATCH_LEVEL (§11)") {
  static KIRQL at = 0xFF, held = 0xFF, after = 0xFF;
  const auto e = exploreInline([](Setup& s) {
    auto& lock = s.make<KSPIN_LOCK>("L");
    KeInitializeSpinLock(&lock);
    auto& dpc = s.make<KDPC>("D");
    KeInitializeThreadedDpc(&dpc, [](KDPC*, PVOID context, PVOID, PVOID) {
      auto* spin = static_cast<KSPIN_LOCK*>(context);
      at = KeGetCurrentIrql();
      const KIRQL old = KeAcquireSpinLockForDpc(spin);
      held = KeGetCurrentIrql();
      KeReleaseSpinLockForDpc(spin, old);
      after = KeGetCurrentIrql();
    }, &lock);
    s.systemThread("t", [&dpc] { (void)KeInsertQueueDpc(&dpc, nullptr, nullptr); });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(at == PASSIVE_LEVEL);
  CHECK(held == DISPATCH_LEVEL);
  CHECK(after == PASSIVE_LEVEL);
}

TEST_CASE("a threaded DPC that waits is WaitInThreadedDpc, and the wait blocks (§19)") {
  const auto e = exploreInline([](Setup& s) {
    auto& event = s.make<KEVENT>("E");
    KeInitializeEvent(&event, NotificationEvent, FALSE);
    auto& dpc = s.make<KDPC>("D");
    KeInitializeThreadedDpc(&dpc, [](KDPC*, PVOID context, PVOID, PVOID) {
      (void)KeWaitForSingleObject(context, Executive, KernelMode, FALSE, nullptr);
    }, &event);
    s.systemThread("t", [&] {
      (void)KeInsertQueueDpc(&dpc, nullptr, nullptr);
      (void)KeSetEvent(&event, IO_NO_INCREMENT, FALSE);
    });
  });
  checkRule(e, ViolationKind::ContractViolation, "WaitInThreadedDpc");
}

TEST_CASE("the ForDpc forms outside a DPC routine stay SpinLockForDpcOutsideDpc (§19)") {
  const auto e = exploreInline([](Setup& s) {
    auto& lock = s.make<KSPIN_LOCK>("L");
    s.systemThread("t", [&lock] {
      const KIRQL old = KeAcquireSpinLockForDpc(&lock);
      KeReleaseSpinLockForDpc(&lock, old);
    });
  });
  checkRule(e, ViolationKind::ContractViolation, "SpinLockForDpcOutsideDpc");
}

TEST_CASE("with two processors a DPC lands on one of the two, never on a third (§7)") {
  static std::set<std::uint8_t> where;
  where.clear();
  const auto e = exploreInline([](Setup& s) {
    auto& dpc = s.make<KDPC>("D");
    KeInitializeDpc(&dpc, [](KDPC*, PVOID, PVOID, PVOID) {
      where.insert(Execution::current().currentThread().processor);
    }, nullptr);
    s.systemThread("a", [&dpc] { (void)KeInsertQueueDpc(&dpc, nullptr, nullptr); });
    s.systemThread("b", [] {});
    s.systemThread("c", [] {});
  }, onProcessors(2));
  CHECK(e.verdict.result == Result::Pass);
  CHECK(where == std::set<std::uint8_t>{0, 1});
}

TEST_CASE("driverUnloadReturns with a DPC still queued is DRIVER_UNLOADED_WITHOUT_CANCELLING_PENDING_OPERATIONS (0xCE); after KeFlushQueuedDpcs it passes (§11)") {
  for (bool flush : {false, true}) {
    CAPTURE(flush);
    const auto e = exploreInline([flush](Setup& s) {
      auto& dpc = s.make<KDPC>("D");
      KeInitializeDpc(&dpc, [](KDPC*, PVOID, PVOID, PVOID) {}, nullptr);
      s.systemThread("unload", [&dpc, flush] {
        (void)KeInsertQueueDpc(&dpc, nullptr, nullptr);
        if (flush) KeFlushQueuedDpcs();
        driverUnloadReturns();
      });
    });
    if (flush) {
      CHECK(e.verdict.result == Result::Pass);
    } else {
      checkRule(e, ViolationKind::BugCheck, "DRIVER_UNLOADED_WITHOUT_CANCELLING_PENDING_OPERATIONS");
      CHECK(e.verdict.violation->code == 0xCE);
    }
  }
}

TEST_CASE("KeGetCurrentThread in a DPC is the thread it interrupted (§19)") {
  static PKTHREAD inDpc = nullptr;
  PKTHREAD inThread = nullptr;
  const auto e = exploreInline([&](Setup& s) {
    inDpc = nullptr;
    auto& dpc = s.make<KDPC>("D");
    KeInitializeDpc(&dpc, [](KDPC*, PVOID, PVOID, PVOID) { inDpc = KeGetCurrentThread(); }, nullptr);
    s.systemThread("t", [&] {
      inThread = KeGetCurrentThread();
      (void)KeInsertQueueDpc(&dpc, nullptr, nullptr);
    });
  }, onProcessors(1));
  CHECK(e.verdict.result == Result::Pass);
  REQUIRE(inThread != nullptr);
  CHECK(inDpc == inThread);
}

TEST_CASE("KeSetImportanceDpc is recorded and LowImportance runs like Medium: at once on its own processor (§19)") {
  std::set<bool> ranBeforeReturn;
  static bool ran = false;
  const auto e = exploreInline([&](Setup& s) {
    ran = false;
    auto& dpc = s.make<KDPC>("D");
    KeInitializeDpc(&dpc, [](KDPC*, PVOID, PVOID, PVOID) { ran = true; }, nullptr);
    KeSetImportanceDpc(&dpc, LowImportance);
    s.systemThread("t", [&] {
      CHECK(dpc.importance == LowImportance);
      (void)KeInsertQueueDpc(&dpc, nullptr, nullptr);
      ranBeforeReturn.insert(ran);
    });
  }, onProcessors(1));
  CHECK(e.verdict.result == Result::Pass);
  CHECK(ranBeforeReturn == std::set<bool>{true});
}

TEST_CASE("KeFlushQueuedDpcs above PASSIVE_LEVEL is IrqlKeFlushQueuedDpcs (§11)") {
  const auto e = exploreInline([](Setup& s) {
    s.systemThread("t", [] {
      const KIRQL old = KeRaiseIrqlToDpcLevel();
      KeFlushQueuedDpcs();
      KeLowerIrql(old);
    });
  });
  checkRule(e, ViolationKind::ContractViolation, "IrqlKeFlushQueuedDpcs");
}
