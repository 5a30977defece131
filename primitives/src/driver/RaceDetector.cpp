#include "RaceDetector.hpp"

#include "Kernel.hpp"
#include "Symbolizer.hpp"

#include "interlock/core/KernelObject.hpp"
#include "interlock/core/Scenario.hpp"
#include "interlock/core/Thread.hpp"
#include "interlock/primitives/Call.hpp"

#include <algorithm>
#include <cctype>
#include <memory>

namespace interlock::driver::detail {

namespace {

constexpr std::uintptr_t kGranule = 8;

// A location of driver memory found racing, as an object: its accesses are visible
// operations on it (reads commute, a write conflicts), so the search orders them.
class MemoryLocation final : public KernelObject {
 public:
  [[nodiscard]] const char* typeName() const noexcept override { return "memory"; }
  [[nodiscard]] bool isLock() const noexcept override { return false; }
};

[[nodiscard]] std::uintptr_t granuleOf(std::uintptr_t address) noexcept { return address & ~(kGranule - 1); }

[[nodiscard]] std::size_t granuleCount(std::uintptr_t start, std::size_t size) noexcept {
  return (granuleOf(start + size + kGranule - 1) - granuleOf(start)) / kGranule;
}

// "memory.g_Flags.0x8": a location's name as an object name (letters, digits, '_', '-', '.').
[[nodiscard]] std::string objectName(const std::string& location) {
  std::string name = "memory.";
  for (char c : location)
    name += c == '+' ? '.' : std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.' ? c : '_';
  if (name.size() > 60) name.resize(60);
  return name;
}

[[nodiscard]] unsigned bytesIn(std::uint8_t mask) noexcept { return static_cast<unsigned>(__builtin_popcount(mask)); }

}  // namespace

void RaceDetector::begin(Execution& execution, const DriverImage& image) {
  if (!enabled_) return;
  execution_ = &execution;
  image_ = &image;
  ++generation_;
  if (images_.empty())
    for (const auto& [start, size] : image.writableRanges())
      images_.push_back(Region{start, size, "image", std::vector<Granule>(granuleCount(start, size))});
  // The racy set's image locations are scheduling points from the start of the execution.
  for (Region& region : images_)
    for (auto it = racy_.lower_bound(Key{"image", 0}); it != racy_.end() && it->first == "image"; ++it) {
      std::uintptr_t offset = 0;
      const std::uintptr_t address = it->second;  // image keys are offsets from the first range's start
      (void)offset;
      const std::uintptr_t at = images_.front().start + address;
      if (at < region.start || at >= region.start + region.size) continue;
      Granule& granule = region.shadow[(granuleOf(at) - granuleOf(region.start)) / kGranule];
      granule = Granule{};
      granule.generation = generation_;
      granule.racy = true;
    }
  clocks_ = {};
  locksDirty_ = ~std::uint64_t{0};
  std::fill(objectGeneration_.begin(), objectGeneration_.end(), 0);
  std::fill(memoryObject_.begin(), memoryObject_.end(), false);
  addressClocks_.clear();
  fenceClock_ = {};
  last_ = nullptr;
  execution.observeSync(this);
  active_ = this;
}

void RaceDetector::end() noexcept {
  if (active_ == this) active_ = nullptr;
  pool_.clear();
  poolLow_ = ~std::uintptr_t{0};
  poolHigh_ = 0;
  last_ = nullptr;
  execution_ = nullptr;
}

void RaceDetector::track(std::uintptr_t start, std::size_t size, const std::string& label) {
  if (active_ != this) return;
  Region region{start, size, label, std::vector<Granule>(granuleCount(start, size == 0 ? 1 : size))};
  for (auto it = racy_.lower_bound(Key{label, 0}); it != racy_.end() && it->first == label; ++it) {
    if (it->second >= size) continue;
    Granule& granule = region.shadow[(granuleOf(start + it->second) - granuleOf(start)) / kGranule];
    granule.generation = generation_;
    granule.racy = true;
  }
  last_ = nullptr;
  poolLow_ = std::min(poolLow_, start);
  poolHigh_ = std::max(poolHigh_, start + region.size);
  pool_.insert_or_assign(start, std::move(region));
}

RaceDetector::Region* RaceDetector::regionOf(std::uintptr_t address) noexcept {
  if (last_ != nullptr && address - last_->start < last_->size) return last_;
  for (Region& region : images_)
    if (address - region.start < region.size) return last_ = &region;
  // Outside every pool block's span (a stack, mostly): no map lookup.
  if (address < poolLow_ || address >= poolHigh_) return nullptr;
  auto it = pool_.upper_bound(address);
  if (it == pool_.begin()) return nullptr;
  --it;
  if (address - it->second.start >= it->second.size) return nullptr;
  return last_ = &it->second;
}

RaceDetector::Clock& RaceDetector::clockOf(ThreadId thread) noexcept {
  Clock& clock = clocks_[thread];
  if (clock[thread] == 0) clock[thread] = 1;  // a thread's first epoch
  return clock;
}

void RaceDetector::acquireFrom(ThreadId thread, const Clock& from) noexcept {
  Clock& clock = clockOf(thread);
  for (std::size_t i = 0; i < kThreads; ++i) clock[i] = std::max(clock[i], from[i]);
}

void RaceDetector::releaseInto(ThreadId thread, Clock& into) noexcept {
  Clock& clock = clockOf(thread);
  for (std::size_t i = 0; i < kThreads; ++i) into[i] = std::max(into[i], clock[i]);
  ++clock[thread];  // what the thread does next is not ordered before what acquires this
}

RaceDetector::Clock& RaceDetector::objectClock(ObjectId object) {
  if (object >= objectClocks_.size()) {
    objectClocks_.resize(std::size_t{object} + 1);
    objectGeneration_.resize(std::size_t{object} + 1, 0);
  }
  if (objectGeneration_[object] != generation_) {
    objectGeneration_[object] = generation_;
    objectClocks_[object] = {};
  }
  return objectClocks_[object];
}

// Every visible operation on a kernel object is taken as an acquire and a release of it: an
// over-approximation of the kernel's ordering that can hide a race but never invents one.
void RaceDetector::operation(const Thread& thread, const Op& op) noexcept {
  const ThreadId id = thread.id();
  locksDirty_ |= std::uint64_t{1} << id;
  auto sync = [&](ObjectId object) {
    if (object == kNoObject || (object < memoryObject_.size() && memoryObject_[object])) return;
    Clock& clock = objectClock(object);
    acquireFrom(id, clock);
    releaseInto(id, clock);
  };
  sync(op.object);
  for (ObjectId other : op.others) sync(other);
}

void RaceDetector::waited(const Thread& thread) noexcept {
  const ThreadId id = thread.id();
  locksDirty_ |= std::uint64_t{1} << id;
  for (const WaitBlock& block : thread.waitBlocks())
    if (block.object != nullptr) acquireFrom(id, objectClock(block.object->id()));
}

void RaceDetector::spawned(const Thread* parent, const Thread& child) noexcept {
  Clock& clock = clocks_[child.id()];
  clock = {};
  if (parent != nullptr) {
    clock = clockOf(parent->id());
    ++clocks_[parent->id()][parent->id()];
  }
  clock[child.id()] = std::max<std::uint32_t>(clock[child.id()], 1);
  locksDirty_ |= std::uint64_t{1} << child.id();
}

void RaceDetector::acquire(std::uintptr_t address) noexcept {
  const Thread* thread = execution_ != nullptr ? execution_->currentThreadOrNull() : nullptr;
  if (thread == nullptr || regionOf(address) == nullptr) return;
  const auto it = addressClocks_.find(address);
  if (it != addressClocks_.end()) acquireFrom(thread->id(), it->second);
}

void RaceDetector::release(std::uintptr_t address) {
  const Thread* thread = execution_ != nullptr ? execution_->currentThreadOrNull() : nullptr;
  if (thread == nullptr || regionOf(address) == nullptr) return;
  releaseInto(thread->id(), addressClocks_[address]);
}

void RaceDetector::fence() {
  const Thread* thread = execution_ != nullptr ? execution_->currentThreadOrNull() : nullptr;
  if (thread == nullptr) return;
  acquireFrom(thread->id(), fenceClock_);
  releaseInto(thread->id(), fenceClock_);
}

std::uint16_t RaceDetector::locksetOf(const Thread& thread) {
  const ThreadId id = thread.id();
  const std::uint64_t bit = std::uint64_t{1} << id;
  if ((locksDirty_ & bit) == 0) return locks_[id];
  locksDirty_ &= ~bit;
  std::array<ObjectId, 16> held{};
  std::size_t count = 0;
  for (ObjectId lock : execution_->namedLocks())
    if (count < held.size() && (execution_->object(lock).ownerMask() & bit) != 0) held[count++] = lock;
  const std::span<const ObjectId> now(held.data(), count);
  std::uint16_t index = 0;
  for (; index < locksets_.size(); ++index)
    if (std::ranges::equal(locksets_[index], now)) break;
  if (index == locksets_.size()) {
    if (locksets_.size() == 0xFFFF) return locks_[id] = 0;
    locksets_.emplace_back(now.begin(), now.end());  // a lockset not seen before: rare
  }
  return locks_[id] = index;
}

void RaceDetector::access(std::uintptr_t address, std::size_t size, bool write, std::uintptr_t pc) {
  Region* region = regionOf(address);
  if (region == nullptr) return;
  Thread* thread = execution_->currentThreadOrNull();
  if (thread == nullptr || execution_->tearingDown()) return;
  const std::uintptr_t end = address + size;
  for (std::uintptr_t at = address; at < end;) {
    const std::uintptr_t granuleAddress = granuleOf(at);
    const std::uintptr_t upTo = std::min(end, granuleAddress + kGranule);
    // A block's tail: the access runs past the region (a wild access the detector ignores).
    if (granuleAddress < granuleOf(region->start) ||
        (granuleAddress - granuleOf(region->start)) / kGranule >= region->shadow.size())
      return;
    Granule* granule = &region->shadow[(granuleAddress - granuleOf(region->start)) / kGranule];
    if (granule->generation != generation_) {
      *granule = Granule{};
      granule->generation = generation_;
    }
    if (granule->racy) {
      schedule(*region, *granule, granuleAddress, write);
      // The scheduling point let other threads run: their allocations may have moved the map.
      region = regionOf(address);
      if (region == nullptr || execution_->tearingDown()) return;
      granule = &region->shadow[(granuleAddress - granuleOf(region->start)) / kGranule];
    }
    const auto first = static_cast<unsigned>(at - granuleAddress);
    const auto count = static_cast<unsigned>(upTo - at);
    const auto mask = static_cast<std::uint8_t>(((1u << count) - 1u) << first);
    check(*region, *granule, at, mask, write, pc, *thread);
    at = upTo;
  }
}

void RaceDetector::schedule(Region& region, Granule& granule, std::uintptr_t granuleAddress, bool write) {
  if (granule.object == kNoObject) {
    auto object = std::make_unique<MemoryLocation>();
    KernelObject& ref = *object;
    execution_->addObject(std::move(object), objectName(locationName(region, granuleAddress)));
    granule.object = ref.id();
    if (ref.id() >= memoryObject_.size()) memoryObject_.resize(std::size_t{ref.id()} + 1, false);
    memoryObject_[ref.id()] = true;
  }
  const char* api = write ? "write" : "read";
  execution_->visible(Op{api, granule.object, write ? Access::Write : Access::Read});
  wdm::detail::recordCall(api, &execution_->object(granule.object), nullptr, "a racy location of driver memory");
}

void RaceDetector::check(Region& region, Granule& granule, std::uintptr_t address, std::uint8_t mask, bool write,
                         std::uintptr_t pc, const Thread& thread) {
  const ThreadId id = thread.id();
  const Clock& clock = clockOf(id);
  const Cell now{pc, clock[id], locksetOf(thread), static_cast<std::uint8_t>(id), mask, write};
  Cell* same = nullptr;
  Cell* empty = nullptr;
  for (Cell& cell : granule.cells) {
    if (cell.epoch == 0) {
      if (empty == nullptr) empty = &cell;
      continue;
    }
    if (cell.thread == id) {
      if (cell.mask == mask && (cell.write == write || write)) same = &cell;
      continue;
    }
    if ((cell.mask & mask) == 0 || (!cell.write && !write)) continue;
    if (cell.epoch <= clock[cell.thread]) {  // ordered before this access
      if (write && (cell.mask & ~mask) == 0) cell.epoch = 0;  // this write covers it from now on
      continue;
    }
    const Cell earlier = cell;
    if (!granule.reported) {
      granule.reported = true;
      reportRace(region, address, earlier, now, static_cast<std::uint8_t>(bytesIn(mask)));
    }
    found_.insert(Key{region.label, granuleOf(address) - (region.label == "image" ? images_.front().start : region.start)});
  }
  if (same == nullptr) same = empty;
  if (same == nullptr) {
    same = &granule.cells[granule.next];
    granule.next = static_cast<std::uint8_t>((granule.next + 1) % granule.cells.size());
  }
  *same = now;
}

std::string RaceDetector::locationName(const Region& region, std::uintptr_t address) const {
  if (region.label == "image") {
    std::uintptr_t into = 0;
    if (const std::string* symbol = image_->symbolAt(address, into); symbol != nullptr)
      return into == 0 ? *symbol : *symbol + "+" + hex(into);
    return "image+" + hex(address - images_.front().start);
  }
  return region.label + "+" + hex(address - region.start);
}

std::string RaceDetector::codeName(std::uintptr_t pc) const {
  if (auto line = sourceLineOf(pc))
    return line->file + ":" + std::to_string(line->line) + (line->function.empty() ? "" : " (" + line->function + ")");
  return "driver+" + hex(pc - image_->base());
}

std::string RaceDetector::locksetName(std::uint16_t locks) const {
  if (locks >= locksets_.size() || locksets_[locks].empty()) return "holding no lock";
  std::string text = "holding ";
  for (std::size_t i = 0; i < locksets_[locks].size(); ++i)
    text += (i == 0 ? "" : ", ") + execution_->object(locksets_[locks][i]).name();
  return text;
}

void RaceDetector::reportRace(const Region& region, std::uintptr_t address, const Cell& earlier, const Cell& now,
                              std::uint8_t size) {
  auto describe = [&](const Cell& cell, unsigned bytes) {
    return execution_->thread(cell.thread).name() + " " + (cell.write ? "writes " : "reads ") +
           std::to_string(bytes) + (bytes == 1 ? " byte" : " bytes") + " at " + codeName(cell.pc) + ", " +
           locksetName(cell.locks);
  };
  Violation violation{.kind = ViolationKind::DataRace, .rule = "DataRace", .code = 0};
  violation.message = "data race on " + locationName(region, address) + ": " + describe(earlier, bytesIn(earlier.mask)) +
                      "; " + describe(now, size) + "; neither access happens before the other";
  violation.thread = now.thread;
  violation.threads = {earlier.thread, now.thread};
  for (std::uint16_t locks : {earlier.locks, now.locks})
    if (locks < locksets_.size())
      for (ObjectId lock : locksets_[locks])
        if (std::ranges::find(violation.objects, lock) == violation.objects.end()) violation.objects.push_back(lock);
  execution_->report(std::move(violation));
}

std::vector<std::string> RaceDetector::locations() const {
  std::vector<std::string> names;
  for (const auto& [label, offset] : racy_) names.push_back(label + "+" + hex(offset));
  return names;
}

void RaceDetector::use(const std::vector<std::string>& names) {
  std::set<Key> set;
  for (const std::string& name : names) {
    const std::size_t plus = name.rfind("+0x");
    const std::string digits = plus == std::string::npos ? std::string() : name.substr(plus + 3);
    if (plus == 0 || digits.empty() || digits.size() > 12 ||
        digits.find_first_not_of("0123456789abcdef") != std::string::npos)
      throw ScenarioError("\"" + name + "\" is no location of driver memory (a region and a hex offset, such as \"image+0x40\")");
    set.emplace(name.substr(0, plus), std::stoull(digits, nullptr, 16));
  }
  racy_ = std::move(set);
  found_.clear();
}

bool RaceDetector::widen() {
  std::size_t before = racy_.size();
  racy_.merge(found_);
  found_.clear();
  return racy_.size() != before;
}

}  // namespace interlock::driver::detail
