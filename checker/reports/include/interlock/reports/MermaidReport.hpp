#pragma once
// A counterexample as a Mermaid sequenceDiagram (renders in GitHub Markdown inside a
// ```mermaid block): threads and objects are participants, calls on objects are
// messages, adversary events and violations are notes.
#include "interlock/reports/TraceView.hpp"

#include <string>

namespace interlock {

[[nodiscard]] std::string mermaidReport(const TraceView& trace);

}  // namespace interlock
