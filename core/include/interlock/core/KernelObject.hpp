#pragma once
// Base of every modelled object: a name, an id, its waiters, and a generic ownership
// view that properties read without knowing the object's type.
#include "interlock/core/Ids.hpp"
#include "interlock/core/Violation.hpp"
#include "interlock/core/WaitQueue.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace interlock {

struct Owner {
  ThreadId thread = kNoThread;
  bool exclusive = true;
  std::uint32_t count = 1;  // recursion count
};

// Fixed capacity: reading the view allocates nothing.
class OwnerList {
 public:
  static constexpr std::size_t kCapacity = 32;
  void add(const Owner& owner) noexcept {
    if (size_ < kCapacity) owners_[size_++] = owner;
  }
  [[nodiscard]] const Owner* begin() const noexcept { return owners_.data(); }
  [[nodiscard]] const Owner* end() const noexcept { return owners_.data() + size_; }
  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] bool empty() const noexcept { return size_ == 0; }
  void clear() noexcept { size_ = 0; }  // keeps the storage: reuse costs nothing
  [[nodiscard]] bool contains(ThreadId thread) const noexcept {
    for (const Owner& owner : *this) if (owner.thread == thread) return true;
    return false;
  }

 private:
  std::array<Owner, kCapacity> owners_{};
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
  // Whether the object is a lock: its acquisition order matters and a thread must release
  // it before it ends. False for references that another thread may release (rundown).
  [[nodiscard]] virtual bool isLock() const noexcept { return true; }
  // What Windows itself does when `thread` ends still owning the object (a KMUTEX: bug check
  // THREAD_TERMINATE_HELD_MUTEX), reported before the region checks; nullopt: the generic check.
  [[nodiscard]] virtual std::optional<Violation> heldAtExit(const Thread& thread) const {
    (void)thread;
    return std::nullopt;
  }
  // What a waiter in `mode` is waiting for, in the kernel's words ("exclusive", ...).
  [[nodiscard]] virtual const char* waitModeName(std::uint8_t mode) const noexcept {
    (void)mode;
    return "wait";
  }

  [[nodiscard]] const std::string& name() const noexcept { return name_; }
  [[nodiscard]] ObjectId id() const noexcept { return id_; }
  [[nodiscard]] WaitQueue& waiters() noexcept { return waiters_; }
  [[nodiscard]] const WaitQueue& waiters() const noexcept { return waiters_; }

  // Called once by the execution that owns the object.
  void attach(ObjectId id, std::string name) {
    id_ = id;
    name_ = std::move(name);
  }

 private:
  std::string name_;
  ObjectId id_ = kNoObject;
  WaitQueue waiters_;
};

}  // namespace interlock
