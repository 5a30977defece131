// Scenario-injected kernel APCs: queued as an exploration choice, delivered exactly when
// kernel-rules.md §2.2 allows, run on the target's stack with its ownership (§3.10).
#include "Support.hpp"

#include <doctest/doctest.h>

#include <algorithm>

using namespace interlock;
using namespace interlock::wdm;
using interlock::test::exploreInline;
using interlock::test::inlineScenario;

namespace {

Choice run(ThreadId t) { return Choice{ChoiceKind::Run, t}; }
Choice apc(ThreadId target, std::uint16_t index) { return Choice{ChoiceKind::Apc, target, index}; }

Replay replayInline(std::function<void(Setup&)> setup, std::vector<Choice> schedule) {
  const Scenario scenario = inlineScenario(std::move(setup));
  return replay(scenario, Settings{scenario.bounds, "naive"}, std::move(schedule));
}

// The index of the first event matching, or -1.
long find(const ExecutionResult& r, EventKind kind, std::string_view api = {}) {
  for (std::size_t i = 0; i < r.events.size(); ++i)
    if (r.events[i].kind == kind && (api.empty() || api == r.events[i].api)) return static_cast<long>(i);
  return -1;
}

// One thread: two writes inside `region` (none, critical or guarded), with an APC of `kind`
// that records the IRQL it ran at and whether it saw the first write.
struct Probe {
  Irql irqlSeen = 0xFF;
};

void regionThread(Setup& s, ApcKind kind, int region, Probe& probe) {
  auto& x = s.make<Shared<LONG>>("x");
  s.systemThread("target", [&x, region] {
    if (region == 1) KeEnterCriticalRegion();
    if (region == 2) KeEnterCriticalRegion(), KeLeaveCriticalRegion();  // no region, two calls
    x.store(1);
    x.store(2);
    if (region == 1) KeLeaveCriticalRegion();
    x.store(3);
  });
  s.apc("Probe", "target", kind, [&probe] { probe.irqlSeen = KeGetCurrentIrql(); });
}

}  // namespace

TEST_CASE("a special kernel APC to a thread at PASSIVE runs at its next step, at APC_LEVEL") {
  Probe probe;
  const auto r = replayInline([&](Setup& s) { regionThread(s, ApcKind::Special, 0, probe); },
                              {apc(0, 0), run(0), run(0), run(0), run(0)});
  REQUIRE_FALSE(r.divergence);
  CHECK(probe.irqlSeen == APC_LEVEL);
  // Delivered before the first write: queued, delivered, returned, then the writes.
  CHECK(find(r.execution, EventKind::ApcDelivered) < find(r.execution, EventKind::Call, "write"));
}

TEST_CASE("a special kernel APC runs inside a critical region: a CR holds off only normal APCs") {
  // §5.5: "A CR blocks all kernel APCs" is wrong.
  Probe probe;
  const auto r = replayInline([&](Setup& s) { regionThread(s, ApcKind::Special, 1, probe); },
                              {apc(0, 0), run(0), run(0), run(0), run(0)});
  REQUIRE_FALSE(r.divergence);
  CHECK(probe.irqlSeen == APC_LEVEL);
  CHECK(find(r.execution, EventKind::ApcDelivered) < find(r.execution, EventKind::Call, "write"));
}

TEST_CASE("a normal kernel APC queued inside a critical region runs inside KeLeaveCriticalRegion, at PASSIVE") {
  Probe probe;
  const auto r = replayInline([&](Setup& s) { regionThread(s, ApcKind::Normal, 1, probe); },
                              {apc(0, 0), run(0), run(0), run(0)});
  REQUIRE_FALSE(r.divergence);
  CHECK(probe.irqlSeen == PASSIVE_LEVEL);
  const long delivered = find(r.execution, EventKind::ApcDelivered);
  REQUIRE(delivered > 0);
  CHECK(std::string_view(r.execution.events[static_cast<std::size_t>(delivered) - 1].api) ==
        "KeLeaveCriticalRegion");
}

TEST_CASE("an APC may be queued at any step: one thread of three writes and one APC gives 4 executions") {
  // Queue before write 1, 2 or 3, or never (the thread ends): 4 executions.
  Probe probe;
  const auto e = exploreInline([&](Setup& s) { regionThread(s, ApcKind::Special, 0, probe); });
  CHECK(e.stats.executions == 4);
  CHECK(e.verdict.result == Result::Pass);
}

TEST_CASE("an APC arriving while its target waits runs in the wait, and the wait resumes") {
  const auto r = replayInline(
      [](Setup& s) {
        auto& resource = s.make<ERESOURCE>("R");
        auto& x = s.make<Shared<LONG>>("x");
        ExInitializeResourceLite(&resource);
        s.systemThread("holder", [&resource] {
          KeEnterCriticalRegion();
          ExAcquireResourceExclusiveLite(&resource, TRUE);
          ExReleaseResourceLite(&resource);
          KeLeaveCriticalRegion();
        });
        s.systemThread("waiter", [&resource] {
          KeEnterCriticalRegion();
          ExAcquireResourceExclusiveLite(&resource, TRUE);
          ExReleaseResourceLite(&resource);
          KeLeaveCriticalRegion();
        });
        s.apc("Touch", "waiter", ApcKind::Special, [&x] { x.store(7); });
      },
      // holder acquires; waiter blocks; APC queued; waiter runs it in its wait (APC's write
      // is a visible op: one step to reach it, one to perform it); holder releases (hand-off);
      // waiter returns from its wait and releases.
      {run(0), run(1), apc(1, 0), run(1), run(1), run(0), run(1), run(1)});
  REQUIRE_FALSE(r.divergence);
  const long blocked = find(r.execution, EventKind::Blocked);
  const long delivered = find(r.execution, EventKind::ApcDelivered);
  const long returned = find(r.execution, EventKind::ApcReturned);
  const long woken = find(r.execution, EventKind::Woken);
  CHECK(blocked < delivered);
  CHECK(delivered < returned);
  CHECK(returned < woken);
  CHECK(r.verdict.result == Result::Pass);
}

TEST_CASE("an APC that takes a lock its thread holds deadlocks the thread with itself") {
  // §3.10: the APC runs with its target's ownership.
  const auto e = exploreInline([](Setup& s) {
    auto& resource = s.make<ERESOURCE>("R");
    ExInitializeResourceLite(&resource);
    s.systemThread("owner", [&resource] {
      KeEnterCriticalRegion();
      ExAcquireResourceSharedLite(&resource, TRUE);
      ExReleaseResourceLite(&resource);
      KeLeaveCriticalRegion();
    });
    s.apc("Reenter", "owner", ApcKind::Special, [&resource] {
      ExAcquireResourceExclusiveLite(&resource, TRUE);
      ExReleaseResourceLite(&resource);
    });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.kind() == ViolationKind::Deadlock);
  CHECK(e.verdict.violation->rule == "SelfDeadlock");
}

TEST_CASE("an APC returning inside a region it entered is a violation") {
  const auto e = exploreInline([](Setup& s) {
    auto& x = s.make<Shared<LONG>>("x");
    s.systemThread("target", [&x] { x.store(1); });
    s.apc("Leaky", "target", ApcKind::Normal, [] { KeEnterCriticalRegion(); });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  // The unbalanced region then stops Windows when the system thread exits (0x20).
  CHECK(e.verdict.kind() == ViolationKind::BugCheck);
  CHECK(e.verdict.violation->rule == "KERNEL_APC_PENDING_DURING_EXIT");
  REQUIRE_FALSE(e.verdict.causes.empty());
  CHECK(e.verdict.causes.front().rule == "ApcRegionBalance");
}

TEST_CASE("an APC bound of zero declares the scenario's APCs never queued: a complete verdict") {
  Probe probe;
  const auto e = exploreInline([&](Setup& s) { regionThread(s, ApcKind::Special, 0, probe); },
                               Bounds{.maxSteps = 100, .maxSuspensions = 0, .maxApcs = 0});
  CHECK(e.stats.executions == 1);
  CHECK(e.verdict.result == Result::Pass);
}

TEST_CASE("an APC naming an undeclared thread is a scenario error") {
  CHECK_THROWS_WITH_AS(exploreInline([](Setup& s) {
                         s.apc("Lost", "nobody", ApcKind::Normal, [] {});
                       }),
                       "APC 'Lost' targets 'nobody', which is not a thread declared before it",
                       ScenarioError);
}
