// Execution::atRunEnd: what a primitive keeps beside a run's objects is dropped when the run
// ends (the C driver bridge's address map and pool rely on it).
#include "Support.hpp"

#include <doctest/doctest.h>

using namespace interlock;
using namespace interlock::wdm;
using interlock::test::FirstOption;
using interlock::test::inlineScenario;

namespace {

struct EndSeen {
  int calls = 0;
  bool objectsReleased = false;
  const Execution* execution = nullptr;
};

void noteEnd(void* context) noexcept {
  auto& seen = *static_cast<EndSeen*>(context);
  ++seen.calls;
  seen.objectsReleased = seen.execution->objects().empty();
}

}  // namespace

TEST_CASE("an end hook set during a run is called once when that run ends, its objects released") {
  StackPool stacks;
  Execution execution(stacks);
  EndSeen seen{.execution = &execution};
  const Scenario scenario = inlineScenario([&](Setup& s) {
    auto& x = s.make<Shared<LONG>>("x");
    Execution::current().atRunEnd(&noteEnd, &seen);
    s.systemThread("T", [&x] { x.store(1); });
  });
  FirstOption first;
  (void)execution.run(scenario, scenario.bounds, first, {});
  CHECK(seen.calls == 1);
  CHECK(seen.objectsReleased);
}

TEST_CASE("an end hook is not called again by the runs after the one that set it") {
  StackPool stacks;
  Execution execution(stacks);
  EndSeen seen{.execution = &execution};
  bool set = false;
  const Scenario scenario = inlineScenario([&](Setup& s) {
    if (!set) Execution::current().atRunEnd(&noteEnd, &seen);
    set = true;
    s.systemThread("T", [] {});
  });
  FirstOption first;
  for (int run = 0; run < 3; ++run) (void)execution.run(scenario, scenario.bounds, first, {});
  CHECK(seen.calls == 1);
}
