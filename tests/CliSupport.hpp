#pragma once
// Runs the interlock command line in-process and captures what it prints.
#include "interlock/cli/Cli.hpp"

#include <initializer_list>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace interlock::test {

struct CliResult {
  int status;
  std::string out;
  std::string err;
};

inline CliResult runCli(std::initializer_list<std::string> args, const Catalogue& catalogue) {
  std::vector<std::string> storage{"interlock"};
  storage.insert(storage.end(), args.begin(), args.end());
  std::vector<const char*> argv;
  for (const std::string& arg : storage) argv.push_back(arg.c_str());
  std::ostringstream out, err;
  auto* oldOut = std::cout.rdbuf(out.rdbuf());
  auto* oldErr = std::cerr.rdbuf(err.rdbuf());
  const int status = cli::main(static_cast<int>(argv.size()), argv.data(), catalogue);
  std::cout.rdbuf(oldOut);
  std::cerr.rdbuf(oldErr);
  return {status, out.str(), err.str()};
}

inline CliResult runCli(std::initializer_list<std::string> args) {
  static const Catalogue catalogue = cli::builtinCatalogue();
  return runCli(args, catalogue);
}

}  // namespace interlock::test
