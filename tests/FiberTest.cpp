// Fibers: ordered switching, unwinding of abandoned fibers, pooled stacks.
#include "interlock/core/Fiber.hpp"
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
  fiber.resume();
  CHECK_FALSE(destroyed);
  fiber.abort();
  CHECK(destroyed);
  CHECK(fiber.finished());
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
