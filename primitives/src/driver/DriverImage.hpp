#pragma once
// The writable data of the shared library a driver is built into (its .data and .bss, past
// the part the loader made read-only after relocation), saved once as loaded and copied back
// before every execution: each execution starts from the driver's initial image.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace interlock::driver::detail {

class DriverImage {
 public:
  // Finds the library that holds `code` (an address in the driver, e.g. its DriverEntry) and
  // saves its writable data; throws ScenarioError when `code` is in the main program.
  void capture(const void* code);
  [[nodiscard]] bool captured() const noexcept { return !ranges_.empty() || base_ != 0; }
  [[nodiscard]] bool holds(const void* code) const noexcept;
  // Copies the saved bytes back.
  void restore() const noexcept;
  [[nodiscard]] std::size_t bytes() const noexcept { return saved_.size(); }
  // Whether `address` is in the driver's writable data, and its offset from the start.
  [[nodiscard]] bool contains(std::uintptr_t address, std::uintptr_t& offset) const noexcept;
  // The data symbol (static or not) from the library's symbol table that holds `address`,
  // and the offset into it; nullptr when none does (a stripped library).
  [[nodiscard]] const std::string* symbolAt(std::uintptr_t address, std::uintptr_t& offset) const;
  // The writable ranges (start, size) and the library's load address.
  [[nodiscard]] std::vector<std::pair<std::uintptr_t, std::size_t>> writableRanges() const;
  [[nodiscard]] std::uintptr_t base() const noexcept { return base_; }

 private:
  struct Range {
    std::uintptr_t start = 0;
    std::size_t size = 0;
    std::size_t savedAt = 0;  // offset in saved_
  };
  std::uintptr_t base_ = 0;  // the library's load address
  std::string path_;
  struct Symbol {
    std::uintptr_t size = 0;
    std::string name;
  };
  void readSymbols();
  std::map<std::uintptr_t, Symbol> symbols_;  // by address
  std::vector<Range> ranges_;
  std::vector<unsigned char> saved_;
};

}  // namespace interlock::driver::detail
