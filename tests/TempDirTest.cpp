// The tests' temporary directory: one of their own per instance, gone after destruction.
#include "TempDir.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

using interlock::test::TempDir;

TEST_CASE("a TempDir is a new, empty directory inside the system temporary directory") {
  const TempDir dir;
  CHECK(std::filesystem::is_directory(dir.path()));
  CHECK(std::filesystem::is_empty(dir.path()));
  CHECK(dir.path().parent_path() == std::filesystem::temp_directory_path());
}

TEST_CASE("two TempDirs alive at once are different directories") {
  const TempDir first;
  const TempDir second;
  CHECK(first.path() != second.path());
  CHECK(first.file("trace.json") != second.file("trace.json"));
}

TEST_CASE("a TempDir is removed with the files written into it when it is destroyed") {
  std::filesystem::path kept;
  {
    const TempDir dir;
    kept = dir.path();
    const std::string path = dir.write("trace.json", "{}\n");
    std::filesystem::create_directory(dir.path() / "nested");
    (void)dir.write("nested/inner.txt", "x");
    std::ifstream in(path, std::ios::binary);
    CHECK(std::string(std::istreambuf_iterator<char>(in), {}) == "{}\n");
  }
  CHECK_FALSE(std::filesystem::exists(kept));
}

TEST_CASE("TempDir::file names a path inside the directory without creating it") {
  const TempDir dir;
  const std::string missing = dir.file("missing.json");
  CHECK(std::filesystem::path(missing).parent_path() == dir.path());
  CHECK_FALSE(std::filesystem::exists(missing));
}
