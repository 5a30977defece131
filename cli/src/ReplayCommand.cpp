// `interlock replay TRACE`: re-run a counterexample from its trace file.
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

int replayCommand(const Catalogue& catalogue, const std::string& path, bool asJson) {
  const TraceFile file = readTrace(path);
  const Scenario* scenario = catalogue.find(file.scenario);
  if (scenario == nullptr)
    throw InputError(path + ": field 'scenario.name': no scenario named '" + file.scenario +
                     "' in this interlock ('interlock list' shows them all)");
  if (file.settings.strategy != "dfs")
    throw InputError(path + ": field 'settings.strategy': expected \"dfs\", found \"" +
                     file.settings.strategy + "\"");
  const Snapshot names = namesOf(*scenario);
  std::vector<Choice> schedule;
  for (std::size_t i = 0; i < file.schedule.size(); ++i) {
    const auto choice = parseLabel(file.schedule[i], names);
    if (!choice)
      throw InputError(path + ": field 'schedule[" + std::to_string(i) + "]': '" + file.schedule[i] +
                       "' is not a choice of scenario " + scenario->name +
                       " (expected \"run THREAD\", \"suspend THREAD\" or \"branch I/N\")");
    schedule.push_back(*choice);
  }
  const Replay result = replay(*scenario, file.settings, std::move(schedule));
  if (result.divergence)
    throw InputError(path + ": field 'schedule': the trace no longer fits scenario " +
                     scenario->name + ": " + *result.divergence);
  const std::string text = traceText(traceJson(*scenario, file.settings, result.execution));
  const bool identical = text == traceText(file.document);
  if (asJson) {
    json out = {{"scenario", scenario->name},
                {"verdict", verdictJson(result.verdict, result.execution.snapshot)},
                {"settings", settingsJson(file.settings)},
                {"reproduced", identical}};
    std::cout << out.dump(2) << "\n";
  } else {
    std::cout << "scenario  " << scenario->name << " (replaying " << path << ")\n"
              << "          " << boundsText(file.settings) << "\n"
              << verdictText(result.verdict, result.execution.snapshot)
              << counterexampleText(result.execution)
              << (identical ? "replay    reproduced the trace exactly\n"
                            : "replay    the events differ from the trace file (the scenario or "
                              "interlock changed since it was written)\n");
  }
  return exitStatus(result.verdict);
}

}  // namespace interlock::cli
