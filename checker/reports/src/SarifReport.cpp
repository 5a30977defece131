#include "interlock/reports/SarifReport.hpp"

#include "interlock/reports/Trace.hpp"

#include "FindingSite.hpp"

#include <array>
#include <cstdio>
#include <map>
#include <utility>

namespace interlock {

using nlohmann::json;

namespace {

json text(const std::string& value) { return {{"text", value}}; }

std::string hex(std::uint32_t code) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "0x%X", code);
  return buffer;
}

std::string threadName(ThreadId id, const Snapshot& names) {
  if (id == kNoThread) return "";
  return id < names.threads.size() ? names.threads[id].name : "#" + std::to_string(id);
}

// Rules the checker's own properties report; primitives' rules are described by kind.
constexpr std::array<std::pair<std::string_view, std::string_view>, 7> kPropertyRules{{
    {"SuspendedOwner",
     "A thread of another requester waits, directly or through a chain, on an object owned by a "
     "thread the adversary suspended"},
    {"WaitCycle", "Threads wait on each other in a cycle: none of them can go on"},
    {"SelfDeadlock", "A thread waits for an object only its own release could give it"},
    {"NoThreadCanMove", "No thread can move while some have not finished"},
    {"LockHeldAtExit", "A thread ends still holding a lock or a reference"},
    {"ApcRegionBalance", "Critical or guarded regions entered and left unequally"},
    {"Assertion", "A scenario assertion or final-state invariant failed"},
}};

std::string ruleDescription(const Violation& v) {
  for (const auto& [rule, description] : kPropertyRules)
    if (rule == v.rule) return std::string(description);
  switch (v.kind) {
    case ViolationKind::BugCheck:
      return "Windows stops with bug check " + v.rule + (v.code != 0 ? " (" + hex(v.code) + ")" : "");
    case ViolationKind::ContractViolation:
      return "A documented precondition of a WDK API is broken (" + v.rule +
             (v.code == 0 ? std::string()
              : (v.code >> 16) == 0xC9 ? ", Driver Verifier 0xC9/" + hex(v.code & 0xFFFF)
                                       : ", Driver Verifier 0xC4/" + hex(v.code)) +
             ")";
    case ViolationKind::Deadlock: return "Threads wait forever (" + v.rule + ")";
    case ViolationKind::SuspendedOwnerDoS:
      return "A suspended thread owns what others wait for (" + v.rule + ")";
    case ViolationKind::Assertion: return "A scenario assertion failed (" + v.rule + ")";
    case ViolationKind::LockOrder:
      return "Locks taken in both orders: a deadlock waiting for its schedule (" + v.rule + ")";
    case ViolationKind::DataRace:
      return "Two threads access driver memory unordered, one writing (" + v.rule + ")";
  }
  return v.rule;
}

// The violations one outcome found: its verdict's first, then the other causes on the path.
std::vector<const Violation*> violationsOf(const Verdict& verdict) {
  std::vector<const Violation*> out;
  if (!verdict.violation) return out;
  out.push_back(&*verdict.violation);
  for (const Violation& cause : verdict.causes)
    if (cause.rule != verdict.violation->rule || cause.step != verdict.violation->step ||
        cause.message != verdict.violation->message)
      out.push_back(&cause);
  return out;
}

// The base the driver's relative paths resolve against: the project's source root (a code
// scanning upload resolves it to the repository's checkout).
constexpr const char* kSourceRoot = "%SRCROOT%";

json physicalLocation(const SourceSite& site) {
  return {{"artifactLocation", {{"uri", site.file}, {"uriBaseId", kSourceRoot}}},
          {"region", {{"startLine", site.line}}}};
}

json scenarioLocation(const CheckOutcome& outcome) {
  return {{"logicalLocations",
           json::array({{{"name", outcome.scenario},
                         {"fullyQualifiedName", outcome.scenario},
                         {"kind", "function"}}})}};
}

// "ExAcquireResourceExclusiveLite(&Resource, TRUE) -> TRUE": the step as a person reads it.
std::string stepText(const Event& event, const ExecutionResult& cx) {
  if (event.kind == EventKind::Violation) {
    const Violation& v = cx.violations.at(event.violation);
    return "!! " + std::string(to_string(v.kind)) + " " + v.rule + ": " + v.message;
  }
  std::string step = callText(event, cx.snapshot);
  if (event.kind == EventKind::Suspend || event.kind == EventKind::ApcQueued)
    step = "[adversary] " + step;
  if (event.result != nullptr) step += " -> " + std::string(event.result);
  else if (event.kind == EventKind::Blocked) step += " -> waits";
  return step;
}

json flowLocation(const Event& event, std::size_t order, const ExecutionResult& cx) {
  json state = {{"thread", text(threadName(event.thread, cx.snapshot))}};
  if (event.kind != EventKind::Violation) {
    state["IRQL"] = text(std::to_string(event.irql));
    state["KernelApcDisable"] = text(std::to_string(event.kernelApcDisable));
    state["SpecialApcDisable"] = text(std::to_string(event.specialApcDisable));
  }
  json where = {{"message", text(stepText(event, cx))}};
  if (const auto site = parseSite(event.site)) where["physicalLocation"] = physicalLocation(*site);
  json location = {{"location", std::move(where)},
                   {"executionOrder", order},
                   {"state", std::move(state)},
                   {"properties", {{"step", event.step}}}};
  if (event.kind == EventKind::Violation) location["importance"] = "essential";
  return location;
}

// The merged schedule first, then each thread's own steps (SARIF wants no empty flow).
json codeFlow(const ExecutionResult& cx) {
  json merged = json::array();
  std::vector<json> perThread(cx.snapshot.threads.size(), json::array());
  for (std::size_t i = 0; i < cx.events.size(); ++i) {
    const Event& event = cx.events[i];
    merged.push_back(flowLocation(event, i + 1, cx));
    if (event.thread < perThread.size()) perThread[event.thread].push_back(flowLocation(event, i + 1, cx));
  }
  json flows = json::array();
  if (merged.empty()) return flows;
  flows.push_back({{"id", "schedule"},
                   {"message", text("the schedule: every thread's steps in the order they ran")},
                   {"locations", std::move(merged)}});
  for (std::size_t t = 0; t < perThread.size(); ++t) {
    if (perThread[t].empty()) continue;
    const ThreadSnapshot& thread = cx.snapshot.threads[t];
    flows.push_back({{"id", thread.name},
                     {"message", text("thread " + thread.name + " (" + thread.requester + ")")},
                     {"locations", std::move(perThread[t])}});
  }
  return json::array({{{"message", text("counterexample: " + std::to_string(cx.steps) + " steps")},
                       {"threadFlows", std::move(flows)}}});
}

json result(const CheckOutcome& outcome, const Violation& v, std::size_t ordinal,
            std::size_t ruleIndex, const json& flows) {
  json location = scenarioLocation(outcome);
  if (const ExecutionResult* cx = outcome.exploration.counterexample ? &*outcome.exploration.counterexample : nullptr)
    if (const auto site = findingSite(*cx, v)) location["physicalLocation"] = physicalLocation(*site);
  const bool consequence = &v == &*outcome.verdict().violation;
  json properties = {{"scenario", outcome.scenario},
                     {"kind", to_string(v.kind)},
                     {"role", consequence ? "verdict" : "cause"},
                     {"step", v.step},
                     {"expected", outcome.expected.describe()},
                     {"got", outcome.verdict().summary()}};
  if (v.thread != kNoThread) properties["thread"] = threadName(v.thread, outcome.names());
  if (v.code != 0) properties["code"] = hex(v.code);
  json out = {{"ruleId", v.rule},
              {"ruleIndex", ruleIndex},
              {"level", "error"},
              {"kind", "fail"},
              {"message", text(v.message)},
              {"locations", json::array({std::move(location)})},
              {"partialFingerprints",
               {{"interlockScenarioRule/v1",
                 outcome.scenario + ":" + v.rule + ":" + std::to_string(ordinal)}}},
              {"properties", std::move(properties)}};
  if (!flows.empty()) out["codeFlows"] = flows;
  if (outcome.met())
    out["suppressions"] = json::array(
        {{{"kind", "inSource"}, {"justification", "expected verdict of the scenario"}}});
  return out;
}

}  // namespace

json sarifJson(std::span<const CheckOutcome> outcomes) {
  std::map<std::string, const Violation*> firstOfRule;  // sorted ids give stable rule indices
  for (const CheckOutcome& outcome : outcomes)
    for (const Violation* v : violationsOf(outcome.verdict())) firstOfRule.try_emplace(v->rule, v);
  json rules = json::array();
  std::map<std::string, std::size_t> ruleIndex;
  for (const auto& [id, v] : firstOfRule) {
    ruleIndex[id] = rules.size();
    rules.push_back({{"id", id},
                     {"name", id},
                     {"shortDescription", text(ruleDescription(*v))},
                     {"defaultConfiguration", {{"level", "error"}}},
                     {"properties", {{"kind", to_string(v->kind)}}}});
  }

  json results = json::array();
  json notifications = json::array();
  bool sourceLines = false;  // a location names a source file: say what its paths are relative to
  for (const CheckOutcome& outcome : outcomes) {
    if (outcome.exploration.counterexample)
      for (const Event& event : outcome.exploration.counterexample->events)
        sourceLines = sourceLines || parseSite(event.site).has_value();
    const json flows =
        outcome.exploration.counterexample ? codeFlow(*outcome.exploration.counterexample) : json::array();
    const auto found = violationsOf(outcome.verdict());
    for (std::size_t i = 0; i < found.size(); ++i)
      results.push_back(result(outcome, *found[i], i, ruleIndex.at(found[i]->rule), flows));
    if (!outcome.met())
      notifications.push_back(
          {{"level", outcome.incompletePass() ? "warning" : "error"},
           {"message", text(outcome.scenario + ": expected " + outcome.expected.describe() +
                            ", got " + outcome.verdict().summary())},
           {"locations", json::array({scenarioLocation(outcome)})}});
  }

  json invocation = {{"executionSuccessful", true}};
  if (!notifications.empty()) invocation["toolExecutionNotifications"] = std::move(notifications);
  json run = {{"tool",
               {{"driver",
                 {{"name", "interlock"},
                  {"version", kToolVersion},
                  {"semanticVersion", kToolVersion},
                  {"rules", std::move(rules)}}}}},
              {"invocations", json::array({std::move(invocation)})},
              {"results", std::move(results)}};
  if (sourceLines)
    run["originalUriBaseIds"] = {
        {kSourceRoot, {{"description", text("the driver project's source root (where its top-level CMakeLists.txt is)")}}}};
  return {{"$schema", kSarifSchema}, {"version", kSarifVersion}, {"runs", json::array({std::move(run)})}};
}

std::string sarifReport(std::span<const CheckOutcome> outcomes) {
  // A scenario's message may hold bytes that are not UTF-8; show them as U+FFFD, not throw.
  return sarifJson(outcomes).dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace interlock
