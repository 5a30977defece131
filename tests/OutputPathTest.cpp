// Output files (run --trace, check --junit and --sarif, merge --trace): a path that cannot be
// written fails before any search, with the verdict never lost to a late error.
#include "CliSupport.hpp"
#include "TempDir.hpp"

#include "interlock/reports/Trace.hpp"
#include "interlock/cli/OutputFile.hpp"

#include <doctest/doctest.h>

#include <string>
#include <unistd.h>

using interlock::test::runCli;
using interlock::test::TempDir;

namespace {
bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }
}  // namespace

TEST_CASE("an output file refuses a directory when it is opened") {
  const TempDir dir;
  CHECK_THROWS_WITH_AS(interlock::cli::OutputFile(dir.path().string()),
                       (dir.path().string() + ": cannot write here (it is a directory; give a file name)").c_str(),
                       interlock::InputError);
  CHECK(dir.files().empty());
}

TEST_CASE("an output file leaves nothing behind until it is committed") {
  const TempDir dir;
  {
    interlock::cli::OutputFile file(dir / "trace.json");
    CHECK(dir.files().empty());
  }
  CHECK(dir.files().empty());
}

TEST_CASE("run --trace DIR exits 2 before exploring") {
  const TempDir dir;
  const auto r = runCli({"run", "lock-order/abba", "--strategy", "naive", "--trace", dir.path()});
  CHECK(r.status == 2);
  CHECK(r.out.empty());
  CHECK(contains(r.err, dir.path().string() + ": cannot write here (it is a directory"));
}

TEST_CASE("check --junit DIR and --sarif DIR exit 2 before the first scenario runs") {
  const TempDir dir;
  for (const char* option : {"--junit", "--sarif"}) {
    CAPTURE(option);
    const auto r = runCli({"check", "kmutex/abba", option, dir.path()});
    CHECK(r.status == 2);
    CHECK(r.out.empty());
    CHECK(contains(r.err, dir.path().string() + ": cannot write here (it is a directory"));
  }
}

TEST_CASE("merge --trace DIR exits 2 and writes nothing") {
  const TempDir dir;
  const std::string shard = dir / "shard.json";
  const auto run = runCli({"run", "kmutex/abba", "--strategy", "naive", "--json"});
  REQUIRE(run.status == 1);
  interlock::test::writeFile(shard, run.out);
  const auto r = runCli({"merge", shard, "--trace", dir.path()});
  CHECK(r.status == 2);
  CHECK(contains(r.err, dir.path().string() + ": cannot write here (it is a directory"));
  CHECK(dir.files() == std::vector<std::string>{"shard.json"});
}
