#include "interlock/core/Thread.hpp"

#include <algorithm>

namespace interlock {

void Thread::queueApc(std::uint16_t apc, ApcKind kind) noexcept {
  if (apcCount_ == apcQueue_.size()) return;  // each declared APC is queued at most once
  std::size_t at = apcCount_;
  if (kind == ApcKind::Special)
    at = static_cast<std::size_t>(std::find_if(apcQueue_.begin(), apcQueue_.begin() + apcCount_,
                                               [](const QueuedApc& q) { return q.kind == ApcKind::Normal; }) -
                                  apcQueue_.begin());
  std::move_backward(apcQueue_.begin() + static_cast<std::ptrdiff_t>(at), apcQueue_.begin() + apcCount_,
                     apcQueue_.begin() + apcCount_ + 1);
  apcQueue_[at] = QueuedApc{apc, kind};
  ++apcCount_;
}

std::uint16_t Thread::deliverableApc() const noexcept {
  for (std::size_t i = 0; i < apcCount_; ++i) {
    const QueuedApc& queued = apcQueue_[i];
    if (queued.kind == ApcKind::Special ? canTakeSpecialKernelApc() : canTakeNormalKernelApc())
      return queued.apc;
  }
  return kNoApc;
}

void Thread::dequeueApc(std::uint16_t apc) noexcept {
  const auto end = apcQueue_.begin() + apcCount_;
  const auto found = std::find_if(apcQueue_.begin(), end, [apc](const QueuedApc& q) { return q.apc == apc; });
  if (found == end) return;
  std::move(found + 1, end, found);
  --apcCount_;
}

}  // namespace interlock
