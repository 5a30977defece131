#pragma once
// Pooled, guard-paged fiber stacks: a fiber's stack is reused across executions so
// starting a thread costs no mmap after warm-up. An Execution is built over one.
#include <cstddef>
#include <vector>

namespace interlock {

// One stack: `sp` is its top (stacks grow down), `size` the usable bytes below it.
struct FiberStack {
  void* sp = nullptr;
  std::size_t size = 0;
};

class StackPool {
 public:
  static constexpr std::size_t kDefaultStackSize = 256 * 1024;

  explicit StackPool(std::size_t stackSize = kDefaultStackSize);
  ~StackPool();
  StackPool(const StackPool&) = delete;
  StackPool& operator=(const StackPool&) = delete;

  [[nodiscard]] FiberStack allocate();
  void deallocate(const FiberStack& stack) noexcept;

  [[nodiscard]] std::size_t stackSize() const noexcept { return stackSize_; }
  [[nodiscard]] std::size_t mapped() const noexcept { return mapped_; }

 private:
  std::size_t stackSize_;
  std::size_t pageSize_;
  std::size_t mapped_ = 0;
  std::vector<void*> free_;  // lowest address (guard page) of each idle mapping
};

}  // namespace interlock
