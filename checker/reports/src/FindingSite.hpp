#pragma once
// Where in the code under test a finding is: the sites (FILE:LINE) events carry, read for
// reports that point at source lines (SARIF's physical locations).
#include "interlock/core/Execution.hpp"
#include "interlock/core/Violation.hpp"

#include <optional>
#include <string>

namespace interlock {

struct SourceSite {
  std::string file;  // relative to the project's source root
  unsigned line = 0;
};

// "driver.c:120" as file and line; nothing for nullptr or text without a line number.
[[nodiscard]] std::optional<SourceSite> parseSite(const char* site);

// The line a finding points at in counterexample `cx`: its own event's site when it was
// reported on a thread in the code under test (a breached precondition), else the last line
// before it of the thread to blame (the suspended owner of a DoS, the first waiter of a
// cycle): where that thread stands. Nothing when no such event has a site.
[[nodiscard]] std::optional<SourceSite> findingSite(const ExecutionResult& cx, const Violation& v);

}  // namespace interlock
