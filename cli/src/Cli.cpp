#include "interlock/cli/Cli.hpp"

#include "interlock/checker/Explorer.hpp"
#include "interlock/checker/Schedule.hpp"
#include "interlock/checker/TextReport.hpp"
#include "interlock/checker/Trace.hpp"
#include "interlock/cli/OutputFile.hpp"
#include "interlock/scenarios/Builtin.hpp"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>
#include <optional>

namespace interlock::cli {

using nlohmann::json;

namespace {

int exitStatus(const Verdict& verdict) {
  switch (verdict.result) {
    case Result::Pass: return kPass;
    case Result::Violation: return kViolation;
    case Result::Incomplete: return kIncomplete;
  }
  return kInternal;
}

const Scenario& findScenario(const Catalogue& catalogue, const std::string& name) {
  if (const Scenario* scenario = catalogue.find(name)) return *scenario;
  std::string message = "unknown scenario '" + name + "'";
  const auto near = catalogue.closest(name);
  if (!near.empty()) {
    message += "; did you mean ";
    for (std::size_t i = 0; i < near.size(); ++i) message += (i ? ", " : "") + near[i];
    message += "?";
  }
  throw InputError(message + " ('interlock list' shows them all)");
}

json statsJson(const Stats& stats) {
  return {{"executions", stats.executions},
          {"steps", stats.steps},
          {"choice_points", stats.choicePoints},
          {"max_depth", stats.maxDepth},
          {"elapsed_seconds", stats.elapsedSeconds},
          {"executions_per_second", stats.executionsPerSecond()}};
}

json expectationJson(const Expectation& expected) {
  if (!expected.kind) return {{"result", "pass"}};
  json out = {{"result", "violation"}, {"kind", to_string(*expected.kind)}};
  if (!expected.rule.empty()) out["rule"] = expected.rule;
  return out;
}

struct RunOptions {
  std::string name;
  std::string tracePath;
  bool json = false;
  std::optional<std::uint32_t> maxSteps;
  std::optional<std::uint32_t> maxSuspensions;
  std::uint64_t maxExecutions = 0;
};

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

int listCommand(const Catalogue& catalogue, bool asJson) {
  if (asJson) {
    json out = json::array();
    for (const Scenario& s : catalogue.all())
      out.push_back({{"name", s.name}, {"expected", expectationJson(s.expected)},
                     {"description", s.description}});
    std::cout << out.dump(2) << "\n";
    return kPass;
  }
  std::size_t width = 0;
  for (const Scenario& s : catalogue.all()) width = std::max(width, s.name.size());
  for (const Scenario& s : catalogue.all()) {
    std::string name = s.name;
    name.resize(width + 2, ' ');
    std::cout << name << s.expected.describe() << "\n";
  }
  return kPass;
}

int checkCommand(const Catalogue& catalogue, const std::vector<std::string>& patterns, bool asJson) {
  const auto selected = catalogue.match(patterns);
  if (selected.empty()) throw InputError("no scenario matches the given patterns");
  std::size_t width = 8;
  for (const Scenario* s : selected) width = std::max(width, s->name.size());
  bool mismatch = false;
  bool incompletePass = false;
  json rows = json::array();
  if (!asJson) {
    std::string header = "scenario";
    header.resize(width + 2, ' ');
    std::printf("%s%-40s %-40s %10s %9s\n", header.c_str(), "expected", "got", "executions", "time");
  }
  for (const Scenario* scenario : selected) {
    const Settings settings = defaultSettings(*scenario);
    const Exploration exploration = explore(*scenario, settings);
    const Verdict& verdict = exploration.verdict;
    const bool met = verdict.meets(scenario->expected);
    if (!met) {
      if (!scenario->expected.kind && verdict.result == Result::Incomplete) incompletePass = true;
      else mismatch = true;
    }
    if (asJson) {
      rows.push_back({{"scenario", scenario->name},
                      {"expected", expectationJson(scenario->expected)},
                      {"verdict", verdictJson(verdict, exploration.counterexample
                                                           ? exploration.counterexample->snapshot
                                                           : Snapshot{})},
                      {"met", met},
                      {"stats", statsJson(exploration.stats)}});
    } else {
      std::string name = scenario->name;
      name.resize(width + 2, ' ');
      std::printf("%s%-40s %-40s %10llu %8.3fs%s\n", name.c_str(),
                  scenario->expected.describe().c_str(), verdict.summary().c_str(),
                  static_cast<unsigned long long>(exploration.stats.executions),
                  exploration.stats.elapsedSeconds, met ? "" : "  <-- MISMATCH");
    }
  }
  const int status = mismatch ? kViolation : incompletePass ? kIncomplete : kPass;
  if (asJson) {
    std::cout << json{{"scenarios", rows}, {"passed", status == kPass}}.dump(2) << "\n";
  } else {
    std::size_t met = 0;
    for (const auto& row : rows) met += row.value("met", false);
    std::printf("\n%s: %zu scenarios checked\n",
                status == kPass ? "all expectations met" : "expectations NOT met", selected.size());
  }
  return status;
}

}  // namespace

Catalogue builtinCatalogue() {
  Catalogue catalogue;
  for (Scenario& scenario : scenarios::builtin()) catalogue.add(std::move(scenario));
  return catalogue;
}

int main(int argc, const char* const* argv, const Catalogue& catalogue) {
  CLI::App app{"Interlock: a model checker for Windows kernel locking"};
  app.require_subcommand(1);
  app.set_version_flag("--version", kToolVersion);

  bool listJson = false;
  auto* list = app.add_subcommand("list", "List the scenarios and their expected verdicts");
  list->add_flag("--json", listJson, "Print one JSON array");

  RunOptions run;
  auto* runCmd = app.add_subcommand("run", "Explore one scenario and report its verdict");
  runCmd->add_option("name", run.name, "Scenario name (see 'interlock list')")->required();
  runCmd->add_option("--trace", run.tracePath, "Write the counterexample trace (JSON) here");
  runCmd->add_flag("--json", run.json, "Print one JSON object");
  runCmd->add_option("--max-steps", run.maxSteps, "Steps per execution")
      ->check(CLI::Range(1u, 1000000u));
  runCmd->add_option("--max-suspensions", run.maxSuspensions, "Adversary suspensions per execution")
      ->check(CLI::Range(0u, 16u));
  runCmd->add_option("--max-executions", run.maxExecutions, "Stop after this many executions (0: no limit)")
      ->check(CLI::Range(std::uint64_t{0}, std::uint64_t{1'000'000'000'000}));

  std::string tracePath;
  bool replayJson = false;
  auto* replayCmd = app.add_subcommand("replay", "Re-run a counterexample from its trace file");
  replayCmd->add_option("trace", tracePath, "Trace file written by 'interlock run --trace'")->required();
  replayCmd->add_flag("--json", replayJson, "Print one JSON object");

  std::vector<std::string> patterns;
  bool checkJson = false;
  auto* check = app.add_subcommand("check", "Run scenarios and compare each verdict with the expected one");
  check->add_option("patterns", patterns, "Scenario names, globs or families (default: all)");
  check->add_flag("--json", checkJson, "Print one JSON summary object");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int status = app.exit(error);
    return status == 0 ? kPass : kBadInput;
  }
  try {
    if (*list) return listCommand(catalogue, listJson);
    if (*runCmd) return runCommand(catalogue, run);
    if (*replayCmd) return replayCommand(catalogue, tracePath, replayJson);
    if (*check) return checkCommand(catalogue, patterns, checkJson);
  } catch (const InputError& error) {
    std::cerr << "interlock: " << error.what() << "\n";
    return kBadInput;
  } catch (const ScenarioError& error) {
    std::cerr << "interlock: scenario error: " << error.what() << "\n";
    return kBadInput;
  } catch (const std::exception& error) {
    std::cerr << "interlock: internal error: " << error.what() << "\n";
    return kInternal;
  }
  return kInternal;
}

}  // namespace interlock::cli
