#pragma once
// Pooled, guard-paged fiber stacks: a fiber's stack is reused across executions so
// starting a thread costs no mmap after warm-up.
#include <boost/context/stack_context.hpp>

#include <cstddef>
#include <vector>

namespace interlock {

class StackPool {
 public:
  static constexpr std::size_t kDefaultStackSize = 256 * 1024;

  explicit StackPool(std::size_t stackSize = kDefaultStackSize);
  ~StackPool();
  StackPool(const StackPool&) = delete;
  StackPool& operator=(const StackPool&) = delete;

  [[nodiscard]] boost::context::stack_context allocate();
  void deallocate(boost::context::stack_context& stack) noexcept;

  [[nodiscard]] std::size_t stackSize() const noexcept { return stackSize_; }
  [[nodiscard]] std::size_t mapped() const noexcept { return mapped_; }

 private:
  std::size_t stackSize_;
  std::size_t pageSize_;
  std::size_t mapped_ = 0;
  std::vector<void*> free_;  // lowest address (guard page) of each idle mapping
};

}  // namespace interlock
