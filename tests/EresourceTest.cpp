// ERESOURCE (kernel-rules.md §3.3): hand-off order, conversion, waiter counts, release
// for an owner, deletion and the checks with their rule ids. The grant table is in
// EresourceGrantTest.cpp.
#include "Support.hpp"
#include "interlock/primitives/Irql.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>

using namespace interlock;
using namespace interlock::wdm;
using interlock::test::exploreInline;
using interlock::test::inlineScenario;

namespace {

Choice run(ThreadId t) { return Choice{ChoiceKind::Run, t}; }
Choice suspend(ThreadId t) { return Choice{ChoiceKind::Suspend, t}; }

Replay replayInline(std::function<void(Setup&)> setup, std::vector<Choice> schedule) {
  const Scenario scenario = inlineScenario(std::move(setup));
  return replay(scenario, Settings{scenario.bounds, "naive"}, std::move(schedule));
}

long find(const ExecutionResult& r, EventKind kind, ThreadId thread) {
  for (std::size_t i = 0; i < r.events.size(); ++i)
    if (r.events[i].kind == kind && r.events[i].thread == thread) return static_cast<long>(i);
  return -1;
}

bool hasBranch(const ExecutionResult& r) {
  return std::any_of(r.schedule.begin(), r.schedule.end(),
                     [](const Choice& c) { return c.kind == ChoiceKind::Branch; });
}

// Setup for the conversion and waiter-count tests: "owner" (0) holds R exclusively twice;
// "s1" (1) and "s2" (3) wait shared, "x" (2) waits exclusive, queued s1, x, s2.
struct ConvertProbe {
  ULONG exclusiveWaiters = 99;
  ULONG sharedWaiters = 99;
  BOOLEAN exclusiveAfter = TRUE;
  ULONG countAfter = 0;
};

void convertSetup(Setup& s, ConvertProbe& out) {
  auto& r = s.make<ERESOURCE>("R");
  ExInitializeResourceLite(&r);
  s.systemThread("owner", [&r, &out] {
    KeEnterCriticalRegion();
    ExAcquireResourceExclusiveLite(&r, TRUE);
    ExAcquireResourceExclusiveLite(&r, TRUE);
    out.exclusiveWaiters = ExGetExclusiveWaiterCount(&r);
    out.sharedWaiters = ExGetSharedWaiterCount(&r);
    ExConvertExclusiveToSharedLite(&r);
    out.exclusiveAfter = ExIsResourceAcquiredExclusiveLite(&r);
    out.countAfter = ExIsResourceAcquiredSharedLite(&r);
    ExReleaseResourceLite(&r);
    ExReleaseResourceLite(&r);
    KeLeaveCriticalRegion();
  });
  for (const char* name : {"s1", "x", "s2"})
    s.systemThread(name, [&r, exclusive = std::string(name) == "x"] {
      KeEnterCriticalRegion();
      if (exclusive) ExAcquireResourceExclusiveLite(&r, TRUE);
      else ExAcquireResourceSharedLite(&r, TRUE);
      ExReleaseResourceLite(&r);
      KeLeaveCriticalRegion();
    });
}

}  // namespace

TEST_CASE("§3.3 Windows test: shared owner, exclusive waiter, later shared waiter: X first") {
  // kmtests ExResource.c: the last shared release grants the exclusive waiter, with no
  // branch; the shared waiter is granted only by the exclusive release.
  const auto r = replayInline(
      [](Setup& s) {
        auto& res = s.make<ERESOURCE>("R");
        ExInitializeResourceLite(&res);
        s.systemThread("owner", [&res] {
          KeEnterCriticalRegion();
          ExAcquireResourceSharedLite(&res, TRUE);
          ExReleaseResourceLite(&res);
          KeLeaveCriticalRegion();
        });
        s.systemThread("x", [&res] {
          KeEnterCriticalRegion();
          ExAcquireResourceExclusiveLite(&res, TRUE);
          ExReleaseResourceLite(&res);
          KeLeaveCriticalRegion();
        });
        s.systemThread("s", [&res] {
          KeEnterCriticalRegion();
          ExAcquireResourceSharedLite(&res, TRUE);
          ExReleaseResourceLite(&res);
          KeLeaveCriticalRegion();
        });
      },
      // owner acquires; x and s queue; owner releases; x wakes, releases; s wakes, releases.
      {run(0), run(1), run(2), run(0), run(1), run(1), run(2), run(2)});
  REQUIRE_FALSE(r.divergence);  // "s" runnable before "x" released would make run(1) diverge
  CHECK(r.verdict.result == Result::Pass);
  CHECK_FALSE(hasBranch(r.execution));
  const long xWoken = find(r.execution, EventKind::Woken, 1);
  const long sWoken = find(r.execution, EventKind::Woken, 2);
  REQUIRE(xWoken >= 0);
  REQUIRE(sWoken >= 0);
  CHECK(xWoken < sWoken);
}

TEST_CASE("§3.3, §6 exclusive release with both waiter kinds branches: shared batch or one X") {
  // Branch 0 hands the shared batch over, branch 1 the exclusive waiter.
  for (const std::uint16_t pick : {std::uint16_t{0}, std::uint16_t{1}}) {
    CAPTURE(pick);
    // owner takes R; s1, x, s2 queue; owner's release branches.
    const auto r = replayInline(
        [](Setup& s) {
          auto& res = s.make<ERESOURCE>("R");
          ExInitializeResourceLite(&res);
          s.systemThread("owner", [&res] {
            KeEnterCriticalRegion();
            ExAcquireResourceExclusiveLite(&res, TRUE);
            ExReleaseResourceLite(&res);
            KeLeaveCriticalRegion();
          });
          for (const char* name : {"s1", "x", "s2"})
            s.systemThread(name, [&res, exclusive = std::string(name) == "x"] {
              KeEnterCriticalRegion();
              if (exclusive) ExAcquireResourceExclusiveLite(&res, TRUE);
              else ExAcquireResourceSharedLite(&res, TRUE);
              ExReleaseResourceLite(&res);
              KeLeaveCriticalRegion();
            });
        },
        {run(0), run(1), run(2), run(3), run(0), Choice{ChoiceKind::Branch, kNoThread, pick, 2}});
    REQUIRE(r.execution.schedule.size() == 6);  // every entry was possible; then it stops
    const auto& owners = r.execution.snapshot.objects[0].owners;
    if (pick == 0) {
      REQUIRE(owners.size() == 2);
      CHECK(owners[0].thread == "s1");
      CHECK(owners[1].thread == "s2");
      CHECK(owners[0].mode == "shared");
    } else {
      REQUIRE(owners.size() == 1);
      CHECK(owners[0].thread == "x");
      CHECK(owners[0].mode == "exclusive");
    }
  }
}

TEST_CASE("§3.3 ExGetExclusiveWaiterCount and ExGetSharedWaiterCount count the queued waiters") {
  ConvertProbe out;
  // owner: 2 acquires, then the counts once s1, x and s2 have queued.
  const auto r = replayInline([&out](Setup& s) { convertSetup(s, out); },
                              {run(0), run(0), run(1), run(2), run(3), run(0), run(0)});
  REQUIRE(r.execution.schedule.size() == 7);
  CHECK(out.exclusiveWaiters == 1);
  CHECK(out.sharedWaiters == 2);
}

TEST_CASE("§3.3 converting exclusive to shared grants the shared waiters; X waiter keeps waiting") {
  ConvertProbe out;
  const auto r = replayInline([&out](Setup& s) { convertSetup(s, out); },
                              {run(0), run(0), run(1), run(2), run(3), run(0), run(0), run(0)});
  REQUIRE(r.execution.schedule.size() == 8);
  CHECK(r.verdict.result == Result::Pass);
  CHECK(out.exclusiveAfter == FALSE);
  CHECK(out.countAfter == 2);  // the recursion count carries over
  const auto& snap = r.execution.snapshot;
  CHECK(snap.threads[1].state == "ready");    // s1 granted
  CHECK(snap.threads[2].state == "waiting");  // x still waits
  CHECK(snap.threads[3].state == "ready");    // s2 granted
  REQUIRE(snap.objects[0].owners.size() == 3);
  for (const HolderSnapshot& owner : snap.objects[0].owners) CHECK(owner.mode == "shared");
}

TEST_CASE("§3.3 converting by a shared holder is a no-op (ResourceConvertNotExclusive)") {
  ULONG count = 0;
  const auto e = exploreInline([&count](Setup& s) {
    auto& r = s.make<ERESOURCE>("R");
    ExInitializeResourceLite(&r);
    s.systemThread("reader", [&r, &count] {
      KeEnterCriticalRegion();
      ExAcquireResourceSharedLite(&r, TRUE);
      ExConvertExclusiveToSharedLite(&r);
      count = ExIsResourceAcquiredSharedLite(&r);
      ExReleaseResourceLite(&r);
      KeLeaveCriticalRegion();
    });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.kind() == ViolationKind::ContractViolation);
  CHECK(e.verdict.violation->rule == "ResourceConvertNotExclusive");
  CHECK(count == 1);
  CHECK(e.stats.executions == 1);
}

TEST_CASE("§3.3 a suspended shared waiter handed the resource owns it: SuspendedOwnerDoS") {
  // The user thread waits shared outside a region, is suspended inside the wait, and the
  // exclusive release hands it the resource anyway; the system thread's next acquire hangs.
  const auto r = replayInline(
      [](Setup& s) {
        auto& res = s.make<ERESOURCE>("R");
        ExInitializeResourceLite(&res);
        s.systemThread("system", [&res] {
          KeEnterCriticalRegion();
          ExAcquireResourceExclusiveLite(&res, TRUE);
          ExReleaseResourceLite(&res);
          ExAcquireResourceExclusiveLite(&res, TRUE);
          ExReleaseResourceLite(&res);
          KeLeaveCriticalRegion();
        });
        s.userThread("user", [&res] {
          ExAcquireResourceSharedLite(&res, TRUE);  // no critical region
          ExReleaseResourceLite(&res);
        });
      },
      {run(0), run(1), suspend(1), run(0), run(0)});
  REQUIRE_FALSE(r.divergence);
  REQUIRE(r.verdict.result == Result::Violation);
  CHECK(r.verdict.kind() == ViolationKind::SuspendedOwnerDoS);
  CHECK(r.verdict.violation->rule == "SuspendedOwner");
  REQUIRE(r.verdict.causes.size() == 1);
  CHECK(r.verdict.causes[0].rule == "WithinCriticalRegion");
  CHECK(r.verdict.causes[0].code == 0x37);
  const auto& owners = r.execution.snapshot.objects[0].owners;
  REQUIRE(owners.size() == 1);
  CHECK(owners[0].thread == "user");
  CHECK(owners[0].mode == "shared");
}

TEST_CASE("§3.3, §4.12 release by a thread that owns nothing is BugCheck RESOURCE_NOT_OWNED") {
  const auto r = replayInline(
      [](Setup& s) {
        auto& res = s.make<ERESOURCE>("R");
        ExInitializeResourceLite(&res);
        s.systemThread("holder", [&res] {
          KeEnterCriticalRegion();
          ExAcquireResourceSharedLite(&res, TRUE);
          ExReleaseResourceLite(&res);
          KeLeaveCriticalRegion();
        });
        s.systemThread("stranger", [&res] {
          KeEnterCriticalRegion();
          ExReleaseResourceLite(&res);
          KeLeaveCriticalRegion();
        });
      },
      {run(0), run(1)});
  REQUIRE(r.verdict.result == Result::Violation);
  CHECK(r.verdict.kind() == ViolationKind::BugCheck);
  CHECK(r.verdict.violation->rule == "RESOURCE_NOT_OWNED");
  CHECK(r.verdict.violation->code == 0xE3);
  CHECK(r.verdict.violation->thread == 1);
}

TEST_CASE("§3.3 ExReleaseResourceForThreadLite for another thread's value is ERESOURCE_INVALID_RELEASE 0x16E") {
  // Without ExSetResourceOwnerPointerEx a cross-thread release names a thread that may not
  // release for it: ERESOURCE_INVALID_RELEASE.
  ERESOURCE_THREAD holderValue = 0;
  const auto r = replayInline(
      [&holderValue](Setup& s) {
        auto& res = s.make<ERESOURCE>("R");
        ExInitializeResourceLite(&res);
        s.systemThread("holder", [&res, &holderValue] {
          holderValue = ExGetCurrentResourceThread();
          KeEnterCriticalRegion();
          ExAcquireResourceExclusiveLite(&res, TRUE);
          ExReleaseResourceLite(&res);
          KeLeaveCriticalRegion();
        });
        s.systemThread("helper", [&res, &holderValue] {
          ExReleaseResourceForThreadLite(&res, holderValue);
        });
      },
      {run(0), run(1)});
  REQUIRE(r.verdict.result == Result::Violation);
  CHECK(r.verdict.kind() == ViolationKind::BugCheck);
  CHECK(r.verdict.violation->rule == "ERESOURCE_INVALID_RELEASE");
  CHECK(r.verdict.violation->code == 0x16E);
}

TEST_CASE("§3.3 ExReleaseResourceForThreadLite with a made-up value is ERESOURCE_INVALID_RELEASE 0x16E") {
  const auto e = exploreInline([](Setup& s) {
    auto& res = s.make<ERESOURCE>("R");
    ExInitializeResourceLite(&res);
    s.systemThread("caller", [&res] {
      KeEnterCriticalRegion();
      ExAcquireResourceExclusiveLite(&res, TRUE);
      ExReleaseResourceForThreadLite(&res, 0x1234);
      KeLeaveCriticalRegion();
    });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.kind() == ViolationKind::BugCheck);
  CHECK(e.verdict.violation->rule == "ERESOURCE_INVALID_RELEASE");
  CHECK(e.verdict.violation->code == 0x16E);
}

TEST_CASE("§3.3 ExReleaseResourceForThreadLite with the caller's own value is a plain release") {
  ULONG countAfter = 99;
  const auto e = exploreInline([&countAfter](Setup& s) {
    auto& res = s.make<ERESOURCE>("R");
    ExInitializeResourceLite(&res);
    s.systemThread("caller", [&res, &countAfter] {
      KeEnterCriticalRegion();
      ExAcquireResourceSharedLite(&res, TRUE);
      ExReleaseResourceForThreadLite(&res, ExGetCurrentResourceThread());
      countAfter = ExIsResourceAcquiredSharedLite(&res);
      KeLeaveCriticalRegion();
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(countAfter == 0);
  CHECK(e.stats.executions == 1);
}

TEST_CASE("§3.3 after ExSetResourceOwnerPointerEx another thread releases for the owner pointer") {
  // The manager acquires and hands ownership to an owner pointer, then ends owning nothing
  // (no LockHeldAtExit); the user thread releases for that pointer and the waiter gets R.
  static ERESOURCE_THREAD cookie = 0;  // the owner-pointer storage Windows asks for
  const auto pointer = reinterpret_cast<PVOID>(reinterpret_cast<ERESOURCE_THREAD>(&cookie) | 3);
  const auto r = replayInline(
      [pointer](Setup& s) {
        auto& res = s.make<ERESOURCE>("R");
        ExInitializeResourceLite(&res);
        s.systemThread("manager", [&res, pointer] {
          KeEnterCriticalRegion();
          ExAcquireResourceExclusiveLite(&res, TRUE);
          ExSetResourceOwnerPointerEx(&res, pointer, FLAG_OWNER_POINTER_IS_THREAD);
          KeLeaveCriticalRegion();
        });
        s.systemThread("user", [&res, pointer] {
          ExReleaseResourceForThreadLite(&res, reinterpret_cast<ERESOURCE_THREAD>(pointer));
        });
        s.systemThread("waiter", [&res] {
          KeEnterCriticalRegion();
          ExAcquireResourceExclusiveLite(&res, TRUE);
          ExReleaseResourceLite(&res);
          KeLeaveCriticalRegion();
        });
      },
      // manager acquires, transfers (and ends); waiter queues; user releases; waiter runs.
      {run(0), run(0), run(2), run(1), run(2), run(2)});
  REQUIRE_FALSE(r.divergence);
  CHECK(r.verdict.result == Result::Pass);
  CHECK(r.execution.violations.empty());
  CHECK(r.execution.snapshot.objects[0].owners.empty());
}

TEST_CASE("§3.3 an owner pointer without its two low bits set is BugCheck RESOURCE_OWNER_POINTER_INVALID 0x132") {
  const auto e = exploreInline([](Setup& s) {
    auto& res = s.make<ERESOURCE>("R");
    ExInitializeResourceLite(&res);
    s.systemThread("manager", [&res] {
      KeEnterCriticalRegion();
      ExAcquireResourceExclusiveLite(&res, TRUE);
      ExSetResourceOwnerPointerEx(&res, reinterpret_cast<PVOID>(std::uintptr_t{0x1000}), 0);
      KeLeaveCriticalRegion();
    });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.kind() == ViolationKind::BugCheck);
  CHECK(e.verdict.violation->rule == "RESOURCE_OWNER_POINTER_INVALID");
  CHECK(e.verdict.violation->code == 0x132);
}

TEST_CASE("§3.3 deleting an owned resource is ResourceDeletedWhileOwned (DV 0x100B)") {
  const auto e = exploreInline([](Setup& s) {
    auto& res = s.make<ERESOURCE>("R");
    ExInitializeResourceLite(&res);
    s.systemThread("owner", [&res] {
      KeEnterCriticalRegion();
      ExAcquireResourceExclusiveLite(&res, TRUE);
      (void)ExDeleteResourceLite(&res);
      KeLeaveCriticalRegion();
    });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.kind() == ViolationKind::ContractViolation);
  CHECK(e.verdict.violation->rule == "ResourceDeletedWhileOwned");
  CHECK(e.verdict.violation->code == 0x100B);
}

TEST_CASE("§3.3 deleting an uninitialized resource is ResourceDeletedUninitialized (DV 0xD1)") {
  const auto e = exploreInline([](Setup& s) {
    auto& res = s.make<ERESOURCE>("R");
    s.systemThread("owner", [&res] { CHECK(ExDeleteResourceLite(&res) == STATUS_SUCCESS); });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.violation->rule == "ResourceDeletedUninitialized");
  CHECK(e.verdict.violation->code == 0xD1);
}

TEST_CASE("§3.3 deleting a free resource is clean; using it afterwards is ResourceInitialized") {
  const auto clean = exploreInline([](Setup& s) {
    auto& res = s.make<ERESOURCE>("R");
    ExInitializeResourceLite(&res);
    s.systemThread("owner", [&res] {
      KeEnterCriticalRegion();
      ExAcquireResourceExclusiveLite(&res, TRUE);
      ExReleaseResourceLite(&res);
      (void)ExDeleteResourceLite(&res);
      KeLeaveCriticalRegion();
    });
  });
  CHECK(clean.verdict.result == Result::Pass);
  const auto reused = exploreInline([](Setup& s) {
    auto& res = s.make<ERESOURCE>("R");
    ExInitializeResourceLite(&res);
    s.systemThread("owner", [&res] {
      KeEnterCriticalRegion();
      (void)ExDeleteResourceLite(&res);
      ExAcquireResourceExclusiveLite(&res, TRUE);
      ExReleaseResourceLite(&res);
      KeLeaveCriticalRegion();
    });
  });
  REQUIRE(reused.verdict.result == Result::Violation);
  CHECK(reused.verdict.violation->rule == "ResourceInitialized");
}

TEST_CASE("§3.3 ExEnterCriticalRegionAndAcquireResourceShared enters a region and holds shared") {
  BOOLEAN disabled = FALSE;
  ULONG count = 0;
  const auto e = exploreInline([&](Setup& s) {
    auto& res = s.make<ERESOURCE>("R");
    ExInitializeResourceLite(&res);
    s.userThread("user", [&] {
      (void)ExEnterCriticalRegionAndAcquireResourceShared(&res);
      disabled = KeAreApcsDisabled();
      count = ExIsResourceAcquiredSharedLite(&res);
      ExReleaseResourceAndLeaveCriticalRegion(&res);
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(disabled == TRUE);
  CHECK(count == 1);
}

TEST_CASE("§3.3 ExConvertExclusiveToSharedLite above APC_LEVEL is IrqlExApcLte3") {
  const auto e = exploreInline([](Setup& s) {
    auto& res = s.make<ERESOURCE>("R");
    ExInitializeResourceLite(&res);
    s.systemThread("owner", [&res] {
      KeEnterCriticalRegion();
      ExAcquireResourceExclusiveLite(&res, TRUE);
      KIRQL old = PASSIVE_LEVEL;
      KeRaiseIrql(DISPATCH_LEVEL, &old);
      ExConvertExclusiveToSharedLite(&res);
      KeLowerIrql(old);
      ExReleaseResourceLite(&res);
      KeLeaveCriticalRegion();
    });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.violation->rule == "IrqlExApcLte3");
  CHECK(e.verdict.violation->code == 0x20007);
}

TEST_CASE("§3.3 releasing above DISPATCH_LEVEL is ResourceReleaseAboveDispatch") {
  const auto e = exploreInline([](Setup& s) {
    auto& res = s.make<ERESOURCE>("R");
    ExInitializeResourceLite(&res);
    s.systemThread("owner", [&res] {
      KeEnterCriticalRegion();
      ExAcquireResourceSharedLite(&res, TRUE);
      KIRQL old = PASSIVE_LEVEL;
      KeRaiseIrql(HIGH_LEVEL, &old);
      ExReleaseResourceLite(&res);
      KeLowerIrql(old);
      KeLeaveCriticalRegion();
    });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.violation->rule == "ResourceReleaseAboveDispatch");
}

TEST_CASE("§3.3 a user thread releasing with normal kernel APCs enabled: WithinCriticalRegion 0x38") {
  // System threads are exempt on release; a thread of a process is not.
  const auto e = exploreInline(
      [](Setup& s) {
        auto& res = s.make<ERESOURCE>("R");
        ExInitializeResourceLite(&res);
        s.userThread("user", [&res] {
          KeEnterCriticalRegion();
          ExAcquireResourceExclusiveLite(&res, TRUE);
          KeLeaveCriticalRegion();
          ExReleaseResourceLite(&res);
        });
      },
      Bounds{.maxSteps = 100, .maxSuspensions = 0});
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.kind() == ViolationKind::ContractViolation);
  CHECK(e.verdict.violation->rule == "WithinCriticalRegion");
  CHECK(e.verdict.violation->code == 0x38);
}

TEST_CASE("§3.3 re-initializing a live resource on a thread is ResourceReinitialized (DV 0xD0)") {
  const auto e = exploreInline([](Setup& s) {
    auto& res = s.make<ERESOURCE>("R");
    ExInitializeResourceLite(&res);
    s.systemThread("T", [&res] { (void)ExInitializeResourceLite(&res); });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.violation->rule == "ResourceReinitialized");
  CHECK(e.verdict.violation->code == 0xD0);
}
