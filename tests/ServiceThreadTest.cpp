// Service threads: a thread that serves work, waiting for it when the execution ends, is idle,
// not hung; one that another thread waits on, or that waits for a lock, is still part of a hang.
#include "Support.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace interlock;
using namespace interlock::wdm;
using interlock::test::exploreInline;

namespace {

// A poller that serves one unit of work at a time for ever; a requester that queues one.
void pollerAndRequester(Setup& s, bool service) {
  auto& work = s.make<KSEMAPHORE>("Work");
  KeInitializeSemaphore(&work, 0, 8);
  auto poll = [&work] {
    for (;;) (void)KeWaitForSingleObject(&work, Executive, KernelMode, FALSE, nullptr);
  };
  if (service) s.serviceThread("poller", poll); else s.systemThread("poller", poll);
  s.systemThread("requester", [&work] { (void)KeReleaseSemaphore(&work, IO_NO_INCREMENT, 1, FALSE); });
}

}  // namespace

TEST_CASE("a service thread waiting for work once its requesters have finished is idle: pass") {
  const auto e = exploreInline([](Setup& s) { pollerAndRequester(s, true); });
  CHECK(e.verdict.result == Result::Pass);
}

TEST_CASE("the same poller declared as a plain system thread is reported as NoThreadCanMove") {
  const auto e = exploreInline([](Setup& s) { pollerAndRequester(s, false); });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.violation->rule == "NoThreadCanMove");
}

TEST_CASE("ThreadSpec::service declares a service thread as serviceThread does") {
  const auto e = exploreInline([](Setup& s) {
    auto& work = s.make<KEVENT>("Work");
    KeInitializeEvent(&work, SynchronizationEvent, FALSE);
    s.thread(ThreadSpec{.name = "poller", .body = [&work] {
                          (void)KeWaitForSingleObject(&work, Executive, KernelMode, FALSE, nullptr);
                        }, .service = true});
  });
  CHECK(e.verdict.result == Result::Pass);
}

TEST_CASE("a thread waiting for a lock a service thread owns while it idles is a hang naming that owner") {
  const auto e = exploreInline([](Setup& s) {
    auto& mutex = s.make<KMUTEX>("M");
    auto& work = s.make<KEVENT>("Work");
    KeInitializeMutex(&mutex, 0);
    KeInitializeEvent(&work, SynchronizationEvent, FALSE);
    s.serviceThread("poller", [&mutex, &work] {
      (void)KeWaitForSingleObject(&mutex, Executive, KernelMode, FALSE, nullptr);
      (void)KeWaitForSingleObject(&work, Executive, KernelMode, FALSE, nullptr);
    });
    s.systemThread("client", [&mutex] {
      (void)KeWaitForSingleObject(&mutex, Executive, KernelMode, FALSE, nullptr);
      (void)KeReleaseMutex(&mutex, FALSE);
    });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.violation->rule == "NoThreadCanMove");
  CHECK(e.verdict.violation->message == "no thread can move: client waits for KMUTEX M, and its owner poller cannot release it");
}

TEST_CASE("a service thread waiting for a lock is held up, not idle: it is the hang") {
  const auto e = exploreInline([](Setup& s) {
    auto& mutex = s.make<KMUTEX>("M");
    auto& work = s.make<KEVENT>("Work");
    KeInitializeMutex(&mutex, 0);
    KeInitializeEvent(&work, SynchronizationEvent, FALSE);
    s.serviceThread("holder", [&mutex, &work] {
      (void)KeWaitForSingleObject(&mutex, Executive, KernelMode, FALSE, nullptr);
      (void)KeWaitForSingleObject(&work, Executive, KernelMode, FALSE, nullptr);
    });
    s.serviceThread("second", [&mutex] {
      (void)KeWaitForSingleObject(&mutex, Executive, KernelMode, FALSE, nullptr);
      (void)KeReleaseMutex(&mutex, FALSE);
    });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.violation->rule == "NoThreadCanMove");
  CHECK(e.verdict.violation->message.find("second waits for KMUTEX M") != std::string::npos);
}

TEST_CASE("a requester waiting for an event only an idle service thread would set is a hang") {
  const auto e = exploreInline([](Setup& s) {
    auto& work = s.make<KEVENT>("Work");
    auto& done = s.make<KEVENT>("Done");
    KeInitializeEvent(&work, SynchronizationEvent, FALSE);
    KeInitializeEvent(&done, NotificationEvent, FALSE);
    s.serviceThread("poller", [&work, &done] {
      (void)KeWaitForSingleObject(&work, Executive, KernelMode, FALSE, nullptr);
      (void)KeSetEvent(&done, IO_NO_INCREMENT, FALSE);
    });
    // bug: waits for completion without ever signalling the work
    s.systemThread("requester", [&done] { (void)KeWaitForSingleObject(&done, Executive, KernelMode, FALSE, nullptr); });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.violation->rule == "NoThreadCanMove");
  CHECK(e.verdict.violation->message.find("requester waits for KEVENT Done") != std::string::npos);
}
