// A budget (--max-executions, --time-limit, a sampler's executions) that ends the search after
// only a contract breach is said: the breach is reported, and so is that a larger budget may
// show what it leads to. guarded-mutex/zw-io breaks ZwSpecialApcsDisabled in its first
// execution and deadlocks in its second.
#include "CliSupport.hpp"
#include "TempDir.hpp"

#include <nlohmann/json.hpp>

#include <doctest/doctest.h>

using interlock::test::runCli;
using nlohmann::json;

namespace {

bool contains(const std::string& text, const std::string& what) { return text.find(what) != std::string::npos; }

constexpr const char* kHint =
    "verdict   violation: ContractViolation (ZwSpecialApcsDisabled)\n"
    "          the search stopped at its execution budget before finding a consequence; a larger one may show what "
    "this leads to: raise --max-executions\n"
    "expected  Deadlock (NOT met)\n";

}  // namespace

TEST_CASE("run says the execution budget ended the search after only a breach") {
  const auto r = runCli({"run", "guarded-mutex/zw-io", "--max-executions", "1"});
  CHECK(r.status == 1);
  CHECK(contains(r.out, kHint));
}

TEST_CASE("run --json names the budget that ended the search after only a breach") {
  const auto r = runCli({"run", "guarded-mutex/zw-io", "--max-executions", "1", "--json"});
  CHECK(r.status == 1);
  const json verdict = json::parse(r.out)["verdict"];
  CHECK(verdict["kind"] == "ContractViolation");
  CHECK(verdict["budget_hit"] == "execution budget");
}

TEST_CASE("a sampler's executions ending the search after only a breach count as its budget") {
  const auto r = runCli({"run", "guarded-mutex/zw-io", "--strategy", "random", "--max-executions", "1", "--json"});
  CHECK(r.status == 1);
  const json verdict = json::parse(r.out)["verdict"];
  CHECK(verdict["kind"] == "ContractViolation");
  CHECK(verdict["budget_hit"] == "execution budget");
}

TEST_CASE("a budget the search did not reach, or a consequence found, gives no budget note") {
  auto r = runCli({"run", "guarded-mutex/zw-io", "--max-executions", "10", "--json"});
  CHECK(r.status == 1);
  json verdict = json::parse(r.out)["verdict"];
  CHECK(verdict["kind"] == "Deadlock");
  CHECK(!verdict.contains("budget_hit"));
  // A breach the whole search found, the budget never reached.
  r = runCli({"run", "spinlock/wait-at-dispatch", "--max-executions", "100", "--json"});
  CHECK(r.status == 1);
  verdict = json::parse(r.out)["verdict"];
  CHECK(verdict["kind"] == "ContractViolation");
  CHECK(!verdict.contains("budget_hit"));
  r = runCli({"run", "spinlock/wait-at-dispatch", "--max-executions", "100"});
  CHECK(!contains(r.out, "the search stopped at its"));
}

// eresource/suspended-owner breaks WithinCriticalRegion in both halves' first executions; the
// suspension that makes it a denial of service comes later.
TEST_CASE("merge says a budget ended a shard's search when the merged verdict is only a breach") {
  const interlock::test::TempDir scratch;
  std::vector<std::string> args{"merge"};
  for (const std::string shard : {"1/2", "2/2"}) {
    const auto r = runCli({"run", "eresource/suspended-owner", "--strategy", "naive", "--max-executions", "1",
                           "--shard", shard, "--json"});
    REQUIRE(r.status == 1);
    args.push_back(scratch.file("shard-" + shard.substr(0, 1) + ".json"));
    interlock::test::writeFile(args.back(), r.out);
  }
  const auto text = runCli(args);
  CHECK(text.status == 1);
  CHECK(contains(text.out, "          the search stopped at its execution budget before finding a consequence"));
  args.push_back("--json");
  const auto r = runCli(args);
  CHECK(r.status == 1);
  const json verdict = json::parse(r.out)["verdict"];
  CHECK(verdict["kind"] == "ContractViolation");
  CHECK(verdict["budget_hit"] == "execution budget");
}

TEST_CASE("check names the time limit that stopped a scenario's search after only a breach") {
  // A limit every execution outlasts: the search stops after its first, which only breaks the contract.
  const auto r = runCli({"check", "eresource/suspended-owner", "--time-limit", "0.000000001"});
  CHECK(r.status == 1);
  CHECK(contains(r.out, "  eresource/suspended-owner: expected SuspendedOwnerDoS (SuspendedOwner), got "
                        "ContractViolation (WithinCriticalRegion) (the search stopped at its time limit before "
                        "finding a consequence: raise --time-limit or split the search with --jobs or --shard)\n"));
}
