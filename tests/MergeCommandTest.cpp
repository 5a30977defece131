// `interlock merge`: the `run --json` outputs of one search's shards combined: statistics
// summed, the worst verdict with the lowest such shard's counterexample, and every mismatch
// between the files refused with the file and field named.
#include "CliSupport.hpp"
#include "TempDir.hpp"

#include <nlohmann/json.hpp>

#include <doctest/doctest.h>

using interlock::test::contains;
using interlock::test::readFile;
using interlock::test::runCli;
using interlock::test::runParameterized;
using interlock::test::TempDir;
using interlock::test::writeFile;
using nlohmann::json;

namespace {

// `interlock run NAME --shard I/N --json` for every I, written to files; their paths.
std::vector<std::string> shardFiles(const TempDir& dir, const std::string& scenario, std::uint32_t count,
                                    std::vector<std::string> extra = {}) {
  static int batch = 0;  // every call writes files of its own
  ++batch;
  std::vector<std::string> paths;
  for (std::uint32_t i = 1; i <= count; ++i) {
    std::vector<std::string> args{"run", scenario, "--strategy", "naive", "--json", "--shard",
                                  std::to_string(i) + "/" + std::to_string(count)};
    args.insert(args.end(), extra.begin(), extra.end());
    const auto r = runParameterized(args);
    REQUIRE(r.status != 2);
    paths.push_back(dir.file(scenario.substr(scenario.find('/') + 1) + "-" + std::to_string(batch) + "-" +
                             std::to_string(i) + ".json"));
    writeFile(paths.back(), r.out);
  }
  return paths;
}

json load(const std::string& path) { return json::parse(readFile(path)); }
void save(const std::string& path, const json& document) { writeFile(path, document.dump(2)); }

// Turns a shard's output into a pass (as if its part of the tree held no counterexample).
void makePass(const std::string& path) {
  json doc = load(path);
  doc["verdict"] = {{"result", "pass"}, {"causes", json::array()}};
  doc["met"] = false;
  doc["counterexample"] = nullptr;
  doc["replay"] = nullptr;
  save(path, doc);
}

void makeIncomplete(const std::string& path, const std::string& reason) {
  makePass(path);
  json doc = load(path);
  doc["verdict"] = {{"result", "incomplete"}, {"reason", reason}, {"causes", json::array()}};
  save(path, doc);
}

interlock::test::CliResult merge(std::vector<std::string> files, std::vector<std::string> extra = {}) {
  std::vector<std::string> args{"merge"};
  args.insert(args.end(), files.begin(), files.end());
  args.insert(args.end(), extra.begin(), extra.end());
  return runCli(args);
}

}  // namespace

TEST_CASE("merge sums the shards' statistics and keeps the deepest depth") {
  const TempDir dir;
  const auto files = shardFiles(dir, "test/counter", 3);
  const auto r = merge(files, {"--json"});
  REQUIRE(r.status == 0);
  const auto out = json::parse(r.out);
  std::uint64_t executions = 0, steps = 0, choicePoints = 0, maxDepth = 0;
  for (const std::string& file : files) {
    const json stats = load(file)["stats"];
    executions += stats["executions"].get<std::uint64_t>();
    steps += stats["steps"].get<std::uint64_t>();
    choicePoints += stats["choice_points"].get<std::uint64_t>();
    maxDepth = std::max(maxDepth, stats["max_depth"].get<std::uint64_t>());
  }
  CHECK(out["stats"]["executions"] == executions);
  CHECK(out["stats"]["steps"] == steps);
  CHECK(out["stats"]["choice_points"] == choicePoints);
  CHECK(out["stats"]["max_depth"] == maxDepth);
  CHECK(out["shards"]["count"] == 3);
  CHECK(out["verdict"]["result"] == "pass");
  CHECK(out["parameters"] == json{{"rounds", "1"}, {"threads", "2"}});
}

TEST_CASE("merge reports a violation over passes, with the counterexample of the lowest shard showing one") {
  const TempDir dir;
  const auto files = shardFiles(dir, "lock-order/abba", 3);
  makePass(files[0]);
  const auto r = merge({files[2], files[0], files[1]}, {"--json"});
  CHECK(r.status == 1);
  const auto out = json::parse(r.out);
  CHECK(out["verdict"]["kind"] == "Deadlock");
  CHECK(out["verdict_shard"] == json{{"index", 2}, {"count", 3}});
  CHECK(out["counterexample"] == load(files[1])["counterexample"]);
  CHECK(contains(out["replay"].get<std::string>(), "--shard 2/3"));
  CHECK(out["met"] == true);
}

TEST_CASE("merge reports incomplete over pass, naming every bound the shards hit, and exits 3") {
  const TempDir dir;
  const auto files = shardFiles(dir, "lock-order/abba", 3);
  makePass(files[0]);
  makeIncomplete(files[1], "step bound");
  makeIncomplete(files[2], "step bound, time limit");
  const auto r = merge(files, {"--json"});
  CHECK(r.status == 3);
  const auto out = json::parse(r.out);
  CHECK(out["verdict"]["result"] == "incomplete");
  CHECK(out["verdict"]["reason"] == "step bound, time limit");
  CHECK(out["verdict_shard"]["index"] == 2);
}

TEST_CASE("merge prints like run: the verdict, its shard, the counterexample, bounds, stats and replay") {
  const TempDir dir;
  const auto files = shardFiles(dir, "lock-order/abba", 2);
  makePass(files[0]);
  const auto r = merge(files);
  CHECK(r.status == 1);
  CHECK(r.out.starts_with("scenario  lock-order/abba\nverdict   violation: Deadlock (WaitCycle)\n"
                          "          from shard 2/2\nexpected  Deadlock (WaitCycle) (met)\n"));
  CHECK(contains(r.out, "bounds    strategy naive; bounds: 1000 steps per execution"));
  CHECK(contains(r.out, "; 2 shards merged\n"));
  CHECK(contains(r.out, "(summed over the shards)\n"));
  CHECK(contains(r.out, "replay    interlock run lock-order/abba --strategy naive --shard 2/2 --trace trace.json"));
}

TEST_CASE("merge of passing shards prints the pass and exits 0") {
  const TempDir dir;
  const auto r = merge(shardFiles(dir, "test/counter", 2));
  CHECK(r.status == 0);
  CHECK(contains(r.out, "verdict   pass\nexpected  pass (met)\n"));
}

TEST_CASE("merge --trace writes the reported counterexample, which replays") {
  const TempDir dir;
  const auto files = shardFiles(dir, "lock-order/abba", 2);
  const std::string trace = dir.file("merged-trace.json");
  const auto r = merge(files, {"--trace", trace, "--json"});
  CHECK(r.status == 1);
  CHECK(json::parse(r.out)["replay"] == "interlock replay " + trace);
  const auto replayed = runCli({"replay", trace, "--json"});
  CHECK(replayed.status == 1);
  CHECK(json::parse(replayed.out)["reproduced"] == true);
}

TEST_CASE("merge accepts shards that ran with different --jobs") {
  const TempDir dir;
  auto files = shardFiles(dir, "test/counter", 2);
  json second = load(files[1]);
  second["settings"]["jobs"] = 4;
  save(files[1], second);
  CHECK(merge(files).status == 0);
}

TEST_CASE("merge refuses shards of different scenarios, naming the file and field") {
  const TempDir dir;
  const auto abba = shardFiles(dir, "lock-order/abba", 2);
  const auto consistent = shardFiles(dir, "lock-order/consistent", 2);
  const auto r = merge({abba[0], consistent[1]});
  CHECK(r.status == 2);
  CHECK(contains(r.err, "interlock: " + consistent[1] + ": field 'scenario': \"lock-order/consistent\" differs from "
                        "\"lock-order/abba\" in " + abba[0]));
}

TEST_CASE("merge refuses shards with different parameters, strategy or settings") {
  const TempDir dir;
  const auto plain = shardFiles(dir, "test/counter", 2);
  const auto more = shardFiles(dir, "test/counter", 2, {"--param", "threads=3"});
  auto r = merge({plain[0], more[1]});
  CHECK(r.status == 2);
  CHECK(contains(r.err, more[1] + ": field 'parameters':"));

  json other = load(plain[1]);
  other["strategy"] = "dfs";
  other["settings"]["strategy"] = "dfs";
  const std::string strategy = dir.file("strategy.json");
  save(strategy, other);
  r = merge({plain[0], strategy});
  CHECK(r.status == 2);
  CHECK(contains(r.err, strategy + ": field 'strategy': \"dfs\" differs from \"naive\""));

  other = load(plain[1]);
  other["settings"]["max_steps"] = 50;
  const std::string steps = dir.file("steps.json");
  save(steps, other);
  r = merge({plain[0], steps});
  CHECK(r.status == 2);
  CHECK(contains(r.err, steps + ": field 'settings.max_steps': 50 differs from 1000"));
}

TEST_CASE("merge refuses a shard given twice, naming the file and field") {
  const TempDir dir;
  const auto files = shardFiles(dir, "test/counter", 2);
  const std::string copy = dir.file("copy.json");
  writeFile(copy, readFile(files[0]));
  const auto r = merge({files[0], files[1], copy});
  CHECK(r.status == 2);
  CHECK(contains(r.err, ": field 'shard.index': shard 1/2 is also in "));
}

TEST_CASE("merge refuses an incomplete set of shards, naming the missing ones") {
  const TempDir dir;
  const auto files = shardFiles(dir, "test/counter", 4);
  const auto r = merge({files[0], files[2]});
  CHECK(r.status == 2);
  CHECK(r.err == "interlock: merge: field 'shard.index': shards 2, 4 of 4 missing; merge needs the output of every "
                 "shard of the search\n");
}

TEST_CASE("merge refuses shards of different shard counts") {
  const TempDir dir;
  const auto two = shardFiles(dir, "test/counter", 2);
  const auto three = shardFiles(dir, "test/counter", 3);
  const auto r = merge({two[0], three[1], three[2]});
  CHECK(r.status == 2);
  CHECK(contains(r.err, three[1] + ": field 'shard.count': 3 differs from 2"));
}

TEST_CASE("merge refuses a file that is not run --json output, naming the field") {
  const TempDir dir;
  const std::string path = dir.file("trace-not-run.json");
  REQUIRE(runCli({"run", "lock-order/abba", "--strategy", "naive", "--trace", path}).status == 1);
  const auto r = merge({path});
  CHECK(r.status == 2);
  CHECK(r.err.starts_with("interlock: " + path + ": field 'scenario': expected a scenario name, found {"));
  const std::string notJson = dir.file("not-json.json");
  writeFile(notJson, "shard 1");
  CHECK(merge({notJson}).status == 2);
  CHECK(merge({dir.file("missing.json")}).err == "interlock: " + dir.file("missing.json") + ": cannot open the file for reading\n");
}
