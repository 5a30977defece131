#pragma once
// A counterexample as text swimlanes: one column per thread, one row per event grouped by
// step, IRQL and APC-disable counts only where they change, adversary events and
// violations marked (violations footnoted in full), then who owns and waits on what.
#include "interlock/reports/TextStyle.hpp"
#include "interlock/reports/TraceView.hpp"

#include <string>

namespace interlock {

[[nodiscard]] std::string swimlanes(const TraceView& trace, const TextStyle& style = {});

}  // namespace interlock
