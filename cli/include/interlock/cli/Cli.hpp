#pragma once
// The `interlock` command line as a library, so a user project can build its own binary
// over the built-in catalogue plus its scenarios.
#include "interlock/checker/Catalogue.hpp"

namespace interlock::cli {

enum ExitStatus : int {
  kPass = 0,        // pass, or every expectation met
  kViolation = 1,   // a violation, or an expectation not met
  kBadInput = 2,    // bad usage or a bad input file
  kIncomplete = 3,  // a bound was hit before the search finished
  kInternal = 70,   // a bug in Interlock
};

[[nodiscard]] int main(int argc, const char* const* argv, const Catalogue& catalogue);

// The built-in scenarios, ready for main().
[[nodiscard]] Catalogue builtinCatalogue();

}  // namespace interlock::cli
