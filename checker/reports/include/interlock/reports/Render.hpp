#pragma once
// One entry point for every way to show a counterexample, so `run`, `replay` and `show`
// print the same thing for the same trace.
#include "interlock/reports/TextStyle.hpp"
#include "interlock/reports/TraceView.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace interlock {

enum class Format : std::uint8_t {
  Text,      // explanation, then swimlanes
  Mermaid,   // sequenceDiagram
  Perfetto,  // Chrome/Perfetto trace-event JSON
  Dot,       // Graphviz wait-for graph of the final state
};

[[nodiscard]] std::string_view to_string(Format format) noexcept;
[[nodiscard]] std::optional<Format> parseFormat(std::string_view text) noexcept;
// "text", "mermaid", "perfetto", "dot", in that order.
[[nodiscard]] std::vector<std::string> formatNames();

// Deterministic: the same trace gives the same bytes. Colour applies to Text only.
[[nodiscard]] std::string render(const TraceView& trace, Format format, const TextStyle& style = {});

}  // namespace interlock
