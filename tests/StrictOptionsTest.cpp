// The command line reads numbers in decimal only, flags without values, and names what it
// did not understand: the word typed, the pattern that matched nothing, the empty value.
#include "CliSupport.hpp"

#include "interlock/reports/Trace.hpp"
#include "interlock/cli/ProgressReport.hpp"

#include <nlohmann/json.hpp>

#include <doctest/doctest.h>

#include <string>

using interlock::test::runCli;
using nlohmann::json;

namespace {
bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

json settingsOf(const std::vector<std::string>& options) {
  std::vector<std::string> args{"run", "eresource/critical-region", "--strategy", "naive", "--json"};
  args.insert(args.end(), options.begin(), options.end());
  const auto r = runCli(args);
  REQUIRE(r.status != 2);
  return json::parse(r.out);
}
}  // namespace

TEST_CASE("a leading zero does not make a number octal") {
  const json out = settingsOf({"--max-executions", "010"});
  CHECK(out["settings"]["max_executions"] == 10);
  CHECK(out["stats"]["executions"] == 10);
  CHECK(settingsOf({"--jobs", "010"})["settings"]["jobs"] == 10);
  CHECK(settingsOf({"--max-steps", "0200"})["settings"]["max_steps"] == 200);
}

TEST_CASE("the seed is read in decimal") {
  const auto r = runCli({"run", "eresource/critical-region", "--strategy", "random", "--seed", "010",
                         "--max-executions", "1", "--json"});
  REQUIRE(r.status == 3);
  CHECK(json::parse(r.out)["settings"]["seed"] == 10);
}

TEST_CASE("hexadecimal, signs and spaces in a whole number exit 2 naming the option") {
  for (const char* value : {"0x10", "+5", " 5", "5 ", "-0", "1e3", ""}) {
    for (const char* option : {"--max-executions", "--max-steps", "--jobs", "--seed", "--preemptions"}) {
      CAPTURE(value);
      CAPTURE(option);
      const auto r = runCli({"run", "eresource/critical-region", "--strategy", "naive", option, value});
      CHECK(r.status == 2);
      CHECK(contains(r.err, option));
    }
  }
}

TEST_CASE("--time-limit takes decimal seconds only") {
  CHECK(runCli({"run", "eresource/critical-region", "--strategy", "naive", "--time-limit", "0010.5"}).status == 0);
  for (const char* value : {"0x1p3", "+1", " 1", "1e2", "inf", "."}) {
    CAPTURE(value);
    const auto r = runCli({"run", "eresource/critical-region", "--time-limit", value});
    CHECK(r.status == 2);
    CHECK(contains(r.err, "--time-limit"));
  }
}

TEST_CASE("a flag given a value exits 2 naming the flag") {
  const auto r = runCli({"run", "eresource/critical-region", "--json=yes"});
  CHECK(r.status == 2);
  CHECK(contains(r.err, "--json takes no value, found '--json=yes'"));
  CHECK(runCli({"run", "eresource/critical-region", "--no-minimize=true"}).status == 2);
  CHECK(runCli({"list", "--json=false"}).status == 2);
}

TEST_CASE("an unknown subcommand names the word typed") {
  const auto r = runCli({"frobnicate", "kmutex/abba"});
  CHECK(r.status == 2);
  CHECK(contains(r.err, "unknown command 'frobnicate'; expected one of list, run, replay, show, check, merge"));
}

TEST_CASE("check names the pattern that matched nothing") {
  const auto r = runCli({"check", "kmutex/abba", "no/such"});
  CHECK(r.status == 2);
  CHECK(contains(r.err, "no scenario matches 'no/such'"));
  CHECK(r.out.empty());
}

TEST_CASE("an empty value is an error, not a missing option") {
  for (const char* option : {"--shard", "--trace"}) {
    CAPTURE(option);
    const auto r = runCli({"run", "kmutex/abba", "--strategy", "naive", option, ""});
    CHECK(r.status == 2);
    CHECK(contains(r.err, option));
    CHECK(contains(r.err, "expected a value, found an empty one"));
  }
  CHECK(runCli({"check", "kmutex/abba", "--junit", ""}).status == 2);
  CHECK(runCli({"check", "kmutex/abba", "--sarif", ""}).status == 2);
  CHECK(runCli({"show", ""}).status == 2);
  CHECK(runCli({"replay", ""}).status == 2);
}

TEST_CASE("-j is --jobs") {
  const auto r = runCli({"run", "kmutex/abba", "--strategy", "naive", "-j", "2", "--json"});
  REQUIRE(r.status == 1);
  CHECK(json::parse(r.out)["settings"]["jobs"] == 2);
}

TEST_CASE("INTERLOCK_PROGRESS_INTERVAL takes decimal seconds only") {
  for (const std::string value : {"0x1", "+1", " 1", "1e1"}) {
    CAPTURE(value);
    const auto environment = [&value](const std::string&) -> std::optional<std::string> { return value; };
    CHECK_THROWS_AS((void)interlock::cli::progressInterval(false, environment), interlock::InputError);
  }
  const auto decimal = [](const std::string&) -> std::optional<std::string> { return "01.5"; };
  CHECK(interlock::cli::progressInterval(false, decimal) == 1.5);
}
