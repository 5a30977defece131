#pragma once
// A count per thread id (how often each thread holds a lock shared) that costs nothing to make
// or to clear: a mask says which threads have a count, and only their entries are ever read.
// A setup builds and initializes its locks in every execution; zeroing 64 counts was most of it.
#include "interlock/core/Ids.hpp"

#include <array>
#include <cstddef>
#include <cstdint>

namespace interlock::wdm {

class PerThreadCounts {
 public:
  static constexpr std::size_t kThreads = 64;  // the execution's thread limit

  PerThreadCounts() noexcept {}  // NOLINT(modernize-use-equals-default): the table stays unset

  [[nodiscard]] std::uint32_t operator[](ThreadId thread) const noexcept {
    return has(thread) ? counts_[thread] : 0;
  }
  [[nodiscard]] bool has(ThreadId thread) const noexcept { return ((mask_ >> thread) & 1) != 0; }
  [[nodiscard]] bool empty() const noexcept { return mask_ == 0; }
  // The threads with a count, bit t for thread t.
  [[nodiscard]] std::uint64_t mask() const noexcept { return mask_; }
  // The lowest thread id with a count, kNoThread if none.
  [[nodiscard]] ThreadId first() const noexcept {
    return mask_ == 0 ? kNoThread : static_cast<ThreadId>(__builtin_ctzll(mask_));
  }

  // Adds one to the thread's count; true if it had none.
  bool increment(ThreadId thread) noexcept {
    if (has(thread)) {
      ++counts_[thread];
      return false;
    }
    mask_ |= bit(thread);
    counts_[thread] = 1;
    return true;
  }
  // Takes one from the thread's count, which it must have; true if it has none now.
  bool decrement(ThreadId thread) noexcept {
    if (--counts_[thread] != 0) return false;
    mask_ &= ~bit(thread);
    return true;
  }
  void set(ThreadId thread, std::uint32_t count) noexcept {
    if (count == 0) {
      mask_ &= ~bit(thread);
      return;
    }
    mask_ |= bit(thread);
    counts_[thread] = count;
  }
  void clear() noexcept { mask_ = 0; }

  // f(thread, count) for each thread with a count, in id order.
  template <typename F>
  void forEach(F&& f) const {
    for (std::uint64_t left = mask_; left != 0; left &= left - 1) {
      const auto thread = static_cast<ThreadId>(__builtin_ctzll(left));
      f(thread, counts_[thread]);
    }
  }

 private:
  static std::uint64_t bit(ThreadId thread) noexcept { return std::uint64_t{1} << thread; }

  std::uint64_t mask_ = 0;
  std::array<std::uint32_t, kThreads> counts_;  // entry t is set while bit t of mask_ is
};

}  // namespace interlock::wdm
