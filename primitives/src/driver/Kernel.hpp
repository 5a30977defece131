#pragma once
// The bridge's state for the execution running the driver: the models kept beside kernel
// objects in driver memory (keyed by address), the pool arena, the driver and device objects.
// One driver image per process, so one execution at a time uses it; all of it is dropped when
// that execution ends (Execution::atRunEnd).
#include "DriverImage.hpp"
#include "Layout.hpp"
#include "RaceDetector.hpp"

#include "interlock/core/Execution.hpp"
#include "interlock/core/KernelObject.hpp"
#include "interlock/driver/Driver.hpp"

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <typeinfo>
#include <vector>

namespace interlock::wdm {
class KEVENT;
}

namespace interlock::driver::detail {

class IoBridge;

// A pool allocation, kept (freed or not) until the execution ends: a second free of the same
// address is found, and no later allocation takes its address.
struct PoolBlock {
  std::unique_ptr<std::max_align_t[]> memory;
  std::size_t size = 0;
  std::uint32_t tag = 0;
  std::string label;  // "pool3", "extension1": how object names in it begin
  bool freed = false;
};

// A model kept beside the WDK-sized object the driver initialized at an address.
struct ModelAt {
  KernelObject* model = nullptr;
  const std::type_info* type = nullptr;  // the model's type: another type there is another object
};

class Kernel {
 public:
  // The state of the running execution; throws when the calling execution did not begin it
  // (a driver routine called outside a driver scenario, or from a second job).
  [[nodiscard]] static Kernel& current();
  [[nodiscard]] static Kernel& instance() noexcept;

  void begin(Setup& setup, DriverEntryRoutine entry);

  // The model at `address` if one of type T was made there this execution, else nullptr.
  template <typename T>
  [[nodiscard]] T* find(const void* address) const {
    const auto it = models_.find(reinterpret_cast<std::uintptr_t>(address));
    if (it == models_.end() || *it->second.type != typeid(T)) return nullptr;
    return static_cast<T*>(it->second.model);
  }
  // A fresh model of type T for the object at `address`, named after where it lies (the
  // driver's symbol, or its type and place); replaces whatever model was kept there.
  template <typename T>
  T& make(const void* address, const char* cType) {
    auto model = std::make_unique<T>();
    T& ref = *model;
    adopt(address, std::move(model), typeid(T), cType);
    return ref;
  }
  // Any model at `address` (a dispatcher object a wait names), else nullptr.
  [[nodiscard]] KernelObject* anyAt(const void* address) const noexcept;
  // Registers a model the bridge made for itself (a thread object) under its own address.
  void keep(std::unique_ptr<KernelObject> model, const std::type_info& type, const std::string& name);

  // Pool: a zeroed block; objects in it are named "<TYPE>.<label><n>.<offset>".
  [[nodiscard]] void* allocate(std::size_t size, std::uint32_t tag, std::string_view label = "pool");
  // Frees `address`; reports double and unknown frees. Models in the block are dropped.
  void free(void* address, std::uint32_t tag, bool checkTag, const char* api);
  // Frees `address` but keeps the models in it: a device extension, whose objects a request
  // already sent may still reach (the I/O manager keeps the device object while it is used).
  void freeKeepingModels(void* address, const char* api);
  void reportLeaks();

  // The driver and its devices.
  [[nodiscard]] DriverObject& driverObject() noexcept { return driverObject_; }
  [[nodiscard]] std::vector<DeviceObject*>& devices() noexcept { return devices_; }
  [[nodiscard]] DriverEntryRoutine entry() const noexcept { return entry_; }
  [[nodiscard]] wdm::KEVENT* loadedEvent() const noexcept { return loaded_; }
  [[nodiscard]] const DriverImage& image() const noexcept { return image_; }
  std::uint32_t nextThreadNumber() noexcept { return ++threads_; }
  // The IRPs, devices and CSQ contexts the driver and the I/O model share this execution.
  [[nodiscard]] IoBridge& io();
  [[nodiscard]] RaceDetector& races() noexcept { return races_; }

 private:
  static void endOfRun(void* context) noexcept;
  void adopt(const void* address, std::unique_ptr<KernelObject> model, const std::type_info& type,
             const char* cType);
  [[nodiscard]] std::string nameFor(std::uintptr_t address, const char* cType);
  [[nodiscard]] std::string unique(std::string name);

  // The execution using the driver now; atomic: a second job's setup reads it to refuse.
  std::atomic<Execution*> execution_ = nullptr;
  DriverEntryRoutine entry_ = nullptr;
  DriverImage image_;
  std::map<std::uintptr_t, ModelAt> models_;
  std::map<std::uintptr_t, PoolBlock> pool_;  // by start address
  std::set<std::string> names_;
  std::map<std::string, std::uint32_t, std::less<>> labels_;  // allocations so far, by label
  std::uint32_t locals_ = 0;
  std::uint32_t threads_ = 0;
  DriverObject driverObject_{};
  DriverExtension driverExtension_{};
  std::vector<DeviceObject*> devices_;
  wdm::KEVENT* loaded_ = nullptr;
  std::unique_ptr<IoBridge> io_;
  RaceDetector races_;
};

// The C object's address as text for no one: names never carry raw addresses (determinism).
[[nodiscard]] std::string hex(std::uintptr_t value);

}  // namespace interlock::driver::detail
