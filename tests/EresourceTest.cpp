// ERESOURCE (kernel-semantics.md §3.3): the grant table row by row, Wait=FALSE, hand-off
// order, conversion, release for an owner, deletion and the checks with their rule ids.
#include "Support.hpp"
#include "interlock/primitives/Irql.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <array>
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
  return replay(scenario, Settings{scenario.bounds, "dfs", 0}, std::move(schedule));
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

// --- the §3.3 grant table, one row at a time -------------------------------------------

enum class Api { Exclusive, SharedLite, StarveExclusive, WaitForExclusive, TryExclusive };
constexpr std::array<Api, 4> kTableApis{Api::Exclusive, Api::SharedLite, Api::StarveExclusive,
                                        Api::WaitForExclusive};

const char* name(Api api) {
  switch (api) {
    case Api::Exclusive: return "ExAcquireResourceExclusiveLite";
    case Api::SharedLite: return "ExAcquireResourceSharedLite";
    case Api::StarveExclusive: return "ExAcquireSharedStarveExclusive";
    case Api::WaitForExclusive: return "ExAcquireSharedWaitForExclusive";
    case Api::TryExclusive: return "ExTryToAcquireResourceExclusiveLite";
  }
  return "?";
}

BOOLEAN acquireWith(Api api, PERESOURCE r, BOOLEAN wait) {
  switch (api) {
    case Api::Exclusive: return ExAcquireResourceExclusiveLite(r, wait);
    case Api::SharedLite: return ExAcquireResourceSharedLite(r, wait);
    case Api::StarveExclusive: return ExAcquireSharedStarveExclusive(r, wait);
    case Api::WaitForExclusive: return ExAcquireSharedWaitForExclusive(r, wait);
    case Api::TryExclusive: return ExTryToAcquireResourceExclusiveLite(r);
  }
  return FALSE;
}

enum class Row { Free, CallerOwnsX, OtherOwnsX, SharedByOthers, SharedByOthersXWaiter,
                 CallerShared, CallerSharedXWaiter };
enum class Outcome { Granted, Refused, Waits, Deadlock };

const char* name(Outcome outcome) {
  switch (outcome) {
    case Outcome::Granted: return "granted";
    case Outcome::Refused: return "FALSE";
    case Outcome::Waits: return "waits";
    case Outcome::Deadlock: return "deadlock";
  }
  return "?";
}

struct Probe {
  BOOLEAN returned = 0xFF;  // untouched: the call never returned
  BOOLEAN exclusive = FALSE;
  ULONG count = 0;
};

// Thread 0 "other" owns the resource as the row says, thread 1 "xwaiter" queues for it
// exclusively, thread 2 "caller" holds what the row says and then makes the call under test.
// The schedule runs exactly those steps; every thread's release is left unscheduled.
Outcome probe(Row row, Api api, BOOLEAN wait, Probe& out) {
  const bool otherX = row == Row::OtherOwnsX;
  const bool otherShared = row == Row::SharedByOthers || row == Row::SharedByOthersXWaiter;
  const bool callerX = row == Row::CallerOwnsX;
  const bool callerShared = row == Row::CallerShared || row == Row::CallerSharedXWaiter;
  const bool xWaiter = row == Row::SharedByOthersXWaiter || row == Row::CallerSharedXWaiter;
  auto setup = [&](Setup& s) {
    auto& r = s.make<ERESOURCE>("R");
    ExInitializeResourceLite(&r);
    s.systemThread("other", [&r, otherX, otherShared] {
      if (!otherX && !otherShared) return;
      KeEnterCriticalRegion();
      if (otherX) ExAcquireResourceExclusiveLite(&r, TRUE);
      else ExAcquireResourceSharedLite(&r, TRUE);
      ExReleaseResourceLite(&r);
      KeLeaveCriticalRegion();
    });
    s.systemThread("xwaiter", [&r, xWaiter] {
      if (!xWaiter) return;
      KeEnterCriticalRegion();
      ExAcquireResourceExclusiveLite(&r, TRUE);
      ExReleaseResourceLite(&r);
      KeLeaveCriticalRegion();
    });
    s.systemThread("caller", [&r, &out, callerX, callerShared, api, wait] {
      KeEnterCriticalRegion();
      if (callerX) ExAcquireResourceExclusiveLite(&r, TRUE);
      if (callerShared) ExAcquireResourceSharedLite(&r, TRUE);
      out.returned = acquireWith(api, &r, wait);
      out.exclusive = ExIsResourceAcquiredExclusiveLite(&r);
      out.count = ExIsResourceAcquiredSharedLite(&r);
      ExReleaseResourceLite(&r);
      KeLeaveCriticalRegion();
    });
  };
  std::vector<Choice> schedule;
  if (otherX || otherShared) schedule.push_back(run(0));
  if (callerX || callerShared) schedule.push_back(run(2));
  if (xWaiter) schedule.push_back(run(1));
  schedule.push_back(run(2));
  const Replay r = replayInline(setup, schedule);
  REQUIRE(r.execution.schedule.size() == schedule.size());  // every step was possible
  if (r.verdict.result == Result::Violation) {
    REQUIRE(r.verdict.kind() == ViolationKind::Deadlock);
    CHECK(r.verdict.violation->rule == "SelfDeadlock");
    CHECK(r.verdict.causes.empty());
    return Outcome::Deadlock;
  }
  CHECK(r.verdict.result == Result::Pass);
  if (out.returned == TRUE) return Outcome::Granted;
  if (out.returned == FALSE) return Outcome::Refused;
  CHECK(r.execution.snapshot.threads[2].state == "waiting");
  return Outcome::Waits;
}

// One row of the table: the outcome of each column with Wait=TRUE; with Wait=FALSE every
// wait (and every deadlock) becomes FALSE.
void checkRow(Row row, const std::array<Outcome, 4>& expected) {
  for (std::size_t i = 0; i < kTableApis.size(); ++i) {
    for (const BOOLEAN wait : {TRUE, FALSE}) {
      CAPTURE(name(kTableApis[i]));
      CAPTURE(static_cast<int>(wait));
      Probe out;
      const Outcome want = wait || expected[i] == Outcome::Granted ? expected[i] : Outcome::Refused;
      CHECK(std::string(name(probe(row, kTableApis[i], wait, out))) == name(want));
    }
  }
}

constexpr Outcome G = Outcome::Granted;
constexpr Outcome W = Outcome::Waits;
constexpr Outcome D = Outcome::Deadlock;

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

TEST_CASE("§3.3 grant table, free: every acquire is granted") {
  checkRow(Row::Free, {G, G, G, G});
}

TEST_CASE("§3.3 grant table, caller owns X: every acquire is granted, as exclusive, count+1") {
  checkRow(Row::CallerOwnsX, {G, G, G, G});
  for (const Api api : kTableApis) {
    CAPTURE(name(api));
    Probe out;
    REQUIRE(probe(Row::CallerOwnsX, api, TRUE, out) == Outcome::Granted);
    CHECK(out.exclusive == TRUE);  // a shared request by the exclusive owner stays exclusive
    CHECK(out.count == 2);
  }
}

TEST_CASE("§3.3 grant table, other owns X: every acquire waits") {
  checkRow(Row::OtherOwnsX, {W, W, W, W});
}

TEST_CASE("§3.3 grant table, shared by others, no X waiter: only exclusive waits") {
  checkRow(Row::SharedByOthers, {W, G, G, G});
}

TEST_CASE("§3.3 grant table, shared by others, X waiter: only StarveExclusive is granted") {
  checkRow(Row::SharedByOthersXWaiter, {W, W, G, W});
}

TEST_CASE("§3.3 grant table, caller shared, no X waiter: exclusive self-deadlocks (SelfDeadlock)") {
  checkRow(Row::CallerShared, {D, G, G, G});
  Probe out;
  REQUIRE(probe(Row::CallerShared, Api::SharedLite, TRUE, out) == Outcome::Granted);
  CHECK(out.exclusive == FALSE);
  CHECK(out.count == 2);
}

TEST_CASE("§3.3 grant table, caller shared, X waiter: exclusive and WaitForExclusive deadlock") {
  // The WaitForExclusive request queues behind the waiter, which waits for the caller.
  checkRow(Row::CallerSharedXWaiter, {D, G, G, D});
}

TEST_CASE("§3.3 ExTryToAcquireResourceExclusiveLite grants only unowned or recursive, never waits") {
  const std::array<std::pair<Row, Outcome>, 7> rows{{{Row::Free, G},
                                                     {Row::CallerOwnsX, G},
                                                     {Row::OtherOwnsX, Outcome::Refused},
                                                     {Row::SharedByOthers, Outcome::Refused},
                                                     {Row::SharedByOthersXWaiter, Outcome::Refused},
                                                     {Row::CallerShared, Outcome::Refused},
                                                     {Row::CallerSharedXWaiter, Outcome::Refused}}};
  for (const auto& [row, want] : rows) {
    CAPTURE(static_cast<int>(row));
    Probe out;
    CHECK(probe(row, Api::TryExclusive, TRUE, out) == want);
    if (row == Row::CallerOwnsX) CHECK(out.count == 2);
  }
}

TEST_CASE("§3.3 Wait=FALSE returns FALSE at once: two lockers, four executions, one FALSE") {
  // A: acquire(TRUE), release. B: acquire(FALSE), release only if granted. By hand:
  // [a1 a2 b1 b2], [a1 b1=FALSE a2], [b1 b2 a1 a2], [b1 a1-waits b2 a1-wakes a2]:
  // 4 executions of 4 + 3 + 4 + 5 = 16 steps, and B sees FALSE exactly once.
  int refused = 0;
  const auto e = exploreInline([&refused](Setup& s) {
    auto& r = s.make<ERESOURCE>("R");
    ExInitializeResourceLite(&r);
    s.systemThread("A", [&r] {
      KeEnterCriticalRegion();
      ExAcquireResourceExclusiveLite(&r, TRUE);
      ExReleaseResourceLite(&r);
      KeLeaveCriticalRegion();
    });
    s.systemThread("B", [&r, &refused] {
      KeEnterCriticalRegion();
      if (ExAcquireResourceExclusiveLite(&r, FALSE)) ExReleaseResourceLite(&r);
      else ++refused;
      KeLeaveCriticalRegion();
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(e.stats.executions == 4);
  CHECK(e.stats.steps == 16);
  CHECK(refused == 1);
}

TEST_CASE("§3.3 two shared lockers never wait: six interleavings of four steps") {
  // Two threads of two visible operations each, none blocking: C(4,2) = 6 executions.
  const auto e = exploreInline([](Setup& s) {
    auto& r = s.make<ERESOURCE>("R");
    ExInitializeResourceLite(&r);
    for (const char* name : {"A", "B"})
      s.systemThread(name, [&r] {
        KeEnterCriticalRegion();
        ExAcquireResourceSharedLite(&r, TRUE);
        ExReleaseResourceLite(&r);
        KeLeaveCriticalRegion();
      });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(e.stats.executions == 6);
  CHECK(e.stats.steps == 24);
}

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
    REQUIRE_FALSE(r.divergence);
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
  REQUIRE_FALSE(r.divergence);
  CHECK(out.exclusiveWaiters == 1);
  CHECK(out.sharedWaiters == 2);
}

TEST_CASE("§3.3 converting exclusive to shared grants the shared waiters; X waiter keeps waiting") {
  ConvertProbe out;
  const auto r = replayInline([&out](Setup& s) { convertSetup(s, out); },
                              {run(0), run(0), run(1), run(2), run(3), run(0), run(0), run(0)});
  REQUIRE_FALSE(r.divergence);
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

TEST_CASE("§3.3 ExReleaseResourceForThreadLite for another thread's value is 0x16E") {
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

TEST_CASE("§3.3 ExReleaseResourceForThreadLite with a made-up value is 0x16E") {
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

TEST_CASE("§3.3 an owner pointer without its two low bits set is BugCheck 0x132") {
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
