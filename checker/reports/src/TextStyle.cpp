#include "interlock/reports/TextStyle.hpp"

namespace interlock {

namespace {

std::string_view escape(Tone tone) noexcept {
  switch (tone) {
    case Tone::Plain: return "";
    case Tone::Bold: return "\x1b[1m";
    case Tone::Dim: return "\x1b[2m";
    case Tone::Red: return "\x1b[1;31m";
    case Tone::Yellow: return "\x1b[33m";
    case Tone::Green: return "\x1b[32m";
    case Tone::Magenta: return "\x1b[35m";
    case Tone::Cyan: return "\x1b[36m";
  }
  return "";
}

}  // namespace

std::string TextStyle::paint(std::string_view text, Tone tone) const {
  if (!colour || tone == Tone::Plain || text.empty()) return std::string(text);
  return std::string(escape(tone)) + std::string(text) + "\x1b[0m";
}

std::string keepTogether(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c == ' ') c = kKeepTogether;
  return out;
}

std::vector<std::string> wrap(std::string_view text, std::size_t width, std::string_view indent) {
  const std::size_t lead = std::min(text.find_first_not_of(' '), text.size());
  std::vector<std::string> lines;
  std::string line(text.substr(0, lead));
  std::size_t prefix = line.size();  // the line holds no word while size() == prefix
  auto flush = [&] {
    for (char& c : line)
      if (c == kKeepTogether) c = ' ';
    lines.push_back(std::move(line));
    line = std::string(indent);
    prefix = line.size();
  };
  std::size_t at = lead;
  while (at < text.size()) {
    const std::size_t end = std::min(text.find(' ', at), text.size());
    std::string_view word = text.substr(at, end - at);
    at = end + 1;
    if (word.empty()) continue;
    if (line.size() > prefix && line.size() + 1 + word.size() > width) flush();
    while (line.size() == prefix && prefix + word.size() > width) {
      const std::size_t room = std::max<std::size_t>(1, width > prefix ? width - prefix : 1);
      line += word.substr(0, room);
      word.remove_prefix(std::min(room, word.size()));
      if (word.empty()) break;
      flush();
    }
    if (word.empty()) continue;
    if (line.size() > prefix) line += ' ';
    line += word;
  }
  if (line.size() > prefix || lines.empty()) flush();
  return lines;
}

std::string stripAnsi(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\x1b' && i + 1 < text.size() && text[i + 1] == '[') {
      i += 2;
      while (i < text.size() && text[i] != 'm') ++i;
      continue;
    }
    out += text[i];
  }
  return out;
}

}  // namespace interlock
