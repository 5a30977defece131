#include "interlock/cli/OutputFile.hpp"

#include "interlock/reports/Trace.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace interlock::cli {

OutputFile::OutputFile(std::string path)
    : path_(std::move(path)), temporary_(path_ + ".tmp." + std::to_string(::getpid())) {
  if (path_.empty()) throw InputError("an output file needs a path, found an empty one");
  // The temporary name is writable beside a directory too, but the rename onto it would fail
  // only after the whole search.
  std::error_code ignored;
  if (std::filesystem::is_directory(path_, ignored))
    throw InputError(path_ + ": cannot write here (it is a directory; give a file name)");
  {
    std::ofstream probe(temporary_, std::ios::binary | std::ios::trunc);
    if (!probe) throw InputError(path_ + ": cannot write here (" + std::strerror(errno) + ")");
  }
  // Nothing stays behind while the search runs, should the process be killed.
  std::remove(temporary_.c_str());
}

OutputFile::~OutputFile() {
  if (!committed_) std::remove(temporary_.c_str());
}

void OutputFile::commit(const std::string& contents) {
  {
    std::ofstream out(temporary_, std::ios::binary | std::ios::trunc);
    out << contents;
    out.flush();
    if (!out) throw InputError(path_ + ": writing failed (" + std::strerror(errno) + ")");
  }
  if (std::rename(temporary_.c_str(), path_.c_str()) != 0)
    throw InputError(path_ + ": cannot replace the file (" + std::strerror(errno) + ")");
  committed_ = true;
}

}  // namespace interlock::cli
