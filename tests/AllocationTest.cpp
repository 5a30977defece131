// The hot path (fiber switch, choice, op and event recording) allocates nothing: an
// execution of 2000 steps allocates exactly as much as one of 20 steps.
#include "Support.hpp"
#include "interlock/checker/Properties.hpp"
#include "interlock/checker/StrategyRegistry.hpp"
#include "interlock/core/Execution.hpp"

#include <doctest/doctest.h>

#include <array>
#include <atomic>
#include <cstdlib>
#include <new>

namespace {
std::atomic<long> allocations{0};
}  // namespace

namespace {
void* counted(std::size_t size) noexcept {
  allocations.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(size == 0 ? 1 : size);
}
void* countedOrThrow(std::size_t size) {
  if (void* p = counted(size)) return p;
  throw std::bad_alloc();
}
}  // namespace

// Every ordinary form is replaced, so no allocation mixes this malloc with another free.
void* operator new(std::size_t size) { return countedOrThrow(size); }
void* operator new[](std::size_t size) { return countedOrThrow(size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept { return counted(size); }
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept { return counted(size); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }

using namespace interlock;
using namespace interlock::wdm;

namespace {

long allocationsFor(Execution& execution, const Scenario& scenario) {
  interlock::test::FirstOption first;
  const long before = allocations.load();
  (void)execution.run(scenario, scenario.bounds, first, {});
  return allocations.load() - before;
}

Scenario writers(int writes) {
  return interlock::test::inlineScenario(
      [writes](Setup& s) {
        auto& x = s.make<Shared<LONG>>("x");
        for (const char* name : {"a", "b"})
          s.systemThread(name, [&x, writes] {
            for (int i = 0; i < writes; ++i) x.store(i);
          });
      },
      Bounds{.maxSteps = 100000, .maxSuspensions = 0});
}

}  // namespace

TEST_CASE("allocations per execution do not grow with its number of steps") {
  StackPool stacks;
  Execution execution(stacks);
  const Scenario longRun = writers(1000);
  const Scenario shortRun = writers(10);
  (void)allocationsFor(execution, longRun);  // warm up: buffers reach their steady capacity
  const long longCount = allocationsFor(execution, longRun);
  const long shortCount = allocationsFor(execution, shortRun);
  CHECK(longCount == shortCount);
  CHECK(longCount < 40);  // setup only: threads, fibers, objects, names
}

namespace {

// Allocations while a search's third execution runs (its strategy choosing every step and the
// default monitors watching), after two that bring every buffer to its size.
long searchAllocationsFor(const std::string& strategyName, const Scenario& scenario) {
  Settings settings;
  settings.strategy = strategyName;
  const auto strategy = makeStrategy(settings);
  StackPool stacks;
  Execution execution(stacks);
  execution.recordEvents(false);
  DefaultProperties properties;
  long during = 0;
  for (int run = 0; run < 3; ++run) {
    strategy->beginExecution(execution);
    const long before = allocations.load();
    (void)execution.run(scenario, scenario.bounds, *strategy, properties.monitors());
    during = allocations.load() - before;
    if (!strategy->nextExecution()) break;
  }
  return during;
}

}  // namespace

TEST_CASE("every exhaustive strategy chooses and records steps without allocating") {
  const Scenario longRun = writers(1000);
  const Scenario shortRun = writers(10);
  for (const std::string name : {"naive", "dfs", "dpor", "odpor"}) {
    CAPTURE(name);
    const long longCount = searchAllocationsFor(name, longRun);
    CHECK(longCount == searchAllocationsFor(name, shortRun));
    CHECK(longCount < 40);
  }
}

TEST_CASE("an execution run again allocates nothing when its thread bodies capture up to 96 bytes") {
  const Scenario scenario = interlock::test::inlineScenario(
      [](Setup& s) {
        auto& x = s.make<Shared<LONG>>("x");
        auto& y = s.make<Shared<LONG>>("y");
        const std::array<long, 10> payload{1, 2, 3, 4, 5, 6, 7, 8, 9, 10};  // 80 bytes: std::function would allocate
        for (const char* name : {"a", "b", "c"})
          s.systemThread(name, [&x, &y, payload] {
            x.store(static_cast<LONG>(payload[0]));
            y.store(static_cast<LONG>(payload[9]));
          });
      },
      Bounds{.maxSteps = 1000, .maxSuspensions = 0});
  StackPool stacks;
  Execution execution(stacks);
  execution.recordEvents(false);
  (void)allocationsFor(execution, scenario);  // warm up: threads, fibers, storage, names
  CHECK(allocationsFor(execution, scenario) == 0);
}

TEST_CASE("a setup that makes object arrays allocates nothing once it has run") {
  const Scenario scenario = interlock::test::inlineScenario(
      [](Setup& s) {
        const auto cells = s.makeArray<Shared<LONG>>("cell", 40);
        const auto more = s.makeArray<Shared<LONG>>("more", 3);
        for (const char* name : {"a", "b"})
          s.systemThread(name, [cells, more] { cells[39].store(more[2].load()); });
      },
      Bounds{.maxSteps = 1000, .maxSuspensions = 0});
  StackPool stacks;
  Execution execution(stacks);
  execution.recordEvents(false);
  (void)allocationsFor(execution, scenario);  // warm up: the arrays' lists reach their size
  CHECK(allocationsFor(execution, scenario) == 0);
}
