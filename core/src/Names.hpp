#pragma once
// What a thread, object or APC name may be (shared by the files of Execution).
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace interlock::detail {

// Throws ScenarioError unless `name` is 1-64 letters, digits, '_', '-' or '.'.
void checkName(std::string_view name, const char* what);

// Keeps `kept` equal to `name`. A setup names the same things every run, so this is nearly
// always a compare; inline, because a library memcmp call costs more than a short name.
inline void keepName(std::string& kept, std::string_view name) {
  bool same = kept.size() == name.size();
  const char* a = kept.data();
  const char* b = name.data();
  std::size_t left = same ? name.size() : 0;
  for (; left >= 8; left -= 8, a += 8, b += 8) {  // a word at a time
    std::uint64_t x = 0;
    std::uint64_t y = 0;
    std::memcpy(&x, a, 8);
    std::memcpy(&y, b, 8);
    if (x != y) {
      same = false;
      left = 0;
      break;
    }
  }
  for (; left != 0; --left) same = same && *a++ == *b++;
  if (!same) kept.assign(name);
}

}  // namespace interlock::detail
