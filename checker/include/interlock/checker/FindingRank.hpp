#pragma once
// How a search ranks what it finds: a consequence (the machine stops, hangs or asserts) above
// a lock-order cycle (a deadlock waiting for its schedule) above a contract breach alone. A
// search reports its best-ranked finding, and so does a merge of the search's shards.
#include "interlock/core/Execution.hpp"
#include "interlock/core/Violation.hpp"

#include <cstdint>

namespace interlock {

enum class FindingRank : std::uint8_t { None, Breach, LockOrder, Consequence };
inline constexpr std::size_t kFindingRanks = 4;

[[nodiscard]] FindingRank rankOf(ViolationKind kind) noexcept;
// The best rank among the execution's violations (None when it has none).
[[nodiscard]] FindingRank rankOf(const ExecutionResult& execution) noexcept;
// The violation an execution shows (its verdict's): the first of the best rank, nullptr
// without any. A consequence is only ever the last violation, so it is the one.
[[nodiscard]] const Violation* shownViolation(const ExecutionResult& execution) noexcept;

}  // namespace interlock
