#pragma once
// A scenario: the driver situation, its threads and objects (built afresh by `setup`
// for every execution), its bounds, and the verdict the kernel's semantics imply.
#include "interlock/core/Violation.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace interlock {

class Setup;

struct Expectation {
  std::optional<ViolationKind> kind;  // empty: the scenario must pass
  std::string rule;                   // empty: any rule of that kind
  // The verdict with Driver Verifier enabled (--verifier), where it differs: a breach it
  // catches is then bug check 0xC4 at once. Unset: the same verdict as without it.
  bool verifierDiffers = false;
  std::optional<ViolationKind> verifierKind{};
  std::string verifierRule{};

  [[nodiscard]] static Expectation pass() { return {}; }
  [[nodiscard]] static Expectation violation(ViolationKind kind, std::string rule = {}) {
    return Expectation{kind, std::move(rule)};
  }
  // This expectation, with `reading` as the verdict under --verifier.
  [[nodiscard]] Expectation withVerifier(const Expectation& reading) const {
    Expectation both{kind, rule};
    both.verifierDiffers = true;
    both.verifierKind = reading.kind;
    both.verifierRule = reading.rule;
    return both;
  }
  // The expectation in force with Driver Verifier on or off.
  [[nodiscard]] Expectation reading(bool verifier) const {
    if (!verifier || !verifierDiffers) return Expectation{kind, rule};
    return Expectation{verifierKind, verifierRule};
  }
  [[nodiscard]] std::string describe() const;
};

struct Bounds {
  std::uint32_t maxSteps = 1000;      // per execution; hitting it makes the verdict incomplete
  std::uint32_t maxSuspensions = 1;   // NtSuspendThread calls per execution
  std::uint32_t maxApcs = 1;          // scenario APCs queued per execution
  std::uint32_t maxInterrupts = 1;    // interrupts (ISR runs) per execution
  // Processors the threads share, thread i on processor i mod N; 0: one processor per thread.
  std::uint32_t processors = 0;
};

// Named integer knobs of a parameterized scenario (bench/*: threads, rounds, n), as text.
using Parameters = std::map<std::string, std::string, std::less<>>;  // looked up by string_view

struct Scenario {
  std::string name;         // stable, e.g. "eresource/suspended-owner"
  std::string description;  // the driver situation it models, in a paragraph
  Expectation expected;
  Bounds bounds;
  std::function<void(Setup&)> setup;
  Parameters parameters{};  // the knobs it accepts, with their default values; Setup::intParam reads them
  // Called after a whole search: true when the scenario's scheduling points grew meanwhile
  // (driver memory found racing becomes one), so the search runs again with them. Unset: never.
  std::function<bool()> widened{};
  // Those scheduling points by name, as a trace records them, and how a replay starts from a
  // recorded list (throws ScenarioError for a name it does not know). Unset: it grows none.
  std::function<std::vector<std::string>()> points{};
  std::function<void(const std::vector<std::string>&)> usePoints{};
};

// A scenario that cannot be built (bad names, duplicate threads ...): the author's error.
class ScenarioError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The scenario with some parameters overridden (`--param KEY=VALUE`). Throws ScenarioError
// naming the key and the accepted ones when the scenario has no such parameter, and when a
// value is not a non-negative integer.
[[nodiscard]] Scenario withParameters(Scenario scenario, const Parameters& overrides);

}  // namespace interlock
