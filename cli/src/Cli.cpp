#include "interlock/cli/Cli.hpp"

#include "Commands.hpp"
#include "Interrupt.hpp"
#include "interlock/checker/StrategyRegistry.hpp"
#include "interlock/reports/Render.hpp"
#include "interlock/reports/Trace.hpp"
#include "interlock/scenarios/Builtin.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cmath>
#include <iostream>

namespace interlock::cli {

namespace {

CLI::Validator strategyValidator() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        return findStrategy(value) != nullptr ? std::string() : unknownStrategyText(value);
      },
      "STRATEGY");
}

bool allDigits(std::string_view text) { return text.find_first_not_of("0123456789") == std::string_view::npos; }

// Whole numbers are decimal digits only: CLI11 would read "010" as octal, "0x10" as
// hexadecimal and accept a sign or spaces. Leading zeros go, so "010" is ten.
CLI::Validator decimal(std::string range) {
  return CLI::Validator(
      [range](std::string& value) -> std::string {
        if (value.empty() || !allDigits(value))
          return "expected a whole number " + range + ", found '" + value + "'";
        value.erase(0, std::min(value.find_first_not_of('0'), value.size() - 1));
        return {};
      },
      "");
}

// Paths and names: an empty one is a mistake, not a request to leave the option out.
CLI::Validator nonEmpty() {
  return CLI::Validator(
      [](std::string& value) -> std::string { return value.empty() ? "expected a value, found an empty one" : ""; },
      "");
}

CLI::Validator secondsValidator() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        // Decimal digits with at most one point: strtod alone takes "0x1p3", "+5" and " 5".
        const std::size_t point = value.find('.');
        const bool decimalText = value != "." && allDigits(value.substr(0, point)) &&
                                 (point == std::string::npos || allDigits(value.substr(point + 1)));
        char* end = nullptr;
        const double seconds = std::strtod(value.c_str(), &end);
        if (!value.empty() && decimalText && end == value.c_str() + value.size() && std::isfinite(seconds) &&
            seconds > 0 && seconds <= 31'536'000)
          return {};
        return "expected seconds greater than 0 and at most 31536000 (a year), found '" + value + "'";
      },
      "SECONDS");
}

CLI::Validator seedValidator() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        const bool digits = !value.empty() && value.size() <= 20 &&
                            value.find_first_not_of("0123456789") == std::string::npos;
        if (digits && (value.size() < 20 || value <= "18446744073709551615")) return {};
        return "expected a whole number from 0 to 18446744073709551615, found '" + value + "'";
      },
      "N");
}

// --strategy, --jobs and --time-limit, as `run` and `check` both take them.
void addSearchOptions(CLI::App& command, SearchOptions& search, const char* timeLimitHelp) {
  command.add_option("--strategy", search.strategy,
                     "Search strategy: " + strategyList() + " (default: " + Settings{}.strategy + ")")
      ->check(strategyValidator());
  command.add_option("-j,--jobs", search.jobs, "Worker threads exploring in parallel (1 to 256)")
      ->transform(decimal("from 1 to 256"))
      ->check(CLI::Range(1u, 256u));
  command.add_option("--time-limit", search.timeLimitSeconds, timeLimitHelp)->check(secondsValidator());
  command.add_flag("--verifier", search.verifier,
                   "Driver Verifier enabled: a breach it catches is bug check 0xC4 at that step");
  command.add_option("--processors", search.processors,
                     "Processors the threads share, thread i on processor i mod N (default: one per thread)")
      ->transform(decimal("from 1 to 32"))
      ->check(CLI::Range(1u, 32u));
}

// What CLI11 would misread or report without naming: a first word that is no subcommand, and
// a flag given a value ("--json=yes", which CLI11 takes as --json). Empty when all is well.
std::string misusedWord(const CLI::App& app, int argc, const char* const* argv) {
  std::vector<std::string> commands;
  std::vector<std::string> flags;
  const auto addFlags = [&flags](const CLI::App& command) {
    for (const CLI::Option* option : command.get_options())
      if (option->get_expected_max() == 0)
        for (const std::string& name : option->get_lnames()) flags.push_back("--" + name);
  };
  addFlags(app);
  for (const CLI::App* command : app.get_subcommands([](const CLI::App*) { return true; })) {
    commands.push_back(command->get_name());
    addFlags(*command);
  }
  bool commandSeen = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--") break;
    if (arg.starts_with("--") && arg.find('=') != std::string_view::npos) {
      const std::string name(arg.substr(0, arg.find('=')));
      if (std::ranges::find(flags, name) != flags.end())
        return name + " takes no value, found '" + std::string(arg) + "'";
    }
    if (commandSeen || arg.starts_with("-")) continue;
    commandSeen = true;
    if (std::ranges::find(commands, arg) == commands.end()) {
      std::string names;
      for (const std::string& command : commands) names += (names.empty() ? "" : ", ") + command;
      return "unknown command '" + std::string(arg) + "'; expected one of " + names;
    }
  }
  return {};
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
  runCmd->add_option("--trace", run.tracePath, "Write the counterexample trace (JSON) here")->check(nonEmpty());
  auto* runJson = runCmd->add_flag("--json", run.json, "Print one JSON object");
  runCmd->add_option("--format", run.format, "How to print the counterexample (text: explanation and swimlanes)")
      ->check(CLI::IsMember(formatNames()))
      ->excludes(runJson);
  runCmd->add_option("--max-steps", run.maxSteps, "Steps per execution")
      ->transform(decimal("from 1 to 1000000"))
      ->check(CLI::Range(1u, 1000000u));
  runCmd->add_option("--max-suspensions", run.maxSuspensions, "Adversary suspensions per execution")
      ->transform(decimal("from 0 to 16"))
      ->check(CLI::Range(0u, 16u));
  runCmd->add_option("--max-executions", run.maxExecutions, "Stop after this many executions (0: no limit)")
      ->transform(decimal("from 0 to 1000000000000"))
      ->check(CLI::Range(std::uint64_t{0}, std::uint64_t{1'000'000'000'000}));
  addSearchOptions(*runCmd, run.search,
                   "Stop after this many seconds with verdict incomplete (greater than 0)");
  runCmd->add_option("--preemptions", run.preemptions,
                     strategyList([](const StrategyInfo& s) { return s.readsPreemptions; }) +
                         ": the largest preemption bound tried (0 to 1000)")
      ->transform(decimal("from 0 to 1000"))
      ->check(CLI::Range(0u, 1000u));
  runCmd->add_option("--seed", run.seed,
                     strategyList([](const StrategyInfo& s) { return s.readsSeed; }) +
                         ": the seed (0 to 18446744073709551615)")
      ->transform(decimal("from 0 to 18446744073709551615"))
      ->check(seedValidator());
  runCmd->add_option("--pct-depth", run.pctDepth,
                     strategyList([](const StrategyInfo& s) { return s.readsPctDepth; }) +
                         ": the bug depth d (1 to 1000)")
      ->transform(decimal("from 1 to 1000"))
      ->check(CLI::Range(1u, 1000u));
  runCmd->add_option("--shard", run.shard,
                     "Explore part I of N of the tree (1 <= I <= N <= 65536), or 'auto' to take I "
                     "and N from the environment (see docs/parallel-and-sharded-search.md)")
      ->check(nonEmpty());
  runCmd->add_option("--param", run.params, "Set a scenario parameter, KEY=VALUE (repeatable)")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  runCmd->add_flag("--no-minimize", run.noMinimize,
                   "Report the first counterexample found instead of shrinking it");

  std::string tracePath;
  bool replayJson = false;
  std::string replayFormat = "text";
  auto* replayCmd = app.add_subcommand("replay", "Re-run a counterexample from its trace file");
  replayCmd->add_option("trace", tracePath, "Trace file written by 'interlock run --trace'")
      ->required()
      ->check(nonEmpty());
  auto* replayJsonFlag = replayCmd->add_flag("--json", replayJson, "Print one JSON object");
  replayCmd->add_option("--format", replayFormat, "How to print the counterexample")
      ->check(CLI::IsMember(formatNames()))
      ->excludes(replayJsonFlag);
  bool replayVerifier = false;
  replayCmd->add_flag("--verifier", replayVerifier,
                      "Replay with Driver Verifier enabled (a trace written with --verifier has it on)");
  std::optional<std::uint32_t> replayProcessors;
  replayCmd->add_option("--processors", replayProcessors,
                        "Replay on N processors (a trace written with --processors has its own)")
      ->transform(decimal("from 1 to 32"))
      ->check(CLI::Range(1u, 32u));

  std::string showPath;
  std::string showFormat = "text";
  auto* show = app.add_subcommand("show", "Print a trace file's counterexample (no scenario needed)");
  show->add_option("trace", showPath, "Trace file written by 'interlock run --trace'")->required()->check(nonEmpty());
  show->add_option("--format", showFormat,
                   "text (explanation and swimlanes), mermaid (sequenceDiagram), perfetto "
                   "(trace-event JSON) or dot (wait-for graph)")
      ->check(CLI::IsMember(formatNames()));

  CheckOptions checkOptions;
  auto* check = app.add_subcommand("check", "Run scenarios and compare each verdict with the expected one");
  check->add_option("patterns", checkOptions.patterns, "Scenario names, globs or families (default: all)");
  check->add_option("--junit", checkOptions.junitPath, "Write a JUnit XML report here")->check(nonEmpty());
  check->add_option("--sarif", checkOptions.sarifPath, "Write a SARIF 2.1.0 report here")->check(nonEmpty());
  check->add_flag("--json", checkOptions.json, "Print one JSON summary object");
  addSearchOptions(*check, checkOptions.search,
                   "Stop each scenario's search after this many seconds (greater than 0)");

  MergeOptions merge;
  auto* mergeCmd = app.add_subcommand("merge", "Combine the 'run --json' outputs of the shards of one search");
  mergeCmd->add_option("files", merge.files, "One 'run --shard I/N --json' output per shard")->required();
  auto* mergeJson = mergeCmd->add_flag("--json", merge.json, "Print one JSON object");
  mergeCmd->add_option("--format", merge.format, "How to print the counterexample")
      ->check(CLI::IsMember(formatNames()))
      ->excludes(mergeJson);
  mergeCmd->add_option("--trace", merge.tracePath, "Write the reported counterexample's trace (JSON) here")
      ->check(nonEmpty());

  if (const std::string misuse = misusedWord(app, argc, argv); !misuse.empty()) {
    std::cerr << "interlock: " << misuse << "\n";
    return kBadInput;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int status = app.exit(error);
    return status == 0 ? kPass : kBadInput;
  }
  const auto dispatch = [&]() -> int {
    try {
      if (*list) return listCommand(catalogue, listJson);
      if (*runCmd) return runCommand(catalogue, run);
      if (*replayCmd) return replayCommand(catalogue, tracePath, replayJson, replayFormat, replayVerifier, replayProcessors);
      if (*show) return showCommand(showPath, showFormat);
      if (*check) return checkCommand(catalogue, checkOptions);
      if (*mergeCmd) return mergeCommand(catalogue, merge);
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
  };
  const int status = dispatch();
  // Temporary files are gone and the output is printed: now die as the signal asked.
  if (const int signal = interruptSignal(); signal != 0) {
    std::cerr << "interlock: interrupted by " << signalName(signal) << "\n";
    dieOf(signal);
  }
  return status;
}

}  // namespace interlock::cli
