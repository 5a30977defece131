#include "interlock/cli/ProgressReport.hpp"

#include "interlock/reports/Trace.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ostream>
#include <string_view>
#include <unistd.h>

namespace interlock::cli {

std::string countText(double count) {
  char text[32];
  if (count < 9999.5) {
    std::snprintf(text, sizeof text, "%.0f", count);
    return text;
  }
  constexpr const char* kSuffixes = "kMGT";
  double scaled = count;
  for (int i = 0; i < 4; ++i) {
    scaled /= 1000;
    if (scaled < 999.95) {
      std::snprintf(text, sizeof text, "%.1f%c", scaled, kSuffixes[i]);
      return text;
    }
  }
  std::snprintf(text, sizeof text, "%.0e", count);
  return text;
}

std::string durationText(double seconds) {
  char text[32];
  if (seconds < 59.95) {
    std::snprintf(text, sizeof text, "%.1f s", seconds);
  } else if (seconds < 3600) {
    const long whole = std::lround(seconds);
    std::snprintf(text, sizeof text, "%ldm%02lds", whole / 60, whole % 60);
  } else {
    const long minutes = std::lround(seconds / 60);
    std::snprintf(text, sizeof text, "%ldh%02ldm", minutes / 60, minutes % 60);
  }
  return text;
}

std::string to_string(const Progress& progress) {
  std::string text = countText(static_cast<double>(progress.executions)) +
                     (progress.executions == 1 ? " execution, " : " executions, ") +
                     countText(progress.executionsPerSecond) + " executions/s, depth " +
                     std::to_string(progress.depth) + " (max " + std::to_string(progress.maxDepth) +
                     "), " + durationText(progress.elapsedSeconds) + " elapsed";
  if (progress.estimatedExecutions > 0) {
    const double share = 100.0 * static_cast<double>(progress.executions) / progress.estimatedExecutions;
    char percent[16];
    std::snprintf(percent, sizeof percent, "%.0f%%", share < 100 ? share : 99.0);
    text += ", tree ~" + countText(progress.estimatedExecutions) + " executions (" + percent + " explored)";
  }
  return text;
}

std::string overTimeLimitText(const Progress& progress, double timeLimitSeconds) {
  std::string text = "the search will not finish within the time limit of " + durationText(timeLimitSeconds);
  if (progress.estimatedExecutions > 0 && progress.executionsPerSecond > 0)
    text += ": ~" + countText(progress.estimatedExecutions) + " executions at " +
            countText(progress.executionsPerSecond) + " executions/s need about " +
            durationText(progress.estimatedExecutions / progress.executionsPerSecond);
  return text + "; the verdict will be incomplete (raise --time-limit, split the search with "
                "--jobs or --shard, or bound it with --strategy pb)";
}

double progressInterval(bool terminal, const Environment& environment) {
  const auto text = environment("INTERLOCK_PROGRESS_INTERVAL");
  if (!text) return terminal ? 0.5 : 5.0;
  // Decimal digits with at most one point: strtod alone would take "0x1p3", "+5" and " 5".
  const std::size_t point = text->find('.');
  const auto digits = [](std::string_view part) { return part.find_first_not_of("0123456789") == std::string_view::npos; };
  const bool decimal = *text != "." && digits(std::string_view(*text).substr(0, point)) &&
                       (point == std::string::npos || digits(std::string_view(*text).substr(point + 1)));
  char* end = nullptr;
  const double seconds = std::strtod(text->c_str(), &end);
  if (text->empty() || !decimal || end != text->c_str() + text->size() || !std::isfinite(seconds) || seconds < 0 ||
      seconds > 86400)
    throw InputError("INTERLOCK_PROGRESS_INTERVAL: expected seconds from 0 to 86400, found '" + *text + "'");
  return seconds;
}

bool stderrIsTerminal() { return ::isatty(STDERR_FILENO) == 1; }

void ProgressReporter::report(const Progress& progress) {
  if (progress.overTimeLimit && !warned_ && timeLimitSeconds_ > 0) {
    warned_ = true;
    clearLine();
    out_ << "warning   " << overTimeLimitText(progress, timeLimitSeconds_) << "\n";
  }
  const std::string line = "progress  " + to_string(progress);
  if (!terminal_) {
    out_ << line << std::endl;
    return;
  }
  out_ << '\r' << line;
  if (line.size() < lineWidth_) out_ << std::string(lineWidth_ - line.size(), ' ');
  out_ << std::flush;
  lineWidth_ = std::max(lineWidth_, line.size());
}

void ProgressReporter::clearLine() {
  if (lineWidth_ == 0) return;
  out_ << '\r' << std::string(lineWidth_, ' ') << '\r' << std::flush;
  lineWidth_ = 0;
}

void ProgressReporter::finish() { clearLine(); }

}  // namespace interlock::cli
