// scratch
#include "Support.hpp"

#include "interlock/checker/Minimizer.hpp"
#include "interlock/checker/Schedule.hpp"
#include "interlock/cli/Cli.hpp"

#include <doctest/doctest.h>
#include <iostream>

using namespace interlock;

namespace {
[[maybe_unused]] const Scenario& catalogued(const char* name) {
  static const Catalogue catalogue = cli::builtinCatalogue();
  const Scenario* scenario = catalogue.find(name);
  REQUIRE(scenario != nullptr);
  return *scenario;
}
std::vector<std::string> labels(const Scenario& scenario, const std::vector<Choice>& schedule) {
  const Replay full = replay(scenario, defaultSettings(scenario), schedule);
  std::vector<std::string> out;
  for (const Choice& c : schedule) out.push_back(label(c, full.execution.snapshot));
  return out;
}
}  // namespace

TEST_CASE("scratch minimize catalogue") {
  static const Catalogue catalogue = cli::builtinCatalogue();
  for (const Scenario& scenario : catalogue.all()) {
    Settings settings = defaultSettings(scenario);
    const Exploration e = explore(scenario, settings);
    if (!e.counterexample) continue;
    const auto& found = e.counterexample->schedule;
    const Minimized m = minimize(scenario, settings, found);
    const auto fm = metricsOf(scenario, settings, found);
    std::cout << scenario.name << " found (" << fm.preemptions << "," << fm.adversaryEvents << "," << fm.steps
              << ") min (" << m.preemptions << "," << m.adversaryEvents << "," << m.steps << ") execs " << m.executions
              << (m.proven ? " proven" : " NOT proven") << "\n   ";
    for (const auto& l : labels(scenario, m.schedule)) std::cout << l << "; ";
    std::cout << "\n";
  }
}
