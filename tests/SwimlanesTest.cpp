// Text swimlanes: a column per thread, state changes only where they happen, adversary
// events and violations marked, the end state, colour only on request, same bytes always.
#include "ReportSupport.hpp"

#include "interlock/reports/Swimlanes.hpp"

#include <doctest/doctest.h>

using namespace interlock;
using interlock::test::checkGolden;
using interlock::test::liveView;

namespace {

std::size_t count(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

std::string lineWith(const std::string& text, const std::string& part) {
  const auto at = text.find(part);
  if (at == std::string::npos) return "";
  const auto start = text.rfind('\n', at) + 1;
  return text.substr(start, text.find('\n', at) - start);
}

}  // namespace

TEST_CASE("swimlanes of the suspended owner match the golden file, with and without colour") {
  const TraceView trace = liveView("eresource/suspended-owner");
  checkGolden("suspended-owner.swimlanes.txt", swimlanes(trace, TextStyle{false}));
  checkGolden("suspended-owner.swimlanes.ansi", swimlanes(trace, TextStyle{true}));
}

TEST_CASE("swimlanes give each thread a column and put each call in its thread's column") {
  const std::string text = swimlanes(liveView("eresource/suspended-owner"));
  const std::string header = lineWith(text, "step");
  const auto userColumn = header.find("user");
  const auto systemColumn = header.find("system");
  REQUIRE(userColumn != std::string::npos);
  REQUIRE(systemColumn > userColumn);
  CHECK(lineWith(text, "KeEnterCriticalRegion()").find("KeEnterCriticalRegion()") == systemColumn);
  CHECK(lineWith(text, "NtSuspendThread(user)").find("[adversary]") == userColumn);
  CHECK(lineWith(text, "NtSuspendThread(user)").find("   1  [adversary]") == 0);  // the step, right-aligned
}

TEST_CASE("IRQL and APC-disable counts appear only where they change") {
  const std::string text = swimlanes(liveView("eresource/suspended-owner"));
  // system enters its critical region once; nothing else changes a count.
  CHECK(count(text, "[KernelApcDisable 0->-1]") == 1);
  CHECK(count(text, "IRQL ") == 0);
  CHECK(count(text, "SpecialApcDisable") == 0);
}

TEST_CASE("adversary events and violations are marked, violations footnoted in full") {
  const std::string text = swimlanes(liveView("eresource/suspended-owner"));
  CHECK(text.find("[adversary] NtSuspendThread(user)") != std::string::npos);
  CHECK(text.find("!! [1] WithinCriticalRegion, DV 0xC4/0x37") != std::string::npos);
  CHECK(text.find("!! [2] SuspendedOwnerDoS (SuspendedOwner)") != std::string::npos);
  CHECK(text.find("[1] step 0, user: ContractViolation WithinCriticalRegion (DV 0xC4/0x37):") !=
        std::string::npos);
  CHECK(text.find("[2] step 3: SuspendedOwnerDoS SuspendedOwner: system waits for") != std::string::npos);
}

TEST_CASE("the swimlanes end with who owns and who waits on what") {
  const std::string text = swimlanes(liveView("lock-order/abba"));
  const std::string end = text.substr(text.find("at the end\n"));
  CHECK(end ==
        "at the end\n"
        "  create  (system)  waiting for ERESOURCE FileLock (exclusive); owns ERESOURCE VolumeLock\n"
        "                      (exclusive x1); KernelApcDisable -1\n"
        "  rename  (system)  waiting for ERESOURCE VolumeLock (exclusive); owns ERESOURCE FileLock\n"
        "                      (exclusive x1); KernelApcDisable -1\n");
}

TEST_CASE("colour is ANSI escapes around the same text") {
  const TraceView trace = liveView("lock-order/abba");
  const std::string plain = swimlanes(trace, TextStyle{false});
  const std::string coloured = swimlanes(trace, TextStyle{true});
  CHECK(plain.find('\x1b') == std::string::npos);
  CHECK(coloured.find("\x1b[1;31m!! [1] Deadlock (WaitCycle)\x1b[0m") != std::string::npos);
  CHECK(stripAnsi(coloured) == plain);
}

TEST_CASE("swimlanes are the same bytes for the same trace, run after run") {
  const std::string first = swimlanes(liveView("lock-order/abba"), TextStyle{true});
  CHECK(swimlanes(liveView("lock-order/abba"), TextStyle{true}) == first);
}

TEST_CASE("wrap keeps to the width, keeps the first line's indent and never splits kept-together text") {
  CHECK(wrap("  one two three four", 10, "    ") ==
        std::vector<std::string>{"  one two", "    three", "    four"});
  CHECK(wrap("a " + keepTogether("DV 0xC4/0x37") + " b", 13) ==
        std::vector<std::string>{"a", "DV 0xC4/0x37", "b"});
  CHECK(wrap("abcdefghij", 4) == std::vector<std::string>{"abcd", "efgh", "ij"});
  CHECK(wrap("", 10) == std::vector<std::string>{""});
}
