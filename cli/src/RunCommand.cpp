// `interlock run NAME`: explore one scenario.
#include "Commands.hpp"

#include "interlock/checker/TextReport.hpp"
#include "interlock/checker/Trace.hpp"
#include "interlock/cli/Cli.hpp"
#include "interlock/cli/OutputFile.hpp"

#include <iostream>

namespace interlock::cli {

using nlohmann::json;

namespace {

std::string verdictLine(const Verdict& verdict, const TextStyle& style) {
  return "verdict   " + style.paint(std::string(to_string(verdict.result)) + ": " + verdict.summary(),
                                    Tone::Red) +
         "\n";
}

std::string expectedLine(const Scenario& scenario, const Verdict& verdict, const TextStyle& style) {
  const bool met = verdict.meets(scenario.expected);
  return "expected  " + scenario.expected.describe() + " " +
         style.paint(met ? "(met)" : "(NOT met)", met ? Tone::Green : Tone::Red) + "\n";
}

}  // namespace

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
  std::optional<json> document;
  if (exploration.counterexample) document = traceJson(scenario, settings, *exploration.counterexample);
  std::string replayCommand;
  if (document && trace) {
    trace->commit(traceText(*document));
    replayCommand = "interlock replay " + options.tracePath;
  } else if (document) {
    replayCommand = "interlock run " + scenario.name + " --trace trace.json && interlock replay trace.json";
  }

  if (options.json) {
    json out = {{"scenario", scenario.name},
                {"expected", expectationJson(scenario.expected)},
                {"verdict", verdictJson(exploration.verdict, names)},
                {"settings", settingsJson(settings)},
                {"stats", statsJson(exploration.stats)}};
    out["trace"] = document && trace ? json(options.tracePath) : json(nullptr);
    out["replay"] = replayCommand.empty() ? json(nullptr) : json(replayCommand);
    std::cout << out.dump(2) << "\n";
    return exitStatus(exploration.verdict);
  }

  // Text goes to stdout; another format owns stdout (to pipe into dot, a file ...), so the
  // summary moves to stderr.
  const bool text = options.format == "text";
  const TextStyle style{text && colourWanted()};
  std::string summary = "scenario  " + scenario.name + "\n";
  std::string tail = "bounds    " + boundsText(settings) + "\n" +
                     "stats     " + statsText(exploration.stats) + "\n";
  if (!replayCommand.empty()) tail += "replay    " + replayCommand + "\n";
  if (!document) {
    summary += "          " + boundsText(settings) + "\n" + verdictText(exploration.verdict, names) +
               expectedLine(scenario, exploration.verdict, style) +
               "stats     " + statsText(exploration.stats) + "\n";
    (text ? std::cout : std::cerr) << summary;
    return exitStatus(exploration.verdict);
  }
  summary += verdictLine(exploration.verdict, style) + expectedLine(scenario, exploration.verdict, style);
  const std::string rendered =
      renderTrace(*document, "counterexample of " + scenario.name, options.format, style);
  if (text) {
    std::cout << summary << "\n" << rendered << "\n" << tail;
  } else {
    std::cerr << summary << tail;
    std::cout << rendered;
  }
  return exitStatus(exploration.verdict);
}

}  // namespace interlock::cli
