// `interlock merge FILE...`: the `run --shard I/N --json` outputs of one search's N shards
// combined into the result one unsharded run would report: statistics summed, the worst
// verdict (violation > incomplete > pass; violations ranked as the search ranks them) with the
// counterexample the unsharded search would have found first, checked by replaying it.
#include "Commands.hpp"

#include "interlock/checker/FindingRank.hpp"
#include "interlock/reports/JsonInput.hpp"
#include "interlock/reports/Trace.hpp"
#include "interlock/cli/Cli.hpp"
#include "interlock/cli/OutputFile.hpp"
#include "interlock/cli/ShardOption.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
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
  int severity = 0;  // pass 0, incomplete 1, a violation more by its FindingRank
  // Where a violating shard found its counterexample, in the search's order of subtrees.
  std::optional<std::uint64_t> subtree;
};

constexpr int kIncompleteSeverity = 1;
constexpr int violationSeverity(FindingRank rank) { return 1 + static_cast<int>(rank); }
constexpr int kViolationSeverity = violationSeverity(FindingRank::Breach);  // the least violation

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

const std::string& text(const json& object, const std::string& name, const std::string& path,
                        const std::string& where) {
  const auto found = object.find(name);
  if (found == object.end() || !found->is_string())
    fail(path, "field '" + where + name + "': expected a string, found " +
                   (found == object.end() ? std::string("nothing") : found->dump()));
  return found->get_ref<const std::string&>();
}

ViolationKind kindOf(const json& object, const std::string& path, const std::string& where) {
  const std::string& name = text(object, "kind", path, where);
  ViolationKind kind{};
  if (!parseViolationKind(name, kind))
    fail(path, "field '" + where + "kind': \"" + name + "\" is no violation kind (Deadlock, SuspendedOwnerDoS, "
                   "BugCheck, Assertion, LockOrder, DataRace, ContractViolation)");
  return kind;
}

// A string that may be absent.
void optionalText(const json& object, const std::string& name, const std::string& path, const std::string& where) {
  if (object.contains(name)) (void)text(object, name, path, where);
}

int severityOf(const json& verdict, const std::string& path) {
  const auto result = verdict.find("result");
  if (result != verdict.end() && *result == "pass") return 0;
  if (result != verdict.end() && *result == "incomplete") {
    (void)text(verdict, "reason", path, "verdict.");
    return kIncompleteSeverity;
  }
  if (result != verdict.end() && *result == "violation") {
    const FindingRank rank = rankOf(kindOf(verdict, path, "verdict."));
    (void)text(verdict, "rule", path, "verdict.");
    optionalText(verdict, "budget_hit", path, "verdict.");
    return violationSeverity(rank);
  }
  fail(path, "field 'verdict.result': expected \"pass\", \"violation\" or \"incomplete\", found " +
                 (result == verdict.end() ? std::string("nothing") : excerpt(*result)));
}

void checkExpected(const json& expected, const std::string& path) {
  const auto result = expected.find("result");
  if (result != expected.end() && *result == "pass") return;
  if (result == expected.end() || *result != "violation")
    fail(path, "field 'expected.result': expected \"pass\" or \"violation\", found " +
                   (result == expected.end() ? std::string("nothing") : result->dump()));
  (void)kindOf(expected, path, "expected.");
  optionalText(expected, "rule", path, "expected.");
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
  checkExpected(field(doc, "expected", path, &json::is_object, "an object"), path);
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
  if (!stats.contains("elapsed_seconds") || !stats["elapsed_seconds"].is_number() ||
      !std::isfinite(stats["elapsed_seconds"].get<double>()) || stats["elapsed_seconds"].get<double>() < 0)
    fail(path, "field 'stats.elapsed_seconds': expected a number of seconds, 0 or more");
  const auto counterexample = doc.find("counterexample");
  const bool violation = shard.severity >= kViolationSeverity;
  if (counterexample == doc.end() || !(violation ? counterexample->is_object() : counterexample->is_null()))
    fail(path, std::string("field 'counterexample': expected ") +
                   (violation ? "the trace object of the violation" : "null (the verdict is no violation)") +
                   ", found " +
                   (counterexample == doc.end() ? std::string("nothing") : counterexample->dump().substr(0, 40)));
  // Older outputs have no subtree: their shards then rank by number.
  if (const auto subtree = doc.find("subtree"); subtree != doc.end() && !subtree->is_null()) {
    if (!subtree->is_number_unsigned())
      fail(path, "field 'subtree': expected a whole number or null, found " + subtree->dump());
    if (violation) shard.subtree = subtree->get<std::uint64_t>();
  }
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
    for (const char* name : kSummedStats) {
      const std::uint64_t sum = out[name].get<std::uint64_t>();
      const std::uint64_t value = stats[name].get<std::uint64_t>();
      if (value > std::numeric_limits<std::uint64_t>::max() - sum)
        fail(shard.path, std::string("field 'stats.") + name + "': " + std::to_string(value) +
                             " makes the sum over the shards larger than " +
                             std::to_string(std::numeric_limits<std::uint64_t>::max()) +
                             ", which no search of this interlock can count");
      out[name] = sum + value;
    }
    maxDepth = std::max(maxDepth, stats["max_depth"].get<std::uint64_t>());
    elapsed += stats["elapsed_seconds"].get<double>();
    if (!std::isfinite(elapsed))
      fail(shard.path, "field 'stats.elapsed_seconds': the sum over the shards is not a finite number");
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
    if (shard.severity != kIncompleteSeverity || !verdict.contains("reason") || !verdict["reason"].is_string())
      continue;
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

// The budgets (execution budget, time limit) that cut any shard short, in the order the search
// names them: under a verdict without a consequence, what a larger budget could change.
std::string budgetsHit(const std::vector<ShardResult>& shards) {
  bool executions = false, time = false;
  for (const ShardResult& shard : shards) {
    const json& verdict = shard.document["verdict"];
    for (const char* name : {"reason", "budget_hit"}) {
      if (!verdict.contains(name) || !verdict[name].is_string()) continue;
      const std::string& named = verdict[name].get_ref<const std::string&>();
      executions = executions || named.find("execution budget") != std::string::npos;
      time = time || named.find("time limit") != std::string::npos;
    }
  }
  return std::string(executions ? "execution budget" : "") + (executions && time ? ", " : "") +
         (time ? "time limit" : "");
}

// The replay the unsharded search would have done: the counterexample must be a trace of this
// search (scenario, parameters, bounds) that reproduces exactly, with the verdict the shard gives.
void checkCounterexample(const Catalogue& catalogue, const ShardResult& shard) {
  const json& doc = shard.document;
  const TraceFile file = traceFromJson(doc["counterexample"], shard.path + " (counterexample)");
  if (file.scenario != doc["scenario"].get<std::string>())
    fail(shard.path, "field 'counterexample.scenario.name': \"" + file.scenario + "\" is not the shard's scenario " +
                         doc["scenario"].dump());
  const ReplayedTrace replayed = replayTrace(catalogue, file);
  if (parametersJson(replayed.scenario.parameters) != doc["parameters"])
    fail(shard.path, "field 'counterexample.scenario.parameters': " +
                         parametersJson(replayed.scenario.parameters).dump() + " differ from the shard's parameters " +
                         doc["parameters"].dump());
  if (settingsJson(file.settings) != settingsJson(settingsFromJson(doc["settings"])))
    fail(shard.path, "field 'counterexample.settings': " + settingsJson(file.settings).dump() +
                         " differ from the shard's settings");
  if (!replayed.identical)
    fail(shard.path, "field 'counterexample': its schedule replays to other events than it records (the file "
                     "was changed, or written by another version of the scenario or interlock)");
  const json shown = verdictJson(replayed.result.verdict, replayed.result.execution.snapshot);
  const json& claimed = doc["verdict"];
  if (shown.value("kind", "") != claimed["kind"] || shown.value("rule", "") != claimed["rule"])
    fail(shard.path, "field 'verdict': " + claimed["kind"].get<std::string>() + " (" +
                         claimed["rule"].get<std::string>() + ") is not what its counterexample shows, " +
                         replayed.result.verdict.summary());
}

// The shard whose verdict one unsharded search reports: the worst verdict; of violations of
// one rank, the one found first in the search's order (its subtree), then the lowest shard.
bool reportedBefore(const ShardResult& a, const ShardResult& b) {
  if (a.severity != b.severity) return a.severity > b.severity;
  if (a.subtree && b.subtree && *a.subtree != *b.subtree) return *a.subtree < *b.subtree;
  return a.shard.index < b.shard.index;
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

int mergeCommand(const Catalogue& catalogue, const MergeOptions& options) {
  std::optional<OutputFile> trace;
  std::vector<ShardResult> shards;
  for (const std::string& path : options.files) shards.push_back(readShard(path));
  requireOneSearch(shards);
  requireEveryShardOnce(shards);
  const json stats = summedStats(shards);
  for (const ShardResult& shard : shards)
    if (shard.severity >= kViolationSeverity) checkCounterexample(catalogue, shard);
  if (!options.tracePath.empty()) trace.emplace(options.tracePath);

  const auto worst = std::min_element(shards.begin(), shards.end(), reportedBefore);
  const json& chosen = worst->document;
  json verdict = chosen["verdict"];
  if (worst->severity == kIncompleteSeverity) verdict["reason"] = incompleteReasons(shards);
  verdict.erase("budget_hit");
  const bool consequence = worst->severity == violationSeverity(FindingRank::Consequence);
  const std::string budgets = budgetsHit(shards);
  if (worst->severity >= kViolationSeverity && !consequence && !budgets.empty()) verdict["budget_hit"] = budgets;
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
    out["subtree"] = worst->subtree ? json(*worst->subtree) : json(nullptr);
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
  if (result == "violation")
    summary += verdictLine(result, summaryOf(verdict), style) + budgetHitLine(verdict.value("budget_hit", ""));
  else if (result == "incomplete")
    summary += incompleteLine(verdict.value("reason", ""));
  else
    summary += "verdict   pass\n";
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
