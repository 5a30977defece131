#pragma once
// Terminal text for the human reports: ANSI colour only when the caller says so (the CLI
// decides from the TTY and NO_COLOR), and layout helpers that measure text without it.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace interlock {

enum class Tone : std::uint8_t { Plain, Bold, Dim, Red, Yellow, Green, Magenta, Cyan };

struct TextStyle {
  bool colour = false;

  // `text` wrapped in the tone's escape sequence, or unchanged without colour.
  [[nodiscard]] std::string paint(std::string_view text, Tone tone) const;
};

// A space that wrap() never breaks at (it prints as ' '): "DV 0xC4/0x37" stays whole.
inline constexpr char kKeepTogether = '\x1f';
[[nodiscard]] std::string keepTogether(std::string_view text);

// Greedy word wrap to `width` columns. The first line keeps the text's leading spaces,
// later lines start with `indent`. A word longer than the room left is cut.
[[nodiscard]] std::vector<std::string> wrap(std::string_view text, std::size_t width,
                                            std::string_view indent = {});
// The text with ANSI escape sequences removed (what a terminal shows).
[[nodiscard]] std::string stripAnsi(std::string_view text);

}  // namespace interlock
