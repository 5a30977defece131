#pragma once
// A directory of one test's own: made uniquely in the system temporary directory (TMPDIR),
// removed with everything in it when the test ends, so tests running side by side never
// share a file and a finished run leaves nothing behind.
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <unistd.h>
#include <vector>

namespace interlock::test {

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "interlock-test-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr)
      throw std::runtime_error("cannot make a directory from " + pattern + ": " + std::strerror(errno));
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;  // a destructor must not throw; a leftover is only untidy
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }
  // The path of `name` inside the directory; nothing is created.
  [[nodiscard]] std::string file(std::string_view name) const { return (path_ / name).string(); }
  [[nodiscard]] std::string operator/(std::string_view name) const { return file(name); }
  // The names of the files in it, sorted.
  [[nodiscard]] std::vector<std::string> files() const {
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(path_)) names.push_back(entry.path().filename());
    std::sort(names.begin(), names.end());
    return names;
  }
  // Writes `contents` to file(name), byte for byte, and returns that path.
  std::string write(std::string_view name, std::string_view contents) const {
    const std::string where = file(name);
    std::ofstream(where, std::ios::binary | std::ios::trunc).write(contents.data(),
                                                                   static_cast<std::streamsize>(contents.size()));
    return where;
  }

 private:
  std::filesystem::path path_;
};

}  // namespace interlock::test
