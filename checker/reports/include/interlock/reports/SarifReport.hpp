#pragma once
// SARIF 2.1.0 (OASIS) for code-scanning dashboards: one rule per rule id, one result per
// violation found, each with its counterexample as a code flow (the merged schedule first,
// then one thread flow per thread). Violations a scenario expects are marked suppressed.
#include "interlock/reports/CheckOutcome.hpp"

#include <nlohmann/json.hpp>

#include <span>
#include <string>

namespace interlock {

inline constexpr const char* kSarifVersion = "2.1.0";
inline constexpr const char* kSarifSchema =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

[[nodiscard]] nlohmann::json sarifJson(std::span<const CheckOutcome> outcomes);
// The document as text; deterministic for equal outcomes (no times, no paths).
[[nodiscard]] std::string sarifReport(std::span<const CheckOutcome> outcomes);

}  // namespace interlock
