// `interlock check [PATTERN...]`: the catalogue as a regression gate, with JUnit and SARIF
// reports for CI dashboards.
#include "Commands.hpp"
#include "Interrupt.hpp"

#include "interlock/reports/CheckOutcome.hpp"
#include "interlock/reports/JunitReport.hpp"
#include "interlock/reports/SarifReport.hpp"
#include "interlock/reports/Trace.hpp"
#include "interlock/cli/Cli.hpp"
#include "interlock/cli/OutputFile.hpp"

#include <algorithm>
#include <cstdio>
#include <iostream>

namespace interlock::cli {

using nlohmann::json;

namespace {

// Mismatches outrank an incomplete pass: a regression must not read as "raise a bound".
int checkStatus(const std::vector<CheckOutcome>& outcomes) {
  const auto any = [&](auto predicate) { return std::any_of(outcomes.begin(), outcomes.end(), predicate); };
  if (any([](const CheckOutcome& o) { return o.mismatch(); })) return kViolation;
  if (any([](const CheckOutcome& o) { return o.incompletePass(); })) return kIncomplete;
  return kPass;
}

// checkScenario() with the search options of the command line applied.
CheckOutcome checkWith(const Scenario& scenario, const SearchOptions& search) {
  Settings settings = defaultSettings(scenario);
  applySearchOptions(settings, search);
  CheckOutcome outcome = checkScenario(scenario, settings);
  outcome.expected = scenario.expected.reading(settings.verifier);
  return outcome;
}

std::string_view statusWord(const CheckOutcome& outcome) {
  return outcome.met() ? "met" : outcome.incompletePass() ? "incomplete" : "mismatch";
}

std::string padded(std::string text, std::size_t width) {
  if (text.size() < width) text.resize(width, ' ');
  return text;
}

class Table {
 public:
  Table(const std::vector<const Scenario*>& selected, const TextStyle& style) : style_(style) {
    for (const Scenario* s : selected) {
      name_ = std::max(name_, s->name.size());
      verdict_ = std::max(verdict_, s->expected.describe().size());
    }
  }

  void header() const {
    std::cout << padded("scenario", name_ + 2) << padded("expected", verdict_ + 2)
              << padded("got", verdict_ + 2) << "executions       time\n";
  }

  // One line per scenario as it finishes, so a CI log shows progress.
  void row(const CheckOutcome& outcome) const {
    char numbers[64];
    std::snprintf(numbers, sizeof numbers, "%10llu %9.3fs",
                  static_cast<unsigned long long>(outcome.exploration.stats.executions),
                  outcome.exploration.stats.elapsedSeconds);
    std::string mark;
    if (outcome.incompletePass()) mark = "  " + style_.paint("<-- INCOMPLETE", Tone::Yellow);
    else if (!outcome.met()) mark = "  " + style_.paint("<-- MISMATCH", Tone::Red);
    std::cout << padded(outcome.scenario, name_ + 2)
              << padded(outcome.expected.describe(), verdict_ + 2)
              << padded(outcome.verdict().summary(), verdict_ + 2) << numbers << mark << std::endl;
  }

 private:
  const TextStyle& style_;
  std::size_t name_ = 8;
  std::size_t verdict_ = 8;
};

void printFooter(const std::vector<CheckOutcome>& outcomes, int status, const CheckOptions& options,
                 const TextStyle& style) {
  std::size_t met = 0;
  for (const CheckOutcome& o : outcomes) met += o.met() ? 1 : 0;
  std::cout << "\n";
  if (status == kPass) {
    std::cout << style.paint("all expectations met", Tone::Green) << ": " << outcomes.size()
              << " scenarios checked\n";
  } else {
    std::cout << style.paint("expectations NOT met", Tone::Red) << ": " << met << " of "
              << outcomes.size() << " scenarios met their expected verdict\n";
    for (const CheckOutcome& o : outcomes) {
      if (o.met()) continue;
      std::cout << "  " << o.scenario << ": expected " << o.expected.describe() << ", got "
                << o.verdict().summary()
                << (o.incompletePass() ? " (to finish: " + o.verdict().remedy() + ")" : std::string())
                << (o.verdict().budgetHit.empty() ? std::string()
                                                  : " (the search stopped at its " + o.verdict().budgetHit +
                                                        " before finding a consequence: " +
                                                        remedyFor(o.verdict().budgetHit) + ")")
                << "\n"
                << "    reproduce: interlock run " << o.scenario << " --strategy " << o.settings.strategy
                << "\n";
    }
  }
  if (!options.junitPath.empty()) std::cout << "junit     " << options.junitPath << "\n";
  if (!options.sarifPath.empty()) std::cout << "sarif     " << options.sarifPath << "\n";
  if (!outcomes.empty()) {
    const Settings& s = outcomes.front().settings;
    std::cout << "search    strategy " << s.strategy;
    if (s.jobs > 1) std::cout << "; " << s.jobs << " jobs";
    if (s.timeLimitSeconds > 0) std::cout << "; time limit " << s.timeLimitSeconds << " s per scenario";
    std::cout << "\n";
  }
}

json summaryJson(const std::vector<CheckOutcome>& outcomes, int status, const CheckOptions& options) {
  json rows = json::array();
  std::size_t met = 0, mismatched = 0, incomplete = 0;
  for (const CheckOutcome& o : outcomes) {
    met += o.met() ? 1 : 0;
    mismatched += o.mismatch() ? 1 : 0;
    incomplete += o.incompletePass() ? 1 : 0;
    rows.push_back({{"scenario", o.scenario},
                    {"family", o.family()},
                    {"expected", expectationJson(o.expected)},
                    {"verdict", verdictJson(o.verdict(), o.names())},
                    {"met", o.met()},
                    {"status", statusWord(o)},
                    {"settings", runSettingsJson(o.settings)},
                    {"stats", statsJson(o.exploration.stats)}});
  }
  const auto path = [](const std::string& p) { return p.empty() ? json(nullptr) : json(p); };
  return {{"scenarios", std::move(rows)},
          {"total", outcomes.size()},
          {"met", met},
          {"mismatched", mismatched},
          {"incomplete", incomplete},
          {"passed", status == kPass},
          {"exit_status", status},
          {"reports", {{"junit", path(options.junitPath)}, {"sarif", path(options.sarifPath)}}}};
}

}  // namespace

int checkCommand(const Catalogue& catalogue, const CheckOptions& options) {
  for (const std::string& pattern : options.patterns)
    if (catalogue.match({pattern}).empty())
      throw InputError("no scenario matches '" + pattern + "' ('interlock list' shows them all)");
  const auto selected = catalogue.match(options.patterns);
  if (selected.empty()) throw InputError("no scenario matches the given patterns ('interlock list' shows them all)");
  // Opened before exploring: an unwritable path fails in a second, not after the whole run.
  std::optional<OutputFile> junit, sarif;
  if (!options.junitPath.empty()) junit.emplace(options.junitPath);
  if (!options.sarifPath.empty()) sarif.emplace(options.sarifPath);

  const TextStyle style{!options.json && colourWanted()};
  const Table table(selected, style);
  if (!options.json) table.header();
  std::vector<CheckOutcome> outcomes;
  outcomes.reserve(selected.size());
  SearchOptions search = options.search;
  std::optional<InterruptGuard> interrupt(std::in_place);
  search.interrupt = &interrupt->flag();
  for (const Scenario* scenario : selected) {
    outcomes.push_back(checkWith(*scenario, search));
    if (!options.json) table.row(outcomes.back());
    if (interruptSignal() != 0) break;
  }
  interrupt.reset();
  for (CheckOutcome& outcome : outcomes) outcome.settings.interrupt = nullptr;
  if (interruptSignal() != 0) {
    // No report: one that lists only the scenarios checked so far would read as a full run.
    (options.json ? std::cerr : std::cout) << "\ninterrupted during " << outcomes.back().scenario << ": " << outcomes.size() - 1 << " of "
              << selected.size() << " scenarios checked, reports not written\n";
    return kIncomplete;
  }
  const int status = checkStatus(outcomes);

  if (junit) junit->commit(junitReport(outcomes));
  if (sarif) sarif->commit(sarifReport(outcomes));
  if (options.json) std::cout << summaryJson(outcomes, status, options).dump(2) << "\n";
  else printFooter(outcomes, status, options, style);
  return status;
}

}  // namespace interlock::cli
