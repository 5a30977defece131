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

inline Exploration exploreInline(std::function<void(Setup&)> setup, Bounds bounds = {}) {
  return explore(inlineScenario(std::move(setup), bounds), Settings{bounds, "naive"});
}

}  // namespace interlock::test
