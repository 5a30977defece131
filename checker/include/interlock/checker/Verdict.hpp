#pragma once
// The outcome of an exploration: pass, a violation with the breaches that led to it, or
// incomplete because a bound cut the search short.
#include "interlock/core/Execution.hpp"
#include "interlock/core/Scenario.hpp"
#include "interlock/core/Violation.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace interlock {

enum class Result : std::uint8_t { Pass, Violation, Incomplete };

[[nodiscard]] std::string_view to_string(Result result) noexcept;

struct Verdict {
  Result result = Result::Pass;
  std::optional<Violation> violation;  // Result::Violation only
  std::vector<Violation> causes;       // contract breaches on the counterexample's path
  std::string incompleteReason;        // Result::Incomplete only: which bound was hit
  // Result::Violation without a consequence only: the budget that ended the search ("execution
  // budget", "time limit"); a larger one may find what the breach leads to.
  std::string budgetHit;

  [[nodiscard]] ViolationKind kind() const { return violation->kind; }
  // Whether this verdict is the one the scenario states it should get.
  [[nodiscard]] bool meets(const Expectation& expected) const;
  [[nodiscard]] std::string summary() const;  // "pass", "SuspendedOwnerDoS (SuspendedOwner)"
  // Result::Incomplete only: what would let the search finish, for each cause of
  // incompleteReason ("raise --time-limit or split the search with --jobs or --shard").
  [[nodiscard]] std::string remedy() const;
};

// The remedy for each cause named in `reasons` ("step bound, time limit"), as Verdict::remedy.
[[nodiscard]] std::string remedyFor(std::string_view reasons);

// The verdict one execution shows by itself: its first violation of the best rank
// (FindingRank.hpp).
[[nodiscard]] Verdict verdictOf(const ExecutionResult& execution);

}  // namespace interlock
