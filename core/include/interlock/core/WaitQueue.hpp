#pragma once
// The one blocking mechanism: a FIFO of wait blocks, intrusive so queueing allocates
// nothing. Every primitive blocks through it (Relacy's waitset, Boost.Fiber's
// wait_queue), so the checker sees every waiter in one shape.
#include <cstddef>
#include <cstdint>

namespace interlock {

class Thread;
class KernelObject;

struct WaitBlock {
  Thread* thread = nullptr;
  KernelObject* object = nullptr;
  std::uint8_t mode = 0;   // primitive-defined, e.g. exclusive or shared request
  bool queued = false;
  bool satisfied = false;  // set by whoever hands the object over
  WaitBlock* next = nullptr;
  WaitBlock* prev = nullptr;
};

class WaitQueue {
 public:
  void pushBack(WaitBlock& block) noexcept;
  void remove(WaitBlock& block) noexcept;
  [[nodiscard]] WaitBlock* front() const noexcept { return head_; }
  [[nodiscard]] bool empty() const noexcept { return head_ == nullptr; }
  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] std::size_t count(std::uint8_t mode) const noexcept;
  // The index-th block with `mode` in FIFO order, or nullptr.
  [[nodiscard]] WaitBlock* nth(std::uint8_t mode, std::size_t index) const noexcept;
  void clear() noexcept;

  template <typename Visit>
  void forEach(Visit&& visit) const {
    for (WaitBlock* block = head_; block != nullptr;) {
      WaitBlock* next = block->next;  // visit may remove the block
      visit(*block);
      block = next;
    }
  }

 private:
  WaitBlock* head_ = nullptr;
  WaitBlock* tail_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace interlock
