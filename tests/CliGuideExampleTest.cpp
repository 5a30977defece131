// docs/writing-a-scenario.md's worked example: it compiles (CliGuideExample.hpp), it gets the
// verdicts the page promises, and the page shows exactly the code compiled here.
#include "CliGuideExample.hpp"
#include "CliSupport.hpp"
#include "TempDir.hpp"

#include <nlohmann/json.hpp>

#include <doctest/doctest.h>

using interlock::test::readFile;
using interlock::test::runCli;

namespace {

const interlock::Catalogue& guideCatalogue() {
  static const interlock::Catalogue catalogue = [] {
    interlock::Catalogue c = interlock::cli::builtinCatalogue();
    mydriver::addScenarios(c);
    return c;
  }();
  return catalogue;
}

std::string between(const std::string& text, const std::string& begin, const std::string& end) {
  const auto from = text.find(begin);
  const auto to = text.find(end, from == std::string::npos ? 0 : from);
  if (from == std::string::npos || to == std::string::npos) return "(markers not found)";
  return text.substr(from + begin.size(), to - from - begin.size());
}

}  // namespace

TEST_CASE("the guide's example scenario finds the suspended owner and passes once fixed") {
  CHECK(runCli({"run", "mydriver/add-entry", "--strategy", "naive"}, guideCatalogue()).status == 1);
  CHECK(runCli({"run", "mydriver/add-entry-fixed", "--strategy", "naive"}, guideCatalogue()).status == 0);
  const auto r = runCli({"check", "--strategy", "naive", "mydriver/"}, guideCatalogue());
  CHECK(r.status == 0);
  CHECK(r.out.find("all expectations met: 2 scenarios checked") != std::string::npos);
}

TEST_CASE("the guide's example takes its number of callers from --param") {
  // Two suspendable callers and one suspension allowed: the pass is not proved.
  CHECK(runCli({"run", "mydriver/add-entry-fixed", "--strategy", "naive", "--param", "callers=2"}, guideCatalogue())
            .status == 3);
  const auto r = runCli({"run", "mydriver/add-entry-fixed", "--strategy", "naive", "--param", "callers=2", "--max-suspensions", "2", "--json"},
                        guideCatalogue());
  CHECK(r.status == 0);
  CHECK(nlohmann::json::parse(r.out)["parameters"]["callers"] == "2");
}

TEST_CASE("a trace of the guide's example with two callers replays only with two callers") {
  const interlock::test::TempDir dir;
  const std::string path = dir.file("callers.json");
  REQUIRE(runCli({"run", "mydriver/add-entry", "--strategy", "naive", "--param", "callers=2", "--trace", path},
                 guideCatalogue())
              .status == 1);
  auto replayed = runCli({"replay", path, "--json"}, guideCatalogue());
  CHECK(replayed.status == 1);
  CHECK(nlohmann::json::parse(replayed.out)["reproduced"] == true);
  // The same schedule against one caller: ioctl2 is gone, so the trace no longer fits.
  auto document = nlohmann::json::parse(readFile(path));
  document["scenario"]["parameters"]["callers"] = "1";
  interlock::test::writeFile(path, document.dump(2));
  replayed = runCli({"replay", path, "--json"}, guideCatalogue());
  CHECK(replayed.status == 2);
  CHECK(replayed.err.find("ioctl2' is not a choice of scenario mydriver/add-entry") != std::string::npos);
}

TEST_CASE("docs/writing-a-scenario.md shows the example's code exactly as compiled") {
  const std::string header = readFile(INTERLOCK_SOURCE_DIR "/tests/CliGuideExample.hpp");
  const std::string page = readFile(INTERLOCK_SOURCE_DIR "/docs/writing-a-scenario.md");
  const std::string code = between(header, "// [guide-example-begin]\n", "// [guide-example-end]\n");
  REQUIRE(code.size() > 1000);
  CHECK(page.find("```cpp\n" + code + "```\n") != std::string::npos);
}
