// The adversary: NtSuspendThread queues a normal kernel APC, and the thread stops only
// where kernel-rules.md §2.2 lets that APC run (§3.9).
#include "Support.hpp"
#include "interlock/checker/Explorer.hpp"

#include <doctest/doctest.h>

#include <algorithm>

using namespace interlock;
using namespace interlock::wdm;
using interlock::test::exploreInline;
using interlock::test::inlineScenario;

namespace {

Choice run(ThreadId t) { return Choice{ChoiceKind::Run, t}; }
Choice suspend(ThreadId t) { return Choice{ChoiceKind::Suspend, t}; }

std::size_t countEvents(const ExecutionResult& r, EventKind kind, const char* api = nullptr) {
  return static_cast<std::size_t>(std::count_if(r.events.begin(), r.events.end(), [&](const Event& e) {
    return e.kind == kind && (api == nullptr || std::string_view(e.api) == api);
  }));
}

Replay replayInline(std::function<void(Setup&)> setup, std::vector<Choice> schedule) {
  const Scenario scenario = inlineScenario(std::move(setup));
  return replay(scenario, Settings{scenario.bounds, "naive"}, std::move(schedule));
}

}  // namespace

TEST_CASE("a lone user thread with k operations can be suspended before any of them: k+1 executions") {
  // At each of the k stops the choices are [run, suspend]; a suspension ends the execution.
  const auto e = exploreInline([](Setup& s) {
    auto& x = s.make<Shared<LONG>>("x");
    s.userThread("user", [&x] {
      for (LONG i = 0; i < 3; ++i) x.store(i);
    });
  });
  CHECK(e.stats.executions == 4);
  CHECK(e.verdict.result == Result::Pass);
}

TEST_CASE("the adversary never suspends a system thread") {
  const auto e = exploreInline([](Setup& s) {
    auto& x = s.make<Shared<LONG>>("x");
    s.systemThread("service", [&x] { x.store(1); });
  });
  CHECK(e.stats.executions == 1);
}

TEST_CASE("a thread at PASSIVE outside any region stops at once, before its next operation") {
  // §2.2: PASSIVE, no region, running: the normal kernel APC runs now.
  const auto r = replayInline(
      [](Setup& s) {
        auto& x = s.make<Shared<LONG>>("x");
        s.userThread("user", [&x] { x.store(1); });
      },
      {suspend(0)});
  REQUIRE_FALSE(r.divergence);
  CHECK(countEvents(r.execution, EventKind::ApcDelivered) == 1);
  CHECK(countEvents(r.execution, EventKind::Call, "write") == 0);
  CHECK(r.execution.snapshot.threads[0].state == "suspended");
}

TEST_CASE("a suspension requested inside a critical region takes effect inside KeLeaveCriticalRegion") {
  // §2.2: in a critical region the suspend APC stays pending; leaving delivers it before the
  // next statement, so the second write never happens.
  const auto r = replayInline(
      [](Setup& s) {
        auto& x = s.make<Shared<LONG>>("x");
        s.userThread("user", [&x] {
          KeEnterCriticalRegion();
          x.store(1);
          KeLeaveCriticalRegion();
          x.store(2);
        });
      },
      {suspend(0), run(0)});
  REQUIRE_FALSE(r.divergence);
  const auto& events = r.execution.events;
  CHECK(countEvents(r.execution, EventKind::Call, "write") == 1);
  const auto leave = std::find_if(events.begin(), events.end(), [](const Event& e) {
    return std::string_view(e.api) == "KeLeaveCriticalRegion";
  });
  REQUIRE(leave != events.end());
  REQUIRE(leave + 1 != events.end());
  CHECK((leave + 1)->kind == EventKind::ApcDelivered);
  CHECK(r.execution.snapshot.threads[0].state == "suspended");
}

TEST_CASE("a waiter at PASSIVE outside regions is suspended inside its wait") {
  // §3.9: the wait is left for the APC, whose normal routine then blocks.
  const auto r = replayInline(
      [](Setup& s) {
        auto& resource = s.make<ERESOURCE>("R");
        ExInitializeResourceLite(&resource);
        s.systemThread("holder", [&resource] {
          KeEnterCriticalRegion();
          ExAcquireResourceExclusiveLite(&resource, TRUE);
          ExReleaseResourceLite(&resource);
          KeLeaveCriticalRegion();
        });
        s.userThread("user", [&resource] {
          ExAcquireResourceExclusiveLite(&resource, TRUE);
          ExReleaseResourceLite(&resource);
        });
      },
      {run(0), run(1), suspend(1), run(0)});
  REQUIRE_FALSE(r.divergence);
  const auto& events = r.execution.events;
  const auto blocked = std::find_if(events.begin(), events.end(),
                                    [](const Event& e) { return e.kind == EventKind::Blocked; });
  REQUIRE(blocked != events.end());
  REQUIRE(blocked + 2 < events.end());
  CHECK((blocked + 1)->kind == EventKind::Suspend);
  CHECK((blocked + 2)->kind == EventKind::ApcDelivered);
  CHECK(countEvents(r.execution, EventKind::Woken) == 0);
  CHECK(r.execution.snapshot.threads[1].state == "suspended");
}

TEST_CASE("a waiter inside a critical region is not suspended in its wait") {
  const auto r = replayInline(
      [](Setup& s) {
        auto& resource = s.make<ERESOURCE>("R");
        ExInitializeResourceLite(&resource);
        s.systemThread("holder", [&resource] {
          KeEnterCriticalRegion();
          ExAcquireResourceExclusiveLite(&resource, TRUE);
          ExReleaseResourceLite(&resource);
          KeLeaveCriticalRegion();
        });
        s.userThread("user", [&resource] {
          KeEnterCriticalRegion();
          ExAcquireResourceExclusiveLite(&resource, TRUE);
          ExReleaseResourceLite(&resource);
          KeLeaveCriticalRegion();
        });
      },
      {run(0), run(1), suspend(1), run(0), run(1), run(1)});
  REQUIRE_FALSE(r.divergence);
  // The APC waits through the wait, the hand-off and the release; the leave delivers it.
  const auto& events = r.execution.events;
  const auto delivered = std::find_if(events.begin(), events.end(), [](const Event& e) {
    return e.kind == EventKind::ApcDelivered;
  });
  REQUIRE(delivered != events.end());
  REQUIRE(delivered != events.begin());
  CHECK(std::string_view((delivered - 1)->api) == "KeLeaveCriticalRegion");
  CHECK((delivered - 1)->thread == 1);
  CHECK(countEvents(r.execution, EventKind::Woken) == 1);
  CHECK(r.verdict.result == Result::Pass);
}

TEST_CASE("a resource handed to a suspended waiter stays owned by it: SuspendedOwnerDoS") {
  // §3.3: release hands ownership to the waiter before it runs, suspended or not.
  const auto r = replayInline(
      [](Setup& s) {
        auto& resource = s.make<ERESOURCE>("R");
        ExInitializeResourceLite(&resource);
        s.systemThread("holder", [&resource] {
          KeEnterCriticalRegion();
          ExAcquireResourceExclusiveLite(&resource, TRUE);
          ExReleaseResourceLite(&resource);
          ExAcquireResourceExclusiveLite(&resource, TRUE);
          ExReleaseResourceLite(&resource);
          KeLeaveCriticalRegion();
        });
        s.userThread("user", [&resource] {
          ExAcquireResourceExclusiveLite(&resource, TRUE);
          ExReleaseResourceLite(&resource);
        });
      },
      {run(0), run(1), suspend(1), run(0), run(0)});
  REQUIRE_FALSE(r.divergence);
  REQUIRE(r.verdict.result == Result::Violation);
  CHECK(r.verdict.kind() == ViolationKind::SuspendedOwnerDoS);
  CHECK(r.verdict.violation->rule == "SuspendedOwner");
  CHECK(r.verdict.violation->threads == std::vector<ThreadId>{0, 1});
  REQUIRE(r.execution.snapshot.objects[0].owners.size() == 1);
  CHECK(r.execution.snapshot.objects[0].owners[0].thread == "user");
}

TEST_CASE("a thread stuck behind a suspended thread of its own requester is no violation") {
  // The adversary can only hurt its own process: not a denial of service.
  const auto e = exploreInline([](Setup& s) {
    auto& resource = s.make<ERESOURCE>("R");
    ExInitializeResourceLite(&resource);
    for (const char* name : {"first", "second"})
      s.userThread(name, [&resource] {
        ExAcquireResourceExclusiveLite(&resource, TRUE);
        ExReleaseResourceLite(&resource);
      });
  }, Bounds{.maxSteps = 100, .maxSuspensions = 2});
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.kind() == ViolationKind::ContractViolation);
  CHECK(e.verdict.violation->rule == "WithinCriticalRegion");
}
