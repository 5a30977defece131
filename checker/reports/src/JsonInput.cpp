#include "interlock/reports/JsonInput.hpp"

#include "interlock/reports/Trace.hpp"

#include <filesystem>
#include <fstream>

namespace interlock {

using nlohmann::json;

namespace {

// Streaming, before the parser sees the text: nlohmann's DOM, comparison and serialization
// recurse once per level, so a deep enough input would overflow the stack in any of them.
void requireShallow(std::string_view text, const std::string& source) {
  std::size_t depth = 0;
  bool inString = false;
  bool escaped = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') inString = false;
    } else if (c == '"') {
      inString = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxInputDepth)
        throw InputError(source + ": arrays and objects nest more than " + std::to_string(kMaxInputDepth) +
                         " levels deep (at byte " + std::to_string(i) + "); interlock reads no deeper");
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
}

std::string shortened(std::string text, std::size_t limit) {
  if (text.size() <= limit) return text;
  text.resize(limit);
  while (!text.empty() && static_cast<unsigned char>(text.back()) >= 0x80) text.pop_back();  // no half character
  return text + "...";
}

// JSON text of `value` until `out` is longer than `limit`; the caller cuts the rest.
void write(const json& value, std::string& out, std::size_t limit) {
  const auto quoted = [&](const std::string& text) {
    out += json(text.substr(0, limit + 1)).dump(-1, ' ', false, json::error_handler_t::replace);
  };
  switch (value.type()) {
    case json::value_t::array: {
      out += '[';
      bool first = true;
      for (const json& element : value) {
        if (out.size() > limit) return;
        if (!first) out += ',';
        first = false;
        write(element, out, limit);
      }
      out += ']';
      return;
    }
    case json::value_t::object: {
      out += '{';
      bool first = true;
      for (const auto& [key, element] : value.items()) {
        if (out.size() > limit) return;
        if (!first) out += ',';
        first = false;
        quoted(key);
        out += ':';
        write(element, out, limit);
      }
      out += '}';
      return;
    }
    case json::value_t::string: quoted(value.get_ref<const std::string&>()); return;
    default: out += value.dump(); return;
  }
}

}  // namespace

json parseJsonInput(std::string_view text, const std::string& source) {
  if (text.size() > kMaxInputBytes)
    throw InputError(source + ": larger than " + std::to_string(kMaxInputBytes / (1024 * 1024)) +
                     " MiB, the most interlock reads");
  requireShallow(text, source);
  try {
    return json::parse(text);
  } catch (const json::exception& error) {
    // Parse errors quote the last token read, which may be a megabyte-long string.
    throw InputError(source + ": not valid JSON (" + shortened(error.what(), 200) + ")");
  }
}

json readJsonInput(const std::string& path) {
  std::error_code ignored;
  if (std::filesystem::is_directory(path, ignored))
    throw InputError(path + ": is a directory, not a file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": cannot open the file for reading");
  std::string text;
  char chunk[65536];
  // In chunks up to one past the limit: the size of a pipe or a growing file is not known ahead.
  while (text.size() <= kMaxInputBytes && in.read(chunk, sizeof chunk).gcount() > 0)
    text.append(chunk, static_cast<std::size_t>(in.gcount()));
  if (in.bad()) throw InputError(path + ": reading the file failed");
  return parseJsonInput(text, path);
}

std::string excerpt(const json& value, std::size_t limit) {
  std::string out;
  write(value, out, limit);
  return shortened(std::move(out), limit);
}

}  // namespace interlock
