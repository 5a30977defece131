// `interlock replay TRACE`: re-run a counterexample from its trace file.
#include "Commands.hpp"

#include "interlock/reports/TextReport.hpp"
#include "interlock/reports/Trace.hpp"
#include "interlock/cli/Cli.hpp"

#include <iostream>

namespace interlock::cli {

using nlohmann::json;

int replayCommand(const Catalogue& catalogue, const std::string& path, bool asJson,
                  const std::string& format, bool verifier, std::optional<std::uint32_t> processors) {
  TraceFile file = readTrace(path);
  file.settings.verifier = file.settings.verifier || verifier;
  if (processors) file.settings.bounds.processors = *processors;
  const ReplayedTrace replayed = replayTrace(catalogue, file);
  const Scenario* scenario = &replayed.scenario;
  const Replay& result = replayed.result;
  const nlohmann::json& document = replayed.document;
  const bool identical = replayed.identical;
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
