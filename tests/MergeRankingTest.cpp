// `interlock merge` reports the verdict one unsharded run reports: a single search ranks its
// findings (a consequence above a lock-order cycle above a contract breach alone), and so does
// the merge of its shards, whichever shard found which.
#include "CliSupport.hpp"
#include "TempDir.hpp"

#include <nlohmann/json.hpp>

#include <doctest/doctest.h>

using interlock::test::builtinCatalogue;
using interlock::test::runCli;
using interlock::test::TempDir;
using interlock::test::writeFile;
using nlohmann::json;

namespace {

// `run NAME --shard I/N --json` for every I, each written to a file of `scratch`; their paths.
std::vector<std::string> shardFiles(const TempDir& scratch, const std::string& scenario, std::uint32_t count,
                                    const std::string& strategy = "odpor") {
  std::vector<std::string> paths;
  for (std::uint32_t i = 1; i <= count; ++i) {
    const std::string shard = std::to_string(i) + "/" + std::to_string(count);
    const auto r = runCli({"run", scenario, "--strategy", strategy, "--shard", shard, "--json"});
    REQUIRE_MESSAGE((r.status == 0 || r.status == 1 || r.status == 3), "shard ", shard, ": ", r.err);
    paths.push_back(scratch.file("shard-" + std::to_string(i) + "-of-" + std::to_string(count) + ".json"));
    writeFile(paths.back(), r.out);
  }
  return paths;
}

json mergedVerdict(const std::vector<std::string>& files) {
  std::vector<std::string> args{"merge", "--json"};
  args.insert(args.end(), files.begin(), files.end());
  const auto r = runCli(args);
  REQUIRE_MESSAGE((r.status == 0 || r.status == 1 || r.status == 3), r.err);
  return json::parse(r.out);
}

}  // namespace

TEST_CASE("every catalogue scenario split in 1 to 4 shards merges to the verdict of the unsharded run") {
  const TempDir scratch;
  for (const interlock::Scenario& scenario : builtinCatalogue().all()) {
    CAPTURE(scenario.name);
    const auto whole = runCli({"run", scenario.name, "--json"});
    REQUIRE((whole.status == 0 || whole.status == 1 || whole.status == 3));
    const json unsharded = json::parse(whole.out);
    for (std::uint32_t count = 1; count <= 4; ++count) {
      CAPTURE(count);
      const json merged = mergedVerdict(shardFiles(scratch, scenario.name, count));
      CHECK(merged["verdict"]["result"] == unsharded["verdict"]["result"]);
      CHECK(merged["verdict"].value("kind", "") == unsharded["verdict"].value("kind", ""));
      CHECK(merged["verdict"].value("rule", "") == unsharded["verdict"].value("rule", ""));
      CHECK(merged["met"] == unsharded["met"]);
    }
  }
}

// naive and dfs walk one tree split or not, so the shards' earliest finding of the best rank is
// the schedule the unsharded search finds, and minimized the same it is the same counterexample.
TEST_CASE("the merged shards of a naive or dfs search give the unsharded run's counterexample") {
  const TempDir scratch;
  for (const interlock::Scenario& scenario : builtinCatalogue().all()) {
    if (!scenario.expected.kind) continue;
    for (const std::string strategy : {"naive", "dfs"}) {
      CAPTURE(scenario.name);
      CAPTURE(strategy);
      const auto whole = runCli({"run", scenario.name, "--strategy", strategy, "--json"});
      REQUIRE(whole.status == 1);
      const json unsharded = json::parse(whole.out);
      for (std::uint32_t count = 2; count <= 3; ++count) {
        CAPTURE(count);
        CHECK(mergedVerdict(shardFiles(scratch, scenario.name, count, strategy))["counterexample"] ==
              unsharded["counterexample"]);
      }
    }
  }
}

TEST_CASE("merge reports of equal findings the one the search reaches first, not the lowest shard's") {
  const TempDir scratch;
  // Split in two, eresource/apc-reentry deadlocks in both halves, first in the second's.
  const auto files = shardFiles(scratch, "eresource/apc-reentry", 2, "naive");
  const json merged = mergedVerdict(files);
  CHECK(merged["verdict_shard"] == json{{"index", 2}, {"count", 2}});
  CHECK(merged["subtree"] == 1);
  CHECK(json::parse(interlock::test::readFile(files[0]))["verdict"]["kind"] == "Deadlock");
}

TEST_CASE("merge reports a shard's deadlock over a lower shard's lock-order cycle") {
  const TempDir scratch;
  const auto files = shardFiles(scratch, "kmutex/abba", 3);
  const json merged = mergedVerdict(files);
  CHECK(merged["verdict"]["kind"] == "Deadlock");
  CHECK(merged["verdict"]["rule"] == "WaitCycle");
  CHECK(merged["met"] == true);
  // What the shards found: the lowest only the cycle in the lock order.
  CHECK(json::parse(interlock::test::readFile(files[0]))["verdict"]["kind"] == "LockOrder");
}

TEST_CASE("merge reports a shard's deadlock over a lower shard's contract breach alone") {
  const TempDir scratch;
  const json merged = mergedVerdict(shardFiles(scratch, "guarded-mutex/zw-io", 2));
  CHECK(merged["verdict"]["kind"] == "Deadlock");
  CHECK(merged["verdict"]["rule"] == "NoThreadCanMove");
  CHECK(merged["met"] == true);
}

TEST_CASE("run --json places an unsharded counterexample at subtree 0 whatever --jobs, and none at null") {
  for (const std::string jobs : {"1", "2"})
    CHECK(json::parse(runCli({"run", "eresource/apc-reentry", "--jobs", jobs, "--json"}).out)["subtree"] == 0);
  CHECK(json::parse(runCli({"run", "lock-order/consistent", "--json"}).out)["subtree"].is_null());
}
