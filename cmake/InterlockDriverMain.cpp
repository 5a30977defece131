// The checker program interlock_add_driver builds: the `interlock` command over the driver's
// scenarios (interlock::driver::scenarios(), defined by the harness).
#include <interlock/cli/Cli.hpp>
#include <interlock/driver/Driver.hpp>
#include <interlock/driver/Scenarios.hpp>

#include <iostream>

int main(int argc, char** argv) {
  interlock::Catalogue catalogue;
  try {
    for (interlock::Scenario& scenario : interlock::driver::scenarios()) {
      // Searched again while it finds racing driver memory that is no scheduling point yet.
      if (!scenario.widened) {
        scenario.widened = interlock::driver::widenRacyLocations;
        scenario.points = interlock::driver::racyLocations;
        scenario.usePoints = interlock::driver::useRacyLocations;
      }
      catalogue.add(std::move(scenario));
    }
  } catch (const interlock::ScenarioError& error) {
    std::cerr << argv[0] << ": scenario error: " << error.what() << "\n";
    return interlock::cli::kBadInput;
  }
  return interlock::cli::main(argc, argv, catalogue);
}
