#pragma once
// The trace file: a versioned JSON counterexample that replays deterministically.
// Written from one execution only (no timings, no addresses), so equal runs give equal bytes.
#include "interlock/checker/Explorer.hpp"
#include "interlock/checker/Verdict.hpp"
#include "interlock/core/Scenario.hpp"

#include <nlohmann/json.hpp>

#include <stdexcept>
#include <string>
#include <vector>

namespace interlock {

inline constexpr const char* kTraceFormat = "interlock-trace";
inline constexpr int kTraceVersion = 1;
inline constexpr const char* kToolVersion = "0.1.0";

// Bad input (a file, a field, a value): the message names the file and field.
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

[[nodiscard]] nlohmann::json violationJson(const Violation& violation, const Snapshot& names);
[[nodiscard]] nlohmann::json verdictJson(const Verdict& verdict, const Snapshot& names);
[[nodiscard]] nlohmann::json settingsJson(const Settings& settings);
// "ExAcquireResourceExclusiveLite(&Resource, TRUE)"
[[nodiscard]] std::string callText(const Event& event, const Snapshot& names);

[[nodiscard]] nlohmann::json traceJson(const Scenario& scenario, const Settings& settings,
                                       const ExecutionResult& counterexample);
[[nodiscard]] std::string traceText(const nlohmann::json& trace);

struct TraceFile {
  std::string path;
  std::string scenario;
  Parameters parameters;  // scenario.parameters: the values the counterexample was found with
  Settings settings;
  std::vector<std::string> schedule;
  nlohmann::json document;
};
// Reads and validates a trace file; throws InputError naming the file and field.
[[nodiscard]] TraceFile readTrace(const std::string& path);
// The same checks on a trace document already parsed (a counterexample inside other JSON);
// `source` names it in messages.
[[nodiscard]] TraceFile traceFromJson(nlohmann::json document, const std::string& source);

}  // namespace interlock
