#pragma once
// What the processors' DPC queues share in one run (kernel-rules.md §11): the instances queued
// and not finished, by ticket, and the threads in KeFlushQueuedDpcs waiting for them.
#include "interlock/core/Execution.hpp"
#include "interlock/core/KernelObject.hpp"

#include <array>
#include <cstdint>

namespace interlock::wdm::detail {

class DpcQueues final : public interlock::KernelObject {
 public:
  [[nodiscard]] const char* typeName() const noexcept override { return "DPC queues"; }
  [[nodiscard]] bool isLock() const noexcept override { return false; }

  // The run's (made on first use).
  [[nodiscard]] static DpcQueues& of(Execution& execution);
  // A new queued instance: its ticket.
  [[nodiscard]] std::uint32_t queue();
  // Ran or removed: flushers waiting only for instances up to theirs go on.
  void finish(std::uint32_t ticket);
  [[nodiscard]] std::uint32_t lastTicket() const noexcept { return next_ - 1; }
  // Every instance up to `ticket` has finished.
  [[nodiscard]] bool finishedUpTo(std::uint32_t ticket) const noexcept;
  std::array<std::uint32_t, 64> flushTicket{};  // by thread id: what its KeFlushQueuedDpcs waits for

 private:
  std::uint32_t next_ = 1;
  std::array<std::uint32_t, 64> unfinished_{};
  std::size_t count_ = 0;
};

// The thread a DPC or ISR context interrupted (§19: its "current thread"): a live thread of its
// processor, the lowest id first; on an idle processor, or for a thread, the context itself.
[[nodiscard]] const Thread& interruptedThread(const Execution& execution, const Thread& context);

}  // namespace interlock::wdm::detail
