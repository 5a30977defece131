// Execution and exhaustive exploration: exact counts on programs whose interleavings can
// be counted by hand.
#include "Support.hpp"
#include "interlock/checker/StrategyRegistry.hpp"

#include <doctest/doctest.h>

#include <stdexcept>
#include <string>
#include <vector>

using namespace interlock;
using namespace interlock::wdm;
using interlock::test::exploreInline;

namespace {
// n threads each writing a shared variable k times: (n*k)! / (k!)^n interleavings.
void writers(Setup& s, int threads, int writes) {
  auto& x = s.make<Shared<LONG>>("x");
  for (int t = 0; t < threads; ++t)
    s.systemThread("T" + std::to_string(t), [&x, writes] {
      for (int i = 0; i < writes; ++i) x.store(i);
    });
}
}  // namespace

TEST_CASE("two threads of one visible operation each give two executions") {
  const auto e = exploreInline([](Setup& s) { writers(s, 2, 1); });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(e.stats.executions == 2);
  CHECK(e.stats.steps == 4);
}

TEST_CASE("two threads of two operations each give six interleavings") {
  CHECK(exploreInline([](Setup& s) { writers(s, 2, 2); }).stats.executions == 6);
}

TEST_CASE("three threads of two operations each give ninety interleavings") {
  CHECK(exploreInline([](Setup& s) { writers(s, 3, 2); }).stats.executions == 90);
}

TEST_CASE("a thread with no visible operation finishes during start and needs no choice") {
  const auto e = exploreInline([](Setup& s) { s.systemThread("idle", [] {}); });
  CHECK(e.stats.executions == 1);
  CHECK(e.stats.steps == 0);
}

TEST_CASE("each suspendable thread adds a suspension choice at every step until used") {
  // One user thread with one write: [run] or [suspend, then nothing can run] -> 2 executions.
  const auto e = exploreInline([](Setup& s) {
    auto& x = s.make<Shared<LONG>>("x");
    s.userThread("user", [&x] { x.store(1); });
  });
  CHECK(e.stats.executions == 2);
  CHECK(e.verdict.result == Result::Pass);
}

TEST_CASE("a suspension bound of zero turns the adversary off: no suspension, and a complete pass") {
  const auto e = exploreInline(
      [](Setup& s) {
        auto& x = s.make<Shared<LONG>>("x");
        s.userThread("user", [&x] { x.store(1); });
      },
      Bounds{.maxSteps = 100, .maxSuspensions = 0});
  CHECK(e.stats.executions == 1);
  CHECK(e.verdict.result == Result::Pass);
}

TEST_CASE("a suspension bound of one that withholds a second suspension makes the verdict incomplete") {
  const auto e = exploreInline(
      [](Setup& s) {
        auto& x = s.make<Shared<LONG>>("x");
        s.userThread("user1", [&x] { x.store(1); });
        s.userThread("user2", [&x] { x.store(2); });
      },
      Bounds{.maxSteps = 100, .maxSuspensions = 1});
  CHECK(e.verdict.result == Result::Incomplete);
  CHECK(e.verdict.incompleteReason == "suspension bound");
}

TEST_CASE("an execution longer than the step bound makes the verdict incomplete") {
  const auto e = exploreInline([](Setup& s) { writers(s, 1, 5); },
                               Bounds{.maxSteps = 3, .maxSuspensions = 1});
  CHECK(e.verdict.result == Result::Incomplete);
  CHECK(e.verdict.incompleteReason == "step bound");
}

TEST_CASE("a failed check is an Assertion violation with its message") {
  const auto e = exploreInline([](Setup& s) {
    auto& x = s.make<Shared<LONG>>("x");
    s.systemThread("a", [&x] { x.store(x.load() + 1); });
    s.systemThread("b", [&x] { x.store(x.load() + 1); });
    s.systemThread("observer", [&x] {
      (void)x.load();
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  const auto lost = exploreInline([](Setup& s) {
    auto& x = s.make<Shared<LONG>>("x");
    auto& done = s.make<Shared<LONG>>("done");
    for (const char* name : {"a", "b"})
      s.systemThread(name, [&x, &done] {
        x.store(x.load() + 1);
        const LONG finished = done.load() + 1;
        done.store(finished);
        if (finished == 2) check(x.load() == 2, "no increment is lost");
      });
  });
  REQUIRE(lost.verdict.result == Result::Violation);
  CHECK(lost.verdict.kind() == ViolationKind::Assertion);
  CHECK(lost.verdict.violation->message == "no increment is lost");
}

TEST_CASE("setup errors name the problem") {
  CHECK_THROWS_WITH_AS(exploreInline([](Setup& s) {
                         s.systemThread("same", [] {});
                         s.systemThread("same", [] {});
                       }),
                       "two threads are named 'same'", ScenarioError);
  CHECK_THROWS_AS(exploreInline([](Setup& s) { s.systemThread("has space", [] {}); }),
                  ScenarioError);
}

TEST_CASE("an exception escaping a scenario thread is reported, not a crash") {
  CHECK_THROWS_WITH_AS(exploreInline([](Setup& s) {
                         auto& x = s.make<Shared<LONG>>("x");
                         s.systemThread("thrower", [&x] {
                           x.store(1);
                           throw std::runtime_error("boom");
                         });
                       }),
                       "thread 'thrower' threw: boom", ScenarioError);
}

TEST_CASE("a run with event recording off keeps its schedule and violations but no events") {
  const Scenario scenario = test::inlineScenario([](Setup& s) {
    auto& x = s.make<Shared<int>>("x");
    s.systemThread("t", [&x] {
      x.store(1);
      wdm::KeEnterCriticalRegion();  // exits still inside: KERNEL_APC_PENDING_DURING_EXIT
    });
  });
  Settings settings;
  settings.strategy = "naive";
  const auto strategy = makeStrategy(settings);
  StackPool stacks;
  Execution execution(stacks);
  execution.recordEvents(false);
  strategy->beginExecution(execution);
  const ExecutionResult& quiet = execution.run(scenario, settings.bounds, *strategy, {});
  CHECK(quiet.events.empty());
  CHECK(quiet.schedule.size() == 1);
  REQUIRE(quiet.consequence() != nullptr);
  CHECK(quiet.consequence()->rule == "KERNEL_APC_PENDING_DURING_EXIT");
  execution.recordEvents(true);
  (void)strategy->nextExecution();
  const auto again = makeStrategy(settings);
  again->beginExecution(execution);
  CHECK_FALSE(execution.run(scenario, settings.bounds, *again, {}).events.empty());
}

namespace {

// One thread storing to a variable three times: three steps, no choice between threads.
Scenario threeStores() {
  return test::inlineScenario([](Setup& s) {
    auto& x = s.make<Shared<int>>("x");
    s.systemThread("t", [&x] {
      for (int i = 0; i < 3; ++i) x.store(i);
    });
  });
}

// Throws from afterStep at step `at`: a strategy or property failing while a thread is stopped.
class ThrowingMonitor final : public Monitor {
 public:
  explicit ThrowingMonitor(std::uint32_t at) : at_(at) {}
  void afterStep(Execution& execution, const Choice&) override {
    if (execution.step() == at_) throw std::runtime_error("monitor failed at step " + std::to_string(at_));
  }

 private:
  std::uint32_t at_;
};

}  // namespace

TEST_CASE("a monitor that throws while a thread is stopped makes the run throw, and the next run works") {
  // The thread goes on after step 1: its next choice, and so the monitor, runs on its own stack.
  const Scenario scenario = threeStores();
  StackPool stacks;
  Execution execution(stacks);
  test::FirstOption first;
  ThrowingMonitor throwing(1);
  Monitor* const monitors[] = {&throwing};
  CHECK_THROWS_WITH_AS((void)execution.run(scenario, scenario.bounds, first, monitors),
                       "monitor failed at step 1", std::runtime_error);
  const ExecutionResult& again = execution.run(scenario, scenario.bounds, first, {});
  CHECK(again.steps == 3);
  CHECK(again.ending == Ending::Quiescent);
  CHECK_FALSE(again.hasCause());
}

namespace {

// Counts the steps it is shown; watches what it is told to.
class CountingMonitor final : public Monitor {
 public:
  explicit CountingMonitor(std::uint8_t watches) : watches_(watches) {}
  [[nodiscard]] std::uint8_t watches() const noexcept override { return watches_; }
  void afterStep(Execution&, const Choice&) override { ++steps; }
  int steps = 0;

 private:
  std::uint8_t watches_;
};

}  // namespace

TEST_CASE("the monitors a step goes to follow each run's own monitors, not the last run's") {
  const Scenario scenario = threeStores();
  StackPool stacks;
  Execution execution(stacks);
  test::FirstOption first;
  CountingMonitor everyStep(Monitor::kEveryStep);
  CountingMonitor blocking(Monitor::kStepsThatBlock);  // no step of this scenario blocks
  Monitor* const both[] = {&everyStep, &blocking};
  Monitor* const blockingOnly[] = {&blocking};
  (void)execution.run(scenario, scenario.bounds, first, both);
  (void)execution.run(scenario, scenario.bounds, first, both);  // the same monitors: the kept table
  CHECK(everyStep.steps == 6);
  (void)execution.run(scenario, scenario.bounds, first, blockingOnly);
  (void)execution.run(scenario, scenario.bounds, first, {});
  CHECK(everyStep.steps == 6);
  CHECK(blocking.steps == 0);
}

TEST_CASE("a run refused for too many monitors leaves no table behind for the next run") {
  const Scenario scenario = threeStores();
  StackPool stacks;
  Execution execution(stacks);
  test::FirstOption first;
  std::vector<CountingMonitor> counting(9, CountingMonitor(Monitor::kEveryStep));
  std::vector<Monitor*> nine;
  for (CountingMonitor& monitor : counting) nine.push_back(&monitor);
  CHECK_THROWS_WITH_AS((void)execution.run(scenario, scenario.bounds, first, nine),
                       "more than 8 monitors watch steps", std::logic_error);
  const ExecutionResult& again = execution.run(scenario, scenario.bounds, first, {});
  CHECK(again.steps == 3);
  for (const CountingMonitor& monitor : counting) CHECK(monitor.steps == 0);
}

TEST_CASE("objects and threads made in the same place as last run's take this run's names") {
  // Names are kept by place between runs and copied only when they differ: every length up to
  // 20 characters, with the one differing character at each position, must still be seen.
  std::vector<std::string> names;
  for (std::size_t length = 1; length <= 20; ++length) {
    const std::string base(length, 'a');
    names.push_back(base);
    for (std::size_t at = 0; at < length; ++at) names.push_back(std::string(base).replace(at, 1, "b"));
  }
  std::size_t run = 0;
  const Scenario scenario = interlock::test::inlineScenario([&](Setup& s) {
    s.make<Shared<LONG>>(names[run]);
    s.systemThread(names[run], [] {});
  });
  StackPool stacks;
  Execution execution(stacks);
  test::FirstOption first;
  for (run = 0; run < names.size(); ++run) {
    (void)execution.run(scenario, scenario.bounds, first, {}, true);
    const Snapshot& snapshot = execution.result().snapshot;
    CHECK(snapshot.objects.at(0).name == names[run]);
    CHECK(snapshot.threads.at(0).name == names[run]);
  }
}

namespace {

// Counts its live instances: each object a run builds must be destroyed exactly once.
struct CountedObject final : KernelObject {
  static inline int alive = 0;
  CountedObject() noexcept { ++alive; }
  ~CountedObject() override { --alive; }
  [[nodiscard]] const char* typeName() const noexcept override { return "COUNTED"; }
  [[nodiscard]] bool isLock() const noexcept override { return false; }
};

}  // namespace

TEST_CASE("an object built in kept storage and then refused is destroyed, and its storage serves the next run") {
  std::vector<const KernelObject*> seconds;  // where each run built its second object
  const auto makeTwo = [&seconds](const char* second) {
    return interlock::test::inlineScenario([&seconds, second](Setup& s) {
      s.make<CountedObject>("first");
      seconds.push_back(&s.make<CountedObject>(second));
      s.systemThread("t", [] { CHECK(CountedObject::alive == 2); });
    });
  };
  const Scenario good = makeTwo("second");
  const Scenario refused = makeTwo("first");  // the second object's name is taken
  StackPool stacks;
  Execution execution(stacks);
  test::FirstOption first;
  (void)execution.run(good, good.bounds, first, {}, true);
  CHECK(CountedObject::alive == 0);
  CHECK_THROWS_WITH_AS((void)execution.run(refused, refused.bounds, first, {}, true),
                       "two objects are named 'first'", ScenarioError);
  CHECK(CountedObject::alive == 0);
  CHECK(seconds.size() == 1);  // refused before make returned
  (void)execution.run(good, good.bounds, first, {}, true);
  CHECK(CountedObject::alive == 0);
  REQUIRE(seconds.size() == 2);
  CHECK(seconds[1] == seconds[0]);
}

TEST_CASE("an object array names its objects base.0 on and reaches them by index, run after run") {
  int sum = 0;
  const Scenario scenario = interlock::test::inlineScenario([&sum](Setup& s) {
    const ObjectArray<Shared<LONG>> cells = s.makeArray<Shared<LONG>>("cell", 3, LONG{5});
    CHECK(cells.size() == 3);
    s.systemThread("t", [cells, &sum] {
      cells[2].store(cells[0].load() + cells[1].load());
      sum = static_cast<int>(cells[2].peek());
    });
  });
  StackPool stacks;
  Execution execution(stacks);
  test::FirstOption first;
  for (int run = 0; run < 2; ++run) {
    sum = 0;
    (void)execution.run(scenario, scenario.bounds, first, {}, true);
    const Snapshot& snapshot = execution.result().snapshot;
    REQUIRE(snapshot.objects.size() == 3);
    CHECK(snapshot.objects[0].name == "cell.0");
    CHECK(snapshot.objects[1].name == "cell.1");
    CHECK(snapshot.objects[2].name == "cell.2");
    CHECK(sum == 10);  // each run's cells start from the constructor's 5
  }
}

namespace {
// What an execution's objects look like at its end, read before teardown clears them.
struct ObjectsAtEnd final : Monitor {
  std::vector<ObjectId> locks, named, ids;
  std::vector<std::string> names;
  void atQuiescence(Execution& execution) override {
    locks.assign(execution.locks().begin(), execution.locks().end());
    named.assign(execution.namedLocks().begin(), execution.namedLocks().end());
    ids.clear();
    names.clear();
    for (const KernelObject* object : execution.objects()) {
      ids.push_back(object->id());
      names.push_back(object->name() + ":" + object->typeName());
    }
  }
};
}  // namespace

TEST_CASE("object arrays rebuilt in place keep their ids, names and lock list run after run") {
  const Scenario scenario = interlock::test::inlineScenario([](Setup& s) {
    (void)s.make<Shared<LONG>>("flag");
    const auto locks = s.makeArray<ERESOURCE>("lock", 3);
    const auto cells = s.makeArray<Shared<LONG>>("cell", 2);
    (void)s.make<ERESOURCE>("last");
    for (std::size_t i = 0; i < locks.size(); ++i) ExInitializeResourceLite(&locks[i]);
    s.systemThread("t", [locks, cells] {
      KeEnterCriticalRegion();
      (void)ExAcquireResourceExclusiveLite(&locks[2], TRUE);
      cells[1].store(1);
      ExReleaseResourceLite(&locks[2]);
      KeLeaveCriticalRegion();
    });
  });
  StackPool stacks;
  Execution execution(stacks);
  test::FirstOption first;
  ObjectsAtEnd end;
  Monitor* monitors[] = {&end};
  // The first run builds the arrays object by object; the later ones in the storage it kept.
  for (int run = 0; run < 3; ++run) {
    CAPTURE(run);
    const ExecutionResult& result = execution.run(scenario, scenario.bounds, first, monitors);
    CHECK(result.ending == Ending::Quiescent);
    CHECK(result.violations.empty());
    CHECK(end.locks == std::vector<ObjectId>{1, 2, 3, 6});
    CHECK(end.named == std::vector<ObjectId>{3});
    CHECK(end.ids == std::vector<ObjectId>{0, 1, 2, 3, 4, 5, 6});
    CHECK(end.names == std::vector<std::string>{"flag:variable", "lock.0:ERESOURCE", "lock.1:ERESOURCE",
                                                "lock.2:ERESOURCE", "cell.0:variable", "cell.1:variable",
                                                "last:ERESOURCE"});
  }
}

TEST_CASE("an object array takes its names again wherever the run just before named its places otherwise") {
  // makeArray skips naming places its call named in the run just before; each variant below
  // differs from that in one way (base, count, or other objects made between) and must not.
  struct Variant {
    const char* base;  // nullptr: three single objects x, y, z instead of an array
    int count;
    std::vector<std::string> names;
  };
  const Variant a{"a", 3, {"a.0", "a.1", "a.2"}};
  const Variant b{"b", 3, {"b.0", "b.1", "b.2"}};
  const Variant shorter{"a", 2, {"a.0", "a.1"}};
  const Variant singles{nullptr, 3, {"x", "y", "z"}};
  const std::vector<const Variant*> runs{&a, &a, &a, &b, &a, &singles, &a, &shorter, &a, &singles, &singles, &a};
  std::size_t run = 0;
  const Scenario scenario = interlock::test::inlineScenario([&](Setup& s) {
    const Variant& variant = *runs[run];
    if (variant.base == nullptr) {
      for (const char* name : {"x", "y", "z"}) (void)s.make<Shared<LONG>>(name);
    } else {
      (void)s.makeArray<Shared<LONG>>(variant.base, variant.count);
    }
    s.systemThread("t", [] {});
  });
  StackPool stacks;
  Execution execution(stacks);
  test::FirstOption first;
  for (run = 0; run < runs.size(); ++run) {
    CAPTURE(run);
    (void)execution.run(scenario, scenario.bounds, first, {}, true);
    std::vector<std::string> names;
    for (const auto& object : execution.result().snapshot.objects) names.push_back(object.name);
    CHECK(names == runs[run]->names);
  }
}

namespace {
// Counts its lives; the constructor throws while `throwAt` counts down to zero.
struct Fragile final : KernelObject {
  static inline int alive = 0;
  static inline int throwAt = -1;
  Fragile() {
    if (throwAt >= 0 && throwAt-- == 0) throw ScenarioError("fragile object refused");
    ++alive;
  }
  ~Fragile() override { --alive; }
  [[nodiscard]] const char* typeName() const noexcept override { return "Fragile"; }
  [[nodiscard]] bool isLock() const noexcept override { return false; }
};
}  // namespace

TEST_CASE("an object array whose constructor throws midway leaves the objects built before it to the run") {
  const Scenario scenario = interlock::test::inlineScenario([](Setup& s) {
    (void)s.makeArray<Fragile>("f", 4);
    s.systemThread("t", [] { KeEnterCriticalRegion(); KeLeaveCriticalRegion(); });
  });
  StackPool stacks;
  Execution execution(stacks);
  test::FirstOption first;
  Fragile::alive = 0;
  Fragile::throwAt = -1;
  (void)execution.run(scenario, scenario.bounds, first, {});  // builds the storage
  CHECK(Fragile::alive == 0);
  Fragile::throwAt = 2;  // the third of the second run's objects throws, in the kept storage
  CHECK_THROWS_AS((void)execution.run(scenario, scenario.bounds, first, {}), ScenarioError);
  CHECK(Fragile::alive == 0);  // the two built before it were the run's, and are gone with it
  Fragile::throwAt = -1;
  ObjectsAtEnd end;
  Monitor* monitors[] = {&end};
  const ExecutionResult& again = execution.run(scenario, scenario.bounds, first, monitors);
  CHECK(again.ending == Ending::Quiescent);
  CHECK(end.names == std::vector<std::string>{"f.0:Fragile", "f.1:Fragile", "f.2:Fragile", "f.3:Fragile"});
  CHECK(Fragile::alive == 0);
}

TEST_CASE("indexed names count on across digit boundaries") {
  IndexedName name("cell", 8);
  CHECK(std::string_view(name) == "cell.8");
  name.increment();
  CHECK(std::string_view(name) == "cell.9");
  name.increment();
  CHECK(std::string_view(name) == "cell.10");
  IndexedName high("t", 999);
  high.increment();
  CHECK(std::string_view(high) == "t.1000");
  high.increment();
  CHECK(std::string_view(high) == "t.1001");
}
