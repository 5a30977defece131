#pragma once
// The `interlock` subcommands, one file each; Cli.cpp parses and dispatches.
#include "interlock/checker/Catalogue.hpp"
#include "interlock/checker/Explorer.hpp"

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
};
[[nodiscard]] int runCommand(const Catalogue& catalogue, const RunOptions& options);
[[nodiscard]] int replayCommand(const Catalogue& catalogue, const std::string& path, bool asJson);
[[nodiscard]] int listCommand(const Catalogue& catalogue, bool asJson);
[[nodiscard]] int checkCommand(const Catalogue& catalogue, const std::vector<std::string>& patterns,
                               bool asJson);

}  // namespace interlock::cli
