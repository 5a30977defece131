#pragma once
// The driver's source line at an address in its code: read from the DWARF line table and the
// symbol table of the library holding the address, once per library, then cached per address.
// Paths are relative to the driver project's source root (interlock_add_driver maps it to
// "." in the debug information); a file outside it (a WDK header) is named by its file name
// alone, so the same build gives the same text on every machine. For counterexamples only:
// never called while a search runs.
#include <cstdint>
#include <optional>
#include <string>

namespace interlock::driver::detail {

struct SourceLine {
  std::string file;      // "driver.c", "src/queue.c"
  unsigned line = 0;     // 1-based
  std::string function;  // "ExampleSetConfig"; empty when the symbol table has none
};

// The line of the call that returns to `pc` (a return address in the library's code, as a
// stack walk or __builtin_return_address gives it: the line of pc - 1 is looked up). Nothing
// when `pc` is in no loaded library, or the library has no line table (built without -g).
// Thread-safe.
[[nodiscard]] std::optional<SourceLine> sourceLineOf(std::uintptr_t pc);

}  // namespace interlock::driver::detail
