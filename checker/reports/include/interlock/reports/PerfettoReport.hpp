#pragma once
// A counterexample as Chrome/Perfetto trace-event JSON (open in ui.perfetto.dev or
// chrome://tracing): one track per thread, lock holds, waits and suspensions as complete
// ("X") spans, calls and adversary events as instants. ts is the step index in µs, so the
// bytes depend on the trace alone.
#include "interlock/reports/TraceView.hpp"

#include <string>

namespace interlock {

[[nodiscard]] std::string perfettoReport(const TraceView& trace);

}  // namespace interlock
