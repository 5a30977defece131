// my-interlock: the `interlock` command over the built-in catalogue plus mydev.sys's scenarios.
#include "driver_scenarios.hpp"

#include <interlock/cli/Cli.hpp>

#include <iostream>

int main(int argc, char** argv) {
  interlock::Catalogue catalogue = interlock::cli::builtinCatalogue();
  try {
    for (interlock::Scenario& scenario : mydev::driverScenarios()) catalogue.add(std::move(scenario));
  } catch (const interlock::ScenarioError& error) {  // e.g. a name the built-ins already use
    std::cerr << "my-interlock: scenario error: " << error.what() << "\n";
    return interlock::cli::kBadInput;
  }
  return interlock::cli::main(argc, argv, catalogue);
}
