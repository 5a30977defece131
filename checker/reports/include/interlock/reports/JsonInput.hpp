#pragma once
// JSON a user hands in (trace files, `run --json` outputs): its size and nesting are bounded
// before it is parsed, so no file can exhaust the stack, the memory or the patience of a
// reader, and a value quoted in an error message is an excerpt, never the whole input.
#include <nlohmann/json.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace interlock {

// About 50,000 trace events (50 times the default step bound); the catalogue's traces are a
// few kilobytes. The parsed document takes up to about 16 times the file's size in memory.
inline constexpr std::size_t kMaxInputBytes = 16 * 1024 * 1024;
// Arrays and objects inside each other; interlock's own files nest seven deep.
inline constexpr std::size_t kMaxInputDepth = 64;

// Parses `text`; throws InputError naming `source` when it is too large, nests too deeply
// or is not JSON (a number beyond a double's range included).
[[nodiscard]] nlohmann::json parseJsonInput(std::string_view text, const std::string& source);
// Reads the file at `path` and parses it as above; throws InputError naming the path.
[[nodiscard]] nlohmann::json readJsonInput(const std::string& path);

// A value as an error message quotes it: its JSON text, cut after `limit` characters with
// "..." (a long string or a large array costs no more than a short one).
[[nodiscard]] std::string excerpt(const nlohmann::json& value, std::size_t limit = 60);

}  // namespace interlock
