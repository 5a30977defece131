#include "interlock/reports/Render.hpp"

#include "interlock/reports/DotReport.hpp"
#include "interlock/reports/Explanation.hpp"
#include "interlock/reports/MermaidReport.hpp"
#include "interlock/reports/PerfettoReport.hpp"
#include "interlock/reports/Swimlanes.hpp"

#include <array>

namespace interlock {

namespace {
constexpr std::array kFormats{Format::Text, Format::Mermaid, Format::Perfetto, Format::Dot};
}  // namespace

std::string_view to_string(Format format) noexcept {
  switch (format) {
    case Format::Text: return "text";
    case Format::Mermaid: return "mermaid";
    case Format::Perfetto: return "perfetto";
    case Format::Dot: return "dot";
  }
  return "?";
}

std::optional<Format> parseFormat(std::string_view text) noexcept {
  for (Format format : kFormats)
    if (to_string(format) == text) return format;
  return std::nullopt;
}

std::vector<std::string> formatNames() {
  std::vector<std::string> names;
  for (Format format : kFormats) names.emplace_back(to_string(format));
  return names;
}

std::string render(const TraceView& trace, Format format, const TextStyle& style) {
  switch (format) {
    case Format::Text: return explain(trace, style) + "\n" + swimlanes(trace, style);
    case Format::Mermaid: return mermaidReport(trace);
    case Format::Perfetto: return perfettoReport(trace);
    case Format::Dot: return dotReport(trace);
  }
  return "";
}

}  // namespace interlock
