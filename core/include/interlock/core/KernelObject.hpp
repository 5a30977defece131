#pragma once
// Base of every modelled object: a name, an id, its waiters, and a generic ownership
// view that properties read without knowing the object's type.
#include "interlock/core/Ids.hpp"
#include "interlock/core/Violation.hpp"
#include "interlock/core/WaitQueue.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <new>
#include <optional>
#include <string>
#include <type_traits>

namespace interlock {

struct Owner {
  ThreadId thread = kNoThread;
  bool exclusive = true;
  std::uint32_t count = 1;  // recursion count
};

// Fixed capacity: reading the view allocates nothing. The storage is left uninitialized (only
// [0, size) is read), so a list on the stack costs nothing to make: properties make one per
// object they look at, every step.
class OwnerList {
 public:
  static constexpr std::size_t kCapacity = 32;
  OwnerList() noexcept {}  // NOLINT: the storage stays uninitialized on purpose
  OwnerList(const OwnerList&) = delete;
  OwnerList& operator=(const OwnerList&) = delete;

  void add(const Owner& owner) noexcept {
    if (size_ < kCapacity) ::new (static_cast<void*>(storage_ + size_++ * sizeof(Owner))) Owner(owner);
  }
  [[nodiscard]] const Owner* begin() const noexcept { return reinterpret_cast<const Owner*>(storage_); }
  [[nodiscard]] const Owner* end() const noexcept { return begin() + size_; }
  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] bool empty() const noexcept { return size_ == 0; }
  void clear() noexcept { size_ = 0; }
  [[nodiscard]] bool contains(ThreadId thread) const noexcept {
    for (const Owner& owner : *this) if (owner.thread == thread) return true;
    return false;
  }

 private:
  static_assert(std::is_trivially_copyable_v<Owner> && std::is_trivially_destructible_v<Owner>);
  alignas(Owner) unsigned char storage_[kCapacity * sizeof(Owner)];
  std::size_t size_ = 0;
};

class KernelObject {
 public:
  KernelObject() = default;
  virtual ~KernelObject() = default;
  KernelObject(const KernelObject&) = delete;
  KernelObject& operator=(const KernelObject&) = delete;

  [[nodiscard]] virtual const char* typeName() const noexcept = 0;
  // Threads that hold the object and would have to release it for a waiter to proceed.
  virtual void owners(OwnerList& out) const { (void)out; }
  // The same threads as a set, bit t for thread t (threads are fewer than 64): what properties
  // read after every step. Override it where owners() is costly to build.
  [[nodiscard]] virtual std::uint64_t ownerMask() const noexcept {
    OwnerList list;
    owners(list);
    std::uint64_t threads = 0;
    for (const Owner& owner : list) threads |= std::uint64_t{1} << owner.thread;
    return threads;
  }
  // Whether the object is a lock: its acquisition order matters and a thread must release
  // it before it ends. False for references that another thread may release (rundown).
  [[nodiscard]] virtual bool isLock() const noexcept { return true; }
  // What Windows itself does when `thread` ends still owning the object (a KMUTEX: bug check
  // THREAD_TERMINATE_HELD_MUTEX), reported before the region checks; nullopt: the generic check.
  // Asked only of an object `thread` owns (in ownerMask()): an exit owning nothing skips it.
  [[nodiscard]] virtual std::optional<Violation> heldAtExit(const Thread& thread) const {
    (void)thread;
    return std::nullopt;
  }
  // What a waiter in `mode` is waiting for, in the kernel's words ("exclusive", ...).
  [[nodiscard]] virtual const char* waitModeName(std::uint8_t mode) const noexcept {
    (void)mode;
    return "wait";
  }

  [[nodiscard]] const std::string& name() const noexcept { return *name_; }
  [[nodiscard]] ObjectId id() const noexcept { return id_; }
  [[nodiscard]] WaitQueue& waiters() noexcept { return waiters_; }
  [[nodiscard]] const WaitQueue& waiters() const noexcept { return waiters_; }

  // Called once by the execution that owns the object; `name` is the execution's, and lives
  // as long as the object does (names are kept by place between executions).
  void attach(ObjectId id, const std::string& name) noexcept {
    id_ = id;
    name_ = &name;
  }

 private:
  static inline const std::string kUnnamed;
  const std::string* name_ = &kUnnamed;
  ObjectId id_ = kNoObject;
  WaitQueue waiters_;
};

}  // namespace interlock
