#pragma once
// Helpers for the report tests: a catalogue scenario's live trace, golden files compared
// byte for byte, and environment variables set for one test.
#include "interlock/checker/Explorer.hpp"
#include "interlock/reports/Trace.hpp"
#include "interlock/reports/TraceView.hpp"
#include "interlock/cli/Cli.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

namespace interlock::test {

inline const Catalogue& builtin() {
  static const Catalogue catalogue = cli::builtinCatalogue();
  return catalogue;
}

// The trace document `interlock run NAME --trace` writes today.
inline nlohmann::json liveTrace(const std::string& name) {
  const Scenario* scenario = builtin().find(name);
  REQUIRE(scenario != nullptr);
  const Settings settings = defaultSettings(*scenario);
  const Exploration exploration = explore(*scenario, settings);
  REQUIRE(exploration.counterexample.has_value());
  return traceJson(*scenario, settings, *exploration.counterexample);
}

inline TraceView liveView(const std::string& name) { return viewTrace(liveTrace(name), name); }

// Compares `actual` with tests/golden/NAME byte for byte and names the first differing
// line. INTERLOCK_UPDATE_GOLDEN=1 rewrites the file instead (then review the diff).
inline void checkGolden(const std::string& name, const std::string& actual) {
  const std::string path = std::string(INTERLOCK_SOURCE_DIR) + "/tests/golden/" + name;
  if (const char* update = std::getenv("INTERLOCK_UPDATE_GOLDEN"); update != nullptr && *update == '1') {
    std::ofstream(path, std::ios::binary) << actual;
    MESSAGE("rewrote " << path);
    return;
  }
  std::ifstream in(path, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "golden file " << path << " is missing (INTERLOCK_UPDATE_GOLDEN=1 writes it)");
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string expected = buffer.str();
  if (expected == actual) return;
  std::istringstream e(expected), a(actual);
  std::string el, al;
  std::size_t line = 0;
  while (true) {
    ++line;
    const bool moreE = static_cast<bool>(std::getline(e, el));
    const bool moreA = static_cast<bool>(std::getline(a, al));
    if (!moreE && !moreA) break;  // same lines: they differ in the final newline only
    if (moreE != moreA || el != al) {
      FAIL_CHECK("golden " << name << " differs first at line " << line << "\n  expected: "
                           << (moreE ? el : "<end of file>") << "\n  actual:   "
                           << (moreA ? al : "<end of file>")
                           << "\n(INTERLOCK_UPDATE_GOLDEN=1 rewrites tests/golden after a deliberate change)");
      return;
    }
  }
  FAIL_CHECK("golden " << name << " differs only in the final newline");
}

// Sets (or, with nullopt, unsets) an environment variable until the end of the scope.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, std::optional<std::string> value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value) ::setenv(name, value->c_str(), 1);
    else ::unsetenv(name);
  }
  ~ScopedEnv() {
    if (old_) ::setenv(name_, old_->c_str(), 1);
    else ::unsetenv(name_);
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

}  // namespace interlock::test
