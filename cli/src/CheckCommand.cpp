// `interlock check [PATTERN...]`: the catalogue as a regression gate.
#include "Commands.hpp"

#include "interlock/checker/Schedule.hpp"
#include "interlock/checker/TextReport.hpp"
#include "interlock/checker/Trace.hpp"
#include "interlock/cli/Cli.hpp"
#include "interlock/cli/OutputFile.hpp"

#include <cstdio>
#include <iostream>

namespace interlock::cli {

using nlohmann::json;

int checkCommand(const Catalogue& catalogue, const std::vector<std::string>& patterns, bool asJson) {
  const auto selected = catalogue.match(patterns);
  if (selected.empty()) throw InputError("no scenario matches the given patterns");
  std::size_t width = 8;
  for (const Scenario* s : selected) width = std::max(width, s->name.size());
  bool mismatch = false;
  bool incompletePass = false;
  json rows = json::array();
  if (!asJson) {
    std::string header = "scenario";
    header.resize(width + 2, ' ');
    std::printf("%s%-40s %-40s %10s %9s\n", header.c_str(), "expected", "got", "executions", "time");
  }
  for (const Scenario* scenario : selected) {
    const Settings settings = defaultSettings(*scenario);
    const Exploration exploration = explore(*scenario, settings);
    const Verdict& verdict = exploration.verdict;
    const bool met = verdict.meets(scenario->expected);
    if (!met) {
      if (!scenario->expected.kind && verdict.result == Result::Incomplete) incompletePass = true;
      else mismatch = true;
    }
    if (asJson) {
      rows.push_back({{"scenario", scenario->name},
                      {"expected", expectationJson(scenario->expected)},
                      {"verdict", verdictJson(verdict, exploration.counterexample
                                                           ? exploration.counterexample->snapshot
                                                           : Snapshot{})},
                      {"met", met},
                      {"stats", statsJson(exploration.stats)}});
    } else {
      std::string name = scenario->name;
      name.resize(width + 2, ' ');
      std::printf("%s%-40s %-40s %10llu %8.3fs%s\n", name.c_str(),
                  scenario->expected.describe().c_str(), verdict.summary().c_str(),
                  static_cast<unsigned long long>(exploration.stats.executions),
                  exploration.stats.elapsedSeconds, met ? "" : "  <-- MISMATCH");
    }
  }
  const int status = mismatch ? kViolation : incompletePass ? kIncomplete : kPass;
  if (asJson) {
    std::cout << json{{"scenarios", rows}, {"passed", status == kPass}}.dump(2) << "\n";
  } else {
    std::size_t met = 0;
    for (const auto& row : rows) met += row.value("met", false);
    std::printf("\n%s: %zu scenarios checked\n",
                status == kPass ? "all expectations met" : "expectations NOT met", selected.size());
  }
  return status;
}

}  // namespace interlock::cli
