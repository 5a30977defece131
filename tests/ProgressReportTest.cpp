// Progress while a long search runs: one line rewritten in place on a terminal, a plain
// status line every few seconds otherwise, and one warning when the time limit is out of reach.
#include "CliSupport.hpp"
#include "interlock/reports/Trace.hpp"
#include "interlock/cli/ProgressReport.hpp"

#include <doctest/doctest.h>

#include <sstream>

using interlock::Progress;
using interlock::cli::countText;
using interlock::cli::durationText;
using interlock::cli::ProgressReporter;
using interlock::cli::to_string;
using interlock::test::EnvironmentGuard;
using interlock::test::runParameterized;

namespace {

const Progress kEarly{.executions = 1234, .executionsPerSecond = 617.2, .depth = 17, .maxDepth = 20,
                      .elapsedSeconds = 2.0};

std::size_t occurrences(const std::string& text, const std::string& what) {
  std::size_t count = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++count;
  return count;
}

}  // namespace

TEST_CASE("progress text shows executions, executions/s, depth and elapsed time") {
  CHECK(to_string(kEarly) == "1234 executions, 617 executions/s, depth 17 (max 20), 2.0 s elapsed");
  CHECK(to_string(Progress{.executions = 1}) == "1 execution, 0 executions/s, depth 0 (max 0), 0.0 s elapsed");
}

TEST_CASE("progress text adds the estimated tree size once the explorer has one") {
  Progress progress = kEarly;
  progress.executions = 120'000;
  progress.estimatedExecutions = 1.2e6;
  CHECK(to_string(progress) ==
        "120.0k executions, 617 executions/s, depth 17 (max 20), 2.0 s elapsed, tree ~1.2M executions (10% explored)");
}

TEST_CASE("an estimate below the executions already run never reads as more than 99% explored") {
  Progress progress = kEarly;
  progress.estimatedExecutions = 1000;
  CHECK(to_string(progress).ends_with("tree ~1000 executions (99% explored)"));
}

TEST_CASE("counts are exact below ten thousand and abbreviated above") {
  CHECK(countText(0) == "0");
  CHECK(countText(9999) == "9999");
  CHECK(countText(12'345) == "12.3k");
  CHECK(countText(999'949) == "999.9k");
  CHECK(countText(999'960) == "1.0M");
  CHECK(countText(4.5e9) == "4.5G");
  CHECK(countText(7e12) == "7.0T");
  CHECK(countText(3e15) == "3e+15");
}

TEST_CASE("durations read as seconds, then minutes, then hours") {
  CHECK(durationText(0.44) == "0.4 s");
  CHECK(durationText(59.9) == "59.9 s");
  CHECK(durationText(65) == "1m05s");
  CHECK(durationText(7380) == "2h03m");
}

TEST_CASE("off a terminal every report is one plain line") {
  std::ostringstream out;
  ProgressReporter reporter(out, false, 0);
  reporter.report(kEarly);
  reporter.report(kEarly);
  reporter.finish();
  const std::string line = "progress  1234 executions, 617 executions/s, depth 17 (max 20), 2.0 s elapsed\n";
  CHECK(out.str() == line + line);
}

TEST_CASE("on a terminal the report rewrites one line and finish erases it") {
  std::ostringstream out;
  {
    ProgressReporter reporter(out, true, 0);
    Progress longer = kEarly;
    longer.estimatedExecutions = 1e6;
    reporter.report(longer);
    reporter.report(kEarly);  // shorter: padded over the longer one
    reporter.finish();
  }
  const std::string text = out.str();
  CHECK(text.find('\n') == std::string::npos);
  CHECK(occurrences(text, "\rprogress  1234 executions") == 2);
  CHECK(text.ends_with("\r"));
  const std::string longest = "progress  " + to_string(Progress{kEarly.executions, kEarly.executionsPerSecond,
                                                                kEarly.depth, kEarly.maxDepth, kEarly.elapsedSeconds,
                                                                1e6, false});
  CHECK(text.find("\r" + std::string(longest.size(), ' ') + "\r") != std::string::npos);
}

TEST_CASE("the time-limit warning is printed once, with the estimate behind it") {
  std::ostringstream out;
  ProgressReporter reporter(out, false, 10);
  Progress over = kEarly;
  over.overTimeLimit = true;
  over.estimatedExecutions = 1.2e6;
  reporter.report(over);
  reporter.report(over);
  CHECK(occurrences(out.str(), "warning   ") == 1);
  CHECK(out.str().starts_with(
      "warning   the search will not finish within the time limit of 10.0 s: ~1.2M executions at 617 "
      "executions/s need about 32m24s; the verdict will be incomplete"));
}

TEST_CASE("no colour in progress, whatever the terminal") {
  std::ostringstream out;
  ProgressReporter reporter(out, true, 10);
  Progress over = kEarly;
  over.overTimeLimit = true;
  reporter.report(over);
  CHECK(out.str().find('\x1b') == std::string::npos);
}

TEST_CASE("the progress interval is 0.5 s on a terminal, 5 s otherwise, or INTERLOCK_PROGRESS_INTERVAL") {
  const auto none = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
  CHECK(interlock::cli::progressInterval(true, none) == 0.5);
  CHECK(interlock::cli::progressInterval(false, none) == 5.0);
  const auto quarter = [](const std::string&) -> std::optional<std::string> { return "0.25"; };
  CHECK(interlock::cli::progressInterval(false, quarter) == 0.25);
  const auto bad = [](const std::string&) -> std::optional<std::string> { return "soon"; };
  CHECK_THROWS_WITH_AS((void)interlock::cli::progressInterval(false, bad),
                       "INTERLOCK_PROGRESS_INTERVAL: expected seconds from 0 to 86400, found 'soon'",
                       interlock::InputError);
}

TEST_CASE("run prints progress lines to stderr while it explores") {
  const EnvironmentGuard env("INTERLOCK_PROGRESS_INTERVAL", "0");
  const auto r = runParameterized({"run", "test/counter", "--strategy", "naive", "--max-executions", "3", "--json"});
  CHECK(r.status == 3);
  CHECK(r.err.find("progress  1 execution, ") != std::string::npos);
  CHECK(r.err.find("progress  2 executions, ") != std::string::npos);
  CHECK(r.out.find("progress") == std::string::npos);
}

TEST_CASE("a short run prints no progress at the default interval") {
  const EnvironmentGuard env("INTERLOCK_PROGRESS_INTERVAL", std::nullopt);
  const auto r = runParameterized({"run", "test/counter", "--strategy", "naive", "--max-executions", "3"});
  CHECK(r.status == 3);
  CHECK(r.err.empty());
}

TEST_CASE("a bad INTERLOCK_PROGRESS_INTERVAL exits 2 naming the variable") {
  const EnvironmentGuard env("INTERLOCK_PROGRESS_INTERVAL", "-1");
  const auto r = runParameterized({"run", "test/counter", "--strategy", "naive"});
  CHECK(r.status == 2);
  CHECK(r.err == "interlock: INTERLOCK_PROGRESS_INTERVAL: expected seconds from 0 to 86400, found '-1'\n");
}
