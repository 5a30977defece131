// ERESOURCE grant table (kernel-rules.md §3.3): each row for the four acquire routines
// with Wait TRUE and FALSE, ExTryToAcquireResourceExclusiveLite, and hand-counted explorations.
#include "Support.hpp"

#include <doctest/doctest.h>

#include <array>
#include <string>

using namespace interlock;
using namespace interlock::wdm;
using interlock::test::exploreInline;
using interlock::test::inlineScenario;

namespace {

Choice run(ThreadId t) { return Choice{ChoiceKind::Run, t}; }

Replay replayInline(std::function<void(Setup&)> setup, std::vector<Choice> schedule) {
  const Scenario scenario = inlineScenario(std::move(setup));
  return replay(scenario, Settings{scenario.bounds, "naive"}, std::move(schedule));
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
