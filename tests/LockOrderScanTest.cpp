// The lock-order property re-reads after each step only the objects the step's footprint
// names. That must find exactly what re-reading every object finds, on every execution of
// every catalogue scenario.
#include "interlock/checker/DfsStrategy.hpp"
#include "interlock/checker/LockOrderProperty.hpp"
#include "interlock/checker/Properties.hpp"
#include "interlock/checker/ReplayStrategy.hpp"
#include "interlock/cli/Cli.hpp"

#include <doctest/doctest.h>

#include <array>
#include <string>

namespace {

using namespace interlock;

std::string describe(const ExecutionResult& result) {
  std::string text;
  for (const Violation& violation : result.violations)
    text += violation.rule + "@" + std::to_string(violation.step) + ": " + violation.message + "\n";
  return text;
}

}  // namespace

TEST_CASE("the lock-order property's touched-object scan finds what a scan of every object finds") {
  const Catalogue catalogue = cli::builtinCatalogue();
  std::uint64_t executions = 0;
  std::uint64_t cycles = 0;
  for (const Scenario& scenario : catalogue.all()) {
    CAPTURE(scenario.name);
    LockOrderProperty touched(LockOrderProperty::Scan::Touched);
    LockOrderProperty all(LockOrderProperty::Scan::All);
    DeadlockProperty deadlock;
    const std::array<Monitor*, 2> fast{&deadlock, &touched};
    const std::array<Monitor*, 2> reference{&deadlock, &all};
    StackPool stacks;
    Execution execution(stacks);
    Execution replayed(stacks);
    DfsStrategy strategy;
    std::uint64_t runs = 0;
    do {
      strategy.beginExecution(execution);
      const ExecutionResult& run = execution.run(scenario, scenario.bounds, strategy, fast);
      ReplayStrategy replay(run.schedule);
      const ExecutionResult& again = replayed.run(scenario, scenario.bounds, replay, reference);
      REQUIRE(again.schedule == run.schedule);
      CHECK(describe(run) == describe(again));
      cycles += run.lockOrder() != nullptr;
      ++executions;
    } while (++runs < 3000 && strategy.nextExecution());
  }
  CHECK(executions > 6000);  // 6,376 when written: every execution of most scenarios
  CHECK(cycles > 0);  // the catalogue's lock-order scenarios were among them
}
