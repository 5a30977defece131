#pragma once
// The wait-for graph of a counterexample's final state in Graphviz DOT: a thread points at
// the object it waits for, an object at the threads that own it. Suspended threads and
// the violation's cycle or chain stand out.
#include "interlock/reports/TraceView.hpp"

#include <string>

namespace interlock {

[[nodiscard]] std::string dotReport(const TraceView& trace);

}  // namespace interlock
