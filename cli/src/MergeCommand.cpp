// `interlock merge FILE...`: the `run --shard I/N --json` outputs of one search's N shards
// combined into the result one unsharded run would report: statistics summed, the worst
// verdict (violation > incomplete > pass) with the counterexample of the lowest shard showing it.
#include "Commands.hpp"

#include "interlock/checker/JsonInput.hpp"
#include "interlock/checker/Trace.hpp"
#include "interlock/cli/Cli.hpp"
#include "interlock/cli/OutputFile.hpp"
#include "interlock/cli/ShardOption.hpp"

#include <algorithm>
#include <fstream>
#include <iostream>
#include <sstream>

namespace interlock::cli {

using nlohmann::json;

namespace {

// The verdict line of an incomplete merge, with what would let the search finish.
std::string incompleteLine(const std::string& reason) {
  Verdict verdict;
  verdict.result = Result::Incomplete;
  verdict.incompleteReason = reason;
  return "verdict   incomplete (" + reason + ")\n          to finish: " + verdict.remedy() + "\n";
}


struct ShardResult {
  std::string path;
  json document;
  Shard shard;  // 0-based
  int severity = 0;  // pass 0, incomplete 1, violation 2
};

[[noreturn]] void fail(const std::string& path, const std::string& what) {
  throw InputError(path + ": " + what);
}

const json& field(const json& object, const std::string& name, const std::string& path,
                  bool (json::*isRightType)() const noexcept, const char* expected) {
  const auto found = object.find(name);
  if (found == object.end())
    fail(path, "field '" + name + "' is missing (merge reads the output of 'interlock run --json')");
  if (!((*found).*isRightType)()) fail(path, "field '" + name + "': expected " + expected + ", found " + excerpt(*found));
  return *found;
}

std::uint32_t shardNumber(const json& shard, const char* name, const std::string& path) {
  const auto found = shard.find(name);
  if (found == shard.end() || !found->is_number_unsigned() || found->get<std::uint64_t>() < 1 ||
      found->get<std::uint64_t>() > kMaxShards)
    fail(path, std::string("field 'shard.") + name + "': expected a whole number from 1 to " +
                   std::to_string(kMaxShards) + (found == shard.end() ? ", found nothing" : ", found " + excerpt(*found)));
  return found->get<std::uint32_t>();
}

int severityOf(const json& verdict, const std::string& path) {
  const auto result = verdict.find("result");
  if (result != verdict.end() && *result == "pass") return 0;
  if (result != verdict.end() && *result == "incomplete") return 1;
  if (result != verdict.end() && *result == "violation") return 2;
  fail(path, "field 'verdict.result': expected \"pass\", \"violation\" or \"incomplete\", found " +
                 (result == verdict.end() ? std::string("nothing") : excerpt(*result)));
}

constexpr const char* kSummedStats[] = {"executions", "steps", "choice_points", "sleep_set_blocked",
                                        "alternatives_skipped", "minimization_executions"};

ShardResult readShard(const std::string& path) {
  ShardResult shard{path, readJsonInput(path), {}, 0};
  const json& doc = shard.document;
  if (!doc.is_object()) fail(path, "expected the JSON object 'interlock run --json' prints");
  field(doc, "scenario", path, &json::is_string, "a scenario name");
  field(doc, "parameters", path, &json::is_object, "an object");
  field(doc, "strategy", path, &json::is_string, "a strategy name");
  field(doc, "expected", path, &json::is_object, "an object");
  field(doc, "met", path, &json::is_boolean, "true or false");
  const json& range = field(doc, "shard", path, &json::is_object, "an object {\"index\": I, \"count\": N}");
  const std::uint32_t index = shardNumber(range, "index", path);
  const std::uint32_t count = shardNumber(range, "count", path);
  if (index > count) fail(path, "field 'shard.index': " + std::to_string(index) + " is beyond shard.count " + std::to_string(count));
  shard.shard = Shard{index - 1, count};
  try {
    (void)settingsFromJson(field(doc, "settings", path, &json::is_object, "an object"));
  } catch (const json::exception& error) {
    fail(path, std::string("field 'settings': ") + error.what());
  }
  shard.severity = severityOf(field(doc, "verdict", path, &json::is_object, "an object"), path);
  const json& stats = field(doc, "stats", path, &json::is_object, "an object");
  for (const char* name : kSummedStats)
    if (!stats.contains(name) || !stats[name].is_number_unsigned())
      fail(path, std::string("field 'stats.") + name + "': expected a whole number");
  if (!stats.contains("max_depth") || !stats["max_depth"].is_number_unsigned())
    fail(path, "field 'stats.max_depth': expected a whole number");
  if (!stats.contains("elapsed_seconds") || !stats["elapsed_seconds"].is_number())
    fail(path, "field 'stats.elapsed_seconds': expected a number");
  const auto counterexample = doc.find("counterexample");
  if (counterexample == doc.end() || !(counterexample->is_object() || counterexample->is_null()))
    fail(path, "field 'counterexample': expected a trace object or null");
  const auto replay = doc.find("replay");
  if (replay == doc.end() || !(replay->is_string() || replay->is_null()))
    fail(path, "field 'replay': expected a command or null");
  return shard;
}

// Settings that must agree between shards: all but the worker count, which changes the speed
// of a shard and nothing it finds.
json comparableSettings(json settings) {
  settings.erase("jobs");
  return settings;
}

void requireSame(const ShardResult& first, const ShardResult& other, const std::string& name, const json& a,
                 const json& b) {
  if (a == b) return;
  fail(other.path, "field '" + name + "': " + excerpt(b) + " differs from " + excerpt(a) + " in " + first.path +
                       "; merge combines the shards of one search (same scenario, parameters, strategy "
                       "and settings)");
}

void requireOneSearch(const std::vector<ShardResult>& shards) {
  const ShardResult& first = shards.front();
  for (const ShardResult& other : shards) {
    requireSame(first, other, "scenario", first.document["scenario"], other.document["scenario"]);
    requireSame(first, other, "parameters", first.document["parameters"], other.document["parameters"]);
    requireSame(first, other, "strategy", first.document["strategy"], other.document["strategy"]);
    const json a = comparableSettings(first.document["settings"]);
    const json b = comparableSettings(other.document["settings"]);
    for (const auto& [key, value] : a.items())
      requireSame(first, other, "settings." + key, value, b.contains(key) ? b[key] : json(nullptr));
    for (const auto& [key, value] : b.items())
      requireSame(first, other, "settings." + key, a.contains(key) ? a[key] : json(nullptr), value);
    requireSame(first, other, "shard.count", first.document["shard"]["count"], other.document["shard"]["count"]);
  }
}

// Sorted by shard; every index from 1 to N exactly once.
void requireEveryShardOnce(std::vector<ShardResult>& shards) {
  std::stable_sort(shards.begin(), shards.end(),
                   [](const ShardResult& a, const ShardResult& b) { return a.shard.index < b.shard.index; });
  for (std::size_t i = 1; i < shards.size(); ++i)
    if (shards[i].shard.index == shards[i - 1].shard.index)
      fail(shards[i].path, "field 'shard.index': shard " + to_string(shards[i].shard) + " is also in " +
                               shards[i - 1].path);
  const std::uint32_t count = shards.front().shard.count;
  std::string missing;
  std::uint32_t next = 0;
  for (const ShardResult& shard : shards) {
    for (; next < shard.shard.index; ++next) missing += (missing.empty() ? "" : ", ") + std::to_string(next + 1);
    next = shard.shard.index + 1;
  }
  for (; next < count; ++next) missing += (missing.empty() ? "" : ", ") + std::to_string(next + 1);
  if (!missing.empty())
    throw InputError("merge: field 'shard.index': shard" + std::string(missing.find(',') == std::string::npos ? " " : "s ") +
                     missing + " of " + std::to_string(count) +
                     " missing; merge needs the output of every shard of the search");
}

json summedStats(const std::vector<ShardResult>& shards) {
  json out = json::object();
  std::uint64_t maxDepth = 0;
  double elapsed = 0;
  for (const char* name : kSummedStats) out[name] = std::uint64_t{0};
  for (const ShardResult& shard : shards) {
    const json& stats = shard.document["stats"];
    for (const char* name : kSummedStats) out[name] = out[name].get<std::uint64_t>() + stats[name].get<std::uint64_t>();
    maxDepth = std::max(maxDepth, stats["max_depth"].get<std::uint64_t>());
    elapsed += stats["elapsed_seconds"].get<double>();
  }
  Stats stats;
  stats.executions = out["executions"].get<std::uint64_t>();
  stats.steps = out["steps"].get<std::uint64_t>();
  stats.choicePoints = out["choice_points"].get<std::uint64_t>();
  stats.maxDepth = maxDepth;
  stats.elapsedSeconds = elapsed;
  stats.sleepSetBlocked = out["sleep_set_blocked"].get<std::uint64_t>();
  stats.alternativesSkipped = out["alternatives_skipped"].get<std::uint64_t>();
  stats.minimizationExecutions = out["minimization_executions"].get<std::uint64_t>();
  return statsJson(stats);
}

Stats statsFrom(const json& in) {
  Stats stats;
  stats.executions = in["executions"].get<std::uint64_t>();
  stats.steps = in["steps"].get<std::uint64_t>();
  stats.choicePoints = in["choice_points"].get<std::uint64_t>();
  stats.maxDepth = in["max_depth"].get<std::uint64_t>();
  stats.elapsedSeconds = in["elapsed_seconds"].get<double>();
  stats.sleepSetBlocked = in["sleep_set_blocked"].get<std::uint64_t>();
  stats.alternativesSkipped = in["alternatives_skipped"].get<std::uint64_t>();
  stats.minimizationExecutions = in["minimization_executions"].get<std::uint64_t>();
  return stats;
}

// The bounds each incomplete shard hit, each named once, in order of first appearance.
std::string incompleteReasons(const std::vector<ShardResult>& shards) {
  std::vector<std::string> reasons;
  for (const ShardResult& shard : shards) {
    const json& verdict = shard.document["verdict"];
    if (shard.severity != 1 || !verdict.contains("reason") || !verdict["reason"].is_string()) continue;
    std::stringstream parts(verdict["reason"].get<std::string>());
    std::string part;
    while (std::getline(parts, part, ',')) {
      if (!part.empty() && part.front() == ' ') part.erase(0, 1);
      if (!part.empty() && std::find(reasons.begin(), reasons.end(), part) == reasons.end()) reasons.push_back(part);
    }
  }
  std::string joined;
  for (const std::string& reason : reasons) joined += (joined.empty() ? "" : ", ") + reason;
  return joined;
}

std::string describe(const json& expected) {
  if (expected.value("result", "") != "violation") return "pass";
  std::string text = expected.value("kind", "");
  if (expected.contains("rule")) text += " (" + expected.value("rule", "") + ")";
  return text;
}

std::string summaryOf(const json& verdict) {
  const std::string result = verdict.value("result", "");
  if (result == "violation") return verdict.value("kind", "") + " (" + verdict.value("rule", "") + ")";
  if (result == "incomplete") return "incomplete (" + verdict.value("reason", "") + ")";
  return result;
}

}  // namespace

int mergeCommand(const MergeOptions& options) {
  std::optional<OutputFile> trace;
  std::vector<ShardResult> shards;
  for (const std::string& path : options.files) shards.push_back(readShard(path));
  requireOneSearch(shards);
  requireEveryShardOnce(shards);
  if (!options.tracePath.empty()) trace.emplace(options.tracePath);

  const auto worst = std::max_element(shards.begin(), shards.end(), [](const ShardResult& a, const ShardResult& b) {
    return a.severity < b.severity;  // max_element keeps the first of equals: the lowest shard
  });
  const json& chosen = worst->document;
  json verdict = chosen["verdict"];
  if (worst->severity == 1) verdict["reason"] = incompleteReasons(shards);
  const json stats = summedStats(shards);
  const json& counterexample = chosen["counterexample"];
  std::string replay = chosen["replay"].is_string() ? chosen["replay"].get<std::string>() : "";
  if (trace && counterexample.is_object()) {
    trace->commit(traceText(counterexample));
    replay = "interlock replay " + options.tracePath;
  }
  const std::uint32_t count = worst->shard.count;
  const std::string result = verdict["result"].get<std::string>();
  const int status = result == "violation" ? kViolation : result == "incomplete" ? kIncomplete : kPass;

  if (options.json) {
    json files = json::array();
    for (const ShardResult& shard : shards) files.push_back(shard.path);
    json out = {{"scenario", chosen["scenario"]},
                {"parameters", chosen["parameters"]},
                {"strategy", chosen["strategy"]},
                {"shards", {{"count", count}, {"files", files}}},
                {"verdict_shard", shardJson(worst->shard)},
                {"expected", chosen["expected"]},
                {"verdict", verdict},
                {"met", chosen["met"]},
                {"settings", chosen["settings"]},
                {"stats", stats}};
    out["trace"] = trace && counterexample.is_object() ? json(options.tracePath) : json(nullptr);
    out["replay"] = replay.empty() ? json(nullptr) : json(replay);
    out["counterexample"] = counterexample;
    std::cout << out.dump(2) << "\n";
    return status;
  }

  const bool text = options.format == "text";
  const TextStyle style{text && colourWanted()};
  Settings settings = settingsFromJson(chosen["settings"]);
  settings.jobs = 1;
  Parameters parameters;
  for (const auto& [key, value] : chosen["parameters"].items()) parameters[key] = value.is_string() ? value.get<std::string>() : value.dump();
  const std::string bounds = settingsText(settings, parameters) + "; " + std::to_string(count) + " shards merged";
  const bool met = chosen["met"].get<bool>();
  std::string summary = "scenario  " + chosen["scenario"].get<std::string>() + "\n";
  if (!counterexample.is_object()) summary += "          " + bounds + "\n";
  summary += result == "violation" ? verdictLine(result, summaryOf(verdict), style)
             : result == "incomplete" ? incompleteLine(verdict.value("reason", ""))
                                      : "verdict   pass\n";
  if (count > 1 && worst->severity > 0) summary += "          from shard " + to_string(worst->shard) + "\n";
  summary += "expected  " + describe(chosen["expected"]) + " " +
             style.paint(met ? "(met)" : "(NOT met)", met ? Tone::Green : Tone::Red) + "\n";
  const std::string statsText = "stats     " + statsLine(statsFrom(stats)) + " (summed over the shards)\n";
  if (!counterexample.is_object()) {
    (text ? std::cout : std::cerr) << summary << statsText;
    return status;
  }
  std::string tail = "bounds    " + bounds + "\n" + statsText;
  if (!replay.empty()) tail += "replay    " + replay + "\n";
  const std::string rendered = renderTrace(counterexample, "counterexample in " + worst->path, options.format, style);
  if (text) {
    std::cout << summary << "\n" << rendered << "\n" << tail;
  } else {
    std::cerr << summary << tail;
    std::cout << rendered;
  }
  return status;
}

}  // namespace interlock::cli
