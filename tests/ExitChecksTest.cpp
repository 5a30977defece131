// What Windows does when a thread returns to user mode, exits or ends a work item with its
// IRQL or APC-disable counts unbalanced (kernel-rules.md §3.1, §3.9, §3.11).
#include "Support.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace interlock;
using namespace interlock::wdm;
using interlock::test::exploreInline;

TEST_CASE("a system call returning to user mode above PASSIVE_LEVEL is BugCheck IRQL_GT_ZERO_AT_SYSTEM_SERVICE 0x4A") {
  const auto e = exploreInline([](Setup& s) {
    auto& m = s.make<FAST_MUTEX>("M");
    ExInitializeFastMutex(&m);
    s.userThread("caller", [&m] { ExAcquireFastMutex(&m); });  // bug: returns holding it
  }, Bounds{.maxSuspensions = 0});
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.kind() == ViolationKind::BugCheck);
  CHECK(e.verdict.violation->rule == "IRQL_GT_ZERO_AT_SYSTEM_SERVICE");
  CHECK(e.verdict.violation->code == 0x4A);
}

TEST_CASE("a system call returning to user mode in a critical region is BugCheck APC_INDEX_MISMATCH 0x1, parameter 4 = 0") {
  const auto e = exploreInline([](Setup& s) {
    s.userThread("caller", [] { KeEnterCriticalRegion(); });  // bug: the leave is skipped
  }, Bounds{.maxSuspensions = 0});
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.kind() == ViolationKind::BugCheck);
  CHECK(e.verdict.violation->rule == "APC_INDEX_MISMATCH");
  CHECK(e.verdict.violation->code == 0x1);
  CHECK(e.verdict.violation->message.find("parameter 3 = CombinedApcDisable 0xFFFF, parameter 4 = 0x0: system call") !=
        std::string::npos);
}

TEST_CASE("bug-check parameters print as the kernel prints them: a guarded region's CombinedApcDisable is 0xFFFF0000") {
  const auto e = exploreInline([](Setup& s) {
    s.userThread("caller", [] { KeEnterGuardedRegion(); });  // bug: the leave is skipped
  }, Bounds{.maxSuspensions = 0});
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.violation->rule == "APC_INDEX_MISMATCH");
  CHECK(e.verdict.violation->message.find("parameter 3 = CombinedApcDisable 0xFFFF0000,") != std::string::npos);
  CHECK(e.verdict.violation->message.find("-65536") == std::string::npos);
}

TEST_CASE("a system thread exiting in a guarded region is BugCheck KERNEL_APC_PENDING_DURING_EXIT 0x20") {
  const auto e = exploreInline([](Setup& s) {
    s.systemThread("worker", [] { KeEnterGuardedRegion(); });  // bug: exits inside it
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.kind() == ViolationKind::BugCheck);
  CHECK(e.verdict.violation->rule == "KERNEL_APC_PENDING_DURING_EXIT");
  CHECK(e.verdict.violation->code == 0x20);
}

TEST_CASE("a work item routine returning at APC_LEVEL is BugCheck WORKER_THREAD_RETURNED_AT_BAD_IRQL 0xE1 (§3.11, §6)") {
  const auto e = exploreInline([](Setup& s) {
    auto& item = s.make<WORK_QUEUE_ITEM>("Item");
    s.systemThread("driver", [&item] {
      ExInitializeWorkItem(&item, [](PVOID) {
        KIRQL old = PASSIVE_LEVEL;
        KeRaiseIrql(APC_LEVEL, &old);  // bug: never lowered
      }, nullptr);
      ExQueueWorkItem(&item, DelayedWorkQueue);
    });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.kind() == ViolationKind::BugCheck);
  CHECK(e.verdict.violation->rule == "WORKER_THREAD_RETURNED_AT_BAD_IRQL");
  CHECK(e.verdict.violation->code == 0xE1);
}
