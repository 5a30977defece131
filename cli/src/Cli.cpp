#include "interlock/cli/Cli.hpp"

#include "Commands.hpp"
#include "interlock/checker/Render.hpp"
#include "interlock/checker/Trace.hpp"
#include "interlock/scenarios/Builtin.hpp"

#include <CLI/CLI.hpp>
#include <cmath>
#include <iostream>

namespace interlock::cli {

namespace {

std::string strategyList() {
  std::string list;
  for (std::string_view name : strategyNames()) list += (list.empty() ? "" : ", ") + std::string(name);
  return list;
}

CLI::Validator strategyValidator() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        for (std::string_view name : strategyNames())
          if (name == value) return {};
        return "unknown strategy '" + value + "'; expected one of " + strategyList();
      },
      "STRATEGY");
}

CLI::Validator secondsValidator() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        char* end = nullptr;
        const double seconds = std::strtod(value.c_str(), &end);
        if (!value.empty() && end == value.c_str() + value.size() && std::isfinite(seconds) && seconds > 0 &&
            seconds <= 31'536'000)
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
  command.add_option("--jobs", search.jobs, "Worker threads exploring in parallel (1 to 256)")
      ->check(CLI::Range(1u, 256u));
  command.add_option("--time-limit", search.timeLimitSeconds, timeLimitHelp)->check(secondsValidator());
  command.add_flag("--verifier", search.verifier,
                   "Driver Verifier enabled: a breach it catches is bug check 0xC4 at that step");
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
  auto* runJson = runCmd->add_flag("--json", run.json, "Print one JSON object");
  runCmd->add_option("--format", run.format, "How to print the counterexample (text: explanation and swimlanes)")
      ->check(CLI::IsMember(formatNames()))
      ->excludes(runJson);
  runCmd->add_option("--max-steps", run.maxSteps, "Steps per execution")
      ->check(CLI::Range(1u, 1000000u));
  runCmd->add_option("--max-suspensions", run.maxSuspensions, "Adversary suspensions per execution")
      ->check(CLI::Range(0u, 16u));
  runCmd->add_option("--max-executions", run.maxExecutions, "Stop after this many executions (0: no limit)")
      ->check(CLI::Range(std::uint64_t{0}, std::uint64_t{1'000'000'000'000}));
  addSearchOptions(*runCmd, run.search,
                   "Stop after this many seconds with verdict incomplete (greater than 0)");
  runCmd->add_option("--preemptions", run.preemptions, "pb: the largest preemption bound tried (0 to 1000)")
      ->check(CLI::Range(0u, 1000u));
  runCmd->add_option("--seed", run.seed, "random, pct: the seed (0 to 18446744073709551615)")
      ->check(seedValidator());
  runCmd->add_option("--pct-depth", run.pctDepth, "pct: the bug depth d (1 to 1000)")
      ->check(CLI::Range(1u, 1000u));
  runCmd->add_option("--shard", run.shard,
                     "Explore part I of N of the tree (1 <= I <= N <= 65536), or 'auto' to take I "
                     "and N from the environment (see docs/parallel-and-sharded-search.md)");
  runCmd->add_option("--param", run.params, "Set a scenario parameter, KEY=VALUE (repeatable)")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  runCmd->add_flag("--no-minimize", run.noMinimize,
                   "Report the first counterexample found instead of shrinking it");

  std::string tracePath;
  bool replayJson = false;
  std::string replayFormat = "text";
  auto* replayCmd = app.add_subcommand("replay", "Re-run a counterexample from its trace file");
  replayCmd->add_option("trace", tracePath, "Trace file written by 'interlock run --trace'")->required();
  auto* replayJsonFlag = replayCmd->add_flag("--json", replayJson, "Print one JSON object");
  replayCmd->add_option("--format", replayFormat, "How to print the counterexample")
      ->check(CLI::IsMember(formatNames()))
      ->excludes(replayJsonFlag);
  bool replayVerifier = false;
  replayCmd->add_flag("--verifier", replayVerifier,
                      "Replay with Driver Verifier enabled (a trace written with --verifier has it on)");

  std::string showPath;
  std::string showFormat = "text";
  auto* show = app.add_subcommand("show", "Print a trace file's counterexample (no scenario needed)");
  show->add_option("trace", showPath, "Trace file written by 'interlock run --trace'")->required();
  show->add_option("--format", showFormat,
                   "text (explanation and swimlanes), mermaid (sequenceDiagram), perfetto "
                   "(trace-event JSON) or dot (wait-for graph)")
      ->check(CLI::IsMember(formatNames()));

  CheckOptions checkOptions;
  auto* check = app.add_subcommand("check", "Run scenarios and compare each verdict with the expected one");
  check->add_option("patterns", checkOptions.patterns, "Scenario names, globs or families (default: all)");
  check->add_option("--junit", checkOptions.junitPath, "Write a JUnit XML report here");
  check->add_option("--sarif", checkOptions.sarifPath, "Write a SARIF 2.1.0 report here");
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
  mergeCmd->add_option("--trace", merge.tracePath, "Write the reported counterexample's trace (JSON) here");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int status = app.exit(error);
    return status == 0 ? kPass : kBadInput;
  }
  try {
    if (*list) return listCommand(catalogue, listJson);
    if (*runCmd) return runCommand(catalogue, run);
    if (*replayCmd) return replayCommand(catalogue, tracePath, replayJson, replayFormat, replayVerifier);
    if (*show) return showCommand(showPath, showFormat);
    if (*check) return checkCommand(catalogue, checkOptions);
    if (*mergeCmd) return mergeCommand(merge);
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
