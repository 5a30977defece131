#include "DriverImage.hpp"

#include "interlock/core/Scenario.hpp"

#include <dlfcn.h>
#include <link.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>

namespace interlock::driver::detail {

namespace {

struct Search {
  std::uintptr_t code = 0;
  std::uintptr_t base = 0;
  bool found = false;
  bool mainProgram = false;
  std::vector<std::pair<std::uintptr_t, std::size_t>> writable;
};

#if defined(__SANITIZE_ADDRESS__)
#define INTERLOCK_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define INTERLOCK_ASAN 1
#endif
#endif

// Copies raw bytes of the driver's data. Under AddressSanitizer that data holds the redzones
// around the driver's globals, which memcpy's interceptor reports: a volatile word copy,
// uninstrumented, is neither intercepted nor turned into a memcpy call.
#ifdef INTERLOCK_ASAN
[[gnu::no_sanitize_address]] void copyRaw(void* to, const void* from, std::size_t size) noexcept {
  auto* out = static_cast<volatile unsigned char*>(to);
  const auto* in = static_cast<const volatile unsigned char*>(from);
  for (std::size_t i = 0; i < size; ++i) out[i] = in[i];
}
#else
void copyRaw(void* to, const void* from, std::size_t size) noexcept { std::memcpy(to, from, size); }
#endif

std::uintptr_t pageDown(std::uintptr_t address) {
  const auto page = static_cast<std::uintptr_t>(sysconf(_SC_PAGESIZE));
  return address & ~(page - 1);
}

int visit(dl_phdr_info* info, std::size_t, void* data) {
  auto& search = *static_cast<Search*>(data);
  bool holds = false;
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& header = info->dlpi_phdr[i];
    const std::uintptr_t start = info->dlpi_addr + header.p_vaddr;
    holds = holds || (header.p_type == PT_LOAD && search.code >= start && search.code < start + header.p_memsz);
  }
  if (!holds) return 0;
  search.found = true;
  search.base = info->dlpi_addr;
  // The loader's first entry is the program itself; a PIE program has a non-zero base too.
  search.mainProgram = info->dlpi_name == nullptr || info->dlpi_name[0] == '\0';
  std::uintptr_t relroEnd = 0;  // the loader protects RELRO up to its last whole page
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& header = info->dlpi_phdr[i];
    if (header.p_type == PT_GNU_RELRO) relroEnd = pageDown(info->dlpi_addr + header.p_vaddr + header.p_memsz);
  }
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& header = info->dlpi_phdr[i];
    if (header.p_type != PT_LOAD || (header.p_flags & PF_W) == 0) continue;
    std::uintptr_t start = info->dlpi_addr + header.p_vaddr;
    const std::uintptr_t end = start + header.p_memsz;
    start = std::max(start, relroEnd > start && relroEnd < end ? relroEnd : start);
    if (relroEnd >= end) continue;
    search.writable.emplace_back(start, end - start);
  }
  return 1;
}

}  // namespace

void DriverImage::capture(const void* code) {
  Dl_info info{};
  if (dladdr(code, &info) == 0) throw ScenarioError("the driver's DriverEntry is in no loaded image");
  Search search;
  search.code = reinterpret_cast<std::uintptr_t>(code);
  dl_iterate_phdr(visit, &search);
  if (!search.found) throw ScenarioError("the driver's DriverEntry is in no loaded image");
  if (search.mainProgram || info.dli_fname == nullptr)
    throw ScenarioError(
        "the driver is linked into the checker program itself: build its C sources as a shared "
        "library (interlock_add_driver does), so that its globals can be restored before each execution");
  base_ = search.base;
  path_ = info.dli_fname;
  readSymbols();
  ranges_.clear();
  saved_.clear();
  for (const auto& [start, size] : search.writable) {
    ranges_.push_back(Range{start, size, saved_.size()});
    saved_.resize(saved_.size() + size);
    copyRaw(saved_.data() + ranges_.back().savedAt, reinterpret_cast<const void*>(start), size);
  }
}

// The data objects of the library's .symtab, static ones included (dladdr sees only the
// dynamic symbols): what names a kernel object in a global by the driver's own identifier.
void DriverImage::readSymbols() {
  symbols_.clear();
  std::ifstream in(path_, std::ios::binary);
  const std::vector<char> file{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (file.size() < sizeof(ElfW(Ehdr))) return;
  ElfW(Ehdr) header;
  std::memcpy(&header, file.data(), sizeof header);
  if (std::memcmp(header.e_ident, ELFMAG, SELFMAG) != 0 || header.e_shentsize != sizeof(ElfW(Shdr)) ||
      header.e_shoff + std::size_t{header.e_shnum} * sizeof(ElfW(Shdr)) > file.size())
    return;
  auto section = [&](std::size_t index) {
    ElfW(Shdr) s;
    std::memcpy(&s, file.data() + header.e_shoff + index * sizeof(ElfW(Shdr)), sizeof s);
    return s;
  };
  for (std::size_t i = 0; i < header.e_shnum; ++i) {
    const ElfW(Shdr) table = section(i);
    if (table.sh_type != SHT_SYMTAB || table.sh_link >= header.e_shnum || table.sh_entsize != sizeof(ElfW(Sym))) continue;
    const ElfW(Shdr) strings = section(table.sh_link);
    if (table.sh_offset + table.sh_size > file.size() || strings.sh_offset + strings.sh_size > file.size()) return;
    for (std::size_t at = 0; at + sizeof(ElfW(Sym)) <= table.sh_size; at += sizeof(ElfW(Sym))) {
      ElfW(Sym) symbol;
      std::memcpy(&symbol, file.data() + table.sh_offset + at, sizeof symbol);
      if (ELF64_ST_TYPE(symbol.st_info) != STT_OBJECT || symbol.st_size == 0 || symbol.st_name >= strings.sh_size) continue;
      const char* name = file.data() + strings.sh_offset + symbol.st_name;
      const std::size_t length = strnlen(name, strings.sh_size - symbol.st_name);
      symbols_[base_ + symbol.st_value] = Symbol{symbol.st_size, std::string(name, length)};
    }
  }
}

const std::string* DriverImage::symbolAt(std::uintptr_t address, std::uintptr_t& offset) const {
  auto it = symbols_.upper_bound(address);
  if (it == symbols_.begin()) return nullptr;
  --it;
  if (address >= it->first + it->second.size) return nullptr;
  offset = address - it->first;
  return &it->second.name;
}

std::vector<std::pair<std::uintptr_t, std::size_t>> DriverImage::writableRanges() const {
  std::vector<std::pair<std::uintptr_t, std::size_t>> out;
  for (const Range& range : ranges_) out.emplace_back(range.start, range.size);
  return out;
}

bool DriverImage::holds(const void* code) const noexcept {
  Dl_info info{};
  return dladdr(code, &info) != 0 && info.dli_fname != nullptr && path_ == info.dli_fname;
}

void DriverImage::restore() const noexcept {
  for (const Range& range : ranges_)
    copyRaw(reinterpret_cast<void*>(range.start), saved_.data() + range.savedAt, range.size);
}

bool DriverImage::contains(std::uintptr_t address, std::uintptr_t& offset) const noexcept {
  for (const Range& range : ranges_)
    if (address >= range.start && address < range.start + range.size) {
      offset = range.savedAt + (address - range.start);
      return true;
    }
  return false;
}

}  // namespace interlock::driver::detail
