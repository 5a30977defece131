#include "SourceSite.hpp"

#include "Symbolizer.hpp"

#include <link.h>
#include <unwind.h>

#include <map>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace interlock::driver::detail {

namespace {

// The executable segments of the library holding an address.
struct DriverCode {
  std::uintptr_t entry = 0;
  std::vector<std::pair<std::uintptr_t, std::uintptr_t>> ranges;  // [start, end)

  [[nodiscard]] bool holds(std::uintptr_t pc) const noexcept {
    for (const auto& [start, end] : ranges)
      if (pc >= start && pc < end) return true;
    return false;
  }
};

int visit(dl_phdr_info* info, std::size_t, void* data) {
  auto& code = *static_cast<DriverCode*>(data);
  std::vector<std::pair<std::uintptr_t, std::uintptr_t>> ranges;
  bool holds = false;
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& header = info->dlpi_phdr[i];
    if (header.p_type != PT_LOAD || (header.p_flags & PF_X) == 0) continue;
    const std::uintptr_t start = info->dlpi_addr + header.p_vaddr;
    ranges.emplace_back(start, start + header.p_memsz);
    holds = holds || (code.entry >= start && code.entry < start + header.p_memsz);
  }
  if (!holds) return 0;
  code.ranges = std::move(ranges);
  return 1;
}

// The sites named so far, kept for the process: events point at them, and traces outlive runs.
struct Sites {
  std::mutex mutex;
  DriverCode code;
  std::set<std::string> texts;
  std::map<std::uintptr_t, const char*> byPc;
};

Sites& sites() {
  static Sites instance;
  return instance;
}

const DriverCode& codeOf(Sites& s, DriverEntryRoutine entry) {
  const auto address = reinterpret_cast<std::uintptr_t>(entry);
  if (s.code.entry != address) {
    s.code = DriverCode{address, {}};
    dl_iterate_phdr(visit, &s.code);
  }
  return s.code;
}

struct Walk {
  const DriverCode* code = nullptr;
  std::uintptr_t pc = 0;
  int frames = 0;
};

constexpr int kMaxFrames = 256;  // a driver frame deeper than this is not looked for

_Unwind_Reason_Code frame(_Unwind_Context* context, void* data) {
  auto& walk = *static_cast<Walk*>(data);
  int beforeInstruction = 0;
  const std::uintptr_t ip = _Unwind_GetIPInfo(context, &beforeInstruction);
  if (walk.code->holds(ip)) {
    walk.pc = beforeInstruction != 0 ? ip + 1 : ip;  // as a return address: the symbolizer steps back
    return _URC_END_OF_STACK;
  }
  return ++walk.frames < kMaxFrames ? _URC_NO_REASON : _URC_END_OF_STACK;
}

std::uintptr_t walkTo(const DriverCode& code) {
  if (code.ranges.empty()) return 0;
  Walk walk{&code};
  _Unwind_Backtrace(&frame, &walk);
  return walk.pc;
}

const char* siteNow(void* context) {
  Sites& s = sites();
  const std::lock_guard lock(s.mutex);
  const std::uintptr_t pc = walkTo(codeOf(s, reinterpret_cast<DriverEntryRoutine>(context)));
  if (pc == 0) return nullptr;
  if (const auto known = s.byPc.find(pc); known != s.byPc.end()) return known->second;
  const char* text = nullptr;
  if (const std::optional<SourceLine> line = sourceLineOf(pc))
    text = s.texts.insert(line->file + ":" + std::to_string(line->line)).first->c_str();
  s.byPc.emplace(pc, text);
  return text;
}

}  // namespace

void recordDriverSites(Execution& execution, DriverEntryRoutine entry) {
  execution.siteOfEvents(&siteNow, reinterpret_cast<void*>(entry));
}

std::uintptr_t innermostDriverFrame(DriverEntryRoutine entry) {
  Sites& s = sites();
  const std::lock_guard lock(s.mutex);
  return walkTo(codeOf(s, entry));
}

}  // namespace interlock::driver::detail
