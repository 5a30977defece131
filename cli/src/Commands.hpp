#pragma once
// The `interlock` subcommands, one file each; Cli.cpp parses and dispatches.
#include "interlock/checker/Catalogue.hpp"
#include "interlock/checker/Explorer.hpp"
#include "interlock/reports/Render.hpp"
#include "interlock/reports/Trace.hpp"

#include <nlohmann/json.hpp>

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace interlock::cli {

[[nodiscard]] int exitStatus(const Verdict& verdict);
[[nodiscard]] const Scenario& findScenario(const Catalogue& catalogue, const std::string& name);
[[nodiscard]] nlohmann::json statsJson(const Stats& stats);
[[nodiscard]] nlohmann::json expectationJson(const Expectation& expected);

// What `run` and `check` share: how the search goes, not what it explores.
struct SearchOptions {
  std::optional<std::string> strategy;  // a name in the strategy table; else the explorer's default
  unsigned jobs = 1;
  double timeLimitSeconds = 0;  // 0: none; per scenario in `check`
  const std::atomic<bool>* interrupt = nullptr;  // see Settings::interrupt
  bool verifier = false;        // Driver Verifier enabled: its breaches are bug check 0xC4
  std::optional<std::uint32_t> processors;  // Bounds::processors; unset: the scenario's
};

struct RunOptions {
  std::string name;
  std::string tracePath;
  bool json = false;
  std::optional<std::uint32_t> maxSteps;
  std::optional<std::uint32_t> maxSuspensions;
  std::uint64_t maxExecutions = 0;
  std::string format = "text";  // how the counterexample is printed: see formatNames()
  SearchOptions search;
  std::optional<std::uint32_t> preemptions;
  std::optional<std::uint64_t> seed;
  std::optional<std::uint32_t> pctDepth;
  std::string shard;                // "I/N", "auto", or empty for the whole tree
  std::vector<std::string> params;  // "KEY=VALUE" as given
  bool noMinimize = false;
};
[[nodiscard]] int runCommand(const Catalogue& catalogue, const RunOptions& options);
// A trace's schedule replayed on its scenario (configured with the trace's parameters).
struct ReplayedTrace {
  Scenario scenario;
  Replay result;
  nlohmann::json document;  // the trace written again from the replay
  bool identical = false;   // equal, field by field, to the trace replayed
};
// Throws InputError naming the trace's path and the field that does not fit this interlock.
[[nodiscard]] ReplayedTrace replayTrace(const Catalogue& catalogue, const TraceFile& file);
// `verifier`: replay with Driver Verifier enabled even if the trace was written without it.
[[nodiscard]] int replayCommand(const Catalogue& catalogue, const std::string& path, bool asJson,
                                const std::string& format = "text", bool verifier = false,
                                std::optional<std::uint32_t> processors = std::nullopt);
[[nodiscard]] int showCommand(const std::string& path, const std::string& format);
[[nodiscard]] int listCommand(const Catalogue& catalogue, bool asJson);

struct MergeOptions {
  std::vector<std::string> files;  // `run --json` outputs, one per shard
  bool json = false;
  std::string format = "text";
  std::string tracePath;  // write the reported counterexample's trace here
};
// Replays the counterexample it reports (and every violating shard's), so needs the scenario.
[[nodiscard]] int mergeCommand(const Catalogue& catalogue, const MergeOptions& options);

// RunSettings.cpp: options to Settings, and Settings back to words, JSON and a command line.
// "KEY=VALUE" strings to parameters; throws InputError naming --param.
[[nodiscard]] Parameters parseParams(const std::vector<std::string>& params);
// The scenario with `overrides` applied; throws InputError naming --param and the accepted keys.
[[nodiscard]] Scenario parameterized(const Scenario& scenario, const Parameters& overrides);
void applySearchOptions(Settings& settings, const SearchOptions& search);
[[nodiscard]] Settings runSettings(const Scenario& scenario, const RunOptions& options);
// The bounds line: boundsText plus what else shapes the search (strategy knobs, parameters,
// shard, jobs, time limit).
[[nodiscard]] std::string settingsText(const Settings& settings, const Parameters& parameters);
// statsText plus what reduction pruned and what minimization cost.
[[nodiscard]] std::string statsLine(const Stats& stats);
// `interlock run ...` with every option that decides which counterexample is found.
[[nodiscard]] std::string runCommandLine(const Scenario& scenario, const Settings& settings,
                                         const Parameters& overrides);
// settingsJson plus the search settings, as `run --json` and `merge` read them.
[[nodiscard]] nlohmann::json runSettingsJson(const Settings& settings);
[[nodiscard]] Settings settingsFromJson(const nlohmann::json& settings);
[[nodiscard]] nlohmann::json parametersJson(const Parameters& parameters);
// The shard 1-based, as on the command line.
[[nodiscard]] nlohmann::json shardJson(const Shard& shard);
// "verdict   violation: SuspendedOwnerDoS (SuspendedOwner)"
[[nodiscard]] std::string verdictLine(const std::string& result, const std::string& summary, const TextStyle& style);
// Under the verdict line of a violation without a consequence: which budget stopped the search
// and how to raise it (Verdict::budgetHit); empty when none did.
[[nodiscard]] std::string budgetHitLine(const std::string& budgetHit);

struct CheckOptions {
  std::vector<std::string> patterns;
  SearchOptions search;
  std::string junitPath;  // empty: no JUnit report
  std::string sarifPath;  // empty: no SARIF report
  bool json = false;
};
[[nodiscard]] int checkCommand(const Catalogue& catalogue, const CheckOptions& options);

// Colour for stdout: a terminal, NO_COLOR unset or empty (no-color.org), TERM not "dumb".
[[nodiscard]] bool colourWanted();
// A trace document (as written by traceJson) in `format`; `source` names it in errors.
[[nodiscard]] std::string renderTrace(const nlohmann::json& document, const std::string& source,
                                      const std::string& format, const TextStyle& style);

}  // namespace interlock::cli
