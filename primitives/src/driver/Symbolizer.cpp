#include "Symbolizer.hpp"

namespace interlock::driver::detail {

// No debug-information reader in this build: callers print the address in the library.
std::optional<SourceLine> sourceLineOf(std::uintptr_t pc) {
  (void)pc;
  return std::nullopt;
}

}  // namespace interlock::driver::detail
