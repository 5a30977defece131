// IO_REMOVE_LOCK: the bias, STATUS_DELETE_PENDING after release-and-wait began, and its misuse
// (docs/kernel-rules.md §10).
#include "LockTestSupport.hpp"

#include <doctest/doctest.h>

using namespace interlock;
using namespace interlock::wdm;
using namespace interlock::test;

namespace {

int tagA = 0;
int tagB = 0;

IO_REMOVE_LOCK& makeLock(Setup& s) {
  auto& lock = s.make<IO_REMOVE_LOCK>("RemoveLock");
  IoInitializeRemoveLock(&lock, 0, 0, 0);
  return lock;
}

}  // namespace

TEST_CASE("IoInitializeRemoveLock leaves the bias of one; acquire and release count around it (§10)") {
  LONG initial = -1;
  LONG held = -1;
  LONG released = -1;
  const auto e = exploreInline([&](Setup& s) {
    IO_REMOVE_LOCK& lock = makeLock(s);
    initial = lock.IoCount;
    s.systemThread("driver", [&lock, &held, &released] {
      (void)IoAcquireRemoveLock(&lock, &tagA);
      held = lock.IoCount;
      IoReleaseRemoveLock(&lock, &tagA);
      released = lock.IoCount;
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(initial == 1);
  CHECK(held == 2);
  CHECK(released == 1);
}

TEST_CASE("once IoReleaseRemoveLockAndWait began, IoAcquireRemoveLock fails with STATUS_DELETE_PENDING (§10)") {
  NTSTATUS after = STATUS_SUCCESS;
  const auto e = exploreInline([&after](Setup& s) {
    IO_REMOVE_LOCK& lock = makeLock(s);
    s.systemThread("remove", [&lock, &after] {
      (void)IoAcquireRemoveLock(&lock, &tagA);
      IoReleaseRemoveLockAndWait(&lock, &tagA);
      after = IoAcquireRemoveLock(&lock, &tagB);
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(after == STATUS_DELETE_PENDING);
}

TEST_CASE("IoReleaseRemoveLockAndWait waits until the last outstanding acquisition is released: 6 executions (every order of the four calls), all pass (§10)") {
  const auto e = exploreInline([](Setup& s) {
    IO_REMOVE_LOCK& lock = makeLock(s);
    s.systemThread("io", [&lock] {
      if (NT_SUCCESS(IoAcquireRemoveLock(&lock, &tagB))) IoReleaseRemoveLock(&lock, &tagB);
    });
    s.systemThread("remove", [&lock] {
      (void)IoAcquireRemoveLock(&lock, &tagA);
      IoReleaseRemoveLockAndWait(&lock, &tagA);
      check(lock.IoCount == 0, "no acquisition is outstanding when release-and-wait returns");
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(e.stats.executions == 6);
}

TEST_CASE("an acquisition never released hangs IoReleaseRemoveLockAndWait forever, naming the lock (§10)") {
  const auto e = exploreInline([](Setup& s) {
    IO_REMOVE_LOCK& lock = makeLock(s);
    s.systemThread("remove", [&lock] {
      (void)IoAcquireRemoveLock(&lock, &tagB);  // leaked
      (void)IoAcquireRemoveLock(&lock, &tagA);
      IoReleaseRemoveLockAndWait(&lock, &tagA);
    });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.kind() == ViolationKind::Deadlock);
  CHECK(e.verdict.violation->message ==
        "no thread can move: remove waits for IO_REMOVE_LOCK RemoveLock, and no thread will release or signal it");
}

TEST_CASE("a release with a tag no outstanding acquire used is RemoveLockReleaseTag, DV 0xD5; at release-and-wait 0xD6 (§10)") {
  for (const bool andWait : {false, true}) {
    CAPTURE(andWait);
    const auto e = exploreInline([andWait](Setup& s) {
      IO_REMOVE_LOCK& lock = makeLock(s);
      s.systemThread("driver", [&lock, andWait] {
        (void)IoAcquireRemoveLock(&lock, &tagA);
        if (andWait) IoReleaseRemoveLockAndWait(&lock, &tagB);
        else IoReleaseRemoveLock(&lock, &tagB);
      });
    });
    REQUIRE(e.verdict.result == Result::Violation);
    CHECK(e.verdict.violation->rule == "RemoveLockReleaseTag");
    CHECK(e.verdict.violation->code == (andWait ? 0xD6u : 0xD5u));
  }
}

TEST_CASE("a release with no acquisition outstanding is RemoveLockReleaseWithoutAcquire (§10)") {
  const auto e = exploreInline([](Setup& s) {
    IO_REMOVE_LOCK& lock = makeLock(s);
    s.systemThread("driver", [&lock] { IoReleaseRemoveLock(&lock, &tagA); });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.violation->rule == "RemoveLockReleaseWithoutAcquire");
}

TEST_CASE("initializing a remove lock twice is RemoveLockReinitialized, DV 0xD7 (§10)") {
  const auto e = exploreInline([](Setup& s) {
    IO_REMOVE_LOCK& lock = makeLock(s);
    s.systemThread("driver", [&lock] { IoInitializeRemoveLock(&lock, 0, 0, 0); });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.violation->rule == "RemoveLockReinitialized");
  CHECK(e.verdict.violation->code == 0xD7);
}

TEST_CASE("a remove lock used before IoInitializeRemoveLock is RemoveLockNotInitialized") {
  const auto e = exploreInline([](Setup& s) {
    auto& lock = s.make<IO_REMOVE_LOCK>("RemoveLock");
    s.systemThread("driver", [&lock] { (void)IoAcquireRemoveLock(&lock, &tagA); });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.violation->rule == "RemoveLockNotInitialized");
}
