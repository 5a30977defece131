// `interlock run NAME`: explore one scenario.
#include "Commands.hpp"
#include "Interrupt.hpp"

#include "interlock/reports/TextReport.hpp"
#include "interlock/reports/Trace.hpp"
#include "interlock/cli/Cli.hpp"
#include "interlock/cli/OutputFile.hpp"
#include "interlock/cli/ProgressReport.hpp"

#include <iostream>

namespace interlock::cli {

using nlohmann::json;

namespace {

std::string expectedLine(const Expectation& expected, const Verdict& verdict, const TextStyle& style) {
  const bool met = verdict.meets(expected);
  return "expected  " + expected.describe() + " " +
         style.paint(met ? "(met)" : "(NOT met)", met ? Tone::Green : Tone::Red) + "\n";
}

// What an interrupted search covered; a violation found before the signal is reported as usual.
std::string interruptedLine(std::uint64_t executions) {
  return "verdict   interrupted after " + std::to_string(executions) + " execution" + (executions == 1 ? "" : "s") +
         ", no violation found so far\n";
}

}  // namespace

int runCommand(const Catalogue& catalogue, const RunOptions& options) {
  const Parameters overrides = parseParams(options.params);
  const Scenario scenario = parameterized(findScenario(catalogue, options.name), overrides);
  Settings settings = runSettings(scenario, options);
  const Expectation expected = scenario.expected.reading(settings.verifier);
  std::optional<OutputFile> trace;
  if (!options.tracePath.empty()) trace.emplace(options.tracePath);  // fail before exploring

  const bool terminal = stderrIsTerminal();
  ProgressReporter reporter(std::cerr, terminal, settings.timeLimitSeconds);
  settings.progressInterval = progressInterval(terminal, processEnvironment());
  settings.progress = [&reporter](const Progress& progress) { reporter.report(progress); };
  std::optional<InterruptGuard> interrupt(std::in_place);
  settings.interrupt = &interrupt->flag();
  const Exploration exploration = explore(scenario, settings);
  interrupt.reset();  // a second Ctrl-C now ends the process at once
  settings.interrupt = nullptr;
  const bool interrupted = interruptSignal() != 0;
  reporter.finish();
  settings.progress = nullptr;

  const Snapshot names =
      exploration.counterexample ? exploration.counterexample->snapshot : namesOf(scenario);
  std::optional<json> document;
  if (scenario.points) settings.schedulingPoints = scenario.points();  // what a replay must start from
  if (exploration.counterexample) document = traceJson(scenario, settings, *exploration.counterexample);
  std::string replayCommand;
  if (document && trace) {
    trace->commit(traceText(*document));
    replayCommand = "interlock replay " + options.tracePath;
  } else if (document) {
    replayCommand = runCommandLine(scenario, settings, overrides) + " --trace trace.json && interlock replay trace.json";
  }

  if (options.json) {
    json out = {{"scenario", scenario.name},
                {"parameters", parametersJson(scenario.parameters)},
                {"strategy", settings.strategy},
                {"shard", shardJson(settings.shard)},
                {"expected", expectationJson(expected)},
                {"verdict", verdictJson(exploration.verdict, names)},
                {"met", exploration.verdict.meets(expected)},
                {"settings", runSettingsJson(settings)},
                {"stats", statsJson(exploration.stats)}};
    // Where the sharded search found the counterexample: of shards' equal findings, merge
    // reports the earliest. Unsharded it is 0, whatever --jobs split the search into.
    const std::uint64_t subtree = settings.shard.count > 1 ? exploration.subtree : 0;
    out["subtree"] = document ? json(subtree) : json(nullptr);
    out["trace"] = document && trace ? json(options.tracePath) : json(nullptr);
    out["replay"] = replayCommand.empty() ? json(nullptr) : json(replayCommand);
    out["counterexample"] = document ? *document : json(nullptr);
    std::cout << out.dump(2) << "\n";
    return exitStatus(exploration.verdict);
  }

  // Text goes to stdout; another format owns stdout (to pipe into dot, a file ...), so the
  // summary moves to stderr.
  const bool text = options.format == "text";
  const TextStyle style{text && colourWanted()};
  std::string summary = "scenario  " + scenario.name + "\n";
  const std::string bounds = settingsText(settings, scenario.parameters);
  std::string tail = "bounds    " + bounds + "\n" + "stats     " + statsLine(exploration.stats) + "\n";
  if (!replayCommand.empty()) tail += "replay    " + replayCommand + "\n";
  if (!document) {
    summary += "          " + bounds + "\n" +
               (interrupted ? interruptedLine(exploration.stats.executions)
                            : verdictText(exploration.verdict, names) + expectedLine(expected, exploration.verdict, style)) +
               "stats     " + statsLine(exploration.stats) + "\n";
    (text ? std::cout : std::cerr) << summary;
    return exitStatus(exploration.verdict);
  }
  summary += verdictLine(std::string(to_string(exploration.verdict.result)), exploration.verdict.summary(), style) +
             budgetHitLine(exploration.verdict.budgetHit) + expectedLine(expected, exploration.verdict, style);
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
