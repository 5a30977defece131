#pragma once
// The driver's source line at an address of its code: what a finding in driver code names.
#include <cstdint>
#include <optional>
#include <string>

namespace interlock::driver::detail {

struct SourceLine {
  std::string file;
  unsigned line = 0;
  std::string function;
};

// The line `pc` (an address in the driver library's code) belongs to, from its debug
// information; cached and deterministic, paths relative to the source root. nullopt: unknown.
[[nodiscard]] std::optional<SourceLine> sourceLineOf(std::uintptr_t pc);

}  // namespace interlock::driver::detail
