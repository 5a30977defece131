// One input through every reader of a user's file: `show` and `replay` read it as a trace
// (replay also feeds the trace's scenario.parameters to the scenario's parameter reader),
// `merge` (text and --json) as the output of `run --json`, and "KEY=VALUE" goes to the
// parameter reader of every parameterized catalogue scenario directly. Any exit status but
// 0-3 (70 is an internal error), and any crash or sanitizer report, is a finding.
#include "FuzzTarget.hpp"

#include "interlock/reports/Trace.hpp"
#include "interlock/cli/Cli.hpp"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

namespace {

const interlock::Catalogue& catalogue() {
  static const interlock::Catalogue builtin = interlock::cli::builtinCatalogue();
  return builtin;
}

// One file per process, rewritten for every input.
const std::string& inputPath() {
  static const std::string path = [] {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/interlock-fuzz-XXXXXX";
    const int fd = ::mkstemp(pattern.data());
    if (fd < 0) std::abort();
    ::close(fd);
    return pattern;
  }();
  static const bool removedAtExit = [] { return std::atexit([] { std::remove(path.c_str()); }) == 0; }();
  (void)removedAtExit;
  return path;
}

void runCommand(std::vector<std::string> args) {
  args.insert(args.begin(), "interlock");
  std::vector<const char*> argv;
  for (const std::string& arg : args) argv.push_back(arg.c_str());
  std::ostringstream out, err;
  auto* oldOut = std::cout.rdbuf(out.rdbuf());
  auto* oldErr = std::cerr.rdbuf(err.rdbuf());
  const int status = interlock::cli::main(static_cast<int>(argv.size()), argv.data(), catalogue());
  std::cout.rdbuf(oldOut);
  std::cerr.rdbuf(oldErr);
  if (status >= 0 && status <= 3) return;
  std::cerr << "interlock " << args[1] << " exited " << status << ":\n" << err.str().substr(0, 2000) << "\n";
  std::abort();
}

void readParameters(std::string_view text) {
  const auto equals = text.find('=');
  if (equals == std::string_view::npos || text.size() > 4096) return;
  const interlock::Parameters parameters{{std::string(text.substr(0, equals)), std::string(text.substr(equals + 1))}};
  for (const interlock::Scenario& scenario : catalogue().all()) {
    if (scenario.parameters.empty()) continue;
    try {
      (void)interlock::withParameters(scenario, parameters);
    } catch (const interlock::ScenarioError&) {
    }
  }
}

}  // namespace

int interlockFuzzOne(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  {
    std::ofstream file(inputPath(), std::ios::binary | std::ios::trunc);
    file << text;
  }
  runCommand({"show", inputPath()});
  runCommand({"replay", inputPath(), "--json"});
  runCommand({"merge", inputPath()});
  runCommand({"merge", inputPath(), "--json"});
  readParameters(text);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return interlockFuzzOne(data, size);
}
