// `interlock show TRACE`: print a trace file's counterexample, from the file alone.
#include "Commands.hpp"

#include "interlock/reports/Trace.hpp"
#include "interlock/reports/TraceView.hpp"
#include "interlock/cli/Cli.hpp"

#include <cstdlib>
#include <iostream>
#include <string_view>
#include <unistd.h>

namespace interlock::cli {

bool colourWanted() {
  const char* noColour = std::getenv("NO_COLOR");
  if (noColour != nullptr && *noColour != '\0') return false;
  const char* term = std::getenv("TERM");
  if (term != nullptr && std::string_view(term) == "dumb") return false;
  return ::isatty(STDOUT_FILENO) == 1;
}

std::string renderTrace(const nlohmann::json& document, const std::string& source,
                        const std::string& format, const TextStyle& style) {
  const auto chosen = parseFormat(format);
  if (!chosen) throw InputError("--format: unknown format '" + format + "'");
  return render(viewTrace(document, source), *chosen, style);
}

int showCommand(const std::string& path, const std::string& format) {
  const TraceFile file = readTrace(path);
  std::cout << renderTrace(file.document, path, format, TextStyle{colourWanted()});
  return kPass;
}

}  // namespace interlock::cli
