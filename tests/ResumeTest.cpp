// The counterfactual resume: a hang with a suspended thread is decided by resuming it
// (NtResumeThread) and running on. Cleared: a denial of service of another requester
// (SuspendedOwnerDoS, SuspendedSignaller), or the suspended thread's own requester hurt only
// itself. Not cleared: the deadlock it was.
#include "CliSupport.hpp"
#include "Support.hpp"

#include <nlohmann/json.hpp>

#include <doctest/doctest.h>

#include <string>

using namespace interlock;
using namespace interlock::wdm;
using interlock::test::exploreInline;
using interlock::test::readFile;
using interlock::test::runCli;

namespace {

// `queuer` signals the worker's event after a step another thread may run in; `waiter` (of
// `waiterRequester`) waits for the worker to complete its request.
void signalThroughWorker(Setup& s, const char* waiterRequester, bool waiterHangsAnyway) {
  auto& queued = s.make<Shared<LONG>>("Queued");
  auto& work = s.make<KSEMAPHORE>("Work");
  auto& done = s.make<KEVENT>("Done");
  auto& never = s.make<KEVENT>("Never");
  KeInitializeSemaphore(&work, 0, 8);
  KeInitializeEvent(&done, NotificationEvent, FALSE);
  KeInitializeEvent(&never, NotificationEvent, FALSE);
  s.userThread("queuer", [&queued, &work] {
    queued.store(1);
    (void)KeReleaseSemaphore(&work, IO_NO_INCREMENT, 1, FALSE);  // a suspension may come first
  }, "process A");
  s.thread(ThreadSpec{.name = "waiter", .requester = waiterRequester, .kind = ThreadKind::SystemCall,
                      .body = [&done, &never, waiterHangsAnyway] {
                        (void)KeWaitForSingleObject(&done, UserRequest, KernelMode, FALSE, nullptr);
                        if (waiterHangsAnyway)
                          (void)KeWaitForSingleObject(&never, UserRequest, KernelMode, FALSE, nullptr);
                      }});
  s.serviceThread("worker", [&work, &done] {
    for (;;) {
      (void)KeWaitForSingleObject(&work, Executive, KernelMode, FALSE, nullptr);
      (void)KeSetEvent(&done, IO_NO_INCREMENT, FALSE);
    }
  });
}

}  // namespace

TEST_CASE("a suspension that holds up another requester through a semaphore and an event is SuspendedSignaller") {
  const auto e = exploreInline([](Setup& s) { signalThroughWorker(s, "process B", false); });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.kind() == ViolationKind::SuspendedOwnerDoS);
  CHECK(e.verdict.violation->rule == "SuspendedSignaller");
  // waiter <- Done set by worker <- Work released by queuer, which was suspended
  CHECK(e.verdict.violation->threads == std::vector<ThreadId>{1, 2, 0});
  CHECK(e.verdict.violation->objects == std::vector<ObjectId>{2, 1});
  CHECK(e.verdict.violation->message.find(
            "waiter waits for KEVENT Done, set by worker; worker waits for KSEMAPHORE Work, released by queuer (process A)") == 0);
}

TEST_CASE("a suspension that holds up only its own requester's thread is no finding: it hurt only itself") {
  const auto e = exploreInline([](Setup& s) { signalThroughWorker(s, "process A", false); });
  CHECK(e.verdict.result == Result::Pass);
}

TEST_CASE("a hang the resume does not clear is the deadlock it was") {
  const auto e = exploreInline([](Setup& s) { signalThroughWorker(s, "process B", true); });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.kind() == ViolationKind::Deadlock);
  CHECK(e.verdict.violation->rule == "NoThreadCanMove");
}

TEST_CASE("the resumed run follows a resume marker in the trace, and replay reproduces it") {
  const std::string path = "/tmp/interlock-resume-trace.json";
  REQUIRE(runCli({"run", "service/suspended-queuer", "--trace", path}).status == 1);
  const auto trace = nlohmann::json::parse(readFile(path));
  CHECK(trace["verdict"]["rule"] == "SuspendedSignaller");
  std::size_t marker = 0;
  while (marker < trace["events"].size() && trace["events"][marker]["kind"] != "resume") ++marker;
  REQUIRE(marker < trace["events"].size());
  CHECK(trace["events"][marker]["call"] == "NtResumeThread(reader-a)");
  // reader-a releases Work once resumed, and reader-b's wait returns.
  bool released = false;
  for (std::size_t i = marker; i < trace["events"].size(); ++i)
    released = released || trace["events"][i]["call"].get<std::string>().starts_with("KeReleaseSemaphore(&Work");
  CHECK(released);
  const auto replayed = runCli({"replay", path, "--json"});
  CHECK(replayed.status == 1);
  CHECK(nlohmann::json::parse(replayed.out)["reproduced"] == true);
}
