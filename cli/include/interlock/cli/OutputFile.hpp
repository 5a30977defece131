#pragma once
// An output file that appears whole or not at all: written to a temporary name beside it
// and renamed on commit. Opening it early reports an unwritable path before any work.
#include <string>

namespace interlock::cli {

class OutputFile {
 public:
  // Throws InputError naming the path if it cannot be created.
  explicit OutputFile(std::string path);
  ~OutputFile();  // removes the temporary file unless committed
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  void commit(const std::string& contents);
  [[nodiscard]] const std::string& path() const noexcept { return path_; }

 private:
  std::string path_;
  std::string temporary_;
  bool committed_ = false;
};

}  // namespace interlock::cli
