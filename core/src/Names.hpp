#pragma once
// What a thread, object or APC name may be (shared by the files of Execution).
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace interlock::detail {

// Throws ScenarioError unless `name` is 1-64 letters, digits, '_', '-' or '.'.
void checkName(std::string_view name, const char* what);

// Whether two short texts are equal, compared inline a word at a time: a library memcmp call
// costs more than the names a setup repeats every run.
inline bool sameText(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  std::size_t i = 0;
  for (; i + 8 <= a.size(); i += 8) {
    std::uint64_t x = 0;
    std::uint64_t y = 0;
    std::memcpy(&x, a.data() + i, 8);
    std::memcpy(&y, b.data() + i, 8);
    if (x != y) return false;
  }
  for (; i < a.size(); ++i)
    if (a[i] != b[i]) return false;
  return true;
}

// Keeps `kept` equal to `name`: nearly always a compare, since a setup names the same things
// every run.
inline void keepName(std::string& kept, std::string_view name) {
  if (!sameText(kept, name)) kept.assign(name);
}

}  // namespace interlock::detail
