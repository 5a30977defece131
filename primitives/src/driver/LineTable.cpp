#include "LineTable.hpp"

#include <elf.h>
#include <link.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string_view>

namespace interlock::driver::detail {

namespace {

// DWARF constants (the DWARF 5 standard, sections 6.2 and 7.5.5) this reader uses.
constexpr std::uint8_t kLnsCopy = 1, kLnsAdvancePc = 2, kLnsAdvanceLine = 3, kLnsSetFile = 4,
                       kLnsConstAddPc = 8, kLnsFixedAdvancePc = 9;
constexpr std::uint8_t kLneEndSequence = 1, kLneSetAddress = 2, kLneDefineFile = 3;
constexpr std::uint64_t kLnctPath = 1, kLnctDirectoryIndex = 2;
constexpr std::uint64_t kFormBlock = 0x09, kFormData1 = 0x0b, kFormData2 = 0x05, kFormData4 = 0x06,
                        kFormData8 = 0x07, kFormData16 = 0x1e, kFormString = 0x08, kFormStrp = 0x0e,
                        kFormLineStrp = 0x1f, kFormUdata = 0x0f, kFormSdata = 0x0d;

// Reads little-endian DWARF data; running past the end makes every later read 0 and !ok.
class Cursor {
 public:
  Cursor(std::string_view bytes, std::size_t at = 0) : bytes_(bytes), at_(at) {}
  [[nodiscard]] bool ok() const noexcept { return ok_; }
  [[nodiscard]] std::size_t at() const noexcept { return at_; }
  [[nodiscard]] bool atEnd() const noexcept { return !ok_ || at_ >= bytes_.size(); }
  std::uint64_t fixed(std::size_t size) {
    if (!need(size)) return 0;
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < size; ++i) value |= std::uint64_t{static_cast<unsigned char>(bytes_[at_ + i])} << (8 * i);
    at_ += size;
    return value;
  }
  std::uint8_t u8() { return static_cast<std::uint8_t>(fixed(1)); }
  std::uint64_t uleb() {
    std::uint64_t value = 0;
    for (unsigned shift = 0; need(1); shift += 7) {
      const auto byte = static_cast<unsigned char>(bytes_[at_++]);
      if (shift < 64) value |= std::uint64_t{byte & 0x7fu} << shift;
      if ((byte & 0x80u) == 0) return value;
    }
    return 0;
  }
  std::int64_t sleb() {
    std::int64_t value = 0;
    unsigned shift = 0;
    while (need(1)) {
      const auto byte = static_cast<unsigned char>(bytes_[at_++]);
      if (shift < 64) value |= static_cast<std::int64_t>(std::uint64_t{byte & 0x7fu} << shift);
      shift += 7;
      if ((byte & 0x80u) == 0) {
        if (shift < 64 && (byte & 0x40u) != 0) value |= static_cast<std::int64_t>(~std::uint64_t{0} << shift);
        return value;
      }
    }
    return 0;
  }
  std::string string() {
    const std::size_t end = bytes_.find('\0', at_);
    if (!ok_ || end == std::string_view::npos) {
      ok_ = false;
      return {};
    }
    std::string text(bytes_.substr(at_, end - at_));
    at_ = end + 1;
    return text;
  }
  void skip(std::uint64_t size) {
    if (need(size)) at_ += static_cast<std::size_t>(size);
  }

 private:
  bool need(std::uint64_t size) {
    ok_ = ok_ && size <= bytes_.size() - std::min(at_, bytes_.size());
    return ok_;
  }
  std::string_view bytes_;
  std::size_t at_ = 0;
  bool ok_ = true;
};

std::string stringAt(std::string_view table, std::uint64_t offset) {
  if (offset >= table.size()) return {};
  const std::size_t end = table.find('\0', static_cast<std::size_t>(offset));
  return std::string(table.substr(static_cast<std::size_t>(offset), end == std::string_view::npos ? std::string_view::npos : end - offset));
}

// The sections this reader needs, as views into the file's bytes.
struct Sections {
  std::string_view line, lineStr, str, symtab, symstr;
};

Sections sectionsOf(const std::vector<char>& file) {
  Sections out;
  ElfW(Ehdr) header;
  if (file.size() < sizeof header) return out;
  std::memcpy(&header, file.data(), sizeof header);
  if (std::memcmp(header.e_ident, ELFMAG, SELFMAG) != 0 || header.e_ident[EI_CLASS] != ELFCLASS64 ||
      header.e_shentsize != sizeof(ElfW(Shdr)) || header.e_shstrndx >= header.e_shnum ||
      header.e_shoff > file.size() || std::size_t{header.e_shnum} * sizeof(ElfW(Shdr)) > file.size() - header.e_shoff)
    return out;
  auto section = [&](std::size_t index) {
    ElfW(Shdr) s;
    std::memcpy(&s, file.data() + header.e_shoff + index * sizeof(ElfW(Shdr)), sizeof s);
    return s;
  };
  auto bytes = [&](const ElfW(Shdr)& s) {
    // Compressed (SHF_COMPRESSED) or out-of-file sections are not read: no lines, no crash.
    if (s.sh_type == SHT_NOBITS || (s.sh_flags & SHF_COMPRESSED) != 0 || s.sh_offset > file.size() ||
        s.sh_size > file.size() - s.sh_offset)
      return std::string_view{};
    return std::string_view(file.data() + s.sh_offset, s.sh_size);
  };
  const std::string_view names = bytes(section(header.e_shstrndx));
  for (std::size_t i = 0; i < header.e_shnum; ++i) {
    const ElfW(Shdr) s = section(i);
    const std::string name = stringAt(names, s.sh_name);
    if (name == ".debug_line") out.line = bytes(s);
    else if (name == ".debug_line_str") out.lineStr = bytes(s);
    else if (name == ".debug_str") out.str = bytes(s);
    else if (s.sh_type == SHT_SYMTAB && s.sh_link < header.e_shnum) {
      out.symtab = bytes(s);
      out.symstr = bytes(section(s.sh_link));
    }
  }
  return out;
}

}  // namespace

// One line-number program (a compilation unit's): its header's tables and its rows, appended to
// the LineTable.
class LineProgram {
 public:
  LineProgram(LineTable& table, const Sections& sections) : table_(table), sections_(sections) {}

  // Reads the unit at `at`; returns where the next one starts, or npos when done or broken.
  std::size_t read(std::size_t at) {
    Cursor c(sections_.line, at);
    std::uint64_t length = c.fixed(4);
    offsetSize_ = 4;
    if (length == 0xffffffffu) {
      length = c.fixed(8);
      offsetSize_ = 8;
    }
    if (!c.ok() || length > sections_.line.size() - c.at()) return std::string_view::npos;
    const std::size_t end = c.at() + static_cast<std::size_t>(length);
    version_ = static_cast<std::uint16_t>(c.fixed(2));
    if (version_ < 2 || version_ > 5) return end;
    if (version_ >= 5) (void)c.fixed(2);  // address size (set_address says it), segment selector size
    const std::uint64_t headerLength = c.fixed(offsetSize_);
    const std::size_t programStart = c.at() + static_cast<std::size_t>(headerLength);
    minInstruction_ = c.u8();
    if (version_ >= 4) (void)c.u8();  // maximum operations per instruction: 1 off VLIW
    (void)c.u8();  // default_is_stmt: every row counts, statement or not
    lineBase_ = static_cast<std::int8_t>(c.u8());
    lineRange_ = c.u8();
    opcodeBase_ = c.u8();
    opcodeLengths_.clear();
    for (unsigned i = 1; i < opcodeBase_; ++i) opcodeLengths_.push_back(c.u8());
    if (!c.ok() || lineRange_ == 0 || programStart > end) return end;
    directories_.clear();
    files_.clear();
    if (version_ >= 5) readTables5(c);
    else readTables4(c);
    if (!c.ok()) return end;
    run(Cursor(std::string_view(sections_.line.data(), end), programStart));
    return end;
  }

 private:
  struct File {
    std::string name;
    std::uint64_t directory = 0;
  };

  void readTables4(Cursor& c) {
    directories_.emplace_back();  // 0: the compilation directory, unknown here
    for (std::string d = c.string(); c.ok() && !d.empty(); d = c.string()) directories_.push_back(d);
    files_.emplace_back();  // file numbers start at 1
    for (std::string name = c.string(); c.ok() && !name.empty(); name = c.string()) {
      File file{name, c.uleb()};
      (void)c.uleb();  // modification time
      (void)c.uleb();  // size
      files_.push_back(std::move(file));
    }
  }

  void readTables5(Cursor& c) {
    for (const bool directories : {true, false}) {
      std::vector<std::pair<std::uint64_t, std::uint64_t>> format;
      const std::uint8_t count = c.u8();
      for (std::uint8_t i = 0; i < count; ++i) {
        const std::uint64_t content = c.uleb();  // read in order: arguments are not
        format.emplace_back(content, c.uleb());
      }
      const std::uint64_t entries = c.uleb();
      for (std::uint64_t e = 0; e < entries && c.ok(); ++e) {
        File file;
        for (const auto& [content, form] : format) {
          std::string text;
          std::uint64_t number = 0;
          if (!value(c, form, text, number)) return;
          if (content == kLnctPath) file.name = text;
          else if (content == kLnctDirectoryIndex) file.directory = number;
        }
        if (directories) directories_.push_back(file.name);
        else files_.push_back(std::move(file));
      }
    }
  }

  // One attribute value of a v5 entry format; false for a form this reader does not know.
  bool value(Cursor& c, std::uint64_t form, std::string& text, std::uint64_t& number) {
    switch (form) {
      case kFormString: text = c.string(); return c.ok();
      case kFormLineStrp: text = stringAt(sections_.lineStr, c.fixed(offsetSize_)); return c.ok();
      case kFormStrp: text = stringAt(sections_.str, c.fixed(offsetSize_)); return c.ok();
      case kFormUdata: number = c.uleb(); return c.ok();
      case kFormSdata: number = static_cast<std::uint64_t>(c.sleb()); return c.ok();
      case kFormData1: number = c.fixed(1); return c.ok();
      case kFormData2: number = c.fixed(2); return c.ok();
      case kFormData4: number = c.fixed(4); return c.ok();
      case kFormData8: number = c.fixed(8); return c.ok();
      case kFormData16: c.skip(16); return c.ok();
      case kFormBlock: c.skip(c.uleb()); return c.ok();
      default: return false;
    }
  }

  // The file a row names, as an index into the table's files (made once per unit and file).
  std::uint32_t fileIndex(std::uint64_t file) {
    if (const auto it = std::find_if(seen_.begin(), seen_.end(), [&](const auto& s) { return s.first == file; });
        it != seen_.end())
      return it->second;
    std::string path = "?";
    if (file < files_.size()) {
      const File& f = files_[static_cast<std::size_t>(file)];
      path = LineTable::displayPath(f.directory < directories_.size() ? directories_[static_cast<std::size_t>(f.directory)] : "",
                                    f.name);
    }
    const auto found = std::find(table_.files_.begin(), table_.files_.end(), path);
    const auto index = static_cast<std::uint32_t>(found - table_.files_.begin());
    if (found == table_.files_.end()) table_.files_.push_back(path);
    seen_.emplace_back(file, index);
    return index;
  }

  // The DWARF 5 standard's state machine (section 6.2.5): each row closes the range the row
  // before opened.
  void run(Cursor c) {
    seen_.clear();
    std::uintptr_t address = 0;
    std::uint64_t file = 1;
    std::int64_t line = 1;
    bool open = false;  // a row was emitted in this sequence
    std::uintptr_t rowAddress = 0;
    std::uint64_t rowFile = 0;
    std::int64_t rowLine = 0;
    auto emit = [&](bool endSequence) {
      if (open && address > rowAddress && rowLine > 0)
        table_.ranges_.push_back({rowAddress, address, fileIndex(rowFile), static_cast<std::uint32_t>(rowLine)});
      open = !endSequence;
      rowAddress = address;
      rowFile = file;
      rowLine = line;
      if (endSequence) {
        address = 0;
        file = 1;
        line = 1;
      }
    };
    while (!c.atEnd()) {
      const std::uint8_t opcode = c.u8();
      if (opcode >= opcodeBase_) {
        const unsigned adjusted = opcode - opcodeBase_;
        address += (adjusted / lineRange_) * minInstruction_;
        line += lineBase_ + static_cast<std::int64_t>(adjusted % lineRange_);
        emit(false);
        continue;
      }
      switch (opcode) {
        case 0: {
          const std::uint64_t length = c.uleb();
          const std::size_t start = c.at();
          const std::uint8_t sub = c.u8();
          if (sub == kLneEndSequence) emit(true);
          else if (sub == kLneSetAddress && length >= 2 && length <= 9)
            address = static_cast<std::uintptr_t>(c.fixed(static_cast<std::size_t>(length - 1)));
          else if (sub == kLneDefineFile) {
            std::string name = c.string();
            files_.push_back(File{std::move(name), c.uleb()});
          }
          if (c.at() < start + length) c.skip(start + length - c.at());  // what it left unread
          break;
        }
        case kLnsCopy: emit(false); break;
        case kLnsAdvancePc: address += static_cast<std::uintptr_t>(c.uleb() * minInstruction_); break;
        case kLnsAdvanceLine: line += c.sleb(); break;
        case kLnsSetFile: file = c.uleb(); break;
        case kLnsConstAddPc: address += ((255u - opcodeBase_) / lineRange_) * minInstruction_; break;
        case kLnsFixedAdvancePc: address += static_cast<std::uintptr_t>(c.fixed(2)); break;
        default:  // the others change no column this reader keeps: skip their operands
          for (std::uint8_t i = 0; i < opcodeLengths_[opcode - 1]; ++i) (void)c.uleb();
      }
    }
  }

  LineTable& table_;
  const Sections& sections_;
  std::uint16_t version_ = 0;
  std::size_t offsetSize_ = 4;
  std::uint8_t minInstruction_ = 1;
  std::int8_t lineBase_ = 0;
  std::uint8_t lineRange_ = 1;
  std::uint8_t opcodeBase_ = 1;
  std::vector<std::uint8_t> opcodeLengths_;
  std::vector<std::string> directories_;
  std::vector<File> files_;
  std::vector<std::pair<std::uint64_t, std::uint32_t>> seen_;
};

std::string LineTable::displayPath(const std::string& directory, const std::string& name) {
  std::string path = name;
  if (!name.empty() && name.front() != '/' && !directory.empty()) path = directory + "/" + name;
  if (!path.empty() && path.front() == '/') return path.substr(path.rfind('/') + 1);
  while (path.rfind("./", 0) == 0) path.erase(0, 2);
  for (std::size_t at; (at = path.find("/./")) != std::string::npos;) path.erase(at, 2);
  return path;
}

LineTable LineTable::read(const std::string& path) {
  LineTable table;
  std::ifstream in(path, std::ios::binary);
  const std::vector<char> file{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  const Sections sections = sectionsOf(file);
  LineProgram program(table, sections);
  for (std::size_t at = 0; at < sections.line.size();) at = program.read(at);
  std::stable_sort(table.ranges_.begin(), table.ranges_.end(),
                   [](const Range& a, const Range& b) { return a.start < b.start; });
  for (std::size_t at = 0; at + sizeof(ElfW(Sym)) <= sections.symtab.size(); at += sizeof(ElfW(Sym))) {
    ElfW(Sym) symbol;
    std::memcpy(&symbol, sections.symtab.data() + at, sizeof symbol);
    if (ELF64_ST_TYPE(symbol.st_info) != STT_FUNC || symbol.st_value == 0) continue;
    table.functions_.push_back({symbol.st_value, symbol.st_size, stringAt(sections.symstr, symbol.st_name)});
  }
  std::sort(table.functions_.begin(), table.functions_.end(),
            [](const Function& a, const Function& b) { return a.start != b.start ? a.start < b.start : a.name < b.name; });
  return table;
}

std::optional<SourceLine> LineTable::at(std::uintptr_t address) const {
  auto range = std::upper_bound(ranges_.begin(), ranges_.end(), address,
                                [](std::uintptr_t a, const Range& r) { return a < r.start; });
  if (range == ranges_.begin()) return std::nullopt;
  --range;
  if (address >= range->end) return std::nullopt;
  SourceLine out{files_[range->file], range->line, {}};
  auto function = std::upper_bound(functions_.begin(), functions_.end(), address,
                                   [](std::uintptr_t a, const Function& f) { return a < f.start; });
  if (function != functions_.begin()) {
    --function;
    if (address < function->start + std::max<std::uintptr_t>(function->size, 1)) out.function = function->name;
  }
  return out;
}

}  // namespace interlock::driver::detail
