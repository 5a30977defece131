#include "Kernel.hpp"

#include "IoBridge.hpp"
#include "SourceSite.hpp"

#include "interlock/primitives/Call.hpp"
#include "interlock/primitives/Eresource.hpp"
#include "interlock/primitives/Event.hpp"

#include <cctype>
#include <cstring>

namespace interlock::driver::detail {

namespace {
constexpr std::size_t kMaxName = 64;  // the execution's limit on object names
}

std::string hex(std::uintptr_t value) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string text;
  do {
    text.insert(text.begin(), kDigits[value & 0xF]);
    value >>= 4;
  } while (value != 0);
  return "0x" + text;
}

Kernel& Kernel::instance() noexcept {
  static Kernel kernel;
  return kernel;
}

Kernel& Kernel::current() {
  Kernel& kernel = instance();
  Execution& execution = Execution::current();
  if (kernel.execution_.load(std::memory_order_relaxed) != &execution)
    throw ScenarioError("a driver routine ran in an execution whose setup did not call "
                        "interlock::driver::beginExecution");
  return kernel;
}

void Kernel::begin(Setup& setup, DriverEntryRoutine driverEntry) {
  Execution& execution = Execution::current();
  Execution* idle = nullptr;
  if (!execution_.compare_exchange_strong(idle, &execution) && idle != &execution)
    throw ScenarioError("the driver's globals are one image per process: driver scenarios run "
                        "one execution at a time (use --jobs 1)");
  // From here this execution owns the driver; atRunEnd gives it back however the run ends.
  execution.atRunEnd(&Kernel::endOfRun, this);
  if (driverEntry == nullptr) throw ScenarioError("interlock::driver::beginExecution without a DriverEntry");
  // Saved once, before any driver code ran: later executions have dirtied the data.
  if (!image_.captured())
    image_.capture(reinterpret_cast<const void*>(driverEntry));
  else if (!image_.holds(reinterpret_cast<const void*>(driverEntry)))
    throw ScenarioError("one checker program checks one driver: this DriverEntry is in another image");
  entry_ = driverEntry;
  recordDriverSites(execution, driverEntry);
  image_.restore();
  driverObject_ = DriverObject{};
  driverExtension_ = DriverExtension{};
  driverObject_.Type = 4;  // IO_TYPE_DRIVER
  driverObject_.Size = static_cast<std::int16_t>(sizeof(DriverObject));
  driverObject_.Extension = &driverExtension_;
  driverExtension_.DriverObject = &driverObject_;
  races_.begin(execution, image_);
  auto& loaded = setup.make<wdm::KEVENT>("DriverLoaded");
  wdm::KeInitializeEvent(&loaded, wdm::NotificationEvent, wdm::FALSE);
  loaded_ = &loaded;
  // Made in setup, so that every execution numbers them alike (the search compares objects
  // across executions by their order of creation).
  auto& returned = setup.make<wdm::KEVENT>("RequestReturned");
  wdm::KeInitializeEvent(&returned, wdm::SynchronizationEvent, wdm::FALSE);
  io().returnedEvent = &returned;
}

void Kernel::endOfRun(void* context) noexcept {
  auto& kernel = *static_cast<Kernel*>(context);
  kernel.models_.clear();
  kernel.pool_.clear();
  kernel.names_.clear();
  kernel.devices_.clear();
  kernel.labels_.clear();
  kernel.locals_ = kernel.threads_ = 0;
  kernel.loaded_ = nullptr;
  kernel.io_.reset();
  kernel.races_.end();
  kernel.execution_.store(nullptr);
}

IoBridge& Kernel::io() {
  if (!io_) io_ = std::make_unique<IoBridge>();
  return *io_;
}

KernelObject* Kernel::anyAt(const void* address) const noexcept {
  const auto it = models_.find(reinterpret_cast<std::uintptr_t>(address));
  return it == models_.end() ? nullptr : it->second.model;
}

void Kernel::adopt(const void* address, std::unique_ptr<KernelObject> model, const std::type_info& type,
                   const char* cType) {
  const auto at = reinterpret_cast<std::uintptr_t>(address);
  std::string name = unique(nameFor(at, cType));
  KernelObject* raw = model.get();
  execution_.load(std::memory_order_relaxed)->addObject(std::move(model), name);
  models_[at] = ModelAt{raw, &type};
}

void Kernel::keep(std::unique_ptr<KernelObject> model, const std::type_info& type, const std::string& name) {
  KernelObject* raw = model.get();
  execution_.load(std::memory_order_relaxed)->addObject(std::move(model), unique(name));
  models_[reinterpret_cast<std::uintptr_t>(dynamic_cast<void*>(raw))] = ModelAt{raw, &type};
}

// Where the object lies, in the driver's words: its global's symbol ("g_ConfigLock",
// "g_State.0x10", static or not), else its type and region ("KSPIN_LOCK.extension1.0x10",
// "KEVENT.pool3.0x0", "KEVENT.local2" for one on a stack).
std::string Kernel::nameFor(std::uintptr_t address, const char* cType) {
  if (!pool_.empty()) {
    auto it = pool_.upper_bound(address);
    if (it != pool_.begin()) {
      --it;
      if (!it->second.freed && address < it->first + it->second.size)
        return std::string(cType) + "." + it->second.label + "." + hex(address - it->first);
    }
  }
  std::uintptr_t offset = 0;
  if (image_.contains(address, offset)) {
    std::uintptr_t into = 0;
    if (const std::string* symbol = image_.symbolAt(address, into)) {
      std::string name;
      for (char c : *symbol) name += std::isalnum(static_cast<unsigned char>(c)) || c == '_' ? c : '_';
      return into == 0 ? name : name + "." + hex(into);
    }
    return std::string(cType) + ".image." + hex(offset);  // a stripped library: no symbol table
  }
  return std::string(cType) + ".local" + std::to_string(++locals_);
}

std::string Kernel::unique(std::string name) {
  if (name.size() > kMaxName - 4) name.resize(kMaxName - 4);
  std::string candidate = name;
  for (int n = 2; names_.contains(candidate); ++n) candidate = name + "." + std::to_string(n);
  names_.insert(candidate);
  return candidate;
}

void* Kernel::allocate(std::size_t size, std::uint32_t tag, std::string_view label) {
  constexpr std::size_t kUnit = sizeof(std::max_align_t);
  const std::size_t units = (size == 0 ? 1 : size + kUnit - 1) / kUnit;
  PoolBlock block;
  block.memory = std::make_unique<std::max_align_t[]>(units);  // zeroed: deterministic contents
  block.size = size;
  block.tag = tag;
  auto counter = labels_.find(label);
  if (counter == labels_.end()) counter = labels_.emplace(std::string(label), 0).first;
  block.label = std::string(label) + std::to_string(++counter->second);
  void* address = block.memory.get();
  races_.track(reinterpret_cast<std::uintptr_t>(address), size, block.label);
  pool_.emplace(reinterpret_cast<std::uintptr_t>(address), std::move(block));
  return address;
}

void Kernel::free(void* address, std::uint32_t tag, bool checkTag, const char* api) {
  using wdm::detail::bugCheck;
  const auto at = reinterpret_cast<std::uintptr_t>(address);
  const auto it = pool_.find(at);
  if (it == pool_.end()) {
    // §3.3's DV 0xD2 names the case of a live ERESOURCE; a pointer the pool never gave out is
    // BAD_POOL_CALLER on any build.
    bugCheck("BadPoolCaller", 0xC2, std::string(api) + " of an address no pool allocation returned");
    return;
  }
  PoolBlock& block = it->second;
  if (block.freed) {
    bugCheck("BadPoolCaller", 0xC2, std::string(api) + " of " + block.label + ", which was freed already");
    return;
  }
  if (checkTag && tag != block.tag)
    bugCheck("BadPoolCaller", 0xC2, std::string(api) + " of " + block.label + " with a tag other than its allocation's");
  for (auto model = models_.lower_bound(at); model != models_.end() && model->first < at + block.size;) {
    if (auto* resource = dynamic_cast<const wdm::ERESOURCE*>(model->second.model); resource != nullptr && resource->initialized)
      wdm::detail::contractViolation("ResourceFreedLive", 0xD2,
                                     std::string(api) + " frees " + resource->name() +
                                         ", an ERESOURCE not deleted with ExDeleteResourceLite",
                                     resource);
    model = models_.erase(model);
  }
  block.freed = true;
}

void Kernel::freeKeepingModels(void* address, const char* api) {
  const auto it = pool_.find(reinterpret_cast<std::uintptr_t>(address));
  if (it == pool_.end() || it->second.freed) {
    free(address, 0, false, api);  // the same reports as any bad free
    return;
  }
  it->second.freed = true;
}

void Kernel::reportLeaks() {
  std::string leaked;
  std::size_t count = 0;
  for (const auto& [address, block] : pool_) {
    if (block.freed) continue;
    ++count;
    if (count <= 4) leaked += (leaked.empty() ? "" : ", ") + block.label + " (" + std::to_string(block.size) + " bytes)";
  }
  if (count == 0) return;
  if (count > 4) leaked += ", ...";
  wdm::detail::contractViolation("PoolLeakedAtUnload", 0x62,
                                 "the driver unloaded with " + std::to_string(count) +
                                     " pool allocation(s) not freed: " + leaked);
}

}  // namespace interlock::driver::detail
