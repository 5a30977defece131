#include "interlock/core/WaitQueue.hpp"

namespace interlock {

void WaitQueue::pushBack(WaitBlock& block) noexcept {
  block.next = nullptr;
  block.prev = tail_;
  if (tail_ != nullptr) tail_->next = &block; else head_ = &block;
  tail_ = &block;
  block.queued = true;
  ++size_;
}

void WaitQueue::remove(WaitBlock& block) noexcept {
  if (!block.queued) return;
  if (block.prev != nullptr) block.prev->next = block.next; else head_ = block.next;
  if (block.next != nullptr) block.next->prev = block.prev; else tail_ = block.prev;
  block.next = block.prev = nullptr;
  block.queued = false;
  --size_;
}

std::size_t WaitQueue::count(std::uint8_t mode) const noexcept {
  std::size_t n = 0;
  for (WaitBlock* block = head_; block != nullptr; block = block->next) n += block->mode == mode;
  return n;
}

WaitBlock* WaitQueue::nth(std::uint8_t mode, std::size_t index) const noexcept {
  for (WaitBlock* block = head_; block != nullptr; block = block->next) {
    if (block->mode != mode) continue;
    if (index == 0) return block;
    --index;
  }
  return nullptr;
}

void WaitQueue::clear() noexcept {
  while (head_ != nullptr) remove(*head_);
}

}  // namespace interlock
