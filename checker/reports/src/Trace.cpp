#include "interlock/reports/Trace.hpp"

#include "interlock/reports/JsonInput.hpp"
#include "interlock/checker/Schedule.hpp"

#include <cstdio>

namespace interlock {

using nlohmann::json;

namespace {

std::string threadName(ThreadId id, const Snapshot& names) {
  if (id == kNoThread) return "";
  return id < names.threads.size() ? names.threads[id].name : "#" + std::to_string(id);
}

std::string objectName(ObjectId id, const Snapshot& names) {
  return id < names.objects.size() ? names.objects[id].name : "#" + std::to_string(id);
}

std::string hex(std::uint32_t code) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "0x%X", code);
  return buffer;
}

const char* eventKindName(EventKind kind) {
  switch (kind) {
    case EventKind::Call: return "call";
    case EventKind::Blocked: return "blocked";
    case EventKind::Woken: return "woken";
    case EventKind::Suspend: return "adversary";
    case EventKind::ApcDelivered: return "apc";
    case EventKind::ApcQueued: return "adversary";
    case EventKind::ApcReturned: return "apc-return";
    case EventKind::Exit: return "exit";
    case EventKind::Violation: return "violation";
    case EventKind::Resume: return "resume";
  }
  return "?";
}

}  // namespace

std::string callText(const Event& event, const Snapshot& names) {
  std::string text = event.api;
  if (event.kind == EventKind::Suspend || event.kind == EventKind::Resume)
    return text + "(" + threadName(event.thread, names) + ")";
  const bool scenarioApc = event.kind == EventKind::ApcQueued ||
                           event.kind == EventKind::ApcReturned ||
                           (event.kind == EventKind::ApcDelivered && event.object != kNoObject);
  if (scenarioApc) {
    const std::string apc = event.object < names.apcs.size() ? names.apcs[event.object].name
                                                             : "#" + std::to_string(event.object);
    if (event.kind == EventKind::ApcQueued) return text + "(" + apc + " -> " + threadName(event.thread, names) + ")";
    return text + " " + apc;
  }
  if (event.kind == EventKind::ApcDelivered || event.kind == EventKind::Exit) return text;
  text += "(";
  if (event.object != kNoObject) text += "&" + objectName(event.object, names);
  if (event.argument != nullptr)
    text += std::string(event.object != kNoObject ? ", " : "") + event.argument;
  return text + ")";
}

json violationJson(const Violation& violation, const Snapshot& names) {
  json out = {{"kind", to_string(violation.kind)}, {"rule", violation.rule}};
  if (violation.code != 0) out["code"] = hex(violation.code);
  out["thread"] = threadName(violation.thread, names);
  out["step"] = violation.step;
  out["message"] = violation.message;
  json objects = json::array();
  for (ObjectId id : violation.objects) objects.push_back(objectName(id, names));
  out["objects"] = objects;
  json threads = json::array();
  for (ThreadId id : violation.threads) threads.push_back(threadName(id, names));
  out["threads"] = threads;
  return out;
}

json verdictJson(const Verdict& verdict, const Snapshot& names) {
  json out = {{"result", to_string(verdict.result)}};
  if (verdict.violation) {
    out["kind"] = to_string(verdict.violation->kind);
    out["rule"] = verdict.violation->rule;
    if (verdict.violation->code != 0) out["code"] = hex(verdict.violation->code);
    out["message"] = verdict.violation->message;
    out["violation"] = violationJson(*verdict.violation, names);
  }
  if (verdict.result == Result::Incomplete) out["reason"] = verdict.incompleteReason;
  if (!verdict.budgetHit.empty()) out["budget_hit"] = verdict.budgetHit;
  json causes = json::array();
  for (const Violation& cause : verdict.causes) causes.push_back(violationJson(cause, names));
  out["causes"] = causes;
  return out;
}

json settingsJson(const Settings& settings) {
  json out = {{"strategy", settings.strategy},
              {"max_steps", settings.bounds.maxSteps},
              {"max_suspensions", settings.bounds.maxSuspensions},
              {"max_apcs", settings.bounds.maxApcs}};
  if (settings.verifier) out["verifier"] = true;  // absent: off, as in traces from before it
  // Absent: the defaults (one processor per thread, one interrupt), as in traces from before them.
  if (settings.bounds.processors != 0) out["processors"] = settings.bounds.processors;
  if (settings.bounds.maxInterrupts != Bounds{}.maxInterrupts) out["max_interrupts"] = settings.bounds.maxInterrupts;
  if (!settings.schedulingPoints.empty()) out["scheduling_points"] = settings.schedulingPoints;  // absent: none
  return out;
}

json traceJson(const Scenario& scenario, const Settings& settings,
               const ExecutionResult& counterexample) {
  const Snapshot& names = counterexample.snapshot;
  json schedule = json::array();
  for (const Choice& choice : counterexample.schedule) schedule.push_back(label(choice, names));
  json events = json::array();
  for (const Event& event : counterexample.events) {
    json e = {{"step", event.step}, {"thread", threadName(event.thread, names)},
              {"kind", eventKindName(event.kind)}};
    if (event.kind == EventKind::Violation) {
      e["violation"] = violationJson(counterexample.violations.at(event.violation), names);
    } else {
      e["call"] = callText(event, names);
      if (event.result != nullptr) e["result"] = event.result;
      e["irql"] = event.irql;
      e["kernel_apc_disable"] = event.kernelApcDisable;
      e["special_apc_disable"] = event.specialApcDisable;
    }
    if (event.site != nullptr) e["site"] = event.site;  // absent: no source line to show
    events.push_back(std::move(e));
  }
  json threads = json::array();
  for (const ThreadSnapshot& t : names.threads)
    threads.push_back({{"name", t.name}, {"requester", t.requester}, {"state", t.state},
                       {"irql", t.irql}, {"kernel_apc_disable", t.kernelApcDisable},
                       {"special_apc_disable", t.specialApcDisable},
                       {"suspend_apc_queued", t.suspendApcQueued}});
  json objects = json::array();
  for (const ObjectSnapshot& o : names.objects) {
    json owners = json::array();
    for (const HolderSnapshot& h : o.owners)
      owners.push_back({{"thread", h.thread}, {"mode", h.mode}, {"count", h.count}});
    json waiters = json::array();
    for (const HolderSnapshot& h : o.waiters) waiters.push_back({{"thread", h.thread}, {"mode", h.mode}});
    objects.push_back({{"name", o.name}, {"type", o.type}, {"owners", owners}, {"waiters", waiters}});
  }
  json parameters = json::object();
  for (const auto& [key, value] : scenario.parameters) parameters[key] = value;
  return {{"format", kTraceFormat},
          {"version", kTraceVersion},
          {"tool", {{"name", "interlock"}, {"version", kToolVersion}}},
          {"scenario", {{"name", scenario.name}, {"parameters", parameters}}},
          {"settings", settingsJson(settings)},
          {"verdict", verdictJson(verdictOf(counterexample), names)},
          {"schedule", schedule},
          {"events", events},
          {"final_state", {{"threads", threads}, {"objects", objects}}}};
}

std::string traceText(const json& trace) { return trace.dump(2) + "\n"; }

namespace {

[[noreturn]] void fail(const std::string& path, const std::string& what) {
  throw InputError(path + ": " + what);
}

const json& field(const json& object, const char* name, const std::string& path,
                  const std::string& where) {
  const auto found = object.find(name);
  if (found == object.end()) fail(path, "field '" + where + name + "' is missing");
  return *found;
}

std::uint32_t positiveCount(const json& object, const char* name, const std::string& path,
                            bool allowZero) {
  const json& value = field(object, name, path, "settings.");
  if (!value.is_number_unsigned() || value.get<std::uint64_t>() > 1'000'000'000 ||
      (!allowZero && value.get<std::uint64_t>() == 0))
    fail(path, std::string("field 'settings.") + name + "': expected a whole number " +
                   (allowZero ? "from 0" : "from 1") + " to 1000000000, found " + excerpt(value));
  return value.get<std::uint32_t>();
}

}  // namespace

TraceFile readTrace(const std::string& path) {
  return traceFromJson(readJsonInput(path), path);
}

TraceFile traceFromJson(nlohmann::json document, const std::string& path) {
  TraceFile trace;
  trace.path = path;
  trace.document = std::move(document);
  const json& doc = trace.document;
  if (!doc.is_object()) fail(path, "expected a JSON object at the top level");
  const json& format = field(doc, "format", path, "");
  if (format != kTraceFormat)
    fail(path, std::string("field 'format': expected \"") + kTraceFormat + "\", found " + excerpt(format));
  const json& version = field(doc, "version", path, "");
  if (version != kTraceVersion)
    fail(path, "field 'version': expected " + std::to_string(kTraceVersion) + ", found " +
                   excerpt(version) + " (this interlock reads trace version 1)");
  const json& scenario = field(doc, "scenario", path, "");
  if (!scenario.is_object()) fail(path, "field 'scenario': expected an object");
  const json& name = field(scenario, "name", path, "scenario.");
  if (!name.is_string() || name.get<std::string>().empty())
    fail(path, "field 'scenario.name': expected a scenario name, found " + excerpt(name));
  trace.scenario = name.get<std::string>();
  // Optional for traces written by hand; every trace interlock writes has it.
  if (const auto parameters = scenario.find("parameters"); parameters != scenario.end()) {
    if (!parameters->is_object())
      fail(path, "field 'scenario.parameters': expected an object of name to value strings, found " +
                     excerpt(*parameters));
    for (const auto& [key, value] : parameters->items()) {
      if (!value.is_string())
        fail(path, "field 'scenario.parameters." + key + "': expected a string such as \"3\", found " + excerpt(value));
      trace.parameters[key] = value.get<std::string>();
    }
  }
  const json& settings = field(doc, "settings", path, "");
  if (!settings.is_object()) fail(path, "field 'settings': expected an object");
  const json& strategy = field(settings, "strategy", path, "settings.");
  if (!strategy.is_string()) fail(path, "field 'settings.strategy': expected a string");
  trace.settings.strategy = strategy.get<std::string>();
  trace.settings.bounds.maxSteps = positiveCount(settings, "max_steps", path, false);
  trace.settings.bounds.maxSuspensions = positiveCount(settings, "max_suspensions", path, true);
  trace.settings.bounds.maxApcs = positiveCount(settings, "max_apcs", path, true);
  if (settings.contains("processors")) {
    trace.settings.bounds.processors = positiveCount(settings, "processors", path, false);
    if (trace.settings.bounds.processors > 32)
      fail(path, "field 'settings.processors': expected a whole number from 1 to 32, found " +
                     std::to_string(trace.settings.bounds.processors));
  }
  if (settings.contains("max_interrupts"))
    trace.settings.bounds.maxInterrupts = positiveCount(settings, "max_interrupts", path, true);
  if (const auto verifier = settings.find("verifier"); verifier != settings.end()) {
    if (!verifier->is_boolean())
      fail(path, "field 'settings.verifier': expected true or false, found " + verifier->dump());
    trace.settings.verifier = verifier->get<bool>();
  }
  if (const auto points = settings.find("scheduling_points"); points != settings.end()) {
    if (!points->is_array()) fail(path, "field 'settings.scheduling_points': expected an array of location names, found " + excerpt(*points));
    for (std::size_t i = 0; i < points->size(); ++i) {
      if (!(*points)[i].is_string())
        fail(path, "field 'settings.scheduling_points[" + std::to_string(i) +
                       "]': expected a location name such as \"image+0x40\", found " + excerpt((*points)[i]));
      trace.settings.schedulingPoints.push_back((*points)[i].get<std::string>());
    }
  }
  const json& schedule = field(doc, "schedule", path, "");
  if (!schedule.is_array()) fail(path, "field 'schedule': expected an array of choices");
  for (std::size_t i = 0; i < schedule.size(); ++i) {
    if (!schedule[i].is_string())
      fail(path, "field 'schedule[" + std::to_string(i) + "]': expected a string such as \"run T1\", found " +
                     excerpt(schedule[i]));
    trace.schedule.push_back(schedule[i].get<std::string>());
  }
  return trace;
}

}  // namespace interlock
