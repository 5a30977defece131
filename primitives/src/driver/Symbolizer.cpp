#include "Symbolizer.hpp"

#include "LineTable.hpp"

#include <dlfcn.h>
#include <link.h>

#include <map>
#include <mutex>

namespace interlock::driver::detail {

namespace {

struct Cache {
  std::mutex mutex;
  std::map<std::string, LineTable> tables;                      // by library path
  std::map<std::uintptr_t, std::optional<SourceLine>> lines;  // by pc
};

Cache& cache() {
  static Cache instance;
  return instance;
}

std::optional<SourceLine> lookUp(Cache& c, std::uintptr_t pc) {
  Dl_info info{};
  link_map* library = nullptr;
  if (pc == 0 || dladdr1(reinterpret_cast<void*>(pc), &info, reinterpret_cast<void**>(&library), RTLD_DL_LINKMAP) == 0 ||
      library == nullptr || info.dli_fname == nullptr || info.dli_fname[0] == '\0')
    return std::nullopt;
  auto table = c.tables.find(info.dli_fname);
  if (table == c.tables.end()) table = c.tables.emplace(info.dli_fname, LineTable::read(info.dli_fname)).first;
  // A return address follows its call: the call's own line is the byte before.
  return table->second.at(pc - 1 - library->l_addr);
}

}  // namespace

std::optional<SourceLine> sourceLineOf(std::uintptr_t pc) {
  Cache& c = cache();
  const std::lock_guard lock(c.mutex);
  if (const auto known = c.lines.find(pc); known != c.lines.end()) return known->second;
  return c.lines.emplace(pc, lookUp(c, pc)).first->second;
}

}  // namespace interlock::driver::detail
