// `interlock list`: the catalogue and its expected verdicts.
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

int listCommand(const Catalogue& catalogue, bool asJson) {
  if (asJson) {
    json out = json::array();
    for (const Scenario& s : catalogue.all())
      out.push_back({{"name", s.name}, {"expected", expectationJson(s.expected)},
                     {"description", s.description}});
    std::cout << out.dump(2) << "\n";
    return kPass;
  }
  std::size_t width = 0;
  for (const Scenario& s : catalogue.all()) width = std::max(width, s.name.size());
  for (const Scenario& s : catalogue.all()) {
    std::string name = s.name;
    name.resize(width + 2, ' ');
    std::cout << name << s.expected.describe();
    if (s.expected.verifierDiffers) std::cout << "; with --verifier " << s.expected.reading(true).describe();
    std::cout << "\n";
  }
  return kPass;
}

}  // namespace interlock::cli
