#pragma once
// What a driver developer usually changes to fix a finding, keyed by its rule id. The
// table lives in FixPatterns.cpp alone, so a new rule's advice is one line there.
#include <optional>
#include <span>
#include <string_view>

namespace interlock {

struct FixPattern {
  std::string_view rule;  // the violation's rule id: SDV rule, stop-code name or property id
  std::string_view fix;   // imperative, in the kernel's words
};

[[nodiscard]] std::span<const FixPattern> fixPatterns() noexcept;
[[nodiscard]] std::optional<std::string_view> fixFor(std::string_view rule) noexcept;

}  // namespace interlock
