#pragma once
// One scenario checked against its stated expectation: what `interlock check` and its
// JUnit and SARIF reports are made from.
#include "interlock/checker/Explorer.hpp"
#include "interlock/core/Scenario.hpp"

#include <string>

namespace interlock {

struct CheckOutcome {
  std::string scenario;  // "eresource/suspended-owner"
  Expectation expected;
  Settings settings;
  Exploration exploration;
  std::string explanation;  // explain() of the counterexample in plain text; empty without one

  [[nodiscard]] const Verdict& verdict() const noexcept { return exploration.verdict; }
  [[nodiscard]] bool met() const { return exploration.verdict.meets(expected); }
  // An expected pass the bounds cut short: not a regression, but no proof either.
  [[nodiscard]] bool incompletePass() const noexcept;
  // Unmet for another reason than incompletePass(): a regression or a wrong expectation.
  [[nodiscard]] bool mismatch() const { return !met() && !incompletePass(); }
  // "eresource" for "eresource/suspended-owner"; the whole name when it has no '/'.
  [[nodiscard]] std::string family() const;
  // The counterexample's thread and object names; empty without one.
  [[nodiscard]] const Snapshot& names() const noexcept;
};

// Explores `scenario` with `settings` and explains the counterexample, if any, in the words
// `interlock run` prints for it.
[[nodiscard]] CheckOutcome checkScenario(const Scenario& scenario, const Settings& settings);

}  // namespace interlock
