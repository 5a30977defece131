#pragma once
// An ELF library's DWARF line table (.debug_line, versions 2 to 5) and function symbols
// (.symtab), read once: which file and line, and which function, an address of its code is in.
#include "Symbolizer.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace interlock::driver::detail {

class LineTable {
 public:
  // The tables of the ELF file at `path`; empty when it cannot be read or has no line table
  // (then at() finds nothing).
  [[nodiscard]] static LineTable read(const std::string& path);

  // The line and function at `address`, a link-time address (the load address subtracted).
  [[nodiscard]] std::optional<SourceLine> at(std::uintptr_t address) const;
  [[nodiscard]] bool empty() const noexcept { return ranges_.empty(); }

  // How a path from the debug information is shown: relative paths without "./", absolute
  // ones (outside the project's root) by their file name alone.
  [[nodiscard]] static std::string displayPath(const std::string& directory, const std::string& name);

 private:
  friend class LineProgram;
  struct Range {
    std::uintptr_t start = 0;
    std::uintptr_t end = 0;
    std::uint32_t file = 0;  // index into files_
    std::uint32_t line = 0;
  };
  struct Function {
    std::uintptr_t start = 0;
    std::uintptr_t size = 0;
    std::string name;
  };
  std::vector<Range> ranges_;        // by start, not overlapping
  std::vector<std::string> files_;
  std::vector<Function> functions_;  // by start
};

}  // namespace interlock::driver::detail
