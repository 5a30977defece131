#pragma once
// What a long search prints while it runs: on a terminal one line rewritten in place, else a
// plain status line every few seconds (so short runs and CI logs stay quiet). No colour.
#include "interlock/checker/Explorer.hpp"
#include "interlock/cli/ShardOption.hpp"

#include <iosfwd>
#include <string>

namespace interlock::cli {

// "1234 executions, 617 executions/s, depth 17 (max 20), 2.0 s elapsed" and, once the
// explorer has an estimate, ", tree ~1.2M executions (10% explored)".
[[nodiscard]] std::string to_string(const Progress& progress);
// "0.4 s", "59.9 s", "1m05s", "2h03m".
[[nodiscard]] std::string durationText(double seconds);
// "950", "9999", "12.3k", "1.2M", "4.5G", "7.0T"; larger as "3e+15".
[[nodiscard]] std::string countText(double count);
// The one-time notice that the search will not finish within `timeLimitSeconds`.
[[nodiscard]] std::string overTimeLimitText(const Progress& progress, double timeLimitSeconds);

// Seconds between reports: INTERLOCK_PROGRESS_INTERVAL when set (a number >= 0; for tests and
// impatient people), else 0.5 on a terminal and 5 otherwise. Throws InputError naming the
// variable for a bad value.
[[nodiscard]] double progressInterval(bool terminal, const Environment& environment);

// Whether stderr is a terminal, where progress rewrites one line.
[[nodiscard]] bool stderrIsTerminal();

class ProgressReporter {
 public:
  ProgressReporter(std::ostream& out, bool terminal, double timeLimitSeconds)
      : out_(out), terminal_(terminal), timeLimitSeconds_(timeLimitSeconds) {}
  ProgressReporter(const ProgressReporter&) = delete;
  ProgressReporter& operator=(const ProgressReporter&) = delete;
  ~ProgressReporter() { finish(); }

  void report(const Progress& progress);
  // Erases the line being rewritten on a terminal, so the result starts on a clean line.
  void finish();

 private:
  void clearLine();
  std::ostream& out_;
  bool terminal_;
  double timeLimitSeconds_;
  std::size_t lineWidth_ = 0;  // of the line on screen, 0 when there is none
  bool warned_ = false;
};

}  // namespace interlock::cli
