// Options to Settings, and Settings back to a bounds line, JSON and a command line.
#include "Commands.hpp"

#include "interlock/checker/StrategyRegistry.hpp"
#include "interlock/reports/TextReport.hpp"
#include "interlock/reports/Trace.hpp"
#include "interlock/cli/ProgressReport.hpp"
#include "interlock/cli/ShardOption.hpp"

#include <cstdio>

namespace interlock::cli {

using nlohmann::json;

Parameters parseParams(const std::vector<std::string>& params) {
  Parameters parsed;
  for (const std::string& param : params) {
    const auto equals = param.find('=');
    if (equals == std::string::npos || equals == 0)
      throw InputError("--param: expected KEY=VALUE (e.g. --param threads=3), found '" + param + "'");
    const std::string key = param.substr(0, equals);
    if (!parsed.emplace(key, param.substr(equals + 1)).second)
      throw InputError("--param: '" + key + "' is given more than once");
  }
  return parsed;
}

Scenario parameterized(const Scenario& scenario, const Parameters& overrides) {
  try {
    return withParameters(scenario, overrides);
  } catch (const ScenarioError& error) {
    throw InputError(std::string("--param: ") + error.what());
  }
}

namespace {

// The table's entry for the strategy in force; an unknown name (a merge input written by hand)
// reads no setting and does not split.
const StrategyInfo& strategyOf(const Settings& settings) {
  static constexpr StrategyInfo unknown{};
  const StrategyInfo* info = findStrategy(settings.strategy);
  return info != nullptr ? *info : unknown;
}

// Only exhaustive tree searches split; pb runs bound by bound and random/pct sample.
void requireSplittable(const Settings& settings, const char* option) {
  if (strategyOf(settings).splittable) return;
  throw InputError(std::string(option) + ": strategy " + settings.strategy +
                   " cannot be split (only the exhaustive searches " +
                   strategyList([](const StrategyInfo& s) { return s.splittable; }, " and ") +
                   " divide their tree); use one of those with --jobs and --shard");
}

}  // namespace

void applySearchOptions(Settings& settings, const SearchOptions& search) {
  if (search.strategy) settings.strategy = *search.strategy;
  settings.jobs = search.jobs;
  // About ten thread starts: a search of milliseconds finishes alone, a long one barely waits.
  settings.jobsJoinAfterSeconds = 0.01;
  settings.timeLimitSeconds = search.timeLimitSeconds;
  settings.interrupt = search.interrupt;
  settings.verifier = search.verifier;
  if (search.processors) settings.bounds.processors = *search.processors;
  if (settings.jobs > 1) requireSplittable(settings, "--jobs");
}

Settings runSettings(const Scenario& scenario, const RunOptions& options) {
  Settings settings = defaultSettings(scenario);
  if (options.maxSteps) settings.bounds.maxSteps = *options.maxSteps;
  if (options.maxSuspensions) settings.bounds.maxSuspensions = *options.maxSuspensions;
  settings.maxExecutions = options.maxExecutions;
  applySearchOptions(settings, options.search);
  if (options.preemptions) settings.preemptions = *options.preemptions;
  if (options.seed) settings.seed = *options.seed;
  if (options.pctDepth) settings.pctDepth = *options.pctDepth;
  if (!options.shard.empty()) settings.shard = parseShard(options.shard, processEnvironment());
  if (settings.shard.count > 1) requireSplittable(settings, "--shard");
  settings.minimize = !options.noMinimize;
  return settings;
}

std::string settingsText(const Settings& settings, const Parameters& parameters) {
  std::string text = boundsText(settings);
  const StrategyInfo& strategy = strategyOf(settings);
  if (strategy.readsPreemptions) text += "; up to " + std::to_string(settings.preemptions) + " preemptions";
  if (strategy.readsSeed) text += "; seed " + std::to_string(settings.seed);
  if (strategy.readsPctDepth) text += ", depth " + std::to_string(settings.pctDepth);
  if (!parameters.empty()) {
    text += "; parameters ";
    bool first = true;
    for (const auto& [key, value] : parameters) {
      text += (first ? "" : ", ") + key + "=" + value;
      first = false;
    }
  }
  if (settings.shard.count > 1) text += "; shard " + to_string(settings.shard);
  if (settings.jobs > 1) text += "; " + std::to_string(settings.jobs) + " jobs";
  if (settings.timeLimitSeconds > 0) {
    char seconds[32];  // as given below a minute ("0.5 s", "10 s"), else "1m30s"
    std::snprintf(seconds, sizeof seconds, "%g s", settings.timeLimitSeconds);
    text += "; time limit " + (settings.timeLimitSeconds < 60 ? std::string(seconds) : durationText(settings.timeLimitSeconds));
  }
  if (!settings.minimize) text += "; no minimization";
  if (settings.verifier) text += "; Driver Verifier on";
  return text;
}

std::string statsLine(const Stats& stats) {
  std::string text = statsText(stats);
  if (stats.sleepSetBlocked != 0 || stats.alternativesSkipped != 0)
    text += "; pruned: " + std::to_string(stats.sleepSetBlocked) + " sleep-set-blocked executions, " +
            std::to_string(stats.alternativesSkipped) + " alternatives skipped";
  if (stats.minimizationExecutions != 0)
    text += "; minimization: " + std::to_string(stats.minimizationExecutions) + " executions";
  return text;
}

std::string runCommandLine(const Scenario& scenario, const Settings& settings, const Parameters& overrides) {
  std::string line = "interlock run " + scenario.name + " --strategy " + settings.strategy;
  if (settings.bounds.maxSteps != scenario.bounds.maxSteps)
    line += " --max-steps " + std::to_string(settings.bounds.maxSteps);
  if (settings.bounds.maxSuspensions != scenario.bounds.maxSuspensions)
    line += " --max-suspensions " + std::to_string(settings.bounds.maxSuspensions);
  if (settings.maxExecutions != 0) line += " --max-executions " + std::to_string(settings.maxExecutions);
  const StrategyInfo& strategy = strategyOf(settings);
  if (strategy.readsPreemptions) line += " --preemptions " + std::to_string(settings.preemptions);
  if (strategy.readsSeed) line += " --seed " + std::to_string(settings.seed);
  if (strategy.readsPctDepth) line += " --pct-depth " + std::to_string(settings.pctDepth);
  for (const auto& [key, value] : overrides) line += " --param " + key + "=" + value;
  if (settings.shard.count > 1) line += " --shard " + to_string(settings.shard);
  if (!settings.minimize) line += " --no-minimize";
  if (settings.verifier) line += " --verifier";
  if (settings.bounds.processors != scenario.bounds.processors)
    line += " --processors " + std::to_string(settings.bounds.processors);
  return line;
}

json runSettingsJson(const Settings& settings) {
  json out = settingsJson(settings);
  out["preemptions"] = settings.preemptions;
  out["seed"] = settings.seed;
  out["pct_depth"] = settings.pctDepth;
  out["max_executions"] = settings.maxExecutions;
  out["time_limit_seconds"] = settings.timeLimitSeconds;
  out["jobs"] = settings.jobs;
  out["minimize"] = settings.minimize;
  return out;
}

Settings settingsFromJson(const json& in) {
  Settings settings;
  settings.strategy = in.at("strategy").get<std::string>();
  settings.bounds.maxSteps = in.at("max_steps").get<std::uint32_t>();
  settings.bounds.maxSuspensions = in.at("max_suspensions").get<std::uint32_t>();
  settings.bounds.maxApcs = in.at("max_apcs").get<std::uint32_t>();
  settings.preemptions = in.at("preemptions").get<std::uint32_t>();
  settings.seed = in.at("seed").get<std::uint64_t>();
  settings.pctDepth = in.at("pct_depth").get<std::uint32_t>();
  settings.maxExecutions = in.at("max_executions").get<std::uint64_t>();
  settings.timeLimitSeconds = in.at("time_limit_seconds").get<double>();
  settings.jobs = in.at("jobs").get<unsigned>();
  settings.minimize = in.at("minimize").get<bool>();
  settings.verifier = in.value("verifier", false);
  settings.bounds.processors = in.value("processors", std::uint32_t{0});
  settings.bounds.maxInterrupts = in.value("max_interrupts", std::uint32_t{1});
  return settings;
}

json parametersJson(const Parameters& parameters) {
  json out = json::object();
  for (const auto& [key, value] : parameters) out[key] = value;
  return out;
}

json shardJson(const Shard& shard) { return {{"index", shard.index + 1}, {"count", shard.count}}; }

std::string verdictLine(const std::string& result, const std::string& summary, const TextStyle& style) {
  return "verdict   " + style.paint(result + ": " + summary, result == "pass" ? Tone::Green : Tone::Red) + "\n";
}

std::string budgetHitLine(const std::string& budgetHit) {
  if (budgetHit.empty()) return "";
  return "          the search stopped at its " + budgetHit + " before finding a consequence; a larger one may "
         "show what this leads to: " + remedyFor(budgetHit) + "\n";
}

}  // namespace interlock::cli
