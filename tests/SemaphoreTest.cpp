// KSEMAPHORE (kernel-rules.md §3.6).
#include "DispatcherSupport.hpp"

#include <doctest/doctest.h>

using namespace interlock;
using namespace interlock::wdm;
using namespace interlock::test::dispatcher;
using interlock::test::exploreInline;

TEST_CASE("each satisfied wait takes one from a semaphore's count (§3.6)") {
  LONG initial = -1, left = -1;
  NTSTATUS first = -1, second = -1, third = -1;
  const auto e = exploreInline([&](Setup& s) {
    auto& semaphore = s.make<KSEMAPHORE>("S");
    KeInitializeSemaphore(&semaphore, 2, 4);
    s.systemThread("taker", [&] {
      initial = KeReadStateSemaphore(&semaphore);
      first = waitFor(semaphore);
      second = waitFor(semaphore);
      left = KeReadStateSemaphore(&semaphore);
      LARGE_INTEGER zero{.QuadPart = 0};
      third = waitFor(semaphore, &zero);
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(e.stats.executions == 1);
  CHECK(initial == 2);
  CHECK(first == STATUS_SUCCESS);
  CHECK(second == STATUS_SUCCESS);
  CHECK(left == 0);
  CHECK(third == STATUS_TIMEOUT);  // count 0: the zero-timeout poll does not wait
}

TEST_CASE("KeReleaseSemaphore returns the previous count and its units go to waiters first (§3.6)") {
  int executions = 0, good = 0;
  const auto e = exploreInline([&](Setup& s) {
    auto& semaphore = s.make<KSEMAPHORE>("S");
    KeInitializeSemaphore(&semaphore, 0, 1);
    ++executions;
    s.systemThread("waiter", [&] {
      good += waitFor(semaphore) == STATUS_SUCCESS && KeReadStateSemaphore(&semaphore) == 0;
    });
    s.systemThread("releaser", [&] { CHECK(KeReleaseSemaphore(&semaphore, IO_NO_INCREMENT, 1, FALSE) == 0); });
  });
  CHECK(e.verdict.result == Result::Pass);
  // Release, then wait (taken at once) and read; or wait (blocks), release, return, read.
  CHECK(e.stats.executions == 2);
  CHECK(good == executions);
}

TEST_CASE("a release by 2 satisfies two waiting threads (§3.6)") {
  const auto e = exploreInline([](Setup& s) {
    auto& semaphore = s.make<KSEMAPHORE>("S");
    KeInitializeSemaphore(&semaphore, 0, 2);
    for (const char* name : {"w1", "w2"})
      s.systemThread(name, [&semaphore] { CHECK(waitFor(semaphore) == STATUS_SUCCESS); });
    s.systemThread("releaser", [&semaphore] { (void)KeReleaseSemaphore(&semaphore, IO_NO_INCREMENT, 2, FALSE); });
  });
  CHECK(e.verdict.result == Result::Pass);
  // As for a notification event: release first (2 orders of the waits); w1 first and then
  // w2 blocks or the release comes (2 + 2); w2 first mirrored (4). 10.
  CHECK(e.stats.executions == 10);
}

TEST_CASE("a release by 1 with two waiters leaves one waiting forever (§3.6)") {
  const auto e = exploreInline([](Setup& s) {
    auto& semaphore = s.make<KSEMAPHORE>("S");
    KeInitializeSemaphore(&semaphore, 0, 2);
    for (const char* name : {"w1", "w2"})
      s.systemThread(name, [&semaphore] { (void)waitFor(semaphore); });
    s.systemThread("releaser", [&semaphore] { (void)KeReleaseSemaphore(&semaphore, IO_NO_INCREMENT, 1, FALSE); });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.kind() == ViolationKind::Deadlock);
  CHECK(e.verdict.violation->rule == "NoThreadCanMove");
  CHECK(e.verdict.violation->message.find("KSEMAPHORE S") != std::string::npos);
}

TEST_CASE("KeReleaseSemaphore past the limit raises STATUS_SEMAPHORE_LIMIT_EXCEEDED: in a system thread SYSTEM_THREAD_EXCEPTION_NOT_HANDLED 0x7E (§3.6)") {
  bool returned = false;
  const auto e = exploreInline([&](Setup& s) {
    auto& semaphore = s.make<KSEMAPHORE>("S");
    KeInitializeSemaphore(&semaphore, 1, 1);
    s.systemThread("releaser", [&] {
      (void)KeReleaseSemaphore(&semaphore, IO_NO_INCREMENT, 1, FALSE);
      returned = true;
    });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.kind() == ViolationKind::BugCheck);
  CHECK(e.verdict.violation->rule == "SYSTEM_THREAD_EXCEPTION_NOT_HANDLED");
  CHECK(e.verdict.violation->code == 0x7E);
  CHECK(e.verdict.violation->message.find("STATUS_SEMAPHORE_LIMIT_EXCEEDED (0xC0000047)") != std::string::npos);
  CHECK(e.verdict.violation->message.find("(count 1, limit 1)") != std::string::npos);
  CHECK(e.verdict.causes.empty());
  CHECK_FALSE(returned);  // the machine stopped inside the call
}

TEST_CASE("KeReleaseSemaphore with a negative adjustment also raises: in a system thread SYSTEM_THREAD_EXCEPTION_NOT_HANDLED 0x7E (§3.6)") {
  const auto e = exploreInline([](Setup& s) {
    auto& semaphore = s.make<KSEMAPHORE>("S");
    KeInitializeSemaphore(&semaphore, 1, 4);
    s.systemThread("releaser", [&semaphore] { (void)KeReleaseSemaphore(&semaphore, IO_NO_INCREMENT, -1, FALSE); });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.kind() == ViolationKind::BugCheck);
  CHECK(e.verdict.violation->rule == "SYSTEM_THREAD_EXCEPTION_NOT_HANDLED");
  CHECK(e.verdict.violation->code == 0x7E);
}

TEST_CASE("KeReleaseSemaphore above DISPATCH_LEVEL is IrqlKeDispatchLte (SDV 0x20011) (§3.6)") {
  const auto e = exploreInline([](Setup& s) {
    auto& semaphore = s.make<KSEMAPHORE>("S");
    KeInitializeSemaphore(&semaphore, 0, 1);
    s.systemThread("isr", [&semaphore] {
      KIRQL old = PASSIVE_LEVEL;
      KeRaiseIrql(HIGH_LEVEL, &old);
      (void)KeReleaseSemaphore(&semaphore, IO_NO_INCREMENT, 1, FALSE);
      KeLowerIrql(old);
    });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.kind() == ViolationKind::ContractViolation);
  CHECK(e.verdict.violation->rule == "IrqlKeDispatchLte");
  CHECK(e.verdict.violation->code == 0x20011);
}
