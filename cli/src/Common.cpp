// Helpers every subcommand shares.
#include "Commands.hpp"

#include "interlock/checker/Schedule.hpp"
#include "interlock/reports/TextReport.hpp"
#include "interlock/reports/Trace.hpp"
#include "interlock/cli/Cli.hpp"
#include "interlock/cli/OutputFile.hpp"

#include <cstdio>
#include <iostream>

namespace interlock::cli {

using nlohmann::json;

int exitStatus(const Verdict& verdict) {
  switch (verdict.result) {
    case Result::Pass: return kPass;
    case Result::Violation: return kViolation;
    case Result::Incomplete: return kIncomplete;
  }
  return kInternal;
}

const Scenario& findScenario(const Catalogue& catalogue, const std::string& name) {
  if (const Scenario* scenario = catalogue.find(name)) return *scenario;
  std::string message = "unknown scenario '" + name + "'";
  const auto near = catalogue.closest(name);
  if (!near.empty()) {
    message += "; did you mean ";
    for (std::size_t i = 0; i < near.size(); ++i) message += (i ? ", " : "") + near[i];
    message += "?";
  }
  throw InputError(message + " ('interlock list' shows them all)");
}

json statsJson(const Stats& stats) {
  return {{"executions", stats.executions},
          {"steps", stats.steps},
          {"choice_points", stats.choicePoints},
          {"max_depth", stats.maxDepth},
          {"elapsed_seconds", stats.elapsedSeconds},
          {"executions_per_second", stats.executionsPerSecond()},
          {"sleep_set_blocked", stats.sleepSetBlocked},
          {"alternatives_skipped", stats.alternativesSkipped},
          {"minimization_executions", stats.minimizationExecutions}};
}

json expectationJson(const Expectation& expected) {
  json out = {{"result", expected.kind ? "violation" : "pass"}};
  if (expected.kind) out["kind"] = to_string(*expected.kind);
  if (!expected.rule.empty()) out["rule"] = expected.rule;
  // The reading under --verifier, where the scenario says it differs.
  if (expected.verifierDiffers) out["verifier"] = expectationJson(expected.reading(true));
  return out;
}

}  // namespace interlock::cli
