// `interlock replay TRACE`: re-run a counterexample from its trace file.
#include "Commands.hpp"

#include "interlock/checker/Schedule.hpp"
#include "interlock/checker/TextReport.hpp"
#include "interlock/checker/Trace.hpp"
#include "interlock/cli/Cli.hpp"

#include <algorithm>
#include <iostream>

namespace interlock::cli {

using nlohmann::json;

int replayCommand(const Catalogue& catalogue, const std::string& path, bool asJson,
                  const std::string& format, bool verifier) {
  TraceFile file = readTrace(path);
  file.settings.verifier = file.settings.verifier || verifier;
  const Scenario* found = catalogue.find(file.scenario);
  if (found == nullptr)
    throw InputError(path + ": field 'scenario.name': no scenario named '" + file.scenario +
                     "' in this interlock ('interlock list' shows them all)");
  // One key at a time, so the message names the very field that does not fit.
  Scenario configured = *found;
  for (const auto& [key, value] : file.parameters) {
    try {
      configured = withParameters(std::move(configured), {{key, value}});
    } catch (const ScenarioError& error) {
      throw InputError(path + ": field 'scenario.parameters." + key + "': " + error.what());
    }
  }
  const Scenario* scenario = &configured;
  // The strategy only found the schedule; any known one replays the same way.
  if (std::ranges::find(strategyNames(), std::string_view(file.settings.strategy)) ==
      strategyNames().end())
    throw InputError(path + ": field 'settings.strategy': unknown strategy \"" +
                     file.settings.strategy + "\"");
  // Labels are checked for form here and matched against the live execution on replay,
  // where APCs the model creates while running (I/O completions) exist too.
  const Snapshot names = namesOf(*scenario);
  for (std::size_t i = 0; i < file.schedule.size(); ++i) {
    if (file.schedule[i].starts_with("apc ") || parseLabel(file.schedule[i], names)) continue;
    throw InputError(path + ": field 'schedule[" + std::to_string(i) + "]': '" + file.schedule[i] +
                     "' is not a choice of scenario " + scenario->name +
                     " (expected \"run THREAD\", \"suspend THREAD\", \"apc NAME\" or \"branch I/N\")");
  }
  const Replay result = replay(*scenario, file.settings, file.schedule);
  if (result.divergence)
    throw InputError(path + ": field 'schedule': the trace no longer fits scenario " +
                     scenario->name + ": " + *result.divergence);
  const json document = traceJson(*scenario, file.settings, result.execution);
  const bool identical = traceText(document) == traceText(file.document);
  if (asJson) {
    json out = {{"scenario", scenario->name},
                {"verdict", verdictJson(result.verdict, result.execution.snapshot)},
                {"parameters", parametersJson(scenario->parameters)},
                {"settings", settingsJson(file.settings)},
                {"reproduced", identical}};
    std::cout << out.dump(2) << "\n";
    return exitStatus(result.verdict);
  }
  // As in `run`: text to stdout; another format owns stdout and the summary goes to stderr.
  const bool text = format == "text";
  const TextStyle style{text && colourWanted()};
  const std::string summary =
      "scenario  " + scenario->name + " (replaying " + path + ")\n" + "verdict   " +
      style.paint(std::string(to_string(result.verdict.result)) + ": " + result.verdict.summary(),
                  result.verdict.result == Result::Pass ? Tone::Green : Tone::Red) +
      "\n";
  const std::string tail =
      "bounds    " + settingsText(file.settings, scenario->parameters) + "\n" +
      (identical ? "replay    reproduced the trace exactly\n"
                 : "replay    the events differ from the trace file (the scenario or interlock "
                   "changed since it was written)\n");
  const std::string rendered = renderTrace(document, "replay of " + path, format, style);
  if (text) {
    std::cout << summary << "\n" << rendered << "\n" << tail;
  } else {
    std::cerr << summary << tail;
    std::cout << rendered;
  }
  return exitStatus(result.verdict);
}

}  // namespace interlock::cli
