// A status Windows raises (ExRaiseStatus) ends the thread as Windows would: bug check 0x7E in a
// system thread, 0x3B in a thread inside a system call; a driver's __try/__except (tryExcept)
// catches it instead (kernel-semantics.md §3.5, §3.6, §17 "unhandled exception", §19).
#include "Support.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace interlock;
using namespace interlock::wdm;
using interlock::test::exploreInline;

namespace {

void releaseFreeMutex(Setup& s, bool user) {
  auto& mutex = s.make<KMUTEX>("M");
  KeInitializeMutex(&mutex, 0);
  auto body = [&mutex] { (void)KeReleaseMutex(&mutex, FALSE); };
  if (user) s.userThread("caller", body); else s.systemThread("cleanup", body);
}

}  // namespace

TEST_CASE("STATUS_MUTANT_NOT_OWNED raised in a system thread is bug check 0x7E SYSTEM_THREAD_EXCEPTION_NOT_HANDLED") {
  const auto e = exploreInline([](Setup& s) { releaseFreeMutex(s, false); });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.kind() == ViolationKind::BugCheck);
  CHECK(e.verdict.violation->rule == "SYSTEM_THREAD_EXCEPTION_NOT_HANDLED");
  CHECK(e.verdict.violation->code == 0x7E);
  CHECK(e.verdict.violation->message.find("(parameter 1 = 0xC0000046, the exception code)") != std::string::npos);
}

TEST_CASE("STATUS_MUTANT_NOT_OWNED raised in a thread inside a system call is bug check 0x3B SYSTEM_SERVICE_EXCEPTION") {
  const auto e = exploreInline([](Setup& s) { releaseFreeMutex(s, true); }, Bounds{.maxSuspensions = 0});
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.violation->rule == "SYSTEM_SERVICE_EXCEPTION");
  CHECK(e.verdict.violation->code == 0x3B);
}

TEST_CASE("tryExcept catches a raised status: the handler gets it and the thread goes on") {
  NTSTATUS caught = STATUS_SUCCESS;
  bool after = false;
  const auto e = exploreInline([&](Setup& s) {
    auto& semaphore = s.make<KSEMAPHORE>("S");
    KeInitializeSemaphore(&semaphore, 1, 1);
    s.systemThread("releaser", [&] {
      tryExcept([&] { (void)KeReleaseSemaphore(&semaphore, IO_NO_INCREMENT, 1, FALSE); },
                [&](NTSTATUS status) { caught = status; });
      after = true;
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(caught == STATUS_SEMAPHORE_LIMIT_EXCEEDED);
  CHECK(after);
}

TEST_CASE("a status raised after tryExcept returned is unhandled again") {
  const auto e = exploreInline([](Setup& s) {
    auto& mutex = s.make<KMUTEX>("M");
    KeInitializeMutex(&mutex, 0);
    s.systemThread("cleanup", [&mutex] {
      tryExcept([&mutex] { (void)KeReleaseMutex(&mutex, FALSE); }, [](NTSTATUS) {});
      (void)KeReleaseMutex(&mutex, FALSE);
    });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.violation->rule == "SYSTEM_THREAD_EXCEPTION_NOT_HANDLED");
}
