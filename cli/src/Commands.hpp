#pragma once
// The `interlock` subcommands, one file each; Cli.cpp parses and dispatches.
#include "interlock/checker/Catalogue.hpp"
#include "interlock/checker/Explorer.hpp"
#include "interlock/checker/Render.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace interlock::cli {

[[nodiscard]] int exitStatus(const Verdict& verdict);
[[nodiscard]] const Scenario& findScenario(const Catalogue& catalogue, const std::string& name);
[[nodiscard]] nlohmann::json statsJson(const Stats& stats);
[[nodiscard]] nlohmann::json expectationJson(const Expectation& expected);

struct RunOptions {
  std::string name;
  std::string tracePath;
  bool json = false;
  std::optional<std::uint32_t> maxSteps;
  std::optional<std::uint32_t> maxSuspensions;
  std::uint64_t maxExecutions = 0;
  std::string format = "text";  // how the counterexample is printed: see formatNames()
};
[[nodiscard]] int runCommand(const Catalogue& catalogue, const RunOptions& options);
[[nodiscard]] int replayCommand(const Catalogue& catalogue, const std::string& path, bool asJson,
                                const std::string& format = "text");
[[nodiscard]] int showCommand(const std::string& path, const std::string& format);
[[nodiscard]] int listCommand(const Catalogue& catalogue, bool asJson);

struct CheckOptions {
  std::vector<std::string> patterns;
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
