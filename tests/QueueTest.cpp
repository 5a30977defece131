// KQUEUE (kernel-rules.md §17).
#include "DispatcherSupport.hpp"

#include <doctest/doctest.h>

#include <array>

using namespace interlock;
using namespace interlock::wdm;
using namespace interlock::test::dispatcher;
using interlock::test::exploreInline;

namespace {

PLIST_ENTRY statusEntry(NTSTATUS status) { return reinterpret_cast<PLIST_ENTRY>(static_cast<ULONG_PTR>(status)); }

}  // namespace

TEST_CASE("KeInsertQueue returns the previous number of entries; KeRemoveQueue takes the first (§17)") {
  std::array<LIST_ENTRY, 3> entries{};
  std::array<LONG, 3> previous{-1, -1, -1};
  std::array<PLIST_ENTRY, 4> removed{};
  LONG state = -1;
  const auto e = exploreInline([&](Setup& s) {
    auto& queue = s.make<KQUEUE>("Q");
    KeInitializeQueue(&queue, 0);
    s.systemThread("user", [&] {
      previous[0] = KeInsertQueue(&queue, &entries[0]);
      previous[1] = KeInsertQueue(&queue, &entries[1]);
      previous[2] = KeInsertHeadQueue(&queue, &entries[2]);
      state = KeReadStateQueue(&queue);
      LARGE_INTEGER zero{.QuadPart = 0};
      for (PLIST_ENTRY& entry : removed) entry = KeRemoveQueue(&queue, KernelMode, &zero);
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(e.stats.executions == 1);
  CHECK(previous == std::array<LONG, 3>{0, 1, 2});
  CHECK(state == 3);
  CHECK(removed[0] == &entries[2]);  // the head insert
  CHECK(removed[1] == &entries[0]);
  CHECK(removed[2] == &entries[1]);
  CHECK(removed[3] == statusEntry(STATUS_TIMEOUT));  // empty, zero timeout: no wait
}

TEST_CASE("KeRemoveQueue waiters are served last come, first served (§17)") {
  std::array<LIST_ENTRY, 2> entries{};
  PLIST_ENTRY first = nullptr, second = nullptr;
  const auto r = replayInline(
      [&](Setup& s) {
        auto& queue = s.make<KQUEUE>("Q");
        KeInitializeQueue(&queue, 0);
        s.systemThread("w1", [&] { first = KeRemoveQueue(&queue, KernelMode, nullptr); });
        s.systemThread("w2", [&] { second = KeRemoveQueue(&queue, KernelMode, nullptr); });
        s.systemThread("producer", [&] {
          (void)KeInsertQueue(&queue, &entries[0]);
          (void)KeInsertQueue(&queue, &entries[1]);
        });
      },
      {run(0), run(1), run(2), run(2), run(1), run(0)});
  CHECK_FALSE(r.divergence.has_value());
  CHECK(second == &entries[0]);  // w2 waited last: it gets the first entry
  CHECK(first == &entries[1]);
}

TEST_CASE("the concurrency limit keeps entries queued while an associated thread runs (§17)") {
  std::array<LIST_ENTRY, 2> entries{};
  PLIST_ENTRY taken = nullptr, refused = nullptr;
  LONG left = -1;
  const auto r = replayInline(
      [&](Setup& s) {
        auto& queue = s.make<KQUEUE>("Q");
        KeInitializeQueue(&queue, 1);
        s.systemThread("worker", [&] {
          (void)KeInsertQueue(&queue, &entries[0]);
          (void)KeInsertQueue(&queue, &entries[1]);
          taken = KeRemoveQueue(&queue, KernelMode, nullptr);  // associated and running: CurrentCount 1
          (void)KeReadStateQueue(&queue);                      // still running here
        });
        s.systemThread("other", [&] {
          LARGE_INTEGER zero{.QuadPart = 0};
          refused = KeRemoveQueue(&queue, KernelMode, &zero);
          left = KeReadStateQueue(&queue);
        });
      },
      {run(0), run(0), run(0), run(1), run(1), run(0)});
  CHECK_FALSE(r.divergence.has_value());
  CHECK(r.verdict.result == Result::Pass);
  CHECK(taken == &entries[0]);
  CHECK(refused == statusEntry(STATUS_TIMEOUT));  // an entry is there, but the worker runs
  CHECK(left == 1);
}

TEST_CASE("a queue's thread that blocks in another wait lets a KeRemoveQueue waiter run (§17)") {
  std::array<LIST_ENTRY, 2> entries{};
  int served = 0, executions = 0;
  const auto e = exploreInline([&](Setup& s) {
    auto& queue = s.make<KQUEUE>("Q");
    auto& done = s.make<KEVENT>("done");
    KeInitializeQueue(&queue, 1);
    KeInitializeEvent(&done, NotificationEvent, FALSE);
    ++executions;
    s.systemThread("producer", [&] {
      (void)KeInsertQueue(&queue, &entries[0]);
      (void)KeInsertQueue(&queue, &entries[1]);
    });
    // Whichever takes an entry first runs alone (limit 1); the other is released only when it
    // waits for `done` (the first) or ends (the second).
    s.systemThread("first", [&] {
      served += KeRemoveQueue(&queue, KernelMode, nullptr) != nullptr;
      (void)waitFor(done);
    });
    s.systemThread("second", [&] {
      served += KeRemoveQueue(&queue, KernelMode, nullptr) != nullptr;
      (void)KeSetEvent(&done, IO_NO_INCREMENT, FALSE);
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(served == 2 * executions);
}

TEST_CASE("a finite KeRemoveQueue timeout is a branch: an entry, or STATUS_TIMEOUT (§17)") {
  LIST_ENTRY entry{};
  int entries = 0, timeouts = 0;
  const auto e = exploreInline([&](Setup& s) {
    auto& queue = s.make<KQUEUE>("Q");
    KeInitializeQueue(&queue, 0);
    s.systemThread("waiter", [&] {
      LARGE_INTEGER timeout{.QuadPart = -10'000};
      const PLIST_ENTRY got = KeRemoveQueue(&queue, KernelMode, &timeout);
      entries += got == &entry;
      timeouts += got == statusEntry(STATUS_TIMEOUT);
    });
    s.systemThread("producer", [&] { (void)KeInsertQueue(&queue, &entry); });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(entries >= 1);
  CHECK(timeouts >= 1);
  CHECK(entries + timeouts == static_cast<int>(e.stats.executions));
}

TEST_CASE("KeRundownQueue returns the entries as a ring and wakes waiters with STATUS_ABANDONED (§17)") {
  std::array<LIST_ENTRY, 2> entries{};
  PLIST_ENTRY first = nullptr, later = nullptr;
  const auto e = exploreInline([&](Setup& s) {
    auto& queue = s.make<KQUEUE>("Q");
    KeInitializeQueue(&queue, 0);
    s.systemThread("owner", [&] {
      (void)KeInsertQueue(&queue, &entries[0]);
      (void)KeInsertQueue(&queue, &entries[1]);
      first = KeRundownQueue(&queue);
      later = KeRemoveQueue(&queue, KernelMode, nullptr);
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  REQUIRE(first == &entries[0]);
  CHECK(first->Flink == &entries[1]);
  CHECK(entries[1].Flink == &entries[0]);  // headless: the ring closes on the first entry
  CHECK(first->Blink == &entries[1]);
  CHECK(later == statusEntry(STATUS_ABANDONED));
}

TEST_CASE("KeRundownQueue releases a waiting KeRemoveQueue with STATUS_ABANDONED (§17)") {
  LIST_ENTRY unset{};
  PLIST_ENTRY got = nullptr, rundown = &unset;
  const auto r = replayInline(
      [&](Setup& s) {
        auto& queue = s.make<KQUEUE>("Q");
        KeInitializeQueue(&queue, 0);
        s.systemThread("waiter", [&] { got = KeRemoveQueue(&queue, KernelMode, nullptr); });
        s.systemThread("owner", [&] { rundown = KeRundownQueue(&queue); });
      },
      {run(0), run(1), run(0)});
  CHECK_FALSE(r.divergence.has_value());
  CHECK(r.verdict.result == Result::Pass);
  CHECK(rundown == nullptr);
  CHECK(got == statusEntry(STATUS_ABANDONED));
}

TEST_CASE("KeRemoveQueueEx takes up to Count entries in one call (§17)") {
  std::array<LIST_ENTRY, 3> entries{};
  std::array<PLIST_ENTRY, 2> got{};
  ULONG count = 0;
  LONG left = -1;
  const auto e = exploreInline([&](Setup& s) {
    auto& queue = s.make<KQUEUE>("Q");
    KeInitializeQueue(&queue, 1);
    s.systemThread("worker", [&] {
      for (LIST_ENTRY& entry : entries) (void)KeInsertQueue(&queue, &entry);
      count = KeRemoveQueueEx(&queue, KernelMode, FALSE, nullptr, got.data(), 2);
      left = KeReadStateQueue(&queue);
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(count == 2);
  CHECK(got[0] == &entries[0]);
  CHECK(got[1] == &entries[1]);
  CHECK(left == 1);
}

TEST_CASE("KeInsertQueue above DISPATCH_LEVEL is IrqlKeDispatchLte (§17)") {
  LIST_ENTRY entry{};
  const auto e = exploreInline([&](Setup& s) {
    auto& queue = s.make<KQUEUE>("Q");
    KeInitializeQueue(&queue, 0);
    s.systemThread("t", [&] {
      KIRQL old = PASSIVE_LEVEL;
      KeRaiseIrql(HIGH_LEVEL, &old);
      (void)KeInsertQueue(&queue, &entry);
      KeLowerIrql(old);
    });
  });
  REQUIRE(e.verdict.kind() == ViolationKind::ContractViolation);
  CHECK(e.verdict.violation->rule == "IrqlKeDispatchLte");
}

TEST_CASE("KeRemoveQueue at DISPATCH_LEVEL with no timeout is IrqlKeRemoveQueue (§17)") {
  LIST_ENTRY entry{};
  const auto e = exploreInline([&](Setup& s) {
    auto& queue = s.make<KQUEUE>("Q");
    KeInitializeQueue(&queue, 0);
    s.systemThread("t", [&] {
      (void)KeInsertQueue(&queue, &entry);
      KIRQL old = PASSIVE_LEVEL;
      KeRaiseIrql(DISPATCH_LEVEL, &old);
      (void)KeRemoveQueue(&queue, KernelMode, nullptr);
      KeLowerIrql(old);
    });
  });
  REQUIRE(e.verdict.kind() == ViolationKind::ContractViolation);
  CHECK(e.verdict.violation->rule == "IrqlKeRemoveQueue");
}
