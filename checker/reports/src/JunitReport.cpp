#include "interlock/reports/JunitReport.hpp"

#include <algorithm>
#include <cstdio>

namespace interlock {

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Length of the well-formed UTF-8 sequence at `text[at]`, or 0 if it is not one.
std::size_t utf8Length(std::string_view text, std::size_t at) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(at);
  std::size_t length = 0;
  unsigned char low = 0x80, high = 0xBF;  // bounds of the second byte (rules out overlongs, surrogates)
  if (lead >= 0xC2 && lead <= 0xDF) length = 2;
  else if (lead >= 0xE0 && lead <= 0xEF) length = 3, low = lead == 0xE0 ? 0xA0 : 0x80, high = lead == 0xED ? 0x9F : 0xBF;
  else if (lead >= 0xF0 && lead <= 0xF4) length = 4, low = lead == 0xF0 ? 0x90 : 0x80, high = lead == 0xF4 ? 0x8F : 0xBF;
  else return 0;
  if (at + length > text.size() || byte(at + 1) < low || byte(at + 1) > high) return 0;
  for (std::size_t i = 2; i < length; ++i)
    if (byte(at + i) < 0x80 || byte(at + i) > 0xBF) return 0;
  return length;
}

std::string seconds(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3f", value);
  return text;
}

std::string attribute(std::string_view name, std::string_view value) {
  return " " + std::string(name) + "=\"" + xmlEscape(value) + "\"";
}

std::string threadName(ThreadId id, const Snapshot& names) {
  return id < names.threads.size() ? names.threads[id].name : "";
}

std::string violationLine(const Violation& v, const Snapshot& names) {
  const std::string thread = threadName(v.thread, names);
  return std::string(to_string(v.kind)) + " " + v.rule + " at step " + std::to_string(v.step) +
         (thread.empty() ? "" : " in " + thread) + ": " + v.message + "\n";
}

// What a person reading the dashboard needs: both verdicts, why, and how to see it again.
std::string failureText(const CheckOutcome& outcome) {
  const Verdict& verdict = outcome.verdict();
  const std::uint64_t executions = outcome.exploration.stats.executions;
  std::string text = "expected  " + outcome.expected.describe() + "\n" +
                     "got       " + verdict.summary() + "\n" +
                     "explored  " + std::to_string(executions) +
                     (executions == 1 ? " execution\n\n" : " executions\n\n");
  if (!outcome.explanation.empty()) {
    text += outcome.explanation;
  } else if (verdict.violation) {
    text += violationLine(*verdict.violation, outcome.names());
    for (const Violation& cause : verdict.causes)
      if (cause.message != verdict.violation->message)
        text += "cause: " + violationLine(cause, outcome.names());
  } else if (verdict.result == Result::Incomplete) {
    text += "The " + verdict.incompleteReason + " cut the search short, so the pass is not proved; " +
            verdict.remedy() + ".\n";
  } else {
    text += "No explored schedule shows the expected violation: the bug is gone, or the "
            "expectation is out of date.\n";
  }
  return text + "\nreproduce: interlock run " + outcome.scenario + " --strategy " +
         outcome.settings.strategy + "\n";
}

std::string testcase(const CheckOutcome& outcome) {
  std::string xml = "    <testcase" + attribute("classname", outcome.family()) +
                    attribute("name", outcome.scenario) +
                    attribute("time", seconds(outcome.exploration.stats.elapsedSeconds));
  if (outcome.met()) return xml + "/>\n";
  const std::string message =
      "expected " + outcome.expected.describe() + ", got " + outcome.verdict().summary();
  xml += ">\n      <failure" + attribute("message", message) +
         attribute("type", outcome.incompletePass() ? "incomplete" : "mismatch") + ">" +
         xmlEscape(failureText(outcome), XmlPlace::Text) + "</failure>\n";
  return xml + "    </testcase>\n";
}

}  // namespace

std::string xmlEscape(std::string_view text, XmlPlace place) {
  const bool inAttribute = place == XmlPlace::Attribute;
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x80) {
      const std::size_t length = utf8Length(text, i);
      const std::string_view sequence = text.substr(i, length);
      if (length == 0 || sequence == "\xEF\xBF\xBE" || sequence == "\xEF\xBF\xBF") {  // U+FFFE/F: not XML
        out += kReplacement;
        i += std::max<std::size_t>(length, 1);
      } else {
        out += sequence;
        i += length;
      }
      continue;
    }
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      case '\n': out += inAttribute ? "&#10;" : "\n"; break;
      case '\t': out += inAttribute ? "&#9;" : "\t"; break;
      case '\r': out += "&#13;"; break;  // a parser would turn a raw one into '\n'
      default:
        if (byte < 0x20 || byte == 0x7F) out += kReplacement;
        else out += c;
    }
    ++i;
  }
  return out;
}

std::string junitReport(std::span<const CheckOutcome> outcomes) {
  std::size_t failures = 0;
  double time = 0;
  std::string cases;
  for (const CheckOutcome& outcome : outcomes) {
    failures += outcome.met() ? 0 : 1;
    time += outcome.exploration.stats.elapsedSeconds;
    cases += testcase(outcome);
  }
  const std::string counts = attribute("tests", std::to_string(outcomes.size())) +
                             attribute("failures", std::to_string(failures)) +
                             attribute("errors", "0");
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
         "<testsuites" + attribute("name", "interlock") + counts + attribute("time", seconds(time)) +
         ">\n  <testsuite" + attribute("name", "interlock") + counts + attribute("skipped", "0") +
         attribute("time", seconds(time)) + ">\n" + cases + "  </testsuite>\n</testsuites>\n";
}

}  // namespace interlock
