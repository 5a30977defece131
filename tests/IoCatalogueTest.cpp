// The irp/, cancel/, csq/, remove-lock/, timer/, dpc/ and isr/ catalogue families: each bug
// meets its verdict under every exhaustive strategy, so the IRP, cancel, CSQ, remove-lock,
// timer, DPC and interrupt operations (a timer's expiry and the processor exclusion included)
// declare footprints that make the reductions keep every outcome that matters.
#include "interlock/checker/Explorer.hpp"
#include "interlock/cli/Cli.hpp"

#include <doctest/doctest.h>

#include <string_view>

using namespace interlock;

namespace {

bool inIoFamily(std::string_view name) {
  for (std::string_view family : {"irp/", "cancel/", "csq/", "remove-lock/", "timer/", "dpc/", "isr/"})
    if (name.starts_with(family)) return true;
  return false;
}

}  // namespace

TEST_CASE("every irp/, cancel/, csq/, remove-lock/, timer/, dpc/ and isr/ scenario gets the same verdict under odpor, dpor and naive") {
  const Catalogue catalogue = cli::builtinCatalogue();
  std::size_t families = 0;
  for (const Scenario& scenario : catalogue.all()) {
    if (!inIoFamily(scenario.name)) continue;
    ++families;
    CAPTURE(scenario.name);
    Settings settings = defaultSettings(scenario);
    settings.strategy = "naive";
    const Exploration naive = explore(scenario, settings);
    CHECK(naive.verdict.meets(scenario.expected));
    for (const char* strategy : {"dpor", "odpor"}) {
      CAPTURE(strategy);
      settings.strategy = strategy;
      const Exploration reduced = explore(scenario, settings);
      CHECK(reduced.verdict.meets(scenario.expected));
      CHECK(reduced.verdict.result == naive.verdict.result);
      if (reduced.verdict.result == Result::Violation) CHECK(reduced.verdict.kind() == naive.verdict.kind());
      CHECK(reduced.stats.executions <= naive.stats.executions);
    }
  }
  CHECK(families == 48);
}
