// `interlock merge` trusts no field it reports: a verdict or expectation of the wrong type, a
// counterexample that is not a trace of the search replaying to the shard's verdict, and
// statistics whose sum does not fit are refused, exit 2, naming the file and the field, and
// nothing is written.
#include "CliSupport.hpp"
#include "TempDir.hpp"

#include <nlohmann/json.hpp>

#include <doctest/doctest.h>

#include <filesystem>
#include <limits>

using interlock::test::readFile;
using interlock::test::runCli;
using interlock::test::TempDir;
using interlock::test::writeFile;
using nlohmann::json;

namespace {

bool contains(const std::string& text, const std::string& what) { return text.find(what) != std::string::npos; }

// `run NAME --strategy naive --shard I/N --json` for every I, written to files; their paths.
std::vector<std::string> shardFiles(const TempDir& scratch, const std::string& scenario, std::uint32_t count,
                                    std::vector<std::string> extra = {}) {
  std::vector<std::string> paths;
  for (std::uint32_t i = 1; i <= count; ++i) {
    std::vector<std::string> args{"run", scenario, "--strategy", "naive", "--json", "--shard",
                                  std::to_string(i) + "/" + std::to_string(count)};
    args.insert(args.end(), extra.begin(), extra.end());
    const auto r = runCli(args);
    REQUIRE((r.status == 0 || r.status == 1 || r.status == 3));
    paths.push_back(scratch.file("shard-" + std::to_string(i) + ".json"));
    writeFile(paths.back(), r.out);
  }
  return paths;
}

json load(const std::string& path) { return json::parse(readFile(path)); }
void save(const std::string& path, const json& document) { writeFile(path, document.dump(2)); }

interlock::test::CliResult merge(std::vector<std::string> files, std::vector<std::string> extra = {}) {
  std::vector<std::string> args{"merge"};
  args.insert(args.end(), files.begin(), files.end());
  args.insert(args.end(), extra.begin(), extra.end());
  return runCli(args);
}

// Changes one shard file, merges, and returns what merge said.
template <typename Change>
interlock::test::CliResult mergeChanged(const std::vector<std::string>& files, std::size_t which, Change change,
                                        std::vector<std::string> extra = {}) {
  json document = load(files[which]);
  change(document);
  save(files[which], document);
  return merge(files, std::move(extra));
}

// The index of the first shard file whose verdict is a violation.
std::size_t firstViolating(const std::vector<std::string>& files) {
  for (std::size_t i = 0; i < files.size(); ++i)
    if (load(files[i])["verdict"]["result"] == "violation") return i;
  FAIL("no shard found a violation");
  return 0;
}

}  // namespace

TEST_CASE("merge refuses a verdict kind, an expected kind or a reason that is not a string") {
  const TempDir scratch;
  SUBCASE("verdict.kind") {
    const auto files = shardFiles(scratch, "lock-order/abba", 2);
    const std::size_t v = firstViolating(files);
    const auto r = mergeChanged(files, v, [](json& d) { d["verdict"]["kind"] = 5; });
    CHECK(r.status == 2);
    CHECK(r.err == "interlock: " + files[v] + ": field 'verdict.kind': expected a string, found 5\n");
  }
  SUBCASE("expected.kind") {
    const auto files = shardFiles(scratch, "lock-order/abba", 2);
    const auto r = mergeChanged(files, 0, [](json& d) { d["expected"]["kind"] = json::array(); });
    CHECK(r.status == 2);
    CHECK(r.err == "interlock: " + files[0] + ": field 'expected.kind': expected a string, found []\n");
  }
  SUBCASE("verdict.reason") {
    const auto files = shardFiles(scratch, "bench/locked-counter", 2, {"--param", "threads=3", "--max-executions", "5"});
    const auto r = mergeChanged(files, 1, [](json& d) { d["verdict"]["reason"] = {{"bound", 1}}; });
    CHECK(r.status == 2);
    CHECK(r.err == "interlock: " + files[1] + ": field 'verdict.reason': expected a string, found {\"bound\":1}\n");
  }
}

TEST_CASE("merge refuses a counterexample whose schedule no longer fits the scenario, and writes no trace") {
  const TempDir scratch;
  const auto files = shardFiles(scratch, "lock-order/abba", 2);
  const std::size_t v = firstViolating(files);
  const std::string trace = scratch.file("merged.json");
  const auto r = mergeChanged(files, v, [](json& d) { d["counterexample"]["schedule"].erase(0); }, {"--trace", trace});
  CHECK(r.status == 2);
  CHECK(r.err.starts_with("interlock: " + files[v] + " (counterexample): field 'schedule': the trace no longer fits "
                          "scenario lock-order/abba: schedule entry "));
  CHECK(r.out.empty());
  CHECK(!std::filesystem::exists(trace));
}

TEST_CASE("merge refuses a counterexample whose events are not what its schedule replays to") {
  const TempDir scratch;
  const auto files = shardFiles(scratch, "lock-order/abba", 2);
  const std::size_t v = firstViolating(files);
  const auto r = mergeChanged(files, v, [](json& d) { d["counterexample"]["events"][0]["call"] = "KeBugCheck(0)"; });
  CHECK(r.status == 2);
  CHECK(r.err == "interlock: " + files[v] + ": field 'counterexample': its schedule replays to other events than it "
                 "records (the file was changed, or written by another version of the scenario or interlock)\n");
}

TEST_CASE("merge refuses a counterexample of another scenario or of other bounds") {
  const TempDir scratch;
  const auto files = shardFiles(scratch, "lock-order/abba", 2);
  const std::size_t v = firstViolating(files);
  const json original = load(files[v]);
  auto r = mergeChanged(files, v, [](json& d) { d["counterexample"]["scenario"]["name"] = "lock-order/consistent"; });
  CHECK(r.status == 2);
  CHECK(r.err == "interlock: " + files[v] + ": field 'counterexample.scenario.name': \"lock-order/consistent\" is "
                 "not the shard's scenario \"lock-order/abba\"\n");
  save(files[v], original);
  r = mergeChanged(files, v, [](json& d) { d["counterexample"]["settings"]["max_steps"] = 999; });
  CHECK(r.status == 2);
  CHECK(contains(r.err, files[v] + ": field 'counterexample.settings': "));
}

TEST_CASE("merge refuses a counterexample that is not a trace, naming the field in it") {
  const TempDir scratch;
  const auto files = shardFiles(scratch, "lock-order/abba", 2);
  const std::size_t v = firstViolating(files);
  auto r = mergeChanged(files, v, [](json& d) { d["counterexample"]["format"] = "something-else"; });
  CHECK(r.status == 2);
  CHECK(r.err == "interlock: " + files[v] + " (counterexample): field 'format': expected \"interlock-trace\", found "
                 "\"something-else\"\n");
  r = mergeChanged(files, v, [](json& d) { d["counterexample"] = nullptr; });
  CHECK(r.status == 2);
  CHECK(r.err == "interlock: " + files[v] + ": field 'counterexample': expected the trace object of the violation, "
                 "found null\n");
}

TEST_CASE("merge refuses a shard whose verdict is not what its counterexample shows") {
  const TempDir scratch;
  const auto files = shardFiles(scratch, "lock-order/abba", 2);
  const std::size_t v = firstViolating(files);
  const auto r = mergeChanged(files, v, [](json& d) { d["verdict"]["kind"] = "BugCheck"; });
  CHECK(r.status == 2);
  CHECK(r.err == "interlock: " + files[v] + ": field 'verdict': BugCheck (WaitCycle) is not what its counterexample "
                 "shows, Deadlock (WaitCycle)\n");
}

TEST_CASE("merge refuses statistics whose sum over the shards overflows, instead of wrapping") {
  const TempDir scratch;
  const auto files = shardFiles(scratch, "lock-order/consistent", 2);
  const json first = load(files[0]);
  const json second = load(files[1]);
  SUBCASE("a count") {
    const std::uint64_t most = std::numeric_limits<std::uint64_t>::max();
    json changed = first;
    REQUIRE(second["stats"]["steps"].get<std::uint64_t>() > 0);
    changed["stats"]["steps"] = most - second["stats"]["steps"].get<std::uint64_t>() + 1;  // one past the largest sum
    save(files[0], changed);
    const auto r = merge(files, {"--json"});
    CHECK(r.status == 2);
    CHECK(r.err == "interlock: " + files[1] + ": field 'stats.steps': " + second["stats"]["steps"].dump() +
                       " makes the sum over the shards larger than 18446744073709551615, which no search of this "
                       "interlock can count\n");
  }
  SUBCASE("the sum exactly at the largest count is taken") {
    json changed = first;
    changed["stats"]["steps"] = std::numeric_limits<std::uint64_t>::max() - second["stats"]["steps"].get<std::uint64_t>();
    save(files[0], changed);
    const auto r = merge(files, {"--json"});
    CHECK(r.status == 0);
    CHECK(json::parse(r.out)["stats"]["steps"] == std::numeric_limits<std::uint64_t>::max());
  }
  SUBCASE("seconds") {
    json changed = first;
    changed["stats"]["elapsed_seconds"] = 1.5e308;
    save(files[0], changed);
    changed = second;
    changed["stats"]["elapsed_seconds"] = 1.5e308;
    save(files[1], changed);
    const auto r = merge(files, {"--json"});
    CHECK(r.status == 2);
    CHECK(r.err == "interlock: " + files[1] + ": field 'stats.elapsed_seconds': the sum over the shards is not a "
                   "finite number\n");
  }
}
