// Fibers: ordered switching, unwinding of abandoned fibers, pooled stacks.
#include "interlock/core/detail/Fiber.hpp"
#include "interlock/core/StackPool.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace interlock;

namespace {

struct Script {
  std::vector<std::string>* log;
  Fiber* self;
};

void twoSteps(void* argument) {
  auto& script = *static_cast<Script*>(argument);
  script.log->push_back("fiber 1");
  script.self->suspend();
  script.log->push_back("fiber 2");
}

struct Guard {
  bool* destroyed;
  ~Guard() { *destroyed = true; }
};

struct AbandonScript {
  bool* destroyed;
  Fiber* self;
};

void holdsGuard(void* argument) {
  auto& script = *static_cast<AbandonScript*>(argument);
  Guard guard{script.destroyed};
  for (;;) script.self->suspend();
}

// Runs `fiber` to its first stop, where its guard still lives, then aborts it: the guard dies.
void checkAbortUnwinds(Fiber& fiber, const bool& destroyed) {
  fiber.resume();
  CHECK_FALSE(destroyed);
  fiber.abort();
  CHECK(destroyed);
  CHECK(fiber.finished());
}

}  // namespace

TEST_CASE("resume runs a fiber up to its suspend, and again to its end") {
  StackPool pool;
  std::vector<std::string> log;
  Script script{&log, nullptr};
  Fiber fiber(pool, &twoSteps, &script);
  script.self = &fiber;
  fiber.resume();
  log.push_back("scheduler");
  CHECK_FALSE(fiber.finished());
  fiber.resume();
  CHECK(fiber.finished());
  CHECK(log == std::vector<std::string>{"fiber 1", "scheduler", "fiber 2"});
}

TEST_CASE("aborting a suspended fiber unwinds its frames and runs their destructors") {
  StackPool pool;
  bool destroyed = false;
  AbandonScript script{&destroyed, nullptr};
  Fiber fiber(pool, &holdsGuard, &script);
  script.self = &fiber;
  checkAbortUnwinds(fiber, destroyed);
}

TEST_CASE("stacks come back to the pool: a thousand fibers in turn map one stack") {
  StackPool pool;
  std::vector<std::string> log;
  for (int i = 0; i < 1000; ++i) {
    Script script{&log, nullptr};
    Fiber fiber(pool, &twoSteps, &script);
    script.self = &fiber;
    fiber.resume();
    fiber.resume();
  }
  CHECK(pool.mapped() == 1);
}

namespace {

struct Relay {
  std::vector<std::string>* log;
  Fiber* self;
  Fiber* next;     // switched to directly, or parked into when the entry returns
  bool parkInto;
};

void relayOnce(void* argument) {
  auto& relay = *static_cast<Relay*>(argument);
  relay.log->push_back("in " + std::string(relay.parkInto ? "first" : "second"));
  if (relay.next == nullptr) return;  // back home when the entry returns
  if (relay.parkInto) {
    relay.self->parkTo(*relay.next);
    return;
  }
  relay.self->switchTo(*relay.next);
  relay.log->push_back("second again");
}

}  // namespace

TEST_CASE("fibers of one home switch to each other directly and get back home from the last") {
  StackPool pool;
  Fiber home;
  std::vector<std::string> log;
  Relay second{&log, nullptr, nullptr, false};
  Relay first{&log, nullptr, nullptr, true};
  Fiber secondFiber(pool, home, &relayOnce, &second);
  Fiber firstFiber(pool, home, &relayOnce, &first);
  second.self = &secondFiber;
  first.self = &firstFiber;
  first.next = &secondFiber;  // first parks into second when it returns
  second.next = &home;        // second switches home, then finishes when resumed
  firstFiber.resume();
  log.push_back("home");
  CHECK(firstFiber.finished());
  CHECK_FALSE(secondFiber.finished());
  secondFiber.resume();
  CHECK(secondFiber.finished());
  CHECK(log == std::vector<std::string>{"in first", "in second", "home", "second again"});
}

TEST_CASE("aborting a fiber that switched to another unwinds it from its switch") {
  StackPool pool;
  Fiber home;
  bool destroyed = false;
  struct Hold {
    bool* destroyed;
    Fiber* self;
    Fiber* to;
  };
  Hold hold{&destroyed, nullptr, &home};
  Fiber fiber(pool, home, [](void* argument) {
    auto& h = *static_cast<Hold*>(argument);
    Guard guard{h.destroyed};
    for (;;) h.self->switchTo(*h.to);
  }, &hold);
  hold.self = &fiber;
  checkAbortUnwinds(fiber, destroyed);
}

namespace {

// Integer and floating-point values live across every switch: whatever registers the compiler
// keeps them in, the other fiber's code ran in between and must not have changed them.
struct Accumulator {
  Fiber* self = nullptr;
  long rounds = 0;
  long integers = 0;
  double reals = 0;
};

void accumulate(void* argument) {
  auto& state = *static_cast<Accumulator*>(argument);
  long a = 1, b = 2, c = 3, d = 4, e = 5, f = 6, g = 7, h = 8;
  double x = 0.5, y = 0.25, z = 0.125, w = 0.0625;
  for (long i = 0; i < state.rounds; ++i) {
    state.self->suspend();
    a += b; b += c; c += d; d += e; e += f; f += g; g += h; h += i;
    x += y; y += z; z += w; w += 1.0;
  }
  state.integers = a ^ b ^ c ^ d ^ e ^ f ^ g ^ h;
  state.reals = x + y + z + w;
}

// What accumulate computes when nothing else runs in between.
Accumulator expected(long rounds) {
  long a = 1, b = 2, c = 3, d = 4, e = 5, f = 6, g = 7, h = 8;
  double x = 0.5, y = 0.25, z = 0.125, w = 0.0625;
  for (long i = 0; i < rounds; ++i) {
    a += b; b += c; c += d; d += e; e += f; f += g; g += h; h += i;
    x += y; y += z; z += w; w += 1.0;
  }
  return Accumulator{nullptr, rounds, a ^ b ^ c ^ d ^ e ^ f ^ g ^ h, x + y + z + w};
}

}  // namespace

TEST_CASE("values a fiber keeps across its switches survive the other fibers' code") {
  StackPool pool;
  Fiber home;
  Accumulator first{nullptr, 100, 0, 0};
  Accumulator second{nullptr, 60, 0, 0};
  Fiber firstFiber(pool, home, &accumulate, &first);
  Fiber secondFiber(pool, home, &accumulate, &second);
  first.self = &firstFiber;
  second.self = &secondFiber;
  while (!firstFiber.finished() || !secondFiber.finished()) {
    if (!firstFiber.finished()) firstFiber.resume();
    if (!secondFiber.finished()) secondFiber.resume();
  }
  const Accumulator one = expected(100);
  const Accumulator two = expected(60);
  CHECK(first.integers == one.integers);
  CHECK(first.reals == one.reals);
  CHECK(second.integers == two.integers);
  CHECK(second.reals == two.reals);
}
