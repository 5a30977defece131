#pragma once
// Names an execution keeps between runs: a setup names the same things every run, so keeping a
// name is nearly always a compare, not a copy.
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace interlock::detail {

// kept = name: the rare case of keepName, out of line.
void assignName(std::string& kept, std::string_view name);

// Whether two short texts are equal, compared inline a word at a time: a library memcmp call
// costs more than the names a setup repeats every run.
[[gnu::always_inline]] inline bool sameText(std::string_view a, std::string_view b) noexcept {
  const std::size_t n = a.size();
  if (n != b.size()) return false;
  const char* x = a.data();
  const char* y = b.data();
  auto word = [](const char* p, auto w) {
    std::memcpy(&w, p, sizeof w);
    return w;
  };
  if (n >= 8) {
    for (std::size_t i = 0; i + 8 < n; i += 8)
      if (word(x + i, std::uint64_t{}) != word(y + i, std::uint64_t{})) return false;
    return word(x + n - 8, std::uint64_t{}) == word(y + n - 8, std::uint64_t{});  // the last word may overlap
  }
  if (n >= 4)
    return word(x, std::uint32_t{}) == word(y, std::uint32_t{}) &&
           word(x + n - 4, std::uint32_t{}) == word(y + n - 4, std::uint32_t{});
  for (std::size_t i = 0; i < n; ++i)
    if (x[i] != y[i]) return false;
  return true;
}

// Keeps `kept` equal to `name`: nearly always a compare, since a setup names the same things
// every run. Inline (LTO left it a call: 3% of a lastzero execution); the copy is out of line.
[[gnu::always_inline]] inline void keepName(std::string& kept, std::string_view name) {
  if (!sameText(kept, name)) [[unlikely]] assignName(kept, name);
}

}  // namespace interlock::detail
