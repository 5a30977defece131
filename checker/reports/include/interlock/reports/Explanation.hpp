#pragma once
// The first thing a counterexample says: one or two sentences in the kernel's terms (who
// was suspended owning what, who waits forever, which cycle), the contract breach that
// caused it, and the usual fix for its rule.
#include "interlock/reports/TextStyle.hpp"
#include "interlock/reports/TraceView.hpp"

#include <string>

namespace interlock {

// Lines end in '\n' and stay within 100 columns (long names aside).
[[nodiscard]] std::string explain(const TraceView& trace, const TextStyle& style = {});

}  // namespace interlock
