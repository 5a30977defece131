#pragma once
// Helpers that let a test state a small scenario inline and explore it.
#include "interlock/checker/Explorer.hpp"
#include "interlock/primitives/wdm.hpp"

#include <functional>
#include <string>

namespace interlock::test {

inline Scenario inlineScenario(std::function<void(Setup&)> setup, Bounds bounds = {}) {
  return Scenario{"test/inline", "a scenario stated in a test", Expectation::pass(), bounds,
                  std::move(setup)};
}

// Always takes the first option: one fixed schedule, for tests that drive Execution::run.
class FirstOption final : public ChoiceSource {
 public:
  std::size_t choose(std::span<const Choice>) override { return 0; }
};

inline Exploration exploreInline(std::function<void(Setup&)> setup, Bounds bounds = {}) {
  return explore(inlineScenario(std::move(setup), bounds), Settings{bounds, "naive"});
}

}  // namespace interlock::test
