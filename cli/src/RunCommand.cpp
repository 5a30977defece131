// `interlock run NAME`: explore one scenario.
#include "Commands.hpp"

#include "interlock/checker/Schedule.hpp"
#include "interlock/checker/TextReport.hpp"
#include "interlock/checker/Trace.hpp"
#include "interlock/cli/Cli.hpp"
#include "interlock/cli/OutputFile.hpp"

#include <cstdio>
#include <iostream>

namespace interlock::cli {

using nlohmann::json;

int runCommand(const Catalogue& catalogue, const RunOptions& options) {
  const Scenario& scenario = findScenario(catalogue, options.name);
  Settings settings = defaultSettings(scenario);
  if (options.maxSteps) settings.bounds.maxSteps = *options.maxSteps;
  if (options.maxSuspensions) settings.bounds.maxSuspensions = *options.maxSuspensions;
  settings.maxExecutions = options.maxExecutions;
  std::optional<OutputFile> trace;
  if (!options.tracePath.empty()) trace.emplace(options.tracePath);  // fail before exploring

  const Exploration exploration = explore(scenario, settings);
  const Snapshot names =
      exploration.counterexample ? exploration.counterexample->snapshot : namesOf(scenario);
  std::string replayCommand;
  if (exploration.counterexample && trace) {
    trace->commit(traceText(traceJson(scenario, settings, *exploration.counterexample)));
    replayCommand = "interlock replay " + options.tracePath;
  } else if (exploration.counterexample) {
    replayCommand = "interlock run " + scenario.name + " --trace trace.json && interlock replay trace.json";
  }

  if (options.json) {
    json out = {{"scenario", scenario.name},
                {"expected", expectationJson(scenario.expected)},
                {"verdict", verdictJson(exploration.verdict, names)},
                {"settings", settingsJson(settings)},
                {"stats", statsJson(exploration.stats)}};
    out["trace"] = exploration.counterexample && trace ? json(options.tracePath) : json(nullptr);
    out["replay"] = replayCommand.empty() ? json(nullptr) : json(replayCommand);
    std::cout << out.dump(2) << "\n";
  } else {
    std::cout << "scenario  " << scenario.name << "\n"
              << "          " << boundsText(settings) << "\n"
              << verdictText(exploration.verdict, names)
              << "expected  " << scenario.expected.describe()
              << (exploration.verdict.meets(scenario.expected) ? " (met)" : " (NOT met)") << "\n"
              << "stats     " << statsText(exploration.stats) << "\n";
    if (exploration.counterexample) std::cout << counterexampleText(*exploration.counterexample);
    if (!replayCommand.empty()) std::cout << "replay    " << replayCommand << "\n";
  }
  return exitStatus(exploration.verdict);
}

}  // namespace interlock::cli
